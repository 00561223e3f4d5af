"""Tables printed without ruling lines (a Word table with borders off): the grid from the alignment of glyphs.

Rows are the printed lines whose right part is a run of numbers set apart by wide gaps. Column bands are the
x-ranges those numbers share across the rows of one table (numbers are centred or right-aligned in their column,
so the same column's numbers overlap). Each row's numbers are then put in the band they sit in, so a blank cell is a
blank in its own column instead of the next number sliding left into it. A row's label is the text before its
numbers, with the line just above joined to it when that line is a wrapped label without numbers of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.readers.model import Table
from dashboard.readers.pdf_page import Char
from dashboard.readers.pdf_text import line_text

GAP = 0.8  # a gap wider than this many character heights separates two cells of a row
_NUMERIC = re.compile(r"^[+\-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$|^[-—–/／]$")
_OPEN_LABEL = re.compile(r"[、，,（(]$|^[（(][一二三四五六七八九十]+[)）][^)）]*$")
_CJK_END = re.compile(r"[\u4e00-\u9fff)）]")
FULL = 0.9  # a label line reaching this share of the widest label is wrapped: its text goes on in the next line


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
    """The line cut at gaps wider than GAP character heights, and where a number follows a label closely."""
    out: list[Token] = []
    for ch in line:
        if out:
            prev = out[-1].chars[-1]
            if ch.x0 - prev.x1 <= GAP * max(prev.size, ch.size):
                out[-1].chars.append(ch)
                continue
        out.append(Token([ch]))
    split: list[Token] = []
    for t in out:
        # "…政府信息公开0": a long label runs up to the first number column.
        k = len(t.chars)
        while k > 0 and t.chars[k - 1].text.isdigit():
            k -= 1
        if 0 < k < len(t.chars) and _CJK_END.match(t.chars[k - 1].text):
            split.extend([Token(t.chars[:k]), Token(t.chars[k:])])
        else:
            split.append(t)
    return split


def _values(toks: list[Token]) -> list[Token] | None:
    """The trailing numbers of a row (at least two), or None when the line is not a table row."""
    k = len(toks)
    while k > 0 and toks[k - 1].numeric:
        k -= 1
    vals = toks[k:]
    return vals if len(vals) >= 2 else None


def _bands(rows: list[list[Token]]) -> list[tuple[float, float]]:
    """Column x-ranges: the union of overlapping number boxes across the rows."""
    spans = sorted((t.x0, t.x1) for vals in rows for t in vals)
    bands: list[list[float]] = []
    for a, b in spans:
        if bands and a <= bands[-1][1] + 0.5:
            bands[-1][1] = max(bands[-1][1], b)
        else:
            bands.append([a, b])
    return [(a, b) for a, b in bands]


def unruled_tables(lines: list[list[Char]]) -> list[tuple[list[int], Table]]:
    """Runs of number rows as grids: (indices of the lines used, table); other lines stay text."""
    toks = [tokens(line) for line in lines]
    vals = [_values(t) for t in toks]
    out: list[tuple[list[int], Table]] = []
    i = 0
    while i < len(lines):
        if vals[i] is None:
            i += 1
            continue
        run = [i]
        j = i + 1
        gap = 0
        while j < len(lines) and gap <= 3:  # a few label-only lines (wrapped labels) may sit between rows
            if vals[j] is not None:
                run.append(j)
                gap = 0
            else:
                gap += 1
            j += 1
        i = run[-1] + 1
        bands = _bands([vals[k] for k in run])  # type: ignore[misc]
        if len(bands) < 2:
            continue
        if any(sum(1 for a, b in bands if t.x0 <= b + 0.5 and t.x1 >= a - 0.5) != 1 for k in run for t in vals[k]):
            continue  # a number straddles two columns: the alignment does not make a grid
        used: list[int] = []
        rows: list[list[str]] = []
        label_right = max((t.x1 for k in range(run[0], run[-1] + 1) for t in toks[k] if t.x1 < bands[0][0]), default=0.0)

        def wrapped_part(k: int, last: Token, before: bool, used: list[int] = used,
                         bands: list[tuple[float, float]] = bands, label_right: float = label_right) -> bool:
            """Line k is a piece of the label ``last`` wrapped over two lines."""
            if k < 0 or k >= len(lines) or k in used or vals[k] is not None or not toks[k]:
                return False
            t = toks[k][-1]
            size = last.chars[0].size
            # Left-aligned labels share their start, centred ones their middle.
            aligned = abs(t.x0 - last.x0) <= size or abs((t.x0 + t.x1) - (last.x0 + last.x1)) <= 2 * size
            if t.x1 >= bands[0][0] or not aligned:
                return False
            full = (t if before else last).x1 >= FULL * label_right
            return full or (before and bool(_OPEN_LABEL.search(t.text)))

        for k in run:
            label_toks = toks[k][: len(toks[k]) - len(vals[k])]  # type: ignore[arg-type]
            labels = [t.text for t in label_toks]
            if label_toks:
                last = label_toks[-1]
                # Other pieces on a wrapped line are the group label beside it ("（六）其"): kept as labels.
                if wrapped_part(k - 1, last, before=True):
                    labels = [t.text for t in toks[k - 1][:-1]] + labels
                    labels[-1] = toks[k - 1][-1].text + labels[-1]
                    used.append(k - 1)
                if wrapped_part(k + 1, last, before=False):
                    labels = labels[:-1] + [t.text for t in toks[k + 1][:-1]] + [labels[-1] + toks[k + 1][-1].text]
                    used.append(k + 1)
            cells = ["" for _ in bands]
            for t in vals[k]:  # type: ignore[union-attr]
                c = next(c for c, (a, b) in enumerate(bands) if t.x0 <= b + 0.5 and t.x1 >= a - 0.5)
                cells[c] = (cells[c] + " " + t.text).strip()
            rows.append(labels + cells)
            used.append(k)
        width = max(len(r) for r in rows)
        rows = [[""] * (width - len(r)) + r if len(r) < width else r for r in rows]
        out.append((sorted(used), Table(rows=rows)))
    return out
