"""Generate → parse → check → store, compared with the generator's truth: every format, every cell, every defect."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from dashboard.parse import parse_file
from dashboard.store.db import open_db
from dashboard.synth.county import build_county
from dashboard.synth.defects import DEFECT_RULES
from dashboard.synth.demo import ingest_simulated
from dashboard.synth.generate import SynthResult, synthesize
from dashboard.synth.score import cell_diffs, score_findings, stored_findings

YEARS = [2020, 2021, 2022]
FEW = {"pdf": 4, "docx": 4, "md": 5}  # the rest is html


def _agencies() -> list:
    agencies = build_county(random.Random(7), 0, 6, 3)
    agencies[0].adopts_2021, agencies[0].hybrid_years = 2022, set()  # late adopter: 2021 in the 2019 format
    agencies[1].adopts_2021, agencies[1].hybrid_years = 2021, {2022}  # hybrid in 2022
    for a in agencies[2:]:
        a.adopts_2021, a.hybrid_years = 2021, set()
    return agencies


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    out = tmp_path_factory.mktemp("synth")
    agencies = _agencies()
    return synthesize(out, len(agencies), YEARS, ["html"], seed=11, rate=0.04, few=FEW, agencies=agencies)


@pytest.fixture(scope="module")
def stored(generated: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "synth.duckdb"
    summary = ingest_simulated(generated.files, generated.agencies, db)
    assert summary.counts()["failed"] == 0, [(o.source, o.reason_zh) for o in summary.failed()]
    return db


def test_the_small_county_has_every_format_every_defect_kind_and_both_patterns(generated: SynthResult) -> None:
    counts = generated.counts()
    assert set(counts["formats"]) == {"html", "pdf", "docx", "md"}
    assert set(counts["defects"]) == set(DEFECT_RULES)
    assert set(counts["patterns"]) == {"late_adopter", "hybrid"}


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "pdf"])
def test_every_cell_of_every_report_reads_back_as_generated(generated: SynthResult, fmt: str) -> None:
    pairs = [(t, p) for t, p in zip(generated.truths, generated.files, strict=True) if t["format"] == fmt]
    assert pairs
    diffs = {p.name: d for t, p in pairs if (d := cell_diffs(t, parse_file(p)))}
    assert diffs == {}


def test_blank_total_is_read_as_null_with_its_flag(generated: SynthResult) -> None:
    truth, path = next((t, p) for t, p in zip(generated.truths, generated.files, strict=True)
                       if any(d["kind"] == "blank_total" for d in t["defects"]))
    parsed = parse_file(path)
    assert parsed["applications"]["total"]["total"] is None
    assert parsed["cell_flags"].get("applications.total.total") == "blank"


def test_each_planted_defect_and_pattern_is_found_by_the_checks(generated: SynthResult, stored: Path) -> None:
    con = open_db(stored, read_only=True)
    score = score_findings(generated.truths, stored_findings(con))
    assert score.missed == []
    assert set(score.found) >= {r for r in DEFECT_RULES.values() if r != "MISSING"} | {"VERSION_YEAR", "HYBRID"}


def test_clean_simulated_reports_have_no_findings(generated: SynthResult, stored: Path) -> None:
    con = open_db(stored, read_only=True)
    score = score_findings(generated.truths, stored_findings(con))
    assert score.clean_reports >= 10
    assert score.clean_findings == []


def test_missing_report_leaves_a_gap_in_the_database(generated: SynthResult, stored: Path) -> None:
    con = open_db(stored, read_only=True)
    for gap in generated.missing:
        n = con.execute("select count(*) from current_reports where agency_name = ? and year = ?",
                        [gap["agency"], gap["year"]]).fetchone()[0]
        assert n == 0
    assert generated.missing


def test_simulated_agencies_are_marked_simulated_and_known(generated: SynthResult, stored: Path) -> None:
    con = open_db(stored, read_only=True)
    names = [a.name for a in generated.agencies]
    rows = con.execute("select name, simulated, in_registry, region from agencies").fetchall()
    simulated = {name for name, sim, known, region in rows if sim and known and region.endswith("（模拟）")}
    assert simulated == set(names)
