"""What every reader returns: a document as text paragraphs and table grids, in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field

# Table.doubts reason for a number printed between two columns of a table without ruling lines: the two cells it may
# belong to are doubted alike, and the parser may settle the column by the 勾稽 rules.
COLUMN_DOUBT = "数字位于两列之间，所在列无法确定"


@dataclass(slots=True)  # one per line of a text report: built hundreds of times a file, no __dict__ each
class Paragraph:
    """One line or paragraph of running text, as printed (not normalized)."""

    text: str
    page: int | None = None


@dataclass
class Table:
    """A table grid with row/column spans resolved.

    ``rows`` is rectangular or ragged; a merged cell's text stands in every position it spans, and
    the positions that are only copies of a merged cell are listed in ``copies`` (row, col) so that a
    merged *number* is counted once while a merged *label* still gives context to every row it spans.

    A table read by OCR also carries each cell's recogniser confidence in ``confidence`` and, in ``doubts``, the
    reason a cell may be misread (low confidence, not a number in a column of numbers); the parser marks such a
    cell uncertain instead of trusting it.
    """

    rows: list[list[str]]
    copies: set[tuple[int, int]] = field(default_factory=set)
    page: int | None = None
    confidence: dict[tuple[int, int], float] = field(default_factory=dict)
    doubts: dict[tuple[int, int], str] = field(default_factory=dict)

    def is_copy(self, r: int, c: int) -> bool:
        """True where (r, c) only repeats a merged cell whose origin is elsewhere."""
        return (r, c) in self.copies


Block = Paragraph | Table


@dataclass
class Document:
    """A file read into blocks. ``title`` is a title the container states (HTML <title>, DOCX/PDF metadata)."""

    source: str
    format: str  # "md", "txt", "html", "pdf", "docx", "scan" (read by OCR)
    blocks: list[Block]
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def text_lines(self) -> list[str]:
        """All paragraph texts, in order (for identity and narrative)."""
        return [b.text for b in self.blocks if isinstance(b, Paragraph)]
