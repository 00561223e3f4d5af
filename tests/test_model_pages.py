"""Issue 20, Build item 2: what 趋势, 数据质量 and 单位详情 render (AppTest) against the reference model
(tests/model/reference.py), over a sample of (scope, year, switch) cases of the demo — worked as an office does: a
correction that resolves an error, an excluded finding, a report entered by hand — and of a random synthetic county.
Every figure, label and list a case shows must be the model's."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import demo_fixture
import pandas as pd
import pytest
from model.cases import cases_of, shown_value, url_of
from model.reference import GROUPS, Case, World, rank_change_words
from model.worlds import build_synthetic_county, ingest_a_corrected_file, work_the_office
from streamlit.testing.v1 import AppTest

from dashboard.catalogue.labels import COL_ZH, COVERAGE_STATUS_ZH, FINDING_STATUS_ZH, ROW_ZH, cell_label, rule_name
from dashboard.store.indicators import INDICATORS

demo_db = demo_fixture.demo_db  # fixture
PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
TREND_CODES = ("applications_new", "disclosure_rate", "normative_docs_issued", "normative_docs_in_force",
               "reconsideration_total")
UNIT = {d["indicator"]: d["unit"] for d in INDICATORS}
NAME = {d["indicator"]: d["name_zh"] for d in INDICATORS}
SYNTH_SEED = 23
SEEN: Counter = Counter()  # what the comparisons met (rows, held values, closed findings…): none may be vacuous


@pytest.fixture(scope="module")
def worlds(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo worked by an office (a correction, an exclusion, a manual report, a unit's corrected file) and one
    random county (worked the same way)."""
    worked = demo_fixture.copy_db(demo_db, tmp_path_factory.mktemp("worked_demo"))
    work_the_office(worked, random.Random(7))
    ingest_a_corrected_file(worked, random.Random(7), None, worked.parent)
    return [worked, build_synthetic_county(tmp_path_factory.mktemp("county"), SYNTH_SEED)]


def run_page(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame | None:
    """The first table the page shows that has this column."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    return None


def year_span(years: list[int]) -> str:
    return "" if not years else f"{years[0]}年" if years[0] == years[-1] else f"{years[0]}—{years[-1]}年"


# ---- 趋势 ----

def trend_disagreements(world: World, case: Case, code: str, year_from: int) -> list[str]:
    at = run_page("trend", {**url_of(case), "from": str(year_from), "indicator": code})
    bad: list[str] = []
    per_agency = bool(case.agency_ids) and len(case.agency_ids) <= 8
    if per_agency:  # one line per chosen unit, every year drawn (a unit's own figure is not a scope's partial total)
        series = {}
        for a in world.in_scope(case):
            rows = {y: world.totals(Case(None, None, (a.agency_id,), y, case.include_suspect)).get(code)
                    for y in range(year_from, case.year + 1)}
            series[a.short] = {y: t for y, t in rows.items() if t is not None}
    else:
        series = {"合计": world.trend(case, code, year_from)}
    stated = any(t["value"] is not None for rows in series.values() for t in rows.values())
    warned = any("没有报告填报" in w.value for w in at.warning)
    if not stated:
        if not warned:
            bad.append(f"{case} {code}: the model has no figure from {year_from}, the page did not say so")
        return bad
    if warned:
        return bad + [f"{case} {code}: the page says no report states it, the model has figures"]
    table = frame_with(at, "填报此项的报告（份）")
    shown = {(r["范围"], int(str(r["年度"]).removesuffix("年"))): r for _, r in table.iterrows()}
    want_keys = {(s, y) for s, rows in series.items() for y in rows}
    if set(shown) != want_keys:
        return bad + [f"{case} {code}: rows page={sorted(shown)} model={sorted(want_keys)}"]
    held = 0
    for (scope, y), r in shown.items():
        t = series[scope][y]
        cov = world.coverage(Case(case.region, case.kinds, case.agency_ids, y, case.include_suspect))
        want = {"数值": shown_value(t["value"], UNIT[code]), "填报此项的报告（份）": t["reports"],
                "收到 / 应报": f"{cov['received']} / {cov['expected']}", "存疑未计入": t["held_back"],
                "说明": (f"含2019年版口径{t['templates']['2019']}份"
                       if t["templates"].get("2019") and t["templates"].get("2021") else "")}
        got = {k: (int(r[k]) if k in ("填报此项的报告（份）", "存疑未计入") else r[k]) for k in want}
        if got != want:
            bad.append(f"{case} {code} {scope} {y}: page={got} model={want}")
        held += int(t["held_back"])
        SEEN["trend rows"] += 1
        SEEN["trend rows of both formats"] += bool(want["说明"])
    title = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    years = sorted({y for rows in series.values() for y in rows})
    if year_span(years) not in title.split(" · "):
        bad.append(f"{case} {code}: title {title!r} does not span the model's years {year_span(years)}")
    captions = " ".join(c.value for c in at.caption)
    if (held and not case.include_suspect) != (f"另有 {held} 个存疑数值未计入" in captions):
        bad.append(f"{case} {code}: {held} held back by the model; captions say {captions!r}")
    marker = None if per_agency else world.definition_change_year(case, code, year_from)
    SEEN["trend held back"] += held
    SEEN["trend definition change"] += marker is not None
    SEEN["trend per unit"] += per_agency
    if not per_agency and (marker is not None) != ("点线竖线为口径变化处" in captions):
        bad.append(f"{case} {code}: definition change in {marker} by the model; captions say {captions!r}")
    not_due = not world.coverage(case)["due"]
    said = any("尚未到期" in i.value for i in at.info)
    if not_due != said:
        bad.append(f"{case} {code}: not due by the model={not_due}, the page says 尚未到期={said}")
    SEEN["trend not due"] += not_due
    return bad


def test_the_trend_page_shows_the_models_series_across_the_format_change(worlds: list[Path],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bad, compared = [], 0
    for db, n, seed in ((worlds[0], 10, 31), (worlds[1], 5, 32)):
        monkeypatch.setenv("NIANBAO_DB", str(db))
        world = World(db)
        years = sorted({r.year for r in world.current})
        rng = random.Random(seed)
        for case in cases_of(world, n, seed):
            code = rng.choice(TREND_CODES)
            bad += trend_disagreements(world, case, code, rng.choice([y for y in years if y <= case.year]))
            compared += 1
        # the home county over every year: the last one not yet due in the demo (its early reports not drawn), the
        # normative documents across the 2021 change of question, three units drawn one line each
        units = tuple(sorted(a.agency_id for a in world.in_scope(Case(world.home, None, None, 0, False))))[:3]
        for case, code in ((Case(world.home, None, None, years[-1], False), "applications_new"),
                           (Case(world.home, None, None, years[-2], False), "normative_docs_issued"),
                           (Case(world.home, None, units, years[-2], True), "applications_new")):
            bad += trend_disagreements(world, case, code, years[0])
            compared += 1
    assert compared == 21
    assert min(SEEN[k] for k in ("trend rows", "trend rows of both formats", "trend held back", "trend definition change",
                                 "trend per unit", "trend not due")) > 0, SEEN
    assert not bad, f"{len(bad)} disagreements:\n" + "\n".join(bad[:20])


# ---- 数据质量 ----

def quality_disagreements(world: World, case: Case, year_from: int, statuses: list[str] | None) -> list[str]:
    params = {**url_of(case), "from": str(year_from)}
    if statuses:
        params["status"] = ",".join(statuses)
    at = run_page("quality", params)
    bad: list[str] = []
    counts = world.coverage_counts(case, year_from)
    metrics = {m.label: m.value for m in at.metric}
    for key, n in counts.items():
        label = f"{COVERAGE_STATUS_ZH[key]}（单位·年）"
        if str(metrics.get(label)) != str(n):
            bad.append(f"{case} from {year_from}: {label} page={metrics.get(label)} model={n}")
    # 缺报名单 of the year: who, how many years in a row, the last report
    want = {world.agencies[aid].short: (world.missed_in_row(world.agencies[aid], case.year),
                                        world.last_report_year(aid, case.year))
            for aid in world.non_reporters(case)}
    table = frame_with(at, "连续缺报（年）")
    got = {} if table is None else {
        r["单位"]: (int(r["连续缺报（年）"]), None if r["最近一次报告"] == "从未收到"
                   else int(str(r["最近一次报告"]).removesuffix("年"))) for _, r in table.iterrows()}
    if got != want:
        bad.append(f"{case}: 缺报名单 page={got} model={want}")
    SEEN["non-reporters"] += len(want)
    SEEN["unit-years missing"] += counts["missing"]
    SEEN["unit-years superseded"] += counts["superseded"]
    # findings: by rule and year, and the list with each one's status (open, confirmed, dismissed, resolved)
    found = [f for f in world.findings_in(case, year_from, case.year) if not statuses or f.status in statuses]
    year_of = {r.report_id: r.year for r in world.reports}
    want_by = Counter((rule_name(f.rule), year_of[f.report_id]) for f in found)
    by_year = next((f.value for f in at.dataframe if f.value.index.name == "规则"), None)
    got_by = Counter() if by_year is None else Counter(
        {(rule, int(col.removesuffix("年"))): int(n) for rule, row in by_year.iterrows() for col, n in row.items()
         if int(n)})
    if got_by != want_by:
        bad.append(f"{case} from {year_from} {statuses}: by rule and year page={dict(got_by)} model={dict(want_by)}")
    if by_year is not None and list(by_year.columns) != [f"{y}年" for y in range(year_from, case.year + 1)]:
        bad.append(f"{case} from {year_from}: by-rule columns {list(by_year.columns)}")
    agency_of = {r.report_id: r.agency_id for r in world.reports}
    want_list = Counter((year_of[f.report_id], world.agencies[agency_of[f.report_id]].short, rule_name(f.rule),
                         FINDING_STATUS_ZH[f.status]) for f in found)
    listed = frame_with(at, "核实人")
    got_list = Counter() if listed is None else Counter(
        (int(r["年度"]), r["单位"], r["规则"], r["状态"]) for _, r in listed.iterrows())
    SEEN["findings listed"] += len(found)
    SEEN["findings closed"] += sum(1 for f in found if f.status in ("resolved", "dismissed"))
    if len(found) < 300 and got_list != want_list:
        bad.append(f"{case} from {year_from} {statuses}: findings list differs: page-only {got_list - want_list}, "
                   f"model-only {want_list - got_list}")
    return bad


def test_the_quality_page_counts_units_findings_and_non_reporters_as_the_model(
        worlds: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    bad, compared = [], 0
    status_options = [None, ["open"], ["open", "confirmed"], ["resolved", "dismissed"]]
    for db, n, seed in ((worlds[0], 8, 41), (worlds[1], 4, 42)):
        monkeypatch.setenv("NIANBAO_DB", str(db))
        world = World(db)
        years = sorted({r.year for r in world.current})
        rng = random.Random(seed)
        for case in cases_of(world, n, seed):
            bad += quality_disagreements(world, case, rng.choice([y for y in years if y <= case.year]),
                                         rng.choice(status_options))
            compared += 1
        # the home county over every year, every status (the office's resolved and excluded findings among them)
        bad += quality_disagreements(world, Case(world.home, None, None, years[-1], False), years[0], None)
        compared += 1
    assert compared == 14
    assert min(SEEN[k] for k in ("non-reporters", "unit-years missing", "unit-years superseded", "findings listed",
                                 "findings closed")) > 0, SEEN
    assert not bad, f"{len(bad)} disagreements:\n" + "\n".join(bad[:20])


# ---- 单位详情 ----

def value_text(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def detail_disagreements(world: World, report_id: int) -> list[str]:
    rep = world.report(report_id)
    a = world.agencies[rep.agency_id]
    at = run_page("detail", {"region": "全部地区", "year": str(rep.year), "unit": str(a.agency_id),
                             "report": str(report_id)})
    bad: list[str] = []
    # the unit's reports by year: how many versions, and each current one's open findings
    overview = frame_with(at, "待核实问题")
    versions = [r for r in world.reports if r.agency_id == a.agency_id]
    if len(overview) != len(versions):
        bad.append(f"{a.short}: {len(overview)} reports listed, the model has {len(versions)}")
    current_open = {r.year: sum(1 for f in world.findings if f.report_id == r.report_id and f.status == "open")
                    for r in versions if r.current}
    shown_open = {int(r["年度"]): int(r["待核实问题"]) for _, r in overview.iterrows() if r["状态"] == "现行版"}
    if shown_open != current_open:
        bad.append(f"{a.short}: open findings by year page={shown_open} model={current_open}")
    # the report's findings: those standing (open, confirmed) apart from those closed, with the corrected values
    mine = [f for f in world.findings if f.report_id == report_id]
    standing = Counter((rule_name(f.rule), FINDING_STATUS_ZH[f.status]) for f in mine
                       if f.status in ("open", "confirmed"))
    active = frame_with(at, "级别")
    got = Counter() if active is None else Counter((r["规则"], r["状态"]) for _, r in active.iterrows())
    if got != standing:
        bad.append(f"{a.short} {rep.year}: standing findings page={dict(got)} model={dict(standing)}")
    corrected = world.corrected.get(report_id, {})

    def after(cells: list[str]) -> str:
        parts = [f"{cell_label(k)} = {'（空白）' if corrected[k] is None else value_text(corrected[k])}"
                 for k in cells if k in corrected]
        return "；".join(parts) or "—"

    closed = Counter((rule_name(f.rule), FINDING_STATUS_ZH[f.status], after(f.cells), f.reviewed_by or "")
                     for f in mine if f.status not in ("open", "confirmed"))
    table = frame_with(at, "更正后的值")
    got = Counter() if table is None else Counter(
        (r["规则"], r["状态"], r["更正后的值"], r["关闭人"]) for _, r in table.iterrows())
    if got != closed:
        bad.append(f"{a.short} {rep.year}: closed findings page={dict(got)} model={dict(closed)}")
    SEEN["detail standing findings"] += sum(standing.values())
    SEEN["detail resolved"] += sum(1 for f in mine if f.status == "resolved")
    SEEN["detail dismissed"] += sum(1 for f in mine if f.status == "dismissed")
    SEEN["detail corrected values"] += sum(1 for k in closed if k[2] != "—")
    # the report's values, corrections applied: every number of the application table as the model reads it
    grid = next((f.value for f in at.dataframe if ROW_ZH["applications"]["new"] in f.value.index), None)
    for key, value in rep.cells.items():
        tbl, row, col = key.split(".")
        if tbl != "applications" or value is None or grid is None:
            continue
        r, c = ROW_ZH[tbl].get(row, row), COL_ZH[tbl].get(col, col)
        if r not in grid.index or c not in grid.columns:
            bad.append(f"{a.short} {rep.year} {key}: not shown (model {value_text(value)})")
        elif grid.loc[r, c] != value_text(value):
            bad.append(f"{a.short} {rep.year} {key}: page={grid.loc[r, c]} model={value_text(value)}")
        SEEN["detail values"] += 1
    return bad


def test_a_units_detail_shows_its_values_and_its_findings_open_and_resolved_as_the_model(
        worlds: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    bad, compared = [], 0
    for db, n, seed in ((worlds[0], 6, 51), (worlds[1], 3, 52)):
        monkeypatch.setenv("NIANBAO_DB", str(db))
        world = World(db)
        closed = sorted({f.report_id for f in world.findings if f.status in ("resolved", "dismissed")})
        rng = random.Random(seed)
        current = sorted(r.report_id for r in world.current)
        for report_id in closed + rng.sample(current, n):  # every report with a closed finding, and a random few
            bad += detail_disagreements(world, report_id)
            compared += 1
    assert compared >= 9 + 2  # a resolved and an excluded finding in each world
    assert min(SEEN[k] for k in ("detail standing findings", "detail resolved", "detail dismissed",
                                 "detail corrected values", "detail values")) > 0, SEEN
    assert not bad, f"{len(bad)} disagreements:\n" + "\n".join(bad[:20])


# ---- 对比 (the ranking, every column) ----

RANK_STATUS_WORDS = {"ranked": "", "held": "存疑未计", "blank": "未填此项", "uncomputable": "无法计算", "missing": "未报"}


def change_text(change: float | None, unit: str) -> str:
    """变化 as the model says it: +3 件, +1.25 万元, +16.7个百分点 for a rate (never a per cent of a per cent)."""
    if change is None:
        return "—"
    if unit == "比率":
        return f"{change * 100:+.1f}个百分点"
    return f"{change:+,.2f}" if unit in ("万元", "按原件") else f"{change:+,.0f}"


def ranking_disagreements(world: World, case: Case, code: str) -> list[str]:
    at = run_page("compare", {**url_of(case), "indicator": code})
    bad: list[str] = []
    unit = UNIT[code]
    shown = {}
    for frame in at.dataframe:
        if "名次变化" in frame.value.columns:
            for _, r in frame.value.iterrows():
                shown[r["单位"]] = {k: r[k] for k in ("名次", "上年名次", "名次变化", "数值", "上年", "变化", "状态")}
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    want = {}
    for group, kinds in GROUPS.items():
        kinds = tuple(k for k in kinds if case.kinds is None or k in case.kinds)
        ranking = world.ranking(case, code, kinds) if kinds else {}
        if not ranking:
            continue
        for aid, r in ranking.items():
            now = world.agency_value(aid, case.year, code, case.include_suspect)
            before = world.agency_value(aid, case.year - 1, code, case.include_suspect)
            value = None if now is None or now["held"] else now["value"]
            previous = None if before is None or before["held"] else before["value"]
            want[world.agencies[aid].short] = {
                "名次": "" if r["rank"] is None else str(r["rank"]),
                "上年名次": "" if r["previous_rank"] is None else str(r["previous_rank"]),
                "名次变化": rank_change_words(r["rank"], r["previous_rank"], r["previous_status"]),
                "数值": shown_value(value, unit), "上年": shown_value(previous, unit),
                "变化": change_text(None if value is None or previous is None else value - previous, unit),
                "状态": RANK_STATUS_WORDS[r["status"]]}
            SEEN["rank rate changes"] += unit == "比率" and value is not None and previous is not None
            SEEN[f"rank {r['status']}"] += 1
        # the top and the bottom never share a unit: one list of all when fewer than 20 are ranked
        ranked = sum(1 for r in ranking.values() if r["status"] == "ranked")
        mine = [t for t in titles if t.endswith(f" · {group}")]
        expect = [] if not ranked else ["前10名", "后10名"] if ranked >= 20 else [f"全部{ranked}个单位"]
        if [next((w for w in ("前10名", "后10名", f"全部{ranked}个单位") if w in t), t) for t in mine] != expect:
            bad.append(f"{case} {code} {group}: charts {mine}, the model ranks {ranked}")
    if shown != want:
        diff = {k: (shown.get(k), want.get(k)) for k in set(shown) | set(want) if shown.get(k) != want.get(k)}
        bad.append(f"{case} {code}: ranking differs (page, model): {dict(list(diff.items())[:3])}")
    return bad


def test_the_ranking_page_states_every_rank_value_change_and_status_as_the_model(
        worlds: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    bad, compared = [], 0
    codes = ("applications_new", "disclosure_rate", "reconsideration_total")
    for db, n, seed in ((worlds[0], 8, 71), (worlds[1], 4, 72)):
        monkeypatch.setenv("NIANBAO_DB", str(db))
        world = World(db)
        rng = random.Random(seed)
        due = [y for y in sorted({r.year for r in world.current})
               if world.coverage(Case(world.home, None, None, y, False))["due"]]
        for case in [*cases_of(world, n, seed), Case(world.home, None, None, due[-1], False)]:
            bad += ranking_disagreements(world, case, rng.choice(codes))
            compared += 1
        bad += ranking_disagreements(world, Case(world.home, None, None, due[-1], True), "disclosure_rate")
        compared += 1
    assert compared == 16
    assert min(SEEN[k] for k in ("rank rate changes", "rank ranked", "rank missing", "rank uncomputable")) > 0, SEEN
    assert not bad, f"{len(bad)} disagreements:\n" + "\n".join(bad[:20])
