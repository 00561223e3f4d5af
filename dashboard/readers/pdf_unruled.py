"""Tables printed without ruling lines (a Word table with borders off): the grid from the alignment of glyphs.

Rows are the printed lines whose right part is a run of numbers set apart by wide gaps. Column bands are the
x-ranges those numbers share across the rows of one table (numbers are centred or right-aligned in their column,
so the same column's numbers overlap); the header's glyphs above the numbers name the columns, split two columns
whose numbers touch, and add a column no row prints a number in (pdf_unruled_header). Each row's numbers are put in
the column they sit in, so a blank cell is a blank in its own column instead of the next number sliding left into
it; a number that sits between two columns is placed by its middle and both cells are marked doubtful
(``Table.doubts``), never placed silently. A row's label is the cell text centred on its numbers, however many
lines it wraps over (pdf_unruled_cells); a label centred on no row spans several rows, belongs to the one row whose
numbers it covers (a cell set at its top or bottom), or is the label of a row printed blank (_labels). A table
continued at the top of the next page keeps the columns of the page before (Carry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.readers.model import COLUMN_DOUBT, Table
from dashboard.readers.pdf_page import Char
from dashboard.readers.pdf_text import line_text
from dashboard.readers.pdf_unruled_cells import CELL_GAP, LINE_GAP, Stack, pieces_of, split_on_rows, stacks_of
from dashboard.readers.pdf_unruled_header import Column, Header, columns_from, explains, read_header, set_refs

GAP = 0.8  # a gap wider than this many character heights separates two cells of a row
_NUMERIC = re.compile(r"^[+\-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$|^[-—–/／]$")
_CJK_END = re.compile(r"[\u4e00-\u9fff)）]")
MAX_LABEL_LINES = 30  # label-only lines (labels wrapped over lines, rows printed blank) that may sit between two rows
MAX_HEADER_LINES = 16  # lines of a header (narrow header cells wrapped a few characters a line)
AMBIGUOUS = 0.35  # a number this share of the way from where its column's numbers sit to the next's is doubtful
DOUBT_SHARED = "两个数字落在同一列中，无法分开（请核对）"


@dataclass
class Token:
    """Characters of one line between wide gaps."""

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
    def numeric(self) -> bool:
        return bool(_NUMERIC.match(self.text))


def tokens(line: list[Char]) -> list[Token]:
    """The line cut at gaps wider than GAP character heights, and where a number is set apart from what precedes it
    by a cell's padding ("…稳定” 0", "151 3") or follows a label closely ("…政府信息公开0")."""
    out: list[Token] = []
    for ch in line:
        if out:
            prev = out[-1].chars[-1]
            gap = ch.x0 - prev.x1
            size = max(prev.size, ch.size)
            if gap <= GAP * size and not (gap > CELL_GAP * size and (ch.text.isdigit() or prev.text.isdigit())):
                out[-1].chars.append(ch)
                continue
        out.append(Token([ch]))
    split: list[Token] = []
    for t in out:
        k = len(t.chars)
        while k > 0 and t.chars[k - 1].text.isdigit():
            k -= 1
        if 0 < k < len(t.chars) and _CJK_END.match(t.chars[k - 1].text):
            split.extend([Token(t.chars[:k]), Token(t.chars[k:])])
        else:
            split.append(t)
    return split


def _values(toks: list[Token]) -> list[Token] | None:
    """The trailing numbers of a row (at least two with digits: "- 4 -" is a page number), or None when the line is
    not a table row."""
    k = len(toks)
    while k > 0 and toks[k - 1].numeric:
        k -= 1
    vals = toks[k:]
    return vals if sum(1 for t in vals if any(c.text.isdigit() for c in t.chars)) >= 2 else None


def _bands(rows: list[list[Token]]) -> list[tuple[float, float, int]]:
    """Column x-ranges: the union of overlapping number boxes across the rows, with how many numbers each holds."""
    spans = sorted((t.x0, t.x1) for vals in rows for t in vals)
    bands: list[list[float]] = []
    for a, b in spans:
        if bands and a <= bands[-1][1] + 0.5:
            bands[-1][1] = max(bands[-1][1], b)
            bands[-1][2] += 1
        else:
            bands.append([a, b, 1])
    return [(a, b, int(n)) for a, b, n in bands]


def _size(line: list[Char]) -> float:
    return max(c.size for c in line)


class _Page:
    """The lines of one page with their tokens and trailing numbers."""

    def __init__(self, lines: list[list[Char]]) -> None:
        self.lines = lines
        self.toks = [tokens(line) for line in lines]
        self.vals = [_values(t) for t in self.toks]

    def top(self, k: int) -> float:
        return min(c.top for c in self.lines[k])

    def bottom(self, k: int) -> float:
        return max(c.bottom for c in self.lines[k])

    def label_only(self, k: int, left: float) -> bool:
        """Line k is text left of the numbers only (a piece of a wrapped label)."""
        return self.vals[k] is None and all(t.x1 < left for t in self.toks[k])

    def run(self, i: int) -> list[int]:
        """The value lines of one table from line i on: label-only lines may sit between them."""
        run = [i]
        left = min(t.x0 for t in self.vals[i])  # type: ignore[union-attr]
        j, between = i + 1, 0
        while j < len(self.lines) and between <= MAX_LABEL_LINES:
            vals = self.vals[j]
            if vals is not None:
                run.append(j)
                left = min(left, min(t.x0 for t in vals))
                between = 0
            elif self.label_only(j, left):
                between += 1
            else:
                break
            j += 1
        return run

    def above(self, first: int, floor: int, left: float) -> list[int]:
        """Lines above the first row that may hold its header or the top of its label, nearest first."""
        out: list[int] = []
        k = first - 1
        while k >= floor and len(out) < MAX_HEADER_LINES:
            size = _size(self.lines[k])
            if any(t.numeric for t in self.toks[k]) or any(t.x0 < left - size and t.x1 > left + size
                                                             for t in self.toks[k]):
                break  # a row of numbers or a line of running text
            below = self.top(out[-1]) if out else self.top(first)
            if below - self.bottom(k) > 4 * size:
                break
            out.append(k)
            k -= 1
        return out

    def below(self, last: int, left: float) -> list[int]:
        """Label-only lines under the last row (the rest of its wrapped label)."""
        out: list[int] = []
        k = last + 1
        while k < len(self.lines) and len(out) < 4 and self.label_only(k, left):
            prev = out[-1] if out else last
            if self.top(k) - self.bottom(prev) > 2 * _size(self.lines[k]):
                break
            out.append(k)
            k += 1
        return out


@dataclass
class Carry:
    """The columns of the last borderless table read, for its continuation at the top of the next page."""

    columns: list[Column] | None = None


def unruled_tables(lines: list[list[Char]], carry: Carry | None = None) -> list[tuple[list[int], Table]]:
    """Runs of number rows as grids: (indices of the lines used, table); other lines stay text.

    ``carry`` passes the columns of a page's last table to the next page, where a table that starts without a
    header of its own continues it (a column blank in every row there still has its place).
    """
    page = _Page(lines)
    carry = carry if carry is not None else Carry()
    carried, carry.columns = carry.columns, None  # only the page right after a table continues it
    out: list[tuple[list[int], Table]] = []
    i, floor = 0, 0
    while i < len(lines):
        if page.vals[i] is None:
            i += 1
            continue
        run = page.run(i)
        i = run[-1] + 1
        built = _table(page, run, floor, carried if not out else None)
        if built is not None:
            out.append((built[0], built[1]))
            floor = max(built[0]) + 1
            carry.columns = built[2]
    return out


def _continues(bands: list[tuple[float, float, int]], columns: list[Column] | None) -> bool:
    """The bands fit the carried columns: each lies in one column, but for one lone number between two columns."""
    if not columns:
        return False
    hits = [sum(1 for c in columns if c.x0 - 0.5 <= (a + b) / 2 <= c.x1 + 0.5) for a, b, _ in bands]
    between = [(a + b) / 2 for h, (a, b, n) in zip(hits, bands, strict=True) if h == 0 and n == 1]
    if any(h > 1 for h in hits) or sum(1 for h in hits if h == 0) > len(between) or len(between) > 1:
        return False
    return sum(hits) >= 2 and all(columns[0].x1 < x < columns[-1].x0 for x in between)


def _table(page: _Page, run: list[int], floor: int,
           carried: list[Column] | None) -> tuple[list[int], Table, list[Column]] | None:
    """The grid of one run of value lines with its header and labels; None when the numbers make no grid."""
    vals = {k: page.vals[k] for k in run}
    bands = _bands(list(vals.values()))  # type: ignore[arg-type]
    left = bands[0][0]
    size = _size(page.lines[run[0]])
    above = page.above(run[0], floor, left)
    below = page.below(run[-1], left)
    body = [k for k in range(run[0], run[-1] + 1)] + below
    # Header glyphs: over the numbers' side of the lines above; the rest of those lines is label text.
    header_chars = [c for k in above for c in page.lines[k] if c.cx >= left - 0.5 * size]
    header = read_header(header_chars) if header_chars else Header()
    if not explains(bands, header) and _continues(bands, carried):
        columns = carried  # the table goes on from the page before, without its header
        left = min(left, carried[0].x0)  # type: ignore[index]
    else:
        columns = columns_from(bands, header)
    if len(columns) < 2:  # type: ignore[arg-type]
        return None
    set_refs(columns, [(t.x0 + t.x1) / 2 for k in run for t in vals[k]])  # type: ignore[arg-type, union-attr]
    label_chars = {k: [c for c in page.lines[k] if c.x1 <= left - 0.2 * size and not (k in vals and _in_values(c, vals[k]))]
                   for k in [*above, *body]}
    centres = [_middle(vals[k]) for k in run]  # type: ignore[arg-type]
    header_bottom = max((c.bottom for c in header_chars), default=None) if explains(bands, header) else None
    own, blank, label_lines = _labels(label_chars, centres, header_bottom)
    entries: list[tuple[float, list[str], list[str], dict[int, str]]] = []
    for r, k in enumerate(run):
        # Anything else printed on the numbers' side of the row goes in its column too, never dropped.
        stray = [t for t in page.toks[k] if t not in vals[k] and t.x1 > left - 0.2 * size]  # type: ignore[operator]
        cells, row_doubts = _place([*stray, *vals[k]], columns)  # type: ignore[misc]
        entries.append((centres[r], [s.text for s in sorted(own[r], key=lambda s: s.x0)], cells, row_doubts))
    for part in blank:  # a row printed with every cell blank: its label alone
        entries.append((part.cy, [part.text], ["" for _ in columns], {}))
    entries.sort(key=lambda e: e[0])
    rows = [labels + cells for _, labels, cells, _ in entries]
    doubts = {(r, len(labels) + c): why for r, (_, labels, _, row_doubts) in enumerate(entries)
              for c, why in row_doubts.items()}
    first_header = [k for k in above if any(c.cx >= left - 0.5 * size for c in page.lines[k])]
    head_rows, head_lines = _header_rows(header, columns, first_header, above, label_chars, label_lines)
    width = max(len(r) for r in [*rows, *head_rows])
    pad = [width - len(r) for r in rows]
    table = Table(rows=[[""] * (width - len(r)) + r for r in [*head_rows, *rows]])
    table.doubts = {(r + len(head_rows), c + pad[r]): why for (r, c), why in doubts.items()}
    # Label text placed on no row stays text (a line of it is taken only when some of it was placed).
    used = set(run) | label_lines | head_lines
    return sorted(used), table, columns  # type: ignore[return-value]


def _labels(label_chars: dict[int, list[Char]], centres: list[float], header_bottom: float | None
            ) -> tuple[dict[int, list[Stack]], list[Stack], set[int]]:
    """Label cells: each row's own, and the labels of rows printed blank; the lines they take.

    A label centred on a row is that row's. One centred on no row is, in turn: a label spanning rows when another
    label stands beside it on its right, as each row it reaches has its own (kept on the row nearest its middle,
    left of that row's own); the label of
    the one row without a label whose numbers it covers (a cell padded with an empty line is not quite centred);
    else the label of a row printed with every cell blank — only when it lies between two rows' numbers and does
    not touch a row's label above or below (a piece of that label the alignment missed, or the labels of several
    rows run together, are left as text rather than made a blank row). Below the
    last row nothing is taken (a heading may follow); above the first row only what is under a header.
    """
    own: dict[int, list[Stack]] = {r: [] for r in range(len(centres))}
    blank: list[Stack] = []
    lines: set[int] = set()
    line_of = {id(c): k for k, chars in label_chars.items() for c in chars}
    all_pieces = pieces_of([c for chars in label_chars.values() for c in chars])
    unplaced: list[Stack] = []
    for stack in stacks_of(all_pieces):
        for r, part in split_on_rows(stack, centres):
            if r is None:
                unplaced.append(part)
            else:
                own[r].append(part)
    for part in unplaced:
        inside = centres[0] < part.cy < centres[-1]
        beside = any(p.x0 >= part.x1 and p.top < part.bottom and p.bottom > part.top for p in all_pieces)
        over = [r for r, y in enumerate(centres) if part.top <= y <= part.bottom]
        covered = [r for r in over if not any(s.x1 > part.x0 and s.x0 < part.x1 for s in own[r])]
        if beside and inside and all(any(s.x0 >= part.x1 for s in own[r]) for r in over):
            own[min(range(len(centres)), key=lambda r: abs(centres[r] - part.cy))].append(part)
        elif not beside and len(covered) == 1:
            own[covered[0]].append(part)
        elif not beside and (inside or (header_bottom is not None and header_bottom <= part.top < centres[0])) \
                and not over and not _touches(part, [s for parts in own.values() for s in parts]):
            blank.append(part)
    for r, parts in own.items():
        # Labels beside which other label text stands unplaced, and nothing of the row's own: group labels over a
        # row whose own label was not found. Alone they would name the row after its group ((六)其他处理).
        if parts and all(any(p.x0 >= s.x1 and p.top < s.bottom and p.bottom > s.top for p in all_pieces)
                         and not any(o.x0 >= s.x1 for o in parts) for s in parts):
            own[r] = []
    for part in [*blank, *(s for parts in own.values() for s in parts)]:
        lines.update(line_of[id(c)] for p in part.pieces for c in p.chars)
    return own, blank, lines


def _touches(part: Stack, placed: list[Stack]) -> bool:
    """The part lies right above or below a placed label it overlaps across (one line's spacing apart)."""
    size = max(p.size for p in part.pieces)
    return any(s.x0 < part.x1 and s.x1 > part.x0 and (abs(s.top - part.bottom) <= LINE_GAP * size
                                                      or abs(part.top - s.bottom) <= LINE_GAP * size)
               for s in placed)


def _in_values(c: Char, vals: list[Token]) -> bool:
    return any(c in t.chars for t in vals)


def _middle(vals: list[Token]) -> float:
    chars = [c for t in vals for c in t.chars]
    return sum(c.cy for c in chars) / len(chars)


def _place(vals: list[Token], columns: list[Column]) -> tuple[list[str], dict[int, str]]:
    """A row's numbers in their columns (the column whose numbers sit nearest); the doubtful cells, with why."""
    cells = ["" for _ in columns]
    doubts: dict[int, str] = {}
    for t in vals:
        mid = (t.x0 + t.x1) / 2
        near = sorted(range(len(columns)), key=lambda c: abs(mid - columns[c].ref))
        c = near[0]
        if len(near) > 1:
            d1, d2 = abs(mid - columns[c].ref), abs(mid - columns[near[1]].ref)
            if d1 > AMBIGUOUS * (d1 + d2):
                doubts[c] = doubts[near[1]] = COLUMN_DOUBT
        if cells[c]:
            doubts[c] = DOUBT_SHARED
        cells[c] = (cells[c] + " " + t.text).strip()
    return cells, doubts


def _header_rows(header: Header, columns: list[Column], header_lines: list[int], above: list[int],
                 label_chars: dict[int, list[Char]], label_lines: set[int]) -> tuple[list[list[str]], set[int]]:
    """Rows of the header: one per group header, then the columns' own names; the lines they take."""
    if not header_lines or not any(c.header for c in columns):
        return [], set()
    top = min(header_lines)
    lines = {k for k in above if k >= top}
    # Label text beside the header (a note such as 本列数据的勾稽关系为…) is the header's first label cell.
    note = "".join(line_text(label_chars[k]) for k in sorted(lines) if k not in label_lines and label_chars.get(k))
    rows: list[list[str]] = []
    for g in header.groups:  # at the column nearest its middle: how many columns it spans is not printed
        near = min(range(len(columns)), key=lambda c: abs(columns[c].cx - g.cx))
        rows.append(["", *(g.text if c == near else "" for c in range(len(columns)))])
    rows.append([note, *(col.header for col in columns)])
    return rows, lines
