"""Characters into text: lines by position, words joined the way Chinese print joins them."""

from __future__ import annotations

from dashboard.readers.pdf_page import Char


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%")


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Cluster characters into lines (top to bottom), each sorted left to right."""
    lines: list[list[Char]] = []
    centers: list[float] = []
    heights: list[float] = []
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if lines and abs(ch.cy - centers[-1]) <= 0.45 * max(heights[-1], ch.bottom - ch.top):
            line = lines[-1]
            line.append(ch)
            centers[-1] += (ch.cy - centers[-1]) / len(line)
            heights[-1] = max(heights[-1], ch.bottom - ch.top)
        else:
            lines.append([ch])
            centers.append(ch.cy)
            heights.append(ch.bottom - ch.top)
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def line_text(line: list[Char], wide_gap: float | None = None) -> str:
    """One line's text: a space between Latin words or digits set apart, and (if ``wide_gap``) at wide gaps."""
    out: list[str] = []
    prev: Char | None = None
    for ch in line:
        if prev is not None:
            gap = ch.x0 - prev.x1
            h = max(prev.size, ch.size)
            if (gap > 0.2 * h and _ascii_word(prev.text[-1]) and _ascii_word(ch.text[0])) or (
                wide_gap is not None and gap > wide_gap * h
            ):
                out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of one cell: a wrapped label or a vertical label is one word; digits stay apart."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and _ascii_word(out[-1]) and _ascii_word(part[0]):
            out += " "
        out += part
    return out


def cell_text(chars: list[Char]) -> str:
    """The text of one table cell, its lines joined."""
    return join_wrapped([line_text(line) for line in group_lines(chars)])
