"""Pages into one run of blocks, shared by the text-PDF and the scan reader: furniture out, cut labels carried on.

Both readers lay out each page as blocks with their top coordinate; from there the rules are the same whether the
text came from a text layer or from OCR: page numbers and running headers/footers in the margins are dropped, and a
merged label cell cut by a page break is carried onto the rows that continue on the next page.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Protocol

from dashboard.readers.model import Block, Paragraph, Table

# "- 4 -", "—4—", "4", "第 4 页", "第4页 共6页", "4 / 6", "Page 4"
PAGE_NUMBER = re.compile(
    r"^[-－—–‒_~·\s]*(第\s*)?\d{1,3}(\s*页)?(\s*[/／]\s*\d{1,3}|\s*共\s*\d{1,3}\s*页)?[-－—–‒_~·\s]*$"
    r"|^(page|p\.)\s*\d{1,3}(\s*(of|/)\s*\d{1,3})?$",
    re.I,
)
MARGIN_TOP = 0.10  # share of the page height where running headers sit
MARGIN_BOTTOM = 0.12  # share of the page height where footers and page numbers sit
_NUMERIC = re.compile(r"^[\d.,，%万元件个项\s-]+$")


class Page(Protocol):
    """What the rules need of a page: its number and height in points."""

    number: int
    height: float


Placed = list[tuple[float, Block]]  # a page's blocks with their top coordinate (points), top to bottom


def _in_margin(top: float, bottom: float, page: Page) -> bool:
    return bottom <= page.height * MARGIN_TOP or top >= page.height * (1 - MARGIN_BOTTOM)


def _signature(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def running_lines(pages: list[tuple[Page, Placed]]) -> set[str]:
    """Margin lines repeated on most pages (a running header or footer), by text with the digits masked."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page, blocks in pages:
        sigs = {_signature(b.text) for top, b in blocks
                if isinstance(b, Paragraph) and _in_margin(top, top + 20, page)}
        counts.update(sigs)
    need = len(pages) if len(pages) < 4 else max(3, len(pages) // 2)
    return {sig for sig, n in counts.items() if sig and n >= need}


def is_furniture(block: Block, top: float, page: Page, running: set[str]) -> bool:
    """A page number or a running header/footer in the page margins."""
    if not isinstance(block, Paragraph) or not _in_margin(top, top + 20, page):
        return False
    return bool(PAGE_NUMBER.match(block.text.strip())) or _signature(block.text) in running


def carry_spanned_labels(blocks: list[Block]) -> None:
    """A merged label cell cut by a page break: give the continued rows on the next page the label they sit under."""
    for prev, cont in zip(blocks, blocks[1:], strict=False):
        if not (isinstance(prev, Table) and isinstance(cont, Table) and prev.rows and cont.rows):
            continue
        if prev.page is None or cont.page != prev.page + 1 or len(prev.rows[-1]) != len(cont.rows[0]):
            continue
        first, last = cont.rows[0], prev.rows[-1]
        lead = next((c for c, cell in enumerate(first) if cell), None)
        if lead is None or not any(_NUMERIC.match(cell) for cell in first[lead:] if cell):
            continue
        for c in range(lead):
            label = last[c]
            if first[c] or not label or _NUMERIC.match(label):
                continue
            r = 0
            while r < len(cont.rows) and c < len(cont.rows[r]) and not cont.rows[r][c] and (r == 0 or (r, c) in cont.copies):
                cont.rows[r][c] = label
                cont.copies.add((r, c))
                r += 1


def join_pages(pages: list[tuple[Page, Placed]]) -> list[Block]:
    """The blocks of all pages in reading order, page furniture dropped and cut labels carried over."""
    running = running_lines(pages)
    blocks: list[Block] = []
    for page, placed in pages:
        blocks.extend(b for top, b in placed if not is_furniture(b, top, page, running))
    carry_spanned_labels(blocks)
    return blocks
