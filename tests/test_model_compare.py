"""Issue 20, Build item 2: the reference model (tests/model/reference.py) against the named queries, the pages
(AppTest), the pack (dashboard/export) and the CLI, over many (scope, year, switch) cases of the demo and of random
synthetic counties. Every figure, label and list must be equal."""

from __future__ import annotations

import zlib
from pathlib import Path

import demo_fixture
import pandas as pd
import pytest
from model.cases import cases_of, same, shown_count, shown_rate, url_of
from model.reference import GROUPS, KINDS, Case, World, rank_change_words
from model.worlds import build_synthetic_county

from dashboard.queries import indicator_params, run_query

demo_db, demo = demo_fixture.demo_db, demo_fixture.demo  # fixtures
SYNTH_SEEDS = (11, 23, 47)
RANKED = ("applications_new", "disclosure_rate", "reconsideration_total", "penalty_decisions")
DEMO_CASES, SYNTH_CASES = 130, 30


def due_param(world: World) -> dict[str, int]:
    return {**{k: world.due_year(k) for k in KINDS}, "": world.due_year(None)}


def scope_params(world: World, case: Case, kinds: tuple[str, ...] | None = None) -> dict:
    regions = sorted(world.regions_below(case.region)) if case.region else None
    kinds = kinds if kinds is not None else case.kinds
    return {"regions": regions, "kinds": list(kinds) if kinds else None,
            "agency_ids": list(case.agency_ids) if case.agency_ids else None}


def compare_queries(world: World, db: Path, case: Case) -> list[str]:
    """Every disagreement between the model and the named queries for one case (empty = none)."""
    bad: list[str] = []
    p = scope_params(world, case)
    due = due_param(world)
    cov = run_query("coverage_by_year", db=db, **p, year_from=case.year, year_to=case.year, due_through=due).iloc[0]
    want = world.coverage(case)
    for key in ("received", "expected", "missing", "not_due", "due"):
        if want[key] != (bool(cov[key]) if key == "due" else int(cov[key])):
            bad.append(f"{case}: coverage {key} model={want[key]} query={cov[key]}")
    nr = run_query("coverage_non_reporters", db=db, **p, year=case.year, due_through=due)
    if set(int(a) for a in nr["agency_id"]) != world.non_reporters(case):
        bad.append(f"{case}: 缺报名单 model={sorted(world.non_reporters(case))} query={sorted(nr['agency_id'])}")
    totals = run_query("scope_indicator_totals", db=db, **p, include_suspect=case.include_suspect,
                       year_from=case.year, year_to=case.year).set_index("indicator")
    model_totals = world.totals(case)
    for code in set(model_totals) | set(totals.index):
        m = model_totals.get(code, {"value": None, "reports": 0, "held_back": 0})
        q = totals.loc[code] if code in totals.index else {"value": None, "reports": 0, "held_back": 0}
        if not same(m["value"], q["value"]) or int(m["reports"]) != int(q["reports"]) \
                or int(m["held_back"]) != int(q["held_back"]):
            bad.append(f"{case}: total {code} model={m} query=({q['value']}, {q['reports']}, {q['held_back']})")
    code = RANKED[zlib.crc32(repr(case).encode()) % len(RANKED)]  # one indicator per case, stable across runs
    present = {a.kind for a in world.in_scope(case)}
    if code:
        for group, kinds in GROUPS.items():
            kinds = tuple(k for k in kinds if (case.kinds is None or k in case.kinds) and k in present)
            if not kinds:
                continue
            got = run_query("compare_ranking", db=db, **indicator_params(code), year=case.year, due_through=due,
                            **scope_params(world, case, kinds), include_suspect=case.include_suspect)
            model = world.ranking(case, code, kinds)
            rows = {int(r.agency_id): r for r in got.itertuples()}
            if set(rows) != set(model):
                bad.append(f"{case}: ranking {code}/{group} units model={sorted(model)} query={sorted(rows)}")
                continue
            for aid, m in model.items():
                r = rows[aid]
                q = {"rank": None if pd.isna(r.rank) else int(r.rank),
                     "previous_rank": None if pd.isna(r.previous_rank) else int(r.previous_rank),
                     "status": r.status, "previous_status": r.previous_status}
                if q != m:
                    bad.append(f"{case}: ranking {code}/{group} unit {aid} model={m} query={q}")
    return bad


@pytest.fixture(scope="module")
def synth_dbs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [build_synthetic_county(tmp_path_factory.mktemp(f"county{s}"), s) for s in SYNTH_SEEDS]


def test_the_named_queries_agree_with_the_model_over_the_demo_and_three_random_counties(
        demo_db: Path, synth_dbs: list[Path]) -> None:
    compared, bad = 0, []
    for db, n, seed in [(demo_db, DEMO_CASES, 1), *[(d, SYNTH_CASES, s) for d, s in zip(synth_dbs, SYNTH_SEEDS,
                                                                                       strict=True)]]:
        world = World(db)
        for case in cases_of(world, n, seed):
            bad += compare_queries(world, db, case)
            compared += 1
    assert compared >= 200
    assert not bad, f"{len(bad)} disagreements over {compared} cases:\n" + "\n".join(bad[:20])


PAGE_CASES = 8


def test_what_the_overview_and_the_ranking_render_agrees_with_the_model(demo: Path) -> None:
    from streamlit.testing.v1 import AppTest

    world = World(demo)
    pages = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
    bad, compared = [], 0
    for case in cases_of(world, PAGE_CASES, seed=5):
        at = AppTest.from_file(str(pages / "overview.py"), default_timeout=120)
        for key, value in url_of(case).items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        m = {x.label: x.value for x in at.metric}
        cov, totals = world.coverage(case), world.totals(case)
        want_received = f"{cov['received']} / {cov['expected']}" if cov["due"] else f"{cov['received']}"
        if m.get("收到报告（份）") != want_received:
            bad.append(f"{case}: 收到报告 page={m.get('收到报告（份）')} model={want_received}")
        for label, code, fmt in [("本年新收申请（件）", "applications_new", shown_count),
                                 ("实质公开率", "disclosure_rate", shown_rate),
                                 ("行政复议总计（件）", "reconsideration_total", shown_count)]:
            want = fmt(totals.get(code, {}).get("value"))
            if m.get(label) != want:
                bad.append(f"{case}: {label} page={m.get(label)} model={want}")
        at = AppTest.from_file(str(pages / "compare.py"), default_timeout=120)
        for key, value in {**url_of(case), "indicator": "applications_new"}.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        shown = {}
        for frame in at.dataframe:
            if "名次变化" in frame.value:
                shown.update(dict(zip(frame.value["单位"], frame.value["名次变化"], strict=True)))
        present = {a.kind for a in world.in_scope(case)}
        for kinds in GROUPS.values():
            kinds = tuple(k for k in kinds if (case.kinds is None or k in case.kinds) and k in present)
            if not kinds:
                continue
            for aid, r in world.ranking(case, "applications_new", kinds).items():
                want = rank_change_words(r["rank"], r["previous_rank"], r["previous_status"])
                name = world.agencies[aid].short
                if shown.get(name) != want:
                    bad.append(f"{case}: 名次变化 of {name} page={shown.get(name)} model={want}")
        compared += 1
    assert compared == PAGE_CASES
    assert not bad, "\n".join(bad[:20])


def test_the_pack_and_the_cli_agree_with_the_model(demo: Path) -> None:
    import json
    import subprocess
    import sys

    from dashboard.export.data import EmptyPackError, PackScope, load_pack_data

    world = World(demo)
    bad = []
    for case in cases_of(world, 12, seed=9):
        cov = world.coverage(case)
        scope = PackScope(case.region, case.kinds, case.agency_ids, case.include_suspect)
        try:
            data = load_pack_data(case.year, None, demo, scope)
        except EmptyPackError:
            if cov["received"]:
                bad.append(f"{case}: pack refused, model has {cov['received']} reports")
            continue
        got = (data.received, data.expected, {int(a) for a in data.non_reporters["agency_id"]}, data.not_due is None)
        want = (cov["received"], cov["expected"], world.non_reporters(case), bool(cov["due"]))
        if got != want:
            bad.append(f"{case}: pack {got} model {want}")
        total = world.totals(case).get("applications_new", {}).get("value")
        value = data.year_value("applications_new", case.year)[0]
        if not same(total, value):
            bad.append(f"{case}: pack 本年新收申请 {value} model {total}")
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "check", "--year", "2024", "--json", "--db",
                          str(demo)], capture_output=True, text=True, timeout=600,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    listed = {int(f["finding_id"]) for f in json.loads(out.stdout)}
    after = World(demo)  # check re-ran the checks: the model reads what they stored
    want = after.findings_of(Case(after.home, None, None, 2024, False))
    if listed != want:
        bad.append(f"check --year 2024: cli {sorted(listed)[:10]}… model {sorted(want)[:10]}…")
    assert not bad, "\n".join(bad[:20])
