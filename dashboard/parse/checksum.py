"""The 勾稽 rules as a checksum: choose among the few placements of printed numbers that a layout allows.

A placement is kept only when it is the *unique* one (by the values it gives) under which every applicable rule of
R1–R5 holds; several or none leave the cells uncertain. The rules are the checks' own code (dashboard/checks), run
on a small report made of the candidate cells — a printed number is never changed, only placed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from dashboard.catalogue.codes import APPLICATION_COLUMNS as _APP_COLUMNS
from dashboard.checks import r1_carry_balance, r2_applicant_total, r3_outcome_total, r4_appeal_total
from dashboard.checks.model import CheckContext, flattened_reports
from dashboard.parse.normalize import CellValue, is_placeholder

_CTX = CheckContext()
MAX_COMBINATIONS = 4096  # beyond this many joint placements the layout does not "allow a few": stay uncertain
_MAX_SPLITS = 5000
_TOKEN = re.compile(r"[+\-]?\d[\d.]*|[^\d\s]+")

Cells = tuple[CellValue, ...]


class _TooMany(Exception):
    """More readings than can be told apart."""


def _part(text: str, kind: str) -> CellValue | None:
    """One printed cell cut from a run, or None when the format could not print it (R5: integers ≥ 0 …)."""
    sign = ""
    if text[0] in "+-":
        sign, text = text[0], text[1:]
        if kind != "signed" or not text:
            return None
    if not text or text[0] == "." or text[-1] == ".":
        return None
    if "." in text:
        if kind != "amount" or text.count(".") > 1 or (len(text.split(".")[0]) > 1 and text[0] == "0"):
            return None
        value: int | float = float(text)
    else:
        if len(text) > 1 and text[0] == "0":
            return None  # nobody prints 05
        value = int(text)
    return CellValue(-value if sign == "-" else value, sign + text)


def _split_token(tok: str, k: int, kinds: Sequence[str]) -> list[list[CellValue]]:
    """Every way to cut one digit token into k printed cells of the given kinds."""
    if k == 1:
        cell = _part(tok, kinds[0])
        return [[cell]] if cell else []
    out: list[list[CellValue]] = []
    start = 1 if tok[0] not in "+-" else 2
    for i in range(start, len(tok) - k + 2):
        head = _part(tok[:i], kinds[0])
        if head is None:
            continue
        for rest in _split_token(tok[i:], k - 1, kinds[1:]):
            out.append([head, *rest])
            if len(out) > _MAX_SPLITS:
                raise _TooMany
    return out


def splits(run: str, kinds: Sequence[str]) -> list[Cells]:
    """Every reading of a run of glued value text ('5100006', '12 -39', '1—0') as len(kinds) printed cells.

    kinds: per column 'count' (integer ≥ 0), 'signed' (integer, may be negative) or 'amount' (decimal ≥ 0).
    Placeholders (—, /, 无) are cells of their own; whitespace separates cells; digits glued together are cut only
    where the result is a number the format could print.
    """
    tokens = _TOKEN.findall(run)
    n = len(kinds)
    out: list[Cells] = []

    def walk(t: int, col: int, acc: list[CellValue]) -> None:
        if len(out) > _MAX_SPLITS:
            raise _TooMany
        if t == len(tokens):
            if col == n:
                out.append(tuple(acc))
            return
        tok = tokens[t]
        if not tok[-1].isdigit() and not (tok[0] in "+-" and len(tok) > 1):
            if col < n and is_placeholder(tok):
                walk(t + 1, col + 1, [*acc, CellValue(None, tok, "placeholder")])
            return
        digits = len(tok.replace(".", "").lstrip("+-"))
        for k in range(1, min(digits, n - col - (len(tokens) - t - 1)) + 1):
            for parts in _split_token(tok, k, kinds[col:col + k]):
                walk(t + 1, col + k, [*acc, *parts])

    try:
        if tokens:
            walk(0, 0, [])
    except _TooMany:
        return []  # too many readings to choose among: none is chosen
    return out


def total_splits(run: str, n: int, group: int) -> list[Cells] | None:
    """Readings of a run of glued digits as n counts where every `group`-th cell is the sum of the group before it
    (R2: seven columns, 总计 last; R4: three groups of five) — built directly, not filtered from every split.

    None when the run is not plain digits (spaces, placeholders): then `splits` and a filter are used instead.
    """
    if not run.isdigit() or n % group:
        return None
    out: list[Cells] = []

    def walk(pos: int, col: int, acc: int, cells: list[CellValue]) -> None:
        if len(out) > _MAX_SPLITS:
            raise _TooMany
        left = n - col
        if left == 0:
            if pos == len(run):
                out.append(tuple(cells))
            return
        if len(run) - pos < left:
            return
        if col % group == group - 1:  # the group's total: its digits are fixed by the sum so far
            t = str(acc)
            if run.startswith(t, pos):
                walk(pos + len(t), col + 1, 0, [*cells, CellValue(acc, t)])
            return
        for end in range(pos + 1, len(run) - (left - 1) + 1):
            piece = run[pos:end]
            if len(piece) > 1 and piece[0] == "0":
                break  # nobody prints 05
            walk(end, col + 1, acc + int(piece), [*cells, CellValue(int(piece), piece)])

    try:
        walk(0, 0, 0, [])
    except _TooMany:
        return []
    return out


def _num(cell: CellValue) -> float:
    return float(cell.value) if cell.value is not None else 0.0


def _table(rows: dict[str, Cells], columns: Sequence[str]) -> dict[str, dict[str, int | float | None]]:
    return {code: {c: cell.value for c, cell in zip(columns, cells, strict=True)} for code, cells in rows.items()}


def rules_hold(applications: dict[str, dict] | None = None, appeals: dict[str, dict] | None = None,
               unknown: Sequence[str] = ()) -> bool:
    """True when no rule of R1–R4 fails on these tables; a rule needing an `unknown` row (not read) does not apply."""
    flags: dict[str, str] = {}
    if unknown:
        applications = dict(applications or {})
        for code in unknown:
            applications[code] = dict.fromkeys(_APP_COLUMNS)
            flags.update({f"applications.{code}.{c}": "missing" for c in _APP_COLUMNS})
    rep = {"applications": applications or {}, "appeals": appeals or {}, "cell_flags": flags}
    rules = (r1_carry_balance, r2_applicant_total, r3_outcome_total) if applications else ()
    rules += (r4_appeal_total,) if appeals else ()
    with flattened_reports():  # the rules read the candidate's cells once, not once per rule and column
        return not any(rule.check(rep, _CTX) for rule in rules)


def failing_cells(applications: dict[str, dict], flags: dict[str, str]) -> set[str]:
    """The cells named by a failing rule of R1–R3 on table 三 (cells flagged in ``flags`` count as not read)."""
    rep = {"applications": applications, "appeals": {}, "cell_flags": flags}
    with flattened_reports():
        return {c for rule in (r1_carry_balance, r2_applicant_total, r3_outcome_total)
                for f in rule.check(rep, _CTX) for c in f.cells}


def row_total_holds(cells: Cells, columns: Sequence[str]) -> bool:
    """R2 for one row of section 三: its 总计 column is the sum of the six applicant columns."""
    # A quick sum first (thousands of readings may be tried); the rule's own code has the last word.
    if sum(_num(c) for c in cells[:-1]) != _num(cells[-1]):
        return False
    return rules_hold({"row": _table({"row": cells}, columns)["row"]})


def unique(options: Iterable[dict[str, Cells]]) -> dict[str, Cells] | None:
    """The one option, when all options give the same values (two identical placements are one); else None."""
    seen: dict[tuple, dict[str, Cells]] = {}
    for opt in options:
        key = tuple(sorted((code, tuple(c.value for c in cells)) for code, cells in opt.items()))
        seen.setdefault(key, opt)
        if len(seen) > 1:
            return None
    return next(iter(seen.values())) if seen else None


def choose(fixed: dict[str, Cells], choices: dict[str, list[Cells]], columns: Sequence[str],
           table: str = "applications", unknown: Sequence[str] = ()) -> dict[str, Cells] | None:
    """The unique joint choice of one reading per row in `choices` under which the rules hold with `fixed`.

    None when no choice or several (differing) choices satisfy every applicable rule, or too many to try.
    """
    codes = list(choices)
    total = 1
    for code in codes:
        total *= max(len(choices[code]), 1)
    if not codes or total > MAX_COMBINATIONS or any(not choices[c] for c in codes):
        return None
    base = _table(fixed, columns)

    def ok(combo: tuple[Cells, ...]) -> bool:
        tbl = {**base, **_table(dict(zip(codes, combo, strict=True)), columns)}
        return rules_hold(tbl, None, unknown) if table == "applications" else rules_hold(None, tbl)

    good = (dict(zip(codes, combo, strict=True)) for combo in itertools.product(*(choices[c] for c in codes))
            if ok(combo))
    return unique(good)
