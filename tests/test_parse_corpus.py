"""Every real report in the fixtures parses cell for cell as transcribed by hand."""

from __future__ import annotations

import json

import pytest

from dashboard.parse import parse_file
from tests.conftest import FIXTURES, SAMPLE, corpus_index, expected_cells

CASES = corpus_index()


def test_seed_report_gives_seed_expected_exactly() -> None:
    expected = json.loads((FIXTURES / "seed-expected.json").read_text("utf-8"))
    got = parse_file(SAMPLE)
    assert (got["agency"], got["year"], got["template"]) == (expected["agency"], expected["year"], expected["template"])
    for table in ("disclosure", "applications", "appeals"):
        assert got[table] == expected[table], table
    assert sum(1 for _ in expected_cells(expected)) == 198


def test_seed_report_is_read_as_2019_format() -> None:
    assert parse_file(SAMPLE)["template"] == "2019"


@pytest.mark.parametrize(("path", "fmt", "expected"), CASES, ids=[c[0].name for c in CASES])
def test_corpus_report_matches_expected_cell_for_cell(path, fmt, expected) -> None:
    got = parse_file(path)
    misses = [(key, value, got[key[0]].get(key[1], {}).get(key[2], "MISSING"))
              for key, value in expected_cells(expected)
              if got[key[0]].get(key[1], {}).get(key[2], "MISSING") != value]
    assert misses == []
    assert got["year"] == expected["year"]
    assert got["template"] == expected["template"]
    core = expected["agency"].replace("人民政府", "")
    assert core in got["agency"]


@pytest.mark.parametrize(("path", "fmt", "expected"), CASES, ids=[c[0].name for c in CASES])
def test_corpus_report_has_every_row_and_column_of_its_version(path, fmt, expected) -> None:
    got = parse_file(path)
    for table in ("disclosure", "applications", "appeals"):
        assert set(got[table]) >= set(expected[table]), table
        for row, cols in expected[table].items():
            assert set(got[table][row]) >= set(cols)


def test_hybrid_report_keeps_the_single_other_row() -> None:
    got = parse_file(FIXTURES / "hongze-2023.pdf")
    assert got["template"] == "2021" and got["applications_layout"] == "2019"
    assert "other" in got["applications"] and "other_misc" not in got["applications"]
    assert any(p["code"] == "hybrid" for p in got["problems"])


def test_sums_that_do_not_add_up_stay_as_printed() -> None:
    got = parse_file(FIXTURES / "hongze-2023.pdf")
    assert got["appeals"]["reconsideration"] == {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 0}


def test_value_rows_separated_from_their_labels_are_flagged_as_placed_by_order() -> None:
    got = parse_file(FIXTURES / "shanghai-kewei-2024.md")
    assert got["cell_flags"]["applications.withheld_internal.natural"] == "placed_by_order"
    assert "applications.withheld_internal.natural" in got["uncertain_cells"]
    assert got["cell_flags"].get("applications.new.natural") is None
    assert any(p["code"] == "placed_by_order" for p in got["problems"])


def test_blank_cell_in_the_source_is_null_not_zero() -> None:
    got = parse_file(FIXTURES / "shanghai-kewei-2024.md")
    assert got["applications"]["carried_over"]["total"] is None
    assert got["cell_flags"]["applications.carried_over.total"] == "blank"


def test_amount_keeps_the_unit_the_header_states() -> None:
    got = parse_file(FIXTURES / "pingtan-2025.html")
    assert got["disclosure"]["fees"]["amount_wan"] == pytest.approx(4166.241619)
    assert got["units"]["disclosure.fees.amount_wan"] == "万元"


def test_township_procurement_amount_without_unit_is_reported() -> None:
    got = parse_file(SAMPLE)
    assert got["disclosure"]["procurement"] == {"projects": 102, "amount": 122852}
    assert got["units"]["disclosure.procurement.amount"] is None
    assert any(p["code"] == "unit_missing" for p in got["problems"])


def test_narrative_sections_are_kept_without_page_chrome() -> None:
    got = parse_file(FIXTURES / "pingtan-2025.html")
    assert got["sections"]["overview"].startswith("2025年，平潭综合实验区")
    assert "版权所有" not in got["sections"]["other_matters"]
    assert "整改措施" in got["sections"]["problems"]
