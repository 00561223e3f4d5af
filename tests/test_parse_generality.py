"""Realistic layout variants of the real reports (tests/fixtures/variants): same numbers out, or an honest "cannot read".

Each variant is a real report's figures laid out as another publisher would (TRS web page, Word with merged cells,
Chromium-printed PDF, pdftotext output, decorated markdown …); its expected canonical JSON sits beside it.
Regenerate with `python3 tests/fixtures/variants/make_variants.py` (the hongze-2023-pdftotext-* files are plain
`pdftotext [-layout]` of the corpus PDF).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from dashboard.parse import parse_file

VARIANTS = Path(__file__).parent / "fixtures" / "variants"
SOURCES = sorted(p for p in VARIANTS.iterdir()
                 if p.suffix in (".html", ".docx", ".pdf", ".md", ".txt") and p.with_suffix(".json").exists())

# Known failures, by variant file name (the lead flips them by fixing the parser; strict xfail shows the flip).
IDENTITY_FAILS: dict[str, str] = {}
EXACT_FAILS = {
    "hongze-2023-pdftotext-raw.txt": "pdftotext without -layout puts one cell per line: nothing can be placed",
}
HONESTY_FAILS: dict[str, str] = {}
_HONEST_FLAGS = {"unreadable", "missing"}


@cache
def _parsed(name: str) -> dict:
    return parse_file(VARIANTS / name)


def _expected(name: str) -> dict:
    return json.loads((VARIANTS / name).with_suffix(".json").read_text("utf-8"))


def _cells(rep: dict):
    for table in ("disclosure", "applications", "appeals"):
        for row, cols in (rep.get(table) or {}).items():
            for col, value in cols.items():
                yield f"{table}.{row}.{col}", value


def _named_in_problem(key: str, problems: list[dict]) -> bool:
    return any(key == c or key.startswith(c + ".") for p in problems for c in p.get("cells") or [])


def _mark(name: str, fails: dict[str, str]):
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=fails[name])) if name in fails else name


@pytest.mark.parametrize("name", [_mark(p.name, IDENTITY_FAILS) for p in SOURCES])
def test_variant_names_the_agency_year_and_version_exactly(name: str) -> None:
    """Agency, year and format version are those of the report, whatever the layout."""
    got, exp = _parsed(name), _expected(name)
    assert (got["agency"], got["year"], got["template"]) == (exp["agency"], exp["year"], exp["template"])


@pytest.mark.parametrize("name", [_mark(p.name, HONESTY_FAILS) for p in SOURCES])
def test_variant_never_gives_a_wrong_number(name: str) -> None:
    """Every cell is the printed number, or null with the cell flagged and named in a problem — never another number."""
    got, exp = _parsed(name), _expected(name)
    have = dict(_cells(got))
    wrong = []
    for key, value in _cells(exp):
        g = have.get(key, "absent")
        if g == value and (g is None) == (value is None):
            continue
        honest = g is None and got["cell_flags"].get(key) in _HONEST_FLAGS and _named_in_problem(key, got["problems"])
        if not honest:
            wrong.append((key, value, g, got["cell_flags"].get(key)))
    assert not wrong, f"{len(wrong)} cells wrong (key, expected, got, flag): {wrong[:10]}"


@pytest.mark.parametrize("name", [_mark(p.name, EXACT_FAILS) for p in SOURCES])
def test_variant_reads_every_cell_exactly(name: str) -> None:
    """Every expected cell is read: the number as printed, null where the cell is blank or a placeholder."""
    got, exp = _parsed(name), _expected(name)
    have = dict(_cells(got))
    diff = [(k, v, have.get(k, "absent")) for k, v in _cells(exp) if have.get(k, "absent") != v
            or (have.get(k) is None) != (v is None)]
    assert not diff, f"{len(diff)} cells differ (key, expected, got): {diff[:10]}"


def test_every_variant_has_its_expected_json() -> None:
    """The variants folder is not empty and each source has its expected JSON beside it."""
    assert len(SOURCES) >= 15
