"""Shared fixtures: paths to the real reports copied from ../shared/corpus into tests/fixtures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "000_7180246cedc2b1d8.txt"


def corpus_index() -> list[tuple[Path, str, dict]]:
    """(source file, format, expected JSON) for every fixture report that has an expected JSON."""
    with (FIXTURES / "INDEX.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(FIXTURES / r["source"], r["format"], json.loads((FIXTURES / r["truth"]).read_text("utf-8")))
            for r in rows]


def expected_cells(expected: dict):
    """((table, row, col), value) for every numeric cell an expected JSON asserts."""
    for table in ("disclosure", "applications", "appeals"):
        for row, cols in expected.get(table, {}).items():
            for col, value in cols.items():
                yield (table, row, col), value


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The folder of real report files used by the tests."""
    return FIXTURES
