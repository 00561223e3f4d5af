"""Every named query of the dashboard, on the fixture database (real corpus reports + a simulated county)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_queries_fixture import FIXTURES, shared_fixture_db

from dashboard.ingest.pipeline import ingest_paths
from dashboard.queries import QueryError, indicator_params, run_query
from dashboard.registry import Registry
from dashboard.review.findings import set_finding_status
from dashboard.store.named import load_query, query_header, query_names

DASHBOARD_QUERIES = [
    n
    for n in query_names()
    if n.startswith(("app_", "overview_", "trend_", "compare_", "detail_", "quality_", "review_"))
]
PINGTAN = json.loads((FIXTURES / "expected" / "pingtan-2025.json").read_text("utf-8"))
SEED = json.loads((FIXTURES / "seed-expected.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database (real corpus reports + a simulated county), built once per session."""
    return shared_fixture_db(tmp_path_factory)


def agency_id(db: Path, printed: str) -> int:
    return int(run_query("app_agencies", db=db).query("name == @printed")["agency_id"].iloc[0])


def report_id(db: Path, printed_name: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select report_id from current_reports where agency_printed = ?", [printed_name]).fetchone()[
            0
        ]
    finally:
        con.close()


@pytest.mark.parametrize("name", DASHBOARD_QUERIES)
def test_every_query_has_a_header_with_what_it_returns_its_parameters_and_grain(name: str) -> None:
    header = query_header(name)
    assert header.startswith(f"{name}:")
    assert "Parameters:" in header and "Grain:" in header
    for param in load_query(name)[1]:
        assert f"${param}" in header, f"{name}: ${param} not documented"


def totals(db: Path, year_from: int = 2019, year_to: int = 2025) -> pd.DataFrame:
    return run_query(
        "scope_indicator_totals",
        db=db,
        regions=None,
        kinds=None,
        agency_ids=None,
        include_suspect=True,
        year_from=year_from,
        year_to=year_to,
    )


def test_overview_totals_of_2025_are_the_figures_of_the_only_2025_report(fixture_db: Path) -> None:
    y = totals(fixture_db)
    y = y[y["year"] == 2025].set_index("indicator")["value"]
    assert y["applications_new"] == PINGTAN["applications"]["new"]["total"] == 154
    assert y["applications_total_handled"] == 148
    assert y["reconsideration_total"] == PINGTAN["appeals"]["reconsideration"]["total"]


def test_county_disclosure_rate_is_recomputed_from_summed_components(fixture_db: Path) -> None:
    rate = totals(fixture_db, 2025, 2025).query("indicator == 'disclosure_rate'").set_index("year")["value"]
    app = PINGTAN["applications"]
    assert rate[2025] == pytest.approx((app["granted"]["total"] + app["partial"]["total"]) / app["total"]["total"])


def test_a_range_of_years_gives_the_same_totals_as_each_year_alone(fixture_db: Path) -> None:
    every = totals(fixture_db)
    one = totals(fixture_db, 2022, 2022)
    pd.testing.assert_frame_equal(one.reset_index(drop=True), every[every["year"] == 2022].reset_index(drop=True))


def test_coverage_by_year_counts_received_and_expected(fixture_db: Path) -> None:
    rep = run_query(
        "coverage_by_year",
        db=fixture_db,
        regions=None,
        kinds=None,
        agency_ids=None,
        year_from=2019,
        year_to=2025,
        due_through=2025,
    ).set_index("year")
    assert rep.loc[2025, "received"] == 1
    assert (rep["expected"] >= rep["received"]).all()
    assert rep.loc[2019:2023, "received"].min() >= 5  # the simulated county reports every year (one may be missing)


def trend(db: Path, code: str, agency_ids: list[int] | None = None) -> pd.DataFrame:
    return run_query(
        "trend_indicator",
        db=db,
        per_agency=agency_ids is not None,
        regions=None,
        kinds=None,
        agency_ids=agency_ids,
        include_suspect=True,
        **indicator_params(code),
    )


def test_a_year_with_both_versions_counts_every_report_and_says_how_many_of_each(fixture_db: Path) -> None:
    in_2021 = trend(fixture_db, "normative_docs_issued").set_index("year").loc[2021]
    # 红崖子沟乡 reported 2021 in the 2019 format: its 本年新制作 15 is counted in the one series, and named.
    assert in_2021["reports_2019"] >= 1 and in_2021["reports_2021"] >= 1
    assert in_2021["value"] >= SEED["disclosure"]["normative_docs"]["made"] == 15


def test_procurement_is_absent_not_zero_for_reports_in_the_2021_format(fixture_db: Path) -> None:
    rows = trend(fixture_db, "procurement_projects")
    assert (rows["reports_2021"] == 0).all()
    assert 2023 not in set(rows["year"])
    assert rows.set_index("year").loc[2021, "value"] == SEED["disclosure"]["procurement"]["projects"]


def test_trend_for_chosen_agencies_has_one_row_per_agency_and_year(fixture_db: Path) -> None:
    ids = run_query("app_agencies", db=fixture_db).query("reports >= 5")["agency_id"].head(2).tolist()
    rows = trend(fixture_db, "granted", ids)
    assert set(rows["agency_id"]) == set(ids)
    assert not rows.duplicated(["agency_id", "year"]).any()


def test_ranking_orders_by_value_and_gives_the_year_before(fixture_db: Path) -> None:
    params = indicator_params("applications_new")
    rank = run_query(
        "compare_ranking",
        db=fixture_db,
        year=2022,
        due_through=2025,
        regions=None,
        kinds=None,
        agency_ids=None,
        include_suspect=True,
        **params,
    )
    grid = run_query(
        "compare_agency_year",
        db=fixture_db,
        year_from=2021,
        year_to=2022,
        regions=None,
        kinds=None,
        agency_ids=None,
        include_suspect=True,
        **params,
    )
    ranked = rank.dropna(subset=["value"])
    assert ranked["value"].is_monotonic_decreasing and ranked["rank"].iloc[0] == 1
    prev = grid[grid["year"] == 2021].set_index("agency_id")["value"]
    for r in rank.dropna(subset=["previous"]).itertuples():
        assert r.previous == prev[r.agency_id]


def test_compare_agency_year_keeps_only_the_chosen_kinds(fixture_db: Path) -> None:
    grid = run_query(
        "compare_agency_year",
        db=fixture_db,
        year_from=2019,
        year_to=2025,
        regions=None,
        kinds=["乡"],
        agency_ids=None,
        include_suspect=False,
        **indicator_params("applications_new"),
    )
    assert not grid.empty and set(grid["kind"]) == {"乡"}


def test_detail_cells_of_the_seed_report_are_the_expected_numbers(fixture_db: Path) -> None:
    cells = run_query("detail_report_cells", db=fixture_db, report_id=report_id(fixture_db, "红崖子沟乡人民政府"))
    got = {(r.tbl, r.row_code, r.col_code): (None if pd.isna(r.value) else r.value) for r in cells.itertuples()}
    for tbl in ("disclosure", "applications", "appeals"):
        for row, cols in SEED[tbl].items():
            for col, value in cols.items():
                assert got[(tbl, row, col)] == value, (tbl, row, col)


def test_detail_source_returns_the_bytes_of_the_ingested_file(fixture_db: Path) -> None:
    from dashboard.store.originals import read_source  # the bytes live in the file store beside the database

    name, data = read_source(report_id(fixture_db, "平潭综合实验区"), fixture_db)
    assert (name, data) == ("pingtan-2025.html", (FIXTURES / "pingtan-2025.html").read_bytes())


def test_detail_reports_of_agency_lists_the_superseded_version(fixture_db: Path) -> None:
    con = duckdb.connect(str(fixture_db), read_only=True)
    aid = con.execute("select agency_id from reports where superseded_by is not null").fetchone()[0]
    con.close()
    reps = run_query("detail_reports_of_agency", db=fixture_db, agency_id=aid)
    assert (~reps["is_current"]).sum() == 1
    old = reps[~reps["is_current"]].iloc[0]
    assert old["superseded_by"] in set(reps.loc[reps["is_current"], "report_id"])


def test_detail_findings_and_sections_of_a_report(fixture_db: Path) -> None:
    rid = report_id(fixture_db, "红崖子沟乡人民政府")
    findings = run_query("detail_report_findings", db=fixture_db, report_id=rid)
    assert "VERSION_YEAR" in set(findings["rule"])  # 2019 format used for a 2021 report
    sections = run_query("detail_report_sections", db=fixture_db, report_id=rid)
    assert "overview" in set(sections["code"]) and sections["body"].str.len().min() > 0


def test_coverage_marks_published_superseded_and_missing(fixture_db: Path) -> None:
    cov = run_query(
        "quality_coverage",
        db=fixture_db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        regions=None,
        agency_ids=None,
        due_through=2025,
        limit=1000,
    )
    assert set(cov["status"].dropna()) == {"published", "superseded", "missing"}
    pingtan = cov[cov["short_name"].str.contains("平潭")].set_index("year")["status"]
    # in the registry with expected_from = expected_to = 2025: not owed a report in 2019
    assert pingtan[2025] == "published" and pd.isna(pingtan[2019])
    counts = run_query(
        "quality_coverage_counts",
        db=fixture_db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        regions=None,
        agency_ids=None,
        due_through=2025,
    )
    assert counts.set_index("status")["agency_years"].to_dict() == cov["status"].value_counts().to_dict()


def test_coverage_limit_keeps_the_agencies_with_most_missing_years(fixture_db: Path) -> None:
    full = run_query(
        "quality_coverage",
        db=fixture_db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        regions=None,
        agency_ids=None,
        due_through=2025,
        limit=1000,
    )
    top = run_query(
        "quality_coverage",
        db=fixture_db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        regions=None,
        agency_ids=None,
        due_through=2025,
        limit=2,
    )
    missing = full[full["status"] == "missing"].groupby("agency_id").size()
    assert top["agency_id"].nunique() == 2
    assert top.groupby("agency_id")["missing_years"].first().min() == missing.sort_values().iloc[-2]


def test_findings_by_rule_year_and_by_agency_agree_with_the_findings_list(fixture_db: Path) -> None:
    args = {"year_from": 2019, "year_to": 2025, "kinds": None, "statuses": None, "regions": None, "agency_ids": None}
    by_rule = run_query("quality_findings_by_rule_year", db=fixture_db, **args)
    by_agency = run_query("quality_findings_by_agency", db=fixture_db, limit=1000, **args)
    listed = run_query("quality_findings_list", db=fixture_db, rules=None, limit=100000, **args)
    assert by_rule["findings"].sum() == by_agency["findings"].sum() == len(listed) > 0
    assert by_agency["findings"].is_monotonic_decreasing
    only = run_query("quality_findings_list", db=fixture_db, rules=["VERSION_YEAR"], limit=100000, **args)
    assert set(only["rule"]) == {"VERSION_YEAR"}


def test_confirming_a_finding_is_stored_with_an_audit_entry(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(fixture_db, db)
    listed = run_query(
        "quality_findings_list",
        db=db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        statuses=["open"],
        regions=None,
        agency_ids=None,
        rules=None,
        limit=1,
    )
    fid = int(listed["finding_id"].iloc[0])
    set_finding_status(fid, "dismissed", "张三", "原件如此", db=db)
    after = run_query(
        "quality_findings_list",
        db=db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        statuses=["dismissed"],
        regions=None,
        agency_ids=None,
        rules=None,
        limit=10,
    )
    assert list(after["finding_id"]) == [fid] and after["reviewed_by"].iloc[0] == "张三"
    con = duckdb.connect(str(db), read_only=True)
    who, details = con.execute("select who, details from audit_log where action = 'finding_dismissed'").fetchone()
    con.close()
    assert who == "张三" and json.loads(details)["previous_status"] == "open"


def test_a_reader_sees_a_new_ingest_at_once(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(fixture_db, db)
    before = run_query("app_years", db=db).set_index("year")["reports"]
    ingest_paths([FIXTURES / "hongze-2023.pdf"], db=db)
    after = run_query("app_years", db=db).set_index("year")["reports"]
    assert after[2023] == before[2023] + 1


def test_a_query_called_with_a_wrong_parameter_is_refused(fixture_db: Path) -> None:
    with pytest.raises(QueryError):
        run_query("detail_report_cells", db=fixture_db, report=1)
    with pytest.raises(QueryError):
        run_query("no_such_query", db=fixture_db)


def test_an_ingest_adds_indicator_rows_and_a_newer_file_replaces_the_old_ones(fixture_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(fixture_db, db)
    before = totals(db)
    assert before[before["year"] == 2023].empty or "洪泽" not in str(before)
    ingest_paths([FIXTURES / "hongze-2023.pdf"], db=db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = dict(
            con.execute("""select i.indicator, i.value from indicators i join current_reports r using (report_id)
                                   where r.agency_name = '洪泽区人民政府' and r.year = 2023""").fetchall()
        )
        stale = con.execute("""select count(*) from indicators i join reports r using (report_id)
                               where r.superseded_by is not null""").fetchone()[0]
    finally:
        con.close()
    assert rows["reconsideration_total"] == 0  # as printed, though 10 + 1 were decided
    assert rows["reconsideration_corrected"] == 1
    assert stale == 0


def test_county_rate_is_a_ratio_of_sums_never_a_sum_of_rates(fixture_db: Path) -> None:
    every = totals(fixture_db).set_index(["indicator", "year"])
    years = [y for (code, y), r in every.iterrows() if code == "applications_total_handled" and r["value"] > 0]
    assert len(years) >= 3
    for year in years:
        rate = every.loc[("disclosure_rate", year), "value"]
        assert 0 <= rate <= 1, year  # a sum of the reports' rates passes 1 as soon as two reports state one


def test_a_registry_agency_is_missing_only_in_the_years_it_owes_a_report(tmp_path: Path) -> None:
    csv = tmp_path / "agencies.csv"
    csv.write_text(
        "name,aliases,kind,region,expected_from,expected_to\n"
        "红崖子沟乡人民政府,红崖子沟乡,乡,互助县,2020,2022\n"
        "平潭综合实验区,,政府,平潭综合实验区,,\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.duckdb"
    ingest_paths(
        [FIXTURES / "000_7180246cedc2b1d8.txt", FIXTURES / "pingtan-2025.html"], db=db, registry=Registry.load(csv)
    )
    cov = run_query(
        "quality_coverage",
        db=db,
        year_from=2019,
        year_to=2025,
        kinds=None,
        regions=None,
        agency_ids=None,
        due_through=2025,
        limit=100,
    )
    status = (
        cov.set_index(["short_name", "year"])["status"].astype(object).where(cov["status"].notna().to_numpy(), None)
    )
    assert [status.get(("红崖子沟乡", y)) for y in range(2019, 2024)] == [None, "missing", "published", "missing", None]
    assert all(status.get(("平潭综合实验区", y)) == "missing" for y in range(2019, 2025))  # open: owed every year
