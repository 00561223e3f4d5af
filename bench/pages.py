"""Benchmark of the dashboard pages on a province's worth of reports: named queries vs the same data in pandas.

    python bench/pages.py [--reports 100000] [--db bench/out/bench.duckdb] [--repeat 5] [--apptest]

Rows are generated straight into DuckDB (bench/synth_db.py) — writing and parsing 100,000 report files with
`nianbao demo` would take hours. Each page's data queries run exactly as the page calls them (dashboard.queries,
without the Streamlit cache, split into the lookups a rerun finds cached and the queries it runs); pandas computes
the same page data from the same tables loaded into DataFrames (load time not counted).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth_db import build_bench_db  # noqa: E402
from dashboard.queries import indicator_params, run_query  # noqa: E402
from dashboard.store.indicators import INDICATORS  # noqa: E402
from dashboard.store.named import snapshot_cursor  # noqa: E402

BY_CODE = {d["indicator"]: d for d in INDICATORS}
YEAR, Y0, Y1 = 2023, 2019, 2025
IND = "applications_new"


def sql_pages(db: Path, agency: int, report: int) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Each page's data as the page asks for it: (lookups cached per database version, queries of a rerun).

    A rerun is what a user's filter change costs: Streamlit's cache keeps the lookups every page shares (years,
    indicator definitions, the agency list) and the queries whose parameters did not change, so a rerun runs the
    queries that depend on the changed filter — which are these, with the new value.
    """
    def q(name: str, **p: object) -> pd.DataFrame:
        return run_query(name, db=db, **p)

    common = lambda: (q("app_years"), q("app_indicator_defs"), q("app_agencies"), q("app_meta"))  # noqa: E731
    everywhere = {"regions": None, "kinds": None, "agency_ids": None}  # the whole store: the worst case of a scope
    scoped = {**everywhere, "include_suspect": False}
    return {
        "总览": (lambda: (common(), q("coverage_by_year", **everywhere, year_from=YEAR - 1, year_to=YEAR,
                                     due_through=YEAR)),
               lambda: q("scope_indicator_totals", **scoped, year_from=YEAR - 1, year_to=YEAR)),
        "趋势": (common, lambda: (q("trend_indicator", per_agency=False, **scoped, **indicator_params(IND)),
                                 q("coverage_by_year", **everywhere, year_from=Y0, year_to=Y1, due_through=YEAR))),
        "对比·排名": (common, lambda: q("compare_ranking", year=YEAR, due_through=YEAR, **scoped,
                                    **indicator_params(IND))),
        "对比·热图(镇)": (common, lambda: q("compare_agency_year", year_from=Y0, year_to=Y1, regions=None, kinds=["镇"],
                                         agency_ids=None, include_suspect=False, **indicator_params(IND))),
        "单位详情": (lambda: (common(), q("detail_reports_of_agency", agency_id=agency)),
                 lambda: (q("detail_report_cells", report_id=report), q("detail_report_findings", report_id=report),
                          q("detail_report_sections", report_id=report), q("detail_report_source", report_id=report))),
        "数据质量": (lambda: (common(), q("quality_coverage_counts", **everywhere, year_from=Y0, year_to=Y1,
                                      due_through=YEAR),
                          q("quality_coverage", **everywhere, year_from=Y0, year_to=Y1, due_through=YEAR, limit=80)),
                 lambda: (q("coverage_non_reporters", **everywhere, year=YEAR, due_through=YEAR),
                          q("quality_held_back_values", **everywhere, year_from=Y0, year_to=Y1),
                          q("quality_findings_by_rule_year", **everywhere, year_from=Y0, year_to=Y1, statuses=None),
                          q("quality_findings_by_agency", **everywhere, year_from=Y0, year_to=Y1, statuses=None,
                            limit=50),
                          q("quality_findings_list", **everywhere, year_from=Y0, year_to=Y1, statuses=None,
                            rules=None, limit=300))),
    }


# ---- the same page data in plain pandas ----

def load_frames(db: Path) -> dict[str, pd.DataFrame]:
    """The store's tables as DataFrames (strings of cells as categories, as a careful pandas user would)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        frames = {t: con.execute(f"select * from {t}").df() for t in ("agencies", "findings", "sections")}
        frames["reports"] = con.execute("select * exclude (source_bytes, parse_json) from reports").df()
        frames["cells"] = con.execute("select * from cells").df()
        frames["sources"] = con.execute("select report_id, source_name, source_bytes from reports").df()
        frames["indicators"] = con.execute("select * from indicators").df()
    finally:
        con.close()
    for c in ("tbl", "row_code", "col_code"):
        frames["cells"][c] = frames["cells"][c].astype("category")
    cur = frames["reports"][frames["reports"]["superseded_by"].isna()]
    frames["current"] = cur.merge(frames["agencies"][["agency_id", "short_name", "kind"]], on="agency_id")
    frames["current_cells"] = frames["cells"].merge(cur[["report_id", "agency_id", "year", "template"]], on="report_id")
    return frames


def pd_indicator(f: dict[str, pd.DataFrame], code: str, cc: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per current report: (report_id, agency_id, year, series, value) of one indicator, from its definition."""
    d = BY_CODE[code]
    cc = f["current_cells"] if cc is None else cc
    if "ratio" in d:
        nums, den = d["ratio"]
        parts = [pd_indicator(f, n, cc).set_index("report_id")["value"].rename(n) for n in [*nums, den]]
        wide = pd.concat(parts, axis=1)
        value = wide[list(nums)].fillna(0).sum(axis=1) / wide[den].where(wide[den] != 0)
        base = pd_indicator(f, den, cc).set_index("report_id")
        return base.assign(value=value.reindex(base.index)).reset_index()
    cols = d["col"] if isinstance(d["col"], dict) else {t: d["col"] for t in d["templates"]}
    mask = (cc["tbl"] == d["tbl"]) & cc["row_code"].isin(d["rows"]) & cc["template"].isin(d["templates"])
    sel = cc[mask]
    sel = sel[sel["col_code"].astype(str) == sel["template"].map(cols)]
    out = sel.groupby(["report_id", "agency_id", "year", "template"], observed=True)["value"].sum(min_count=1)
    out = out.reset_index()
    out["series"] = out["template"] if d["series"] == "template" else d["series"]
    return out


def pd_indicator_table(f: dict[str, pd.DataFrame], code: str, cc: pd.DataFrame | None = None) -> pd.DataFrame:
    """The same as pd_indicator, read from the store's indicators table instead of summing cells."""
    ind = f["indicators"]
    return ind[ind["indicator"] == code][["report_id", "agency_id", "year", "template", "value", "series"]]


def pd_expected(f: dict[str, pd.DataFrame], years: range, agencies: pd.DataFrame) -> pd.DataFrame:
    spans = f["current"].groupby("agency_id")["year"].agg(["min", "max"])
    grid = agencies[["agency_id", "in_registry"]].merge(pd.DataFrame({"year": list(years)}), how="cross")
    grid = grid.join(spans, on="agency_id")
    return grid[grid["in_registry"].fillna(False) | ((grid["year"] >= grid["min"]) & (grid["year"] <= grid["max"]))]


def pandas_pages(f: dict[str, pd.DataFrame], agency: int, report: int,
                 pd_indicator: Callable[..., pd.DataFrame] = pd_indicator) -> dict[str, Callable[[], object]]:
    """The same page data as sql_pages, computed with pandas (indicators from cells, or from the stored table)."""
    cur, ag = f["current"], f["agencies"]
    plain = [d["indicator"] for d in INDICATORS if "ratio" not in d]

    def overview() -> object:
        received = cur.groupby("year").size()
        expected = pd_expected(f, range(cur["year"].min(), cur["year"].max() + 1), ag).groupby("year").size()
        cc = f["current_cells"][f["current_cells"]["year"].between(YEAR - 1, YEAR)]
        totals = pd.concat([pd_indicator(f, c, cc).assign(indicator=c) for c in plain])
        return received, expected, totals.groupby(["year", "indicator", "series"])["value"].agg(["sum", "count"])

    def trend() -> object:
        return pd_indicator(f, IND).groupby(["year", "series"])["value"].sum(min_count=1)

    def ranking() -> object:
        v = pd_indicator(f, IND)
        now, prev = v[v["year"] == YEAR], v[v["year"] == YEAR - 1]
        r = now.merge(prev[["agency_id", "series", "value"]], on=["agency_id", "series"], how="left",
                      suffixes=("", "_prev"))
        r["rank"] = r["value"].rank(ascending=False, method="min")
        return r.merge(ag[["agency_id", "short_name", "kind"]], on="agency_id").sort_values("rank")

    def heatmap() -> object:
        v = pd_indicator(f, IND).merge(ag[["agency_id", "short_name", "kind"]], on="agency_id")
        return v[(v["kind"] == "镇") & v["year"].between(Y0, Y1)]

    def detail() -> object:
        reps = f["reports"][f["reports"]["agency_id"] == agency]
        return (reps, f["cells"][f["cells"]["report_id"] == report], f["findings"][f["findings"]["report_id"] == report],
                f["sections"][f["sections"]["report_id"] == report], f["sources"][f["sources"]["report_id"] == report])

    def quality() -> object:
        fj = f["findings"].merge(cur[["report_id", "agency_id", "short_name", "kind", "year"]], on="report_id")
        by_rule = fj.groupby(["rule", "severity", "year"]).size()
        by_agency = fj.groupby(["agency_id", "short_name", "kind"]).size().sort_values(ascending=False).head(50)
        years = range(Y0, Y1 + 1)
        exp = pd_expected(f, years, ag)[["agency_id", "year"]].assign(expected=True)
        versions = f["reports"].groupby(["agency_id", "year"]).agg(versions=("report_id", "size"),
                                                                     current=("superseded_by", lambda s: s.isna().sum()))
        grid = ag[["agency_id", "short_name", "kind"]].merge(pd.DataFrame({"year": list(years)}), how="cross")
        grid = grid.merge(versions.reset_index(), on=["agency_id", "year"], how="left") \
            .merge(exp, on=["agency_id", "year"], how="left")
        grid["status"] = None
        grid.loc[grid["expected"].eq(True), "status"] = "missing"
        grid.loc[grid["current"] > 0, "status"] = "published"
        grid.loc[(grid["current"] > 0) & (grid["versions"] > 1), "status"] = "superseded"
        counts = grid["status"].value_counts()
        worst = grid[grid["status"] == "missing"].groupby("agency_id").size().sort_values(ascending=False).head(80)
        matrix = grid[grid["agency_id"].isin(worst.index)]
        listed = fj.sort_values(["year", "severity", "short_name"], ascending=[False, True, True]).head(300)
        return by_rule, by_agency, counts, matrix, listed

    return {"总览": overview, "趋势": trend, "对比·排名": ranking, "对比·热图(镇)": heatmap, "单位详情": detail,
            "数据质量": quality}


def timed(fn: Callable[[], object], repeat: int, warm: bool = True) -> float:
    """Median wall time in ms over `repeat` runs (after one warm-up run when warm)."""
    if warm:
        fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def apptest_times(db: Path) -> dict[str, float]:
    """Full page runs in Streamlit's AppTest (first run of a fresh AppTest, Streamlit cache cleared)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["NIANBAO_DB"] = str(db)
    out = {}
    for name, file in [("总览", "overview"), ("趋势", "trend"), ("对比·排名", "compare"), ("单位详情", "detail"),
                       ("数据质量", "quality")]:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{file}.py"), default_timeout=600)
        t0 = time.perf_counter()
        at.run()
        out[name] = (time.perf_counter() - t0) * 1000
    return out


def main() -> None:
    """Build (or reuse) the benchmark database, time every page both ways, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "bench.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reuse", action="store_true", help="use an existing --db file as it is")
    ap.add_argument("--apptest", action="store_true", help="also time full page runs in AppTest")
    args = ap.parse_args()
    db = args.db
    db.parent.mkdir(parents=True, exist_ok=True)
    if not (args.reuse and db.exists()):
        t0 = time.perf_counter()
        counts = build_bench_db(db, args.reports)
        print(f"generated {counts} in {time.perf_counter() - t0:.1f} s → {db}")
    t0 = time.perf_counter()
    snapshot_cursor(db).close()
    print(f"first read-only snapshot of the file: {time.perf_counter() - t0:.1f} s")
    con = duckdb.connect(str(db), read_only=True)
    agency, report = con.execute("select agency_id, report_id from current_reports where year = ? limit 1",
                                 [YEAR]).fetchone()
    con.close()
    t0 = time.perf_counter()
    frames = load_frames(db)
    print(f"pandas: tables loaded in {time.perf_counter() - t0:.1f} s (not counted below)")
    sql = sql_pages(db, agency, report)
    from_cells = pandas_pages(frames, agency, report)
    from_table = pandas_pages(frames, agency, report, pd_indicator_table)
    rows = []
    for page, (lookups, rerun) in sql.items():
        r = timed(rerun, args.repeat)
        first = timed(lambda lookups=lookups, rerun=rerun: (lookups(), rerun()), args.repeat)
        pc, pt = timed(from_cells[page], 1, warm=False), timed(from_table[page], 3)
        rows.append((page, r, first, pc, pt))
    print("\nrerun = the queries a filter change runs (shared lookups cached, as Streamlit does); first = all of a"
          " page's queries cold.\npandas A computes indicators from cells, pandas B reads the stored indicators"
          " table; both over DataFrames already loaded.")
    print(f"\n{'page':<14}{'rerun ms':>9}{'first ms':>9}{'pandas A':>10}{'A/rerun':>8}{'pandas B':>10}{'B/rerun':>8}"
          "  goal: rerun ≤150 ms and ≥10× pandas")
    for page, r, first, pc, pt in rows:
        ok = "ok" if r <= 150 and pc / r >= 10 else "MISS"
        print(f"{page:<14}{r:>9.1f}{first:>9.1f}{pc:>10.1f}{pc / r:>7.1f}×{pt:>10.1f}{pt / r:>7.1f}×  {ok}")
    if args.apptest:
        print("\nAppTest full page run (Streamlit cache cleared; includes rendering):")
        for page, ms in apptest_times(db).items():
            print(f"  {page:<12}{ms:>10.0f} ms")


if __name__ == "__main__":
    main()
