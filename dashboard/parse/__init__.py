"""Parser: Document (grid + text) → canonical report, matched by labels. Pure: no database, no network."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from dashboard.parse.report import parse_document
from dashboard.readers import read_document

__all__ = ["parse_document", "parse_file"]


@cache
def default_registry() -> Any:
    """The agency registry of data/agencies.csv, read once: the one place the parser's caller looks it up."""
    from dashboard.store.agencies import Registry

    return Registry.load()


def parse_file(path: str | Path, registry: Any = None) -> dict:
    """Read and parse one report file, the agency checked against `registry` (default: data/agencies.csv).

    ReportError names the file and the reason when it is not a report.
    """
    return parse_document(read_document(path), registry if registry is not None else default_registry())
