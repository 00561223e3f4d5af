"""Scoped figures: one county in scope, suspect values held back, series over both versions, coverage, 缺报名单.

The fixture holds two kinds of region: a simulated county (the home county, set in the database like the demo)
with two reports left out on purpose, and real reports of other regions (互助县, 洪泽区, 上海市, 平潭).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import scope as sc
from dashboard.ingest.pipeline import ingest_paths
from dashboard.queries import definition_markers, indicator_params, run_query
from dashboard.review.findings import set_finding_status
from dashboard.synth import synthesize
from dashboard.synth.demo import ingest_simulated

FIXTURES = Path(__file__).parent / "fixtures"
REAL = ["000_7180246cedc2b1d8.txt", "shanghai-kewei-2024.md", "pingtan-2025.html", "hongze-2023.pdf"]
YEARS = [2019, 2020, 2021, 2022, 2023]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The two-region database and what was left out of it."""
    return build_scope_db(tmp_path_factory.mktemp("scope"))


def build_scope_db(tmp: Path) -> dict:
    """Real reports of four regions, then a simulated home county of 6 units (2019–2023) with 3 reports left out:
    the first unit skips 2022 and 2023, the second 2023 (the generator itself leaves out one more, 2019)."""
    db = tmp / "scope.duckdb"
    ingest_paths([FIXTURES / n for n in REAL], db=db)
    synth = synthesize(tmp / "synth", 6, YEARS, ["md"], seed=11)
    agencies = synth.agencies
    # Two non-reporters: the first agency skips 2022 and 2023, the second skips 2023 only.
    skip = {(agencies[0].name, 2022), (agencies[0].name, 2023), (agencies[1].name, 2023)}
    files = [f for f in synth.files if not any(f.name.startswith(f"{n}-{y}") for n, y in skip)]
    assert len(files) == len(synth.files) - 3, "the file names carry agency and year"
    ingest_simulated(files, agencies, db)
    return {"db": db, "agencies": agencies, "region": agencies[0].region, "missing": synth.missing}


@pytest.fixture
def db_copy(built: dict, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(built["db"], copy)
    return copy


def scope_params(region: str | None, **kw) -> dict:
    return sc.Scope(region, **kw).params()


def totals(db: Path, region: str | None, y0: int, y1: int, include_suspect: bool = False) -> pd.DataFrame:
    return run_query("scope_indicator_totals", db=db, **scope_params(region, include_suspect=include_suspect),
                     year_from=y0, year_to=y1)


def value(frame: pd.DataFrame, code: str, year: int) -> float | None:
    rows = frame[(frame["indicator"] == code) & (frame["year"] == year)]
    return None if rows.empty or pd.isna(rows["value"].iloc[0]) else float(rows["value"].iloc[0])


def cells_sum(db: Path, region: str, year: int, tbl: str, row: str, col: str) -> float:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return float(con.execute("""select sum(c.value) from current_cells c join agencies a using (agency_id)
                                    where a.region = ? and c.year = ? and c.tbl = ? and c.row_code = ?
                                      and c.col_code = ?""", [region, year, tbl, row, col]).fetchone()[0] or 0)
    finally:
        con.close()


def test_the_demo_way_of_building_sets_the_home_county_in_the_database(built: dict) -> None:
    meta = dict(run_query("app_meta", db=built["db"]).itertuples(index=False))
    assert meta["home_county"] == built["region"]
    assert sc.home_county(meta, ["互助县"])[0] == built["region"]


def test_home_county_totals_never_include_another_regions_reports(built: dict) -> None:
    db, region = built["db"], built["region"]
    home = totals(db, region, 2021, 2021, include_suspect=True)
    everything = totals(db, None, 2021, 2021, include_suspect=True)
    own = cells_sum(db, region, 2021, "applications", "new", "total")
    assert value(home, "applications_new", 2021) == own
    # 红崖子沟乡 (互助县) also reported 2021: only the all-regions total holds it.
    assert value(everything, "applications_new", 2021) == own + 0  # its 本年新收 total is printed as 0 …
    assert int(everything.set_index(["indicator", "year"]).loc[("applications_new", 2021), "reports"]) == \
        int(home.set_index(["indicator", "year"]).loc[("applications_new", 2021), "reports"]) + 1


def test_a_region_above_a_county_holds_the_county(built: dict) -> None:
    jiangsu = totals(built["db"], "江苏省", 2023, 2023, include_suspect=True)
    hongze = totals(built["db"], "洪泽区", 2023, 2023, include_suspect=True)
    pd.testing.assert_frame_equal(jiangsu, hongze)
    assert value(hongze, "penalty_decisions", 2023) == 4119  # 洪泽区's 处罚, in its own region only
    assert value(totals(built["db"], built["region"], 2023, 2023, True), "penalty_decisions", 2023) != 4119


def test_a_suspect_cell_is_out_of_the_total_and_counted_as_held_back(built: dict) -> None:
    # 洪泽区 2023 prints 行政复议 总计 0 for 10 + 1 decisions: R4 names its cells, the value is suspect.
    held = totals(built["db"], "洪泽区", 2023, 2023).set_index(["indicator", "year"])
    assert pd.isna(held.loc[("reconsideration_total", 2023), "value"])
    assert held.loc[("reconsideration_total", 2023), "held_back"] == 1
    shown = totals(built["db"], "洪泽区", 2023, 2023, include_suspect=True).set_index(["indicator", "year"])
    assert shown.loc[("reconsideration_total", 2023), "value"] == 0  # as printed
    assert shown.loc[("reconsideration_total", 2023), "held_back"] == 0
    listed = run_query("quality_held_back_values", db=built["db"], regions=["洪泽区"], kinds=None, agency_ids=None,
                       year_from=2023, year_to=2023)
    assert "reconsideration_total" in set(listed["indicator"]) and "R4" in listed.iloc[0]["rules"]


def test_dismissing_the_finding_puts_the_value_back_and_confirming_keeps_it_out(built: dict, db_copy: Path) -> None:
    findings = run_query("quality_findings_list", db=db_copy, regions=["洪泽区"], agency_ids=None, year_from=2023,
                         year_to=2023, kinds=None, statuses=None, rules=["R4"], limit=10)
    assert not findings.empty
    for fid in findings["finding_id"]:
        set_finding_status(int(fid), "confirmed", "审核员", db=db_copy)
    kept = totals(db_copy, "洪泽区", 2023, 2023).set_index(["indicator", "year"])
    assert pd.isna(kept.loc[("reconsideration_total", 2023), "value"])
    for fid in findings["finding_id"]:
        set_finding_status(int(fid), "dismissed", "审核员", "原件如此", db=db_copy)
    back = totals(db_copy, "洪泽区", 2023, 2023).set_index(["indicator", "year"])
    assert back.loc[("reconsideration_total", 2023), "value"] == 0
    assert back.loc[("reconsideration_total", 2023), "held_back"] == 0


def test_county_rate_is_computed_over_reports_that_state_its_denominator(built: dict) -> None:
    got = totals(built["db"], built["region"], 2022, 2022, include_suspect=True)
    con = duckdb.connect(str(built["db"]), read_only=True)
    num, den = con.execute("""
        select sum(case when indicator in ('granted', 'partial') then value end),
               sum(case when indicator = 'applications_total_handled' then value end)
        from indicators i join agencies a using (agency_id)
        where a.region = ? and i.year = 2022
          and i.report_id in (select report_id from indicators
                              where indicator = 'applications_total_handled' and value is not null)""",
                           [built["region"]]).fetchone()
    con.close()
    assert value(got, "disclosure_rate", 2022) == pytest.approx(num / den)


def test_normative_docs_trend_is_one_series_from_2019_with_a_definition_change_marker(built: dict) -> None:
    trend = run_query("trend_indicator", db=built["db"], per_agency=False, **scope_params(built["region"]),
                      **indicator_params("normative_docs_issued"))
    assert list(trend["year"]) == YEARS  # one row a year: one line, no split by version
    assert trend["value"].notna().all()
    marks = definition_markers("normative_docs_issued", trend)
    assert len(marks) == 1 and marks[0][0] in (2021, 2022) and "本年制发件数" in marks[0][1]


def test_a_figure_no_report_of_a_year_states_is_a_gap_not_zero(built: dict) -> None:
    # 现行有效件数 exists only in the 2021 format: no row (or NULL) before the county switched, never 0.
    trend = run_query("trend_indicator", db=built["db"], per_agency=False, **scope_params(built["region"]),
                      **indicator_params("normative_docs_in_force")).set_index("year")
    for year in (2019, 2020):
        assert year not in trend.index or pd.isna(trend.loc[year, "value"])
    assert (trend["value"].dropna() >= 0).all() and 2023 in trend.index


def test_coverage_counts_received_expected_and_missing_per_year(built: dict) -> None:
    cov = run_query("coverage_by_year", db=built["db"], **_filters(built["region"]), year_from=2019, year_to=2023,
                    due_through=2023).set_index("year")
    assert cov.loc[2021, ["received", "expected", "missing"]].tolist() == [6, 6, 0]
    assert cov.loc[2022, ["received", "expected", "missing"]].tolist() == [5, 6, 1]
    assert cov.loc[2023, ["received", "expected", "missing"]].tolist() == [4, 6, 2]


def test_a_year_not_yet_due_has_no_missing_reports(built: dict) -> None:
    cov = run_query("coverage_by_year", db=built["db"], **_filters(built["region"]), year_from=2022, year_to=2023,
                    due_through=2022).set_index("year")
    assert cov.loc[2023, "missing"] == 0 and not bool(cov.loc[2023, "due"])
    listed = run_query("coverage_non_reporters", db=built["db"], **_filters(built["region"]), year=2023,
                       due_through=2022)
    assert listed.empty


def test_non_reporters_are_exactly_the_units_left_out_with_their_streak(built: dict) -> None:
    a, b = built["agencies"][0], built["agencies"][1]
    listed = run_query("coverage_non_reporters", db=built["db"], **_filters(built["region"]), year=2023,
                       due_through=2023).set_index("name")
    assert set(listed.index) == {a.name, b.name}
    assert listed.loc[a.name, "missed_in_row"] == 2 and listed.loc[a.name, "last_year"] == 2021
    assert listed.loc[b.name, "missed_in_row"] == 1 and listed.loc[b.name, "last_year"] == 2022


def test_ranking_keeps_non_reporters_last_and_gives_last_years_rank(built: dict) -> None:
    rank = run_query("compare_ranking", db=built["db"], year=2023, due_through=2023, **scope_params(built["region"]),
                     **indicator_params("applications_new"))
    assert len(rank) == 6
    assert list(rank["status"].iloc[-2:]) == ["missing", "missing"]
    ranked = rank[rank["status"] == "ranked"]
    assert ranked["value"].is_monotonic_decreasing and ranked["rank"].iloc[0] == 1
    before = run_query("compare_ranking", db=built["db"], year=2022, due_through=2023,
                       **scope_params(built["region"]), **indicator_params("applications_new")).set_index("agency_id")
    for r in ranked.itertuples():
        if not pd.isna(r.previous_rank):
            assert r.previous_rank == before.loc[r.agency_id, "rank"]


def test_ranking_of_other_regions_never_lists_the_home_countys_units(built: dict) -> None:
    rank = run_query("compare_ranking", db=built["db"], year=2024, due_through=2025, **scope_params("上海市"),
                     **indicator_params("applications_new"))
    assert list(rank["short_name"]) == ["上海市科学技术委员会"] or len(rank) == 1


def test_due_through_follows_the_31_january_deadline() -> None:
    import datetime as dt

    assert sc.due_through(dt.date(2026, 1, 31)) == 2024
    assert sc.due_through(dt.date(2026, 2, 1)) == 2025
    assert sc.due_through(dt.date(2025, 6, 30)) == 2024


def test_region_tree_lists_parents_above_their_counties() -> None:
    tree = sc.RegionTree.load()
    options = tree.options(["洪泽区", "互助县"])
    assert options.index("江苏省") < options.index("淮安市") < options.index("洪泽区")
    assert set(tree.below("江苏省")) >= {"江苏省", "淮安市", "洪泽区"}


def _filters(region: str | None) -> dict:
    p = scope_params(region)
    p.pop("include_suspect")
    return p
