"""The generator on its own: realistic magnitudes, carry-over kept, same seed same files, clear errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dashboard.synth.county import build_agencies
from dashboard.synth.generate import parse_years, synthesize
from dashboard.synth.layout import PARTY_COLS, outcome_rows
from dashboard.synth.numbers import AgencyState, report_numbers


def _timelines(n: int = 300, years: range = range(2019, 2025)) -> list[list[dict]]:
    rng = random.Random(3)
    out = []
    for agency in build_agencies(rng, n):
        state = AgencyState()
        arng = random.Random(agency.name)
        out.append([{**report_numbers(arng, agency, y, state), "kind": agency.kind} for y in years])
    return out


def test_most_townships_receive_no_application_in_a_year() -> None:
    reports = [r for line in _timelines() for r in line if r["kind"] in ("乡", "镇")]
    zero = sum(1 for r in reports if r["applications"]["new"]["total"] == 0)
    assert zero / len(reports) > 0.7


def test_a_departments_median_is_zero_with_a_long_tail() -> None:
    news = sorted(r["applications"]["new"]["total"] for line in _timelines() for r in line if r["kind"] == "部门")
    assert news[len(news) // 2] <= 1
    assert news[-1] >= 10


def test_carried_in_equals_last_years_carried_over() -> None:
    for line in _timelines(60):
        for prev, cur in zip(line, line[1:], strict=False):
            assert cur["applications"]["carried_in"] == prev["applications"]["carried_over"]


def test_clean_figures_satisfy_r1_to_r4() -> None:
    for line in _timelines(60):
        for r in line:
            apps = r["applications"]
            for c in [*PARTY_COLS, "total"]:
                assert apps["new"][c] + apps["carried_in"][c] == apps["total"][c] + apps["carried_over"][c]
                assert apps["total"][c] == sum(apps[row][c] for row in outcome_rows(r["applications_layout"]))
            for row in apps.values():
                assert row["total"] == sum(row[c] for c in PARTY_COLS)
            for g in r["appeals"].values():
                assert g["total"] == g["upheld"] + g["corrected"] + g["other"] + g["pending"]


def test_in_force_continues_from_year_to_year_in_the_2021_format() -> None:
    for line in _timelines(60):
        for prev, cur in zip(line, line[1:], strict=False):
            if prev["template"] == cur["template"] == "2021":
                p, c = prev["disclosure"]["normative_docs"], cur["disclosure"]["normative_docs"]
                assert c["in_force"] == p["in_force"] + c["issued"] - c["repealed"]


def test_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    a = synthesize(tmp_path / "a", 6, [2021, 2022], ["html", "md", "docx"], seed=5)
    b = synthesize(tmp_path / "b", 6, [2021, 2022], ["html", "md", "docx"], seed=5)
    assert [p.read_bytes() for p in a.files] == [p.read_bytes() for p in b.files]


def test_a_reversed_year_range_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="年份范围颠倒"):
        parse_years("2024-2019")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="未知格式"):
        synthesize(Path("/nonexistent"), 1, [2021], ["xls"])
