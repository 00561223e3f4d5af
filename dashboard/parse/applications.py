"""Section 三: claims by label, then value rows without a label placed by row order between labelled ones."""

from __future__ import annotations

import itertools
import math
import re
from functools import lru_cache

from dashboard.catalogue import codes
from dashboard.parse import checksum
from dashboard.parse.doubtful_columns import settle_doubtful_columns
from dashboard.parse.result import Builder, rows_zh
from dashboard.parse.rows import Row
from dashboard.parse.tables import Claim, Scan, continuation, join_rows, values_for

_COLS = codes.APPLICATION_COLUMNS
_LAYOUT_2021_ONLY = {"other_no_correction", "other_no_fee", "other_misc"}


def detect_layout(found: Scan, template: str | None) -> str | None:
    """Which （六） rows section 三 prints: '2021' (three sub-rows) or '2019' (one row)."""
    claimed = {c.code for kind, c in found.app_events if kind == "anchor" and isinstance(c, Claim)}
    if claimed & _LAYOUT_2021_ONLY:
        return "2021"
    if "other" in claimed:
        return "2019"
    # No row was read: the printed labels still tell which （六） rows the table has.
    text = "|".join(found.labels["applications"])
    if re.search(r"不补正|缴纳费用|收费通知", text):
        return "2021"
    if "其他处理" in text:
        return "2019"
    return template


def _join_split_rows(events: list[tuple[str, Claim | Row]]) -> list[tuple[str, Claim | Row]]:
    """A labelled row whose numbers continue on following label-less lines, joined when the count is exactly 7.

    The join is confirmed by the rules later (R2 for the row, R1/R3 for the table); until then it is 'joined'.
    """
    out: list[tuple[str, Claim | Row]] = []
    i = 0
    while i < len(events):
        kind, ev = events[i]
        if kind == "orphan" and isinstance(ev, Row) and 0 < len(ev.written()) < len(_COLS):
            # Numbers with no label at all, continuing over several lines: one value row when they make exactly 7.
            rest = [e for k, e in events[i + 1:i + 8] if k == "orphan"]
            rest = rest[:next((j for j, (k, _) in enumerate(events[i + 1:i + 8]) if k != "orphan"), len(rest))]
            n = continuation(ev, rest, len(_COLS))  # type: ignore[arg-type]
            if n:
                out.append(("orphan", join_rows(ev, rest[:n])))  # type: ignore[arg-type]
                i += 1 + n
                continue
        if kind == "anchor" and isinstance(ev, Claim) and i + 1 < len(events) and events[i + 1][0] == "orphan":
            following: list[Row] = []
            for k2, e2 in events[i + 1:i + 8]:
                if k2 != "orphan":
                    break
                assert isinstance(e2, Row)
                following.append(e2)
            n = continuation(ev.row, following, len(_COLS))
            if n:
                # A label line and the one line of its numbers is what placing by order would do anyway
                # ('joined_line'); numbers assembled from several fragments are a stronger assumption ('joined').
                how = "joined_line" if n == 1 and not ev.row.values else "joined"
                ev = Claim(ev.code, join_rows(ev.row, following[:n]), {}, how)
                out.append((kind, ev))
                i += 1 + n
                continue
        out.append((kind, ev))
        i += 1
    return out


def _claims_in_order(found: Scan, b: Builder) -> tuple[dict[str, Claim], list[tuple[str, Claim | Row]]]:
    """Keep one claim per code (a wrapped label's second half is a continuation, not a second row)."""
    claims: dict[str, Claim] = {}
    events: list[tuple[str, Claim | Row]] = []
    for kind, ev in _join_split_rows(found.app_events):
        if kind == "orphan":
            events.append((kind, ev))
            continue
        assert isinstance(ev, Claim)
        old = claims.get(ev.code)
        if old is None:
            claims[ev.code] = ev
            events.append((kind, ev))
        elif not old.row.has_numbers and ev.row.has_numbers:
            claims[ev.code] = ev  # the label's first line carried no numbers; its continuation does
            events = [e for e in events if e[1] is not old] + [(kind, ev)]
        elif ev.row.has_numbers:
            b.problem("duplicate_row", "warning",
                      f"第三部分“{ev.row.label_text}”再次出现且有数字，取第一次",
                      f"section 三 row '{ev.row.label_text}' appears again with numbers; the first is kept")
    return claims, events


def _place_orphans(events: list[tuple[str, Claim | Row]], claims: dict[str, Claim], order: list[str],
                   b: Builder) -> list[list[str]]:
    """Label-less value rows placed on the missing rows between two labelled ones; returns the segments placed."""
    index = {code: i for i, code in enumerate(order)}
    segments: list[list[str]] = []
    pending: list[tuple[list[Row], list[str]]] = []
    run: list[Row] = []
    prev = -1
    for kind, ev in [*events, ("end", None)]:
        if kind == "orphan":
            assert isinstance(ev, Row)
            if ev.trimmed(len(_COLS)) is not None:
                run.append(ev)
            else:
                b.problem("stray_numbers", "info", f"第三部分有一行数字无法对应到表格行（{len(ev.values)} 个数）：已忽略",
                          f"section 三: a line of {len(ev.values)} numbers fits no row; ignored")
            continue
        if kind == "anchor" and isinstance(ev, Claim) and not ev.row.values:
            continue  # a label line without numbers: its numbers may be among the orphans, placed by order
        nxt = len(order) if kind == "end" else index.get(ev.code, -1) if isinstance(ev, Claim) else -1
        if kind == "anchor" and nxt < 0:
            continue
        if run:
            gap = [c for c in order[prev + 1:nxt] if c not in claims or not claims[c].row.values] if nxt > prev else []
            if len(gap) == len(run):
                for code, row in zip(gap, run, strict=True):
                    claims[code] = Claim(code, row, {}, "placed_by_order")
                segments.append(list(gap))
                b.problem("placed_by_order", "warning",
                          f"第三部分有 {len(run)} 行数字与其标签分离，按表格行序放入：{rows_zh('applications', gap)}（请核对）",
                          f"section 三: {len(run)} value rows were separated from their labels and placed by the "
                          f"format's row order: {', '.join(gap)} (please verify)",
                          [f"applications.{c}" for c in gap])
            elif len(run) > len(gap) > 0 and len(run) <= 10:
                pending.append((list(run), gap))  # more value rows than missing rows: the rules may pick them
            else:
                _unplaced(run, gap, b)
            run = []
        if nxt >= 0:
            prev = max(prev, nxt)
    if len(pending) == 1:
        _place_by_rules(*pending[0], claims, order, b)
    else:
        for extra, gap in pending:
            _unplaced(extra, gap, b)
    return segments


def _unplaced(run: list[Row], gap: list[str], b: Builder) -> None:
    b.problem("unplaced_rows", "error",
              f"第三部分有 {len(run)} 行数字没有标签，而此处缺少 {len(gap)} 行，无法确定对应关系，未读取",
              f"section 三: {len(run)} value rows without labels where {len(gap)} rows are missing; "
              "they cannot be placed and were not read", [f"applications.{c}" for c in gap])


def _place_by_rules(run: list[Row], gap: list[str], claims: dict[str, Claim], order: list[str], b: Builder) -> None:
    """More label-less value rows than missing rows: keep the one choice (in printed order) the rules allow."""
    fixed: dict[str, tuple] = {}
    for code, claim in claims.items():
        cells = values_for(claim, _COLS) if claim.row.values else None
        if cells is not None and code in order:
            fixed[code] = tuple(cells)
    unknown = [c for c in order if c not in fixed and c not in gap]
    options = []
    # Every assignment of the value rows to the missing rows — in printed order or not: the rules must rule out
    # the swaps too, since R3 adds the outcome rows in any order.
    if math.perm(len(run), len(gap)) > _MAX_PLACEMENTS:
        _unplaced(run, gap, b)
        return
    for pick in itertools.permutations(range(len(run)), len(gap)):
        cells = {code: tuple(run[i].trimmed(len(_COLS)) or ()) for code, i in zip(gap, pick, strict=True)}
        table = {c: dict(zip(_COLS, (v.value for v in cs), strict=True)) for c, cs in {**fixed, **cells}.items()}
        if not unknown and checksum.rules_hold(table, None):
            options.append((cells, pick))
    chosen = checksum.unique(o[0] for o in options)
    if chosen is None:
        _unplaced(run, gap, b)
        return
    pick = next(p for c, p in options if c == chosen)
    for code, i in zip(gap, pick, strict=True):
        claims[code] = Claim(code, run[i], {}, "placed_by_rules")
    keys = [f"applications.{c}.{col}" for c in gap for col in _COLS]
    b.problem("placed_by_rules", "info",
              f"第三部分有 {len(run)} 行无标签的数字、缺少 {len(gap)} 行：只有一种放法使勾稽关系全部成立，已放入"
              f"{rows_zh('applications', gap)}，其余 {len(run) - len(gap)} 行忽略",
              f"section 三: {len(run)} label-less value rows for {len(gap)} missing rows; exactly one placement in "
              f"printed order satisfies every rule: {', '.join(gap)}", keys)


_MAX_PLACEMENTS = 720


def _other_order_holds(table: dict[str, dict], movable: list[str]) -> bool:
    """True when the rows in `movable`, put in another order that changes some cell, still satisfy every rule."""
    rows = [tuple(table[c].items()) for c in movable]
    if len(set(rows)) < 2:
        return False  # identical rows: every order gives the same cells
    if math.factorial(len(rows)) > _MAX_PLACEMENTS:
        return True  # too many orders to rule out: not confirmed
    for perm in set(itertools.permutations(rows)):
        if perm == tuple(rows):
            continue
        if checksum.rules_hold({**table, **{c: dict(r) for c, r in zip(movable, perm, strict=True)}}, None):
            return True
    return False


@lru_cache(maxsize=64)
def _cell_keys(code: str) -> tuple[str, ...]:
    return tuple(f"applications.{code}.{col}" for col in _COLS)


def _confirm_by_rules(claims: dict[str, Claim], order: list[str], b: Builder, segments: list[list[str]]) -> None:
    """Rows placed by order or joined from split lines: confirmed when every applicable rule holds on the table."""
    placed = [c for c in order if c in claims and claims[c].how in ("placed_by_order", "joined", "joined_line")]
    if not placed:
        return
    table = b.tables["applications"]
    unknown = [c for c in order if any(b.flags.get(key) in ("missing", "unreadable") for key in _cell_keys(c))]
    known = {c: table[c] for c in order if c in table and c not in unknown}
    keys = [f"applications.{c}.{col}" for c in placed for col in _COLS]
    # The rules must reach every placed row: R2 always does; R1/R3 only when no row they need is unknown. Rows
    # placed by order are confirmed only if no other order of them also satisfies the rules (R3 cannot tell two
    # outcome rows apart: 不掌握 4 / 另行制作 6 swapped add up the same).
    if not unknown and checksum.rules_hold(known, None):
        # Another order is possible only within one run of separated rows: the labelled rows around it fix the rest.
        doubtful = {c for seg in segments if _other_order_holds(known, [c for c in seg if c in placed]) for c in seg}
        if doubtful:
            placed = [c for c in placed if c not in doubtful]
            keys = [f"applications.{c}.{col}" for c in placed for col in _COLS]
            if not placed:
                return
        for key in keys:
            if b.flags.get(key) in ("placed_by_order", "joined", "joined_line"):
                b.flags[key] = "placed_by_rules"
        b.problem("placed_by_rules", "info",
                  f"第三部分 {rows_zh('applications', placed)} 的数字与标签分离或分行，按行序放入后勾稽关系全部成立，已确认",
                  f"section 三 rows {', '.join(placed)} were placed by order or joined from split lines; "
                  "every rule holds, so the placement is confirmed", keys)
        b.problems = [p for p in b.problems if p.code != "placed_by_order" or not set(p.cells) <= set(
            f"applications.{c}" for c in placed)]
        return
    joined = [c for c in placed if claims[c].how == "joined"]
    by_line = [c for c in placed if claims[c].how == "joined_line"]
    for key in keys:
        if b.flags.get(key) == "joined_line":
            b.flags[key] = "placed_by_order"
    if by_line:
        b.problem("placed_by_order", "warning",
                  f"第三部分 {rows_zh('applications', by_line)} 的数字在标签的下一行，按行放入，但勾稽关系无法确认（请核对）",
                  f"section 三 rows {', '.join(by_line)}: the numbers are on the line after the label; placed there, "
                  "but the rules cannot confirm it", [f"applications.{c}" for c in by_line])
    for key in keys:
        if b.flags.get(key) == "joined":  # lines joined by count alone, not confirmed: not read rather than guessed
            _, row, col = key.split(".")
            b.tables["applications"][row][col] = None
            b.printed.pop(key, None)
            b.flags[key] = "unreadable"
    if joined:
        b.problem("row_unreadable", "error",
                  f"第三部分 {rows_zh('applications', joined)} 的数字分在几行，按列数可以合并，但勾稽关系无法确认，未读取（请核对）",
                  f"section 三 rows {', '.join(joined)} are split over lines; the rules cannot confirm the join; not read",
                  [f"applications.{c}.{col}" for c in joined for col in _COLS])


def fill_applications(found: Scan, layout: str, b: Builder) -> None:
    """Every row of the layout with its seven columns; what cannot be read is null, flagged and reported."""
    order = codes.application_rows(layout)
    claims, events = _claims_in_order(found, b)
    for code in list(claims):
        if code not in order:
            b.problem("row_not_in_layout", "warning",
                      f"第三部分的“{claims[code].row.label_text}”不属于此版格式，未读取",
                      f"section 三 row '{claims[code].row.label_text}' does not belong to the {layout} layout; not read")
            del claims[code]
    segments = _place_orphans(events, claims, order, b)
    for code in [c for c, cl in claims.items() if cl.row.source == "line" and not cl.row.values]:
        del claims[code]  # a label line whose numbers were never found: the row is missing, as before
    missing: list[str] = []
    for code in order:
        claim = claims.get(code)
        cells = values_for(claim, _COLS) if claim else None
        if claim and cells is None:
            b.problem("row_unreadable", "error",
                      f"第三部分“{claim.row.label_text}”有 {len(claim.row.values)} 个数值格，应为 7 个，无法确定各列",
                      f"section 三 row '{claim.row.label_text}' has {len(claim.row.values)} value cells, expected 7",
                      [f"applications.{code}"])
        if claim is None:
            missing.append(code)
        if cells:
            b.put_row("applications", code, _COLS, cells, claim.how if claim and claim.how != "label" else None)
        else:
            b.put_unread("applications", code, _COLS, "unreadable" if claim else "missing")
        if claim and claim.how == "fuzzy_label":
            b.problem("fuzzy_label", "info", f"第三部分“{claim.row.label_text}”按近似标签识别为 {code}",
                      f"section 三 row '{claim.row.label_text}' matched {code} approximately", [f"applications.{code}"])
    _confirm_by_rules(claims, order, b, segments)
    settle_doubtful_columns(b)
    if missing:
        b.problem("rows_missing", "error" if len(missing) > 3 else "warning",
                  f"第三部分缺少以下行：{rows_zh('applications', missing)}", f"section 三 rows not found: {', '.join(missing)}",
                  [f"applications.{c}" for c in missing])
