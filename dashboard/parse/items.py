"""A Document flattened into items in reading order, each tagged with the section it falls in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dashboard.parse.codes import SECTION_HEADINGS
from dashboard.parse.normalize import normalize_label, strip_numbering
from dashboard.readers.model import Document, Paragraph, Table

_HEADINGS = [(code, re.compile(p)) for code, p in SECTION_HEADINGS]
_MAX_HEADING = 40
# "五、政府信息公开工作存在的主要问题…" is a real variant of "五、存在的主要问题…".
_TITLE_PREFIX = re.compile(r"^(?:本机关|本单位)?(?:政府信息公开|政务公开)(?:工作)?(?=存在|其他|总体|主要)")


@dataclass
class Item:
    """One text line or one table row, with its section ('preamble' before the first heading)."""

    kind: str  # "line" | "row"
    section: str
    text: str = ""
    cells: list[str] = field(default_factory=list)
    copies: list[bool] = field(default_factory=list)
    doubts: list[str | None] = field(default_factory=list)  # why the reader doubts a cell (OCR), by position
    block: int = 0
    row: int = 0
    heading: str | None = None  # the section this item starts, when it is a heading


def heading_of(text: str) -> str | None:
    """The section code a line is the heading of, or None. Accepts numbering variants and decoration."""
    norm = normalize_label(text)
    if not norm or len(norm) > _MAX_HEADING:
        return None
    core = strip_numbering(norm).strip("*#:：.。 ")
    core = _TITLE_PREFIX.sub("", core) or core
    for code, rx in _HEADINGS:
        if rx.search(core):
            return code
    return None


_SUB_LEVEL = re.compile(r"^[(（][一二三四五六七八九十\d]+[)）]|^\d{1,2}[.．、]")


def is_sub_level(text: str) -> bool:
    """True for headings numbered like a subsection: （一） / 1. — top-level ones are 一、 or unnumbered."""
    return bool(_SUB_LEVEL.match(normalize_label(text)))


def _row_text(cells: list[str]) -> str | None:
    # A table row whose only text is one title (a merged title row in Word tables).
    texts = {c.strip() for c in cells if c.strip()}
    return texts.pop() if len(texts) == 1 else None


def _candidates(doc: Document) -> list[tuple[int, int, str, str]]:
    """(block, line-or-row, text, section code) of every line that looks like a section heading."""
    out = []
    for b, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            for i, line in enumerate(block.text.split("\n")):
                if code := heading_of(line):
                    out.append((b, i, line, code))
        elif isinstance(block, Table):
            for r, cells in enumerate(block.rows):
                if (text := _row_text(cells)) and (code := heading_of(text)):
                    out.append((b, r, text, code))
    return out


def _accepted_headings(doc: Document) -> dict[tuple[int, int], str]:
    # A subsection-numbered heading ("（一）主要问题") stands for its section only where the report has no
    # top-level heading for it: "（二）主动公开政府信息情况" inside 一、总体情况 must not end the overview.
    cands = _candidates(doc)
    top = {code for _, _, text, code in cands if not is_sub_level(text)}
    return {(b, i): code for b, i, text, code in cands if code not in top or not is_sub_level(text)}


def flatten(doc: Document) -> list[Item]:
    """Items in reading order; a heading switches the section of what follows it."""
    accepted = _accepted_headings(doc)
    items: list[Item] = []
    section = "preamble"
    for b, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            for i, line in enumerate(block.text.split("\n")):
                line = line.strip()
                if not line:
                    continue
                code = accepted.get((b, i))
                if code == section:
                    code = None  # the same title again (a table caption, a sub-heading): part of the text
                if code:
                    section = code
                items.append(Item("line", section, text=line, block=b, heading=code))
        elif isinstance(block, Table):
            for r, cells in enumerate(block.rows):
                code = accepted.get((b, r))
                if code == section:
                    code = None
                if code:
                    section = code
                copies = [block.is_copy(r, c) for c in range(len(cells))]
                doubts = [block.doubts.get((r, c)) for c in range(len(cells))] if block.doubts else []
                items.append(Item("row", section, cells=list(cells), copies=copies, doubts=doubts, block=b, row=r,
                                  heading=code))
    return items
