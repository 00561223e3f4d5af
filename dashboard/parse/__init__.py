"""Parser: Document (grid + text) → canonical report, matched by labels. Pure: no database, no network."""

from __future__ import annotations

from pathlib import Path

from dashboard.parse.names import NameBook
from dashboard.parse.report import parse_document, parse_document_items
from dashboard.parse.review_facts import review_facts
from dashboard.readers import read_document

__all__ = ["parse_document", "parse_file"]


def parse_file(path: str | Path, registry: NameBook | None = None) -> dict:
    """Read and parse one report file; the agency is checked against `registry` when one is given (the caller loads
    it: dashboard.registry.default_registry()), else read from the file alone.

    ReportError names the file and the reason when it is not a report.
    """
    doc = read_document(path)
    record, items = parse_document_items(doc, registry)
    # what a reviewer reads besides the figures: title, headings in order, printed and page dates
    page_text = Path(path).read_bytes().decode("utf-8", errors="replace") if doc.format == "html" else None
    record.update(review_facts(doc, page_text, items))
    return record
