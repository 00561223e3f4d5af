"""The column header of a borderless table: its glyphs above the numbers give the columns and their names.

A header can have two levels (自然人 │ 法人或其他组织 over 商业企业 … 其他 │ 总计): a piece that spans two or more
cells side by side is a group header over them; every other piece belongs to a column cell, and the pieces of one
column cell (a narrow header wrapped as 商业/企业) stack up. A column cell is a column of the table even where no
row prints a number in it (every cell blank); two columns whose numbers touch on the page, or a number set off
towards the next column, are told apart by the header cells, never by counting numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.readers.pdf_page import Char
from dashboard.readers.pdf_unruled_cells import Piece, Stack, pieces_of

OVERLAP = 0.3  # pieces of one column cell overlap by at least this share of the narrower one


@dataclass
class Column:
    """A column of numbers: its x-range, its header cell's text ('' without a header) and where its numbers sit
    (``ref``: the middle its numbers share, or its header's middle when no row prints a number in it)."""

    x0: float
    x1: float
    header: str = ""
    ref: float = 0.0

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


def columns_from(bands: list[tuple[float, float, int]], header: Header) -> list[Column]:
    """The table's columns from the numbers' bands (x0, x1, how many numbers) and the header's column cells.

    Without a header (or with one that does not name every shared band), each band is a column. With one, each header cell is a column, widened to the bands under it;
    a band under two header cells (numbers of two columns touching on the page) is split between them; a band under
    none is a column of its own only when numbers of several rows share it — a lone number between two header
    cells is placed by its middle (and doubted), not given a column.
    """
    cells = header.columns
    if not cells or not explains(bands, header):
        return [Column(a, b) for a, b, _ in bands]
    out = [Column(s.x0, s.x1, s.text) for s in cells]
    for a, b, n in bands:
        over = [k for k, s in enumerate(cells) if _overlap(a, b, s.x0, s.x1) > 0]
        if len(over) == 1:
            col = out[over[0]]
            col.x0, col.x1 = min(col.x0, a), max(col.x1, b)
        elif not over and n >= 2:
            out.append(Column(a, b))
    return sorted(out, key=lambda c: c.x0)


def explains(bands: list[tuple[float, float, int]], header: Header) -> bool:
    """The header names every column that numbers of several rows share (a header cut by a page break does not)."""
    return bool(header.columns) and all(any(_overlap(a, b, s.x0, s.x1) > 0 for s in header.columns)
                                        for a, b, n in bands if n >= 2)


def set_refs(columns: list[Column], middles: list[float]) -> None:
    """Each column's ``ref``: the median middle of the numbers inside it, else its own middle."""
    for col in columns:
        inside = sorted(m for m in middles if col.x0 <= m <= col.x1)
        col.ref = inside[len(inside) // 2] if inside else col.cx
