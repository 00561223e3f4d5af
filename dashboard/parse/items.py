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


def _row_heading(cells: list[str]) -> str | None:
    # A table row whose only text is a section title (a merged title row in Word tables).
    texts = {c.strip() for c in cells if c.strip()}
    return heading_of(texts.pop()) if len(texts) == 1 else None


def flatten(doc: Document) -> list[Item]:
    """Items in reading order; a heading switches the section of what follows it."""
    items: list[Item] = []
    section = "preamble"
    for b, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            for line in block.text.split("\n"):
                line = line.strip()
                if not line:
                    continue
                code = heading_of(line)
                if code == section:
                    code = None  # "（一）存在问题" inside 五、: a sub-heading, part of the text
                if code:
                    section = code
                items.append(Item("line", section, text=line, block=b, heading=code))
        elif isinstance(block, Table):
            for r, cells in enumerate(block.rows):
                code = _row_heading(cells)
                if code == section:
                    code = None
                if code:
                    section = code
                copies = [block.is_copy(r, c) for c in range(len(cells))]
                items.append(Item("row", section, cells=list(cells), copies=copies, block=b, row=r, heading=code))
    return items
