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


# Test files that take long (a real browser, OCR of scans, a Dask cluster, hostile batteries, rendering the pack,
# LibreOffice, subprocess servers): marked `slow`. `bash scripts/test.sh` runs the quick ones; `.ci/run` runs the
# quick ones first, then these — none is dropped. The list is by measured duration (`pytest --durations`).
SLOW_FILES = {
    "test_e2e_browser.py", "test_e2e_auth.py", "test_e2e_upload_isolation.py", "test_e2e_web_guard.py",
    "test_dask_ingest.py", "test_ingest_hostile.py", "test_read_scan.py", "test_read_limits.py",
    "test_export_pack.py", "test_export_images.py", "test_export_page.py", "test_export_empty_partial.py",
    "test_synth_roundtrip.py", "test_collect.py", "test_faults.py", "test_serve_process.py",
    "test_serve_read_only.py", "test_ingest_concurrency.py", "test_upload_page.py", "test_scan_simulator.py",
    "test_review_opinions.py", "test_model_compare.py", "test_identity_cases.py", "test_model_pages.py",
    "test_model_pack.py", "test_office_bounded.py",
}
# Single long tests in otherwise quick files (by name, parameters aside): the pack built and read back, the
# command-line subprocesses of 待认定.
SLOW_TESTS = {
    "test_the_deck_has_no_internal_code_none_or_doubled_year", "test_the_brief_has_no_internal_code_none_or_doubled_year",
    "test_the_workbook_has_no_internal_code_none_or_doubled_year",
    "test_the_chart_images_and_their_names_have_no_internal_code",
    "test_the_pack_of_a_year_not_yet_due_says_so_and_never_shows_a_fall",
    "test_ingest_with_agency_and_year_files_a_pending_report_and_refuses_a_name_outside_the_registry",
    "test_ingest_with_agency_and_year_applies_the_supersede_rules_and_new_agency_allows_an_unlisted_unit",
    "test_promote_makes_a_held_version_current_in_one_audited_step",
}


# Slow tests that measure time against a bound or count the machine's processes: scripts/test.sh --all runs them
# after the others, one at a time, not beside another test process (pytest-xdist) that would skew what they measure.
SERIAL_FILES = {
    "test_e2e_upload_isolation.py", "test_office_bounded.py", "test_read_limits.py", "test_ingest_hostile.py",
    "test_serve_process.py", "test_ingest_concurrency.py",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of SLOW_FILES and the browser tests `slow` (select with -m slow / -m "not slow"), and those
    of SERIAL_FILES `serial` too."""
    for item in items:
        if item.path.name in SLOW_FILES or item.path.name.startswith("test_e2e_") \
                or item.name.split("[")[0] in SLOW_TESTS:  # every real-browser test
            item.add_marker(pytest.mark.slow)
        if item.path.name in SERIAL_FILES:
            item.add_marker(pytest.mark.serial)
