"""The column header of a borderless table: its glyphs above the numbers give the columns and their names.

A header can have two levels (自然人 │ 法人或其他组织 over 商业企业 … 其他 │ 总计): a piece that spans two or more
cells side by side is a group header over them; every other piece belongs to a column cell, and the pieces of one
column cell (a narrow header wrapped as 商业/企业) stack up. A column cell is a column of the table even where no
row prints a number in it (every cell blank), and two columns whose numbers overlap on the page are told apart by
their header cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.readers.pdf_page import Char
from dashboard.readers.pdf_unruled_cells import Piece, Stack, pieces_of

OVERLAP = 0.3  # pieces of one column cell overlap by at least this share of the narrower one


@dataclass
class Column:
    """A column of numbers: its x-range and its header cell's text ('' without a header)."""

    x0: float
    x1: float
    header: str = ""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Header:
    """Header cells found above a table: column cells left to right and group headers (top to bottom)."""

    columns: list[Stack] = field(default_factory=list)
    groups: list[Piece] = field(default_factory=list)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def read_header(chars: list[Char]) -> Header:
    """Column cells and group headers from the header's glyphs (those over the numbers' side of the table)."""
    ps = pieces_of(chars)
    groups: list[Piece] = []
    leaves: list[Piece] = []
    for p in ps:
        under = [q for q in ps if q is not p and q.x1 - q.x0 < p.x1 - p.x0 and _overlap(p.x0, p.x1, q.x0, q.x1) > 0]
        side_by_side = any(_overlap(a.x0, a.x1, b.x0, b.x1) <= 0 for a in under for b in under)
        (groups if side_by_side else leaves).append(p)
    cells: list[list[Piece]] = []
    for p in sorted(leaves, key=lambda p: p.x0):
        for cell in cells:
            if any(_overlap(p.x0, p.x1, q.x0, q.x1) >= OVERLAP * min(p.x1 - p.x0, q.x1 - q.x0) for q in cell):
                cell.append(p)
                break
        else:
            cells.append([p])
    stacks = [Stack(sorted(c, key=lambda p: (round(p.top), p.x0))) for c in cells]
    return Header(sorted(stacks, key=lambda s: s.x0), sorted(groups, key=lambda p: p.top))


def columns_from(bands: list[tuple[float, float]], header: Header) -> list[Column]:
    """The table's columns: the numbers' bands, split where a band holds two header cells, and header cells over
    no number added (a column left blank in every row)."""
    out: list[Column] = []
    cells = header.columns
    for a, b in bands:
        over = [s for s in cells if _overlap(a, b, s.x0, s.x1) > 0]
        if len(over) <= 1:
            out.append(Column(a, b, over[0].text if over else ""))
            continue
        # Numbers of two columns touch on the page: their header cells set the columns apart.
        for k, s in enumerate(over):
            lo = a if k == 0 else (over[k - 1].x1 + s.x0) / 2
            hi = b if k == len(over) - 1 else (s.x1 + over[k + 1].x0) / 2
            out.append(Column(lo, hi, s.text))
    if bands:
        lo, hi = bands[0][0], bands[-1][1]
        for s in cells:
            inside = lo - (s.x1 - s.x0) <= s.cx <= hi + (s.x1 - s.x0)
            if inside and not any(_overlap(c.x0, c.x1, s.x0, s.x1) > 0 for c in out):
                out.append(Column(s.x0, s.x1, s.text))
    return sorted(out, key=lambda c: c.x0)
