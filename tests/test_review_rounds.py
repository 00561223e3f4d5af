"""The office's yearly review round: drafts as versions never counted by 总览, statuses derived from submissions
and decisions, every action audited, drafts checked against their previous year and the other units."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dashboard.ingest.drafts import ingest_drafts
from dashboard.ingest.pipeline import ingest_prepared
from dashboard.ingest.prepare import prepare_file
from dashboard.review import rounds
from dashboard.review.users import PermissionDenied, User
from dashboard.store.db import open_db
from dashboard.store.named import run_query
from dashboard.synth import round_plant as plant
from tests.round_county import draft, make_county
from tests.round_county import fresh_db as make_db

EDITOR = User("审核员甲", "编辑")
VIEWER = User("查看员", "查看")
BEFORE_DEADLINE = dt.date(2026, 1, 25)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three simulated units with their 2024 (published) and 2025 (draft) reports as text files."""
    return make_county(tmp_path_factory.mktemp("county"))


def fresh_db(county: dict, tmp_path: Path) -> Path:
    return make_db(county, tmp_path / "round.duckdb")


def edited(county: dict, i: int, tmp_path: Path, old: str, new: str) -> Path:
    text = draft(county, i).read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / f"{county['agencies'][i].name}-2025-改.md"
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def by_name(units: list[rounds.UnitStatus]) -> dict[str, rounds.UnitStatus]:
    return {u.name: u for u in units}


def test_a_draft_is_a_stored_version_that_no_scoped_query_counts(county: dict, tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    ingest_drafts(EDITOR, [draft(county, 0)], db, registry=county["registry"])
    con = open_db(db, read_only=True)
    try:
        assert con.execute("select count(*) from reports where year = 2025 and draft").fetchone()[0] == 1
        assert con.execute("select count(*) from current_reports where year = 2025").fetchone()[0] == 0
        assert con.execute("select count(*) from current_cells where year = 2025").fetchone()[0] == 0
        assert con.execute("select count(*) from indicators where year = 2025").fetchone()[0] == 0
    finally:
        con.close()
    assert 2025 not in set(run_query("app_years", db=db)["year"])
    totals = run_query("scope_indicator_totals", db=db, regions=None, kinds=None, agency_ids=None,
                       include_suspect=True, year_from=2025, year_to=2025)
    assert totals.empty


def test_statuses_follow_submissions_and_decisions_and_every_action_is_audited(county: dict, tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    a, b, c = (ag.name for ag in county["agencies"])
    _, units = rounds.board(2025, db, today=dt.date(2026, 1, 10))
    assert {u.status for u in units} == {"未提交"}
    ingest_drafts(EDITOR, [draft(county, 0), draft(county, 1)], db, registry=county["registry"])
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    assert units[a].status == units[b].status == "待审核"
    assert units[c].status == "逾期" and units[c].stage == "未提交"  # nothing sent after the drafts' deadline
    assert units[a].days_left == 6
    rounds.decide(EDITOR, 2025, units[a].agency_id, "returned", "请在六中写明信息处理费收取情况。", db)
    rounds.decide(EDITOR, 2025, units[b].agency_id, "passed", None, db)
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    assert (units[a].status, units[a].opinion) == ("需修改", "请在六中写明信息处理费收取情况。")
    assert units[b].status == "已通过"
    ingest_drafts(EDITOR, [edited(county, 0, tmp_path, "主动公开", "主动公开的")], db, registry=county["registry"])
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    assert units[a].status == "待审核" and units[a].submissions == 2
    rounds.decide(EDITOR, 2025, units[b].agency_id, "published", None, db)
    units = by_name(rounds.board(2025, db, today=dt.date(2026, 2, 3))[1])
    assert units[b].status == "已公布" and units[b].days_left is None
    assert units[a].status == "逾期" and units[a].stage == "待审核"  # past 31 January, not published
    assert 2025 in set(run_query("app_years", db=db)["year"])  # the published draft now counts
    actions = [r[0] for r in open_db(db, read_only=True).execute(
        "select action from audit_log where action like 'round%' order by \"at\"").fetchall()]
    assert actions == ["round_open", "round_submit", "round_returned", "round_passed", "round_submit",
                       "round_published"]


def test_a_viewer_cannot_decide_and_a_return_needs_an_opinion(county: dict, tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    ingest_drafts(EDITOR, [draft(county, 0)], db, registry=county["registry"])
    aid = rounds.board(2025, db, today=BEFORE_DEADLINE)[1][0].agency_id
    with pytest.raises(PermissionDenied):
        rounds.decide(VIEWER, 2025, aid, "passed", None, db)
    with pytest.raises(PermissionDenied):
        rounds.open_round(EDITOR, 2026, None, db=db)
    with pytest.raises(rounds.RoundError):
        rounds.decide(EDITOR, 2025, aid, "returned", "  ", db)


def test_the_published_file_equal_to_the_latest_draft_makes_that_draft_published(county: dict, tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    ingest_drafts(EDITOR, [draft(county, 0)], db, registry=county["registry"])
    summary = ingest_prepared([prepare_file(draft(county, 0))], db, registry=county["registry"])
    assert [o.status for o in summary.outcomes] == ["ingested"]
    con = open_db(db, read_only=True)
    assert con.execute("select count(*), max(coalesce(draft, false)::int) from current_reports c join reports r "
                       "using (report_id) where c.year = 2025").fetchone() == (1, 0)
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    assert units[county["agencies"][0].name].status == "已公布"


def test_drafts_are_checked_against_last_year_and_the_other_units(county: dict, tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    text0 = draft(county, 0).read_text(encoding="utf-8")
    text1 = draft(county, 1).read_text(encoding="utf-8")
    copied = tmp_path / "copied.md"
    copied.write_text(plant.copied_narrative(text1, text0), encoding="utf-8")
    no_fee = tmp_path / "no_fee.md"
    no_fee.write_text(plant.without_fee(draft(county, 2).read_text(encoding="utf-8")), encoding="utf-8")
    ingest_drafts(EDITOR, [draft(county, 0), copied, no_fee], db, registry=county["registry"])
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    rules = {n: {f["rule"] for f in u.findings} for n, u in units.items()}
    a, b, c = (ag.name for ag in county["agencies"])
    assert "SAME_TEXT" in rules[b] and "FEE_REPORT" in rules[c]
    assert "FEE_REPORT" not in rules[a]
    same = next(f for f in units[b].findings if f["rule"] == "SAME_TEXT")
    assert "相同段落" in same["message"]
    assert units[c].score is not None and units[c].score.total < units[c].score.full
    deduction = next(d for d in units[c].score.deductions if d.rule == "FEE_REPORT")
    assert deduction.item == "完整" and deduction.finding_id in {f["finding_id"] for f in units[c].findings}


def test_the_board_table_has_chinese_headers_and_problem_counts_by_kind(county: dict, tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    no_fee = tmp_path / "no_fee.md"
    no_fee.write_text(plant.without_fee(draft(county, 2).read_text(encoding="utf-8")), encoding="utf-8")
    ingest_drafts(EDITOR, [no_fee], db, registry=county["registry"])
    frame = rounds.board_frame(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    assert list(frame.columns)[:4] == ["单位", "类别", "状态", "进度"]
    assert all(not str(c).isascii() for c in frame.columns)
    row = frame[frame["完整问题"] > 0]
    assert len(row) == 1 and row.iloc[0]["状态"] == "待审核"
    assert json.dumps(frame.to_dict("records"), ensure_ascii=False, default=str).count("None") == 0


def test_a_unit_that_sent_no_draft_by_the_drafts_deadline_is_late_on_the_board_not_on_time(county: dict,
                                                                                           tmp_path: Path) -> None:
    """The board said 逾期 beside 报送稿逾期 否 for a unit that never sent its draft after the drafts' deadline."""
    db = fresh_db(county, tmp_path)
    rnd = rounds.load_round(2025, db)
    assert rnd is not None and rnd.draft_deadline is not None
    after = rounds.board_frame(rounds.board(2025, db, today=rnd.draft_deadline + dt.timedelta(days=1))[1])
    silent = after[after["报送次数"] == 0]
    assert len(silent) and set(silent["报送稿逾期"]) == {"是（未报送）"} and set(silent["状态"]) == {"逾期"}
    before = rounds.board_frame(rounds.board(2025, db, today=rnd.draft_deadline)[1])
    assert set(before[before["报送次数"] == 0]["报送稿逾期"]) == {"否"}  # not late on the day itself


def test_a_missing_row_a_copy_of_last_year_and_a_late_date_are_each_found_in_drafts(county: dict,
                                                                                     tmp_path: Path) -> None:
    db = fresh_db(county, tmp_path)
    names = [ag.name for ag in county["agencies"]]
    last_year = county["files"][(names[1], 2024)].read_text(encoding="utf-8")
    texts = [plant.drop_row(draft(county, 0).read_text(encoding="utf-8")),
             plant.copied_narrative(draft(county, 1).read_text(encoding="utf-8"), last_year),
             plant.signed(draft(county, 2).read_text(encoding="utf-8"), names[2], 2026, 2, 6)]
    paths = []
    for name, text in zip(names, texts, strict=True):
        paths.append(tmp_path / f"{name}.md")
        paths[-1].write_text(text, encoding="utf-8")
    ingest_drafts(EDITOR, paths, db, registry=county["registry"])
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    rules = [{f["rule"] for f in units[n].findings} for n in names]
    assert "ROWS_COMPLETE" in rules[0]
    assert "SAME_TEXT" in rules[1] and any("上年" in f["message"] for f in units[names[1]].findings)
    assert "LATE" in rules[2]
    assert not ({"ROWS_COMPLETE", "SAME_TEXT", "LATE"} & (rules[0] - {"ROWS_COMPLETE"}))


def test_drafts_uploaded_through_the_import_pages_workers_are_stored_as_drafts_and_checked(county: dict,
                                                                                            tmp_path: Path) -> None:
    from dashboard.ingest.drafts import guarded_ingest_draft_paths

    db = fresh_db(county, tmp_path)
    no_fee = tmp_path / "no_fee.md"
    no_fee.write_text(plant.without_fee(draft(county, 0).read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PermissionDenied):
        guarded_ingest_draft_paths(VIEWER, [no_fee], db, workers=1)
    summary = guarded_ingest_draft_paths(EDITOR, [no_fee], db, workers=1)
    assert [o.status for o in summary.outcomes] == ["ingested"]
    units = by_name(rounds.board(2025, db, today=BEFORE_DEADLINE)[1])
    unit = units[county["agencies"][0].name]
    assert unit.status == "待审核" and {f["rule"] for f in unit.findings} == {"FEE_REPORT"}
    assert 2025 not in set(run_query("app_years", db=db)["year"])
