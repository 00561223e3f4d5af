"""The text of a borderless table's cells: glyphs grouped into cell lines, cell lines into cells.

Without ruling lines a cell is only where its glyphs sit. One line of one cell is a *piece*: glyphs on one baseline
that touch (the cell padding parts two cells of a row). A cell's text is a *stack*: pieces one below the other,
sharing their middle (centred), their start (left-aligned) or their end (right-aligned). A row's own label stack is
centred on the row's numbers when cells are vertically centred, which is how a label wrapped over several lines
finds its row; stacks of tight-packed rows that run together are cut row by row (split_on_rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.readers.pdf_page import Box, Char
from dashboard.readers.pdf_text import join_wrapped, line_text

CELL_GAP = 0.2  # a gap wider than this many character heights parts two cells (glyphs of one word touch)
LINE_GAP = 1.2  # two lines of one cell lie at most this many character heights apart (paragraph spacing too)
CENTRED = 0.5  # a stack is centred on a row when its middle is this many character heights from the row's numbers


@dataclass
class Piece(Box):
    """One line of one cell: glyphs on one baseline that touch."""

    chars: list[Char]

    @property
    def text(self) -> str:
        return line_text(self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)

    @property
    def size(self) -> float:
        return max(c.size for c in self.chars)



def pieces_of(chars: list[Char]) -> list[Piece]:
    """Glyphs cut into pieces: same baseline (centre within a quarter height) and gaps narrower than CELL_GAP."""
    out: list[Piece] = []
    for ch in sorted(chars, key=lambda c: c.x0):
        for p in reversed(out):
            last = p.chars[-1]
            size = max(last.size, ch.size)
            if abs(last.cy - ch.cy) <= 0.25 * size and -0.3 * size <= ch.x0 - last.x1 <= CELL_GAP * size:
                p.chars.append(ch)
                break
        else:
            out.append(Piece([ch]))
    return out


@dataclass
class Stack(Box):
    """Pieces of one cell, top to bottom."""

    pieces: list[Piece]

    @property
    def text(self) -> str:
        return join_wrapped([p.text for p in self.pieces])

    @property
    def x0(self) -> float:
        return min(p.x0 for p in self.pieces)

    @property
    def x1(self) -> float:
        return max(p.x1 for p in self.pieces)

    @property
    def top(self) -> float:
        return self.pieces[0].top

    @property
    def bottom(self) -> float:
        return self.pieces[-1].bottom



def _aligned(upper: Piece, lower: Piece) -> bool:
    """The lower piece goes on the upper one's cell: close below it, sharing its middle, its start or its end."""
    size = max(upper.size, lower.size)
    if not -0.3 * size <= lower.top - upper.bottom <= LINE_GAP * size:
        return False
    return (abs(upper.cx - lower.cx) <= size or abs(upper.x0 - lower.x0) <= 0.5 * size
            or abs(upper.x1 - lower.x1) <= 0.5 * size)


def stacks_of(pieces: list[Piece]) -> list[Stack]:
    """Pieces chained into stacks, each piece under the nearest aligned piece just above it."""
    out: list[Stack] = []
    for p in sorted(pieces, key=lambda p: (p.top, p.x0)):
        open_ = [s for s in out if _aligned(s.pieces[-1], p)]
        if open_:
            min(open_, key=lambda s: abs(s.pieces[-1].cx - p.cx)).pieces.append(p)
        else:
            out.append(Stack([p]))
    return out


def split_on_rows(stack: Stack, centres: list[float]) -> list[tuple[int | None, Stack]]:
    """The stack as the label of the row it is centred on (row index), or of none (None: a label spanning rows).

    Rows packed tight let one row's last label line touch the next row's first (and a note in the header touch the
    first row's label): a stack centred on no row is cut into consecutive parts when every part is then centred on
    a row of its own — but for text above the first row or below the last — placing the most lines in the fewest
    parts (two at least: one row's label with text left over is a label cut by a page break).
    """
    ps = stack.pieces
    n = len(ps)
    size = max(p.size for p in ps)

    def row_for(i: int, j: int) -> int | None:
        """The row pieces i..j-1 are centred on; a cell never reaches the middle of the rows beside it."""
        mid = (ps[i].top + ps[j - 1].bottom) / 2
        r = min(range(len(centres)), key=lambda r: abs(centres[r] - mid), default=None)
        if r is None or abs(centres[r] - mid) > CENTRED * size:
            return None
        if (r > 0 and ps[i].top <= centres[r - 1]) or (r + 1 < len(centres) and ps[j - 1].bottom >= centres[r + 1]):
            return None
        return r

    whole = row_for(0, n)
    if whole is not None or n == 1 or not centres:
        return [(whole, stack)]

    def cut(lo: int, hi: int) -> list[tuple[int, int]] | None:
        """The fewest parts of pieces lo..hi-1, each centred on a row below the part before: (end, row)."""
        best: list[list[tuple[int, int]] | None] = [None] * (hi - lo) + [[]]
        for i in range(hi - 1, lo - 1, -1):
            for j in range(i + 1, hi + 1):
                r = row_for(i, j)
                rest = best[j - lo]
                if r is None or rest is None or (rest and rest[0][1] <= r):
                    continue
                if best[i - lo] is None or len(rest) + 1 < len(best[i - lo]):  # type: ignore[arg-type]
                    best[i - lo] = [(j, r), *rest]
        return best[0]

    heads = [a for a in range(n) if a == 0 or ps[a - 1].bottom < centres[0]]  # text above the first row left out
    tails = [b for b in range(n) if b == 0 or ps[n - b].top > centres[-1]]  # text below the last row left out
    chosen: tuple[int, int, list[tuple[int, int]]] | None = None
    for a in heads:
        for b in tails:
            if a + b >= n:
                continue
            parts = cut(a, n - b)
            # Two rows at least: one row's label with text left over is a label cut by a page break, not a run.
            if parts and len(parts) >= 2 and (chosen is None or (n - a - b, -len(parts)) > (n - chosen[0] - chosen[1], -len(chosen[2]))):
                chosen = (a, b, parts)
    if chosen is None:
        return [(None, stack)]
    a, b, parts = chosen
    out: list[tuple[int | None, Stack]] = [(None, Stack(ps[:a]))] if a else []
    start = a
    for end, r in parts:
        out.append((r, Stack(ps[start:end])))
        start = end
    if b:
        out.append((None, Stack(ps[n - b:])))
    return out
