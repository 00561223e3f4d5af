"""The parser remembers the labels, lines and table rows it has read (lru caches); what it remembers never changes a
report: every real report reads the same on first sight and after all the others, again and again."""

from __future__ import annotations

import json
import sys

from dashboard.parse import parse_document
from dashboard.readers import read_document
from tests.conftest import FIXTURES

REPORTS = sorted(p for d in (FIXTURES, FIXTURES / "variants") for p in d.iterdir()
                 if p.suffix in (".md", ".txt", ".html", ".docx"))


def _forget() -> None:
    """Clear every lru cache of the parser and the readers."""
    for name, mod in list(sys.modules.items()):
        if name.startswith(("dashboard.parse", "dashboard.readers")):
            for obj in list(vars(mod).values()):
                if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", "") == name:
                    obj.cache_clear()


def _parsed(path) -> str:
    return json.dumps(parse_document(read_document(path)), ensure_ascii=False, default=str)


def test_fixture_reports_of_every_text_like_format_are_found() -> None:
    assert {p.suffix for p in REPORTS} == {".md", ".txt", ".html", ".docx"} and len(REPORTS) >= 15


def test_a_report_reads_the_same_after_every_other_report_as_on_first_sight() -> None:
    first = {}
    for path in REPORTS:
        _forget()
        first[path] = _parsed(path)
    for _ in range(2):  # everything remembered from every report, then from the same reports once more
        for path in REPORTS:
            assert _parsed(path) == first[path], path.name
