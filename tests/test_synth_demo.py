"""`nianbao demo`'s database: the bundled real reports plus 示例县（模拟）, simulated agencies marked as such."""

from __future__ import annotations

import pytest

from dashboard.store.db import open_db
from dashboard.synth.demo import (
    BUNDLED_REPORTS,
    DEMO_DEPARTMENTS,
    DEMO_TOWNSHIPS,
    ROUND_YEARS,
    DemoSummary,
    build_demo,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    tmp = tmp_path_factory.mktemp("demo")
    return build_demo(tmp / "demo.duckdb", work_dir=tmp / "files")


def test_every_bundled_and_simulated_report_is_stored(demo: DemoSummary) -> None:
    counts = demo.ingest.counts()
    assert counts["failed"] == 0
    published = [f for f in demo.synth.files if int(f.stem.rsplit("-", 1)[1]) not in ROUND_YEARS]
    assert counts["ingested"] == len(list(BUNDLED_REPORTS.iterdir())) + len(published)


def test_the_simulated_county_has_townships_and_departments_over_six_years(demo: DemoSummary) -> None:
    con = open_db(demo.db, read_only=True)
    kinds = dict(con.execute("""select kind, count(*) from agencies where simulated
                                group by kind""").fetchall())
    assert kinds.get("部门") == DEMO_DEPARTMENTS
    assert sum(kinds.get(k, 0) for k in ("乡", "镇", "街道")) == DEMO_TOWNSHIPS
    years = [y for (y,) in con.execute("select distinct year from current_reports where simulated order by 1").fetchall()]
    assert years == list(range(2019, 2026))  # 2025: the units that already published in the review round


def test_simulated_agencies_are_named_as_simulated_and_real_ones_are_not(demo: DemoSummary) -> None:
    con = open_db(demo.db, read_only=True)
    rows = con.execute("select region, simulated from current_reports").fetchall()
    assert all(region == "示例县（模拟）" for region, sim in rows if sim)
    assert sum(1 for _, sim in rows if not sim) == len(list(BUNDLED_REPORTS.iterdir()))


def test_the_demo_shows_real_problems_among_its_findings(demo: DemoSummary) -> None:
    con = open_db(demo.db, read_only=True)
    rules = {r for (r,) in con.execute("select distinct rule from findings").fetchall()}
    assert {"R1", "R4", "UNIT", "SAME_TEXT", "BLANK_TOTAL", "VERSION_YEAR", "HYBRID"} <= rules


def test_the_demo_files_are_generated_html_and_md_with_a_few_pdf_and_docx(demo: DemoSummary) -> None:
    formats = demo.synth.counts()["formats"]
    assert formats["pdf"] == 3 and formats["docx"] == 3
    assert formats["html"] + formats["md"] == len(demo.synth.files) - 6


def test_the_demo_has_a_2025_review_round_under_way_with_each_planted_problem(demo: DemoSummary) -> None:
    from dashboard.review.rounds import board
    from dashboard.scope import data_as_of

    rnd, units = board(2025, demo.db, today=data_as_of(demo.db))
    assert rnd is not None and len(units) == DEMO_TOWNSHIPS + DEMO_DEPARTMENTS
    statuses = {u.status for u in units}
    assert {"待审核", "需修改", "已通过", "已公布", "逾期"} <= statuses
    rules = {f["rule"] for u in units for f in u.findings}
    assert {"ROWS_COMPLETE", "FEE_REPORT", "SAME_TEXT"} <= rules
    copied_peer = [u for u in units if any(f["rule"] == "SAME_TEXT" and "同年度" in f["message"] for f in u.findings)]
    assert copied_peer
    assert any(u.late_draft for u in units)
    resubmitted = [u for u in units if u.submissions >= 2]
    assert len(resubmitted) == 2 and all(not u.findings for u in resubmitted)  # the fixes resolved the problems
    con = open_db(demo.db, read_only=True)
    drafts = con.execute("select count(*) from reports where draft").fetchone()[0]
    counted = con.execute("select count(*) from current_reports where year = 2025 and simulated").fetchone()[0]
    assert drafts > 0 and counted == sum(1 for u in units if u.status == "已公布")
