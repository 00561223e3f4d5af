"""A number printed between two columns of section 三 (a table without ruling lines): the 勾稽 rules pick its column.

The reader doubts both cells the number may belong to (``COLUMN_DOUBT``). Every way of putting each such number in
one of its two cells is tried; when exactly one way leaves those cells out of every failing rule (R1–R3; a rule
failing elsewhere in the table, or needing a cell not read, says nothing about them), the numbers go there and the
cells are confirmed ('placed_by_rules'); otherwise they stay uncertain and are named. A number is never changed,
only placed.
"""

from __future__ import annotations

import itertools

from dashboard.catalogue.codes import APPLICATION_COLUMNS as _COLS
from dashboard.catalogue.labels import column_label, row_label
from dashboard.checks.model import UNKNOWN_FLAGS
from dashboard.parse import checksum
from dashboard.parse.result import Builder
from dashboard.readers.model import COLUMN_DOUBT


def _pairs(b: Builder) -> list[tuple[str, str, str]]:
    """(row, left column, right column) of each number the reader placed between two columns."""
    out: list[tuple[str, str, str]] = []
    if COLUMN_DOUBT not in b.notes.values():
        return out  # no cell carries the reader's between-columns note (most reports): no cell to look at
    for row, cells in b.tables["applications"].items():
        doubted = [c for c in _COLS if b.flags.get(f"applications.{row}.{c}") == "uncertain"
                   and b.notes.get(f"applications.{row}.{c}") == COLUMN_DOUBT]
        k = 0
        while k + 1 < len(doubted):
            a, c = doubted[k], doubted[k + 1]
            if _COLS.index(c) == _COLS.index(a) + 1 and (cells[a] is None) != (cells[c] is None):
                out.append((row, a, c))
                k += 2
            else:
                k += 1
    return out


def settle_doubtful_columns(b: Builder) -> None:
    """Place numbers printed between two columns where only one placement satisfies the rules; else name them."""
    pairs = _pairs(b)
    if not pairs:
        return
    keys = [f"applications.{r}.{c}" for r, a, c2 in pairs for c in (a, c2)]
    table = b.tables["applications"]
    unknown = {k: v for k, v in b.flags.items() if k.startswith("applications.") and v in UNKNOWN_FLAGS
               and k not in keys}
    good: list[tuple[int, ...]] = []
    if 2 ** len(pairs) <= checksum.MAX_COMBINATIONS:
        for pick in itertools.product((0, 1), repeat=len(pairs)):
            trial = {row: dict(cells) for row, cells in table.items()}
            for (row, a, c), side in zip(pairs, pick, strict=True):
                value = table[row][a] if table[row][a] is not None else table[row][c]
                trial[row][a], trial[row][c] = (value, None) if side == 0 else (None, value)
            if not checksum.failing_cells(trial, unknown) & set(keys):
                good.append(pick)
    names = "、".join(f"「{row_label('applications', r)}」{column_label('applications', a)}或"
                     f"{column_label('applications', c)}" for r, a, c in pairs)
    if len(good) != 1:
        b.problem("column_uncertain", "warning",
                  f"第三部分有数字印在两列之间，勾稽关系无法确定其所在列，未采信（请核对）：{names}",
                  f"section 三: numbers printed between two columns; the rules cannot tell their column: {names}",
                  keys)
        return
    for (row, a, c), side in zip(pairs, good[0], strict=True):
        src = a if table[row][a] is not None else c
        to, blank = (a, c) if side == 0 else (c, a)
        value, printed = table[row][src], b.printed.get(f"applications.{row}.{src}", "")
        table[row][to], table[row][blank] = value, None
        b.printed[f"applications.{row}.{to}"], b.printed[f"applications.{row}.{blank}"] = printed, ""
        b.flags[f"applications.{row}.{to}"] = "placed_by_rules"
        b.flags[f"applications.{row}.{blank}"] = "blank"
        for col in (a, c):
            b.notes.pop(f"applications.{row}.{col}", None)
    b.problem("placed_by_rules", "info",
              f"第三部分有数字印在两列之间：只有一种放法使涉及这些格的勾稽关系成立，已按此放入（{names}）",
              f"section 三: numbers printed between two columns; exactly one placement satisfies the rules on them: "
              f"{names}",
              keys)
