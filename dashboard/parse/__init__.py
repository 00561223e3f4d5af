"""Parser: Document (grid + text) → canonical report, matched by labels. Pure: no database, no network."""

from __future__ import annotations

from pathlib import Path

from dashboard.parse.names import NameBook
from dashboard.parse.report import parse_document
from dashboard.readers import read_document

__all__ = ["parse_document", "parse_file"]


def parse_file(path: str | Path, registry: NameBook | None = None) -> dict:
    """Read and parse one report file; the agency is checked against `registry` when one is given (the caller loads
    it: dashboard.registry.default_registry()), else read from the file alone.

    ReportError names the file and the reason when it is not a report.
    """
    return parse_document(read_document(path), registry)
