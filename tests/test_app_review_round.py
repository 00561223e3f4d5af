"""AppTest of the 审核 page on a real database: the board with its filters, a unit's problems beside its source,
the diff to its previous submission, and the actions — 编辑 returns and passes (audited); 查看 sees no actions."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.drafts import ingest_drafts
from dashboard.review import rounds
from dashboard.review.users import User, add_user, cli_user
from dashboard.store.db import open_db
from dashboard.synth import round_plant as plant
from tests.round_county import draft, fresh_db, make_county, write

PAGE = Path(__file__).resolve().parent.parent / "dashboard" / "pages" / "review_round.py"
VIEWER = User("李查看", "查看")
EDITOR = User("张编辑", "编辑")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return make_county(tmp_path_factory.mktemp("county"))


@pytest.fixture
def db(county: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Unit 0 sent a draft without the fee, then a corrected one; unit 1 sent a draft missing a row; unit 2 nothing."""
    path = fresh_db(county, tmp_path / "app.duckdb")
    text0 = draft(county, 0).read_text(encoding="utf-8")
    ingest_drafts(EDITOR, [write(tmp_path / "a1.md", plant.without_fee(text0))], path, registry=county["registry"],
                  submitted_at=dt.datetime(2026, 1, 10, 9))
    ingest_drafts(EDITOR, [write(tmp_path / "b1.md", plant.drop_row(draft(county, 1).read_text(encoding="utf-8")))],
                  path, registry=county["registry"], submitted_at=dt.datetime(2026, 1, 12, 9))
    ingest_drafts(EDITOR, [draft(county, 0)], path, registry=county["registry"],
                  submitted_at=dt.datetime(2026, 1, 15, 9))
    add_user(cli_user(), VIEWER.name, VIEWER.role, "viewer-password", db=path)
    add_user(cli_user(), EDITOR.name, EDITOR.role, "editor-password", db=path)
    monkeypatch.setenv("NIANBAO_DB", str(path))
    monkeypatch.setenv("NIANBAO_AS_OF", "2026-01-25")
    return path


def logged_in(user: User, **params: str) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["auth"] = {"user": user, "login_at": time.time(), "seen_at": time.time()}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unit_id(db: Path, i: int, county: dict) -> int:
    con = open_db(db, read_only=True)
    try:
        return con.execute("select agency_id from agencies where name = ?", [county["agencies"][i].name]).fetchone()[0]
    finally:
        con.close()


def test_the_board_lists_every_unit_with_its_status_and_filters_by_status(db: Path, county: dict) -> None:
    at = logged_in(VIEWER)
    board = at.dataframe[0].value
    assert len(board) == 3
    assert sorted(board["状态"]) == ["待审核", "待审核", "逾期"]
    assert {"期限", "错误", "提醒", "评分"} <= set(board.columns)
    at.multiselect(key="w_rv_status").select("逾期").run()
    assert list(at.dataframe[0].value["状态"]) == ["逾期"]


def test_a_viewer_sees_the_board_and_a_units_problems_but_no_actions(db: Path, county: dict) -> None:
    at = logged_in(VIEWER, unit=str(unit_id(db, 1, county)))
    assert not [b for b in at.button if b.label in ("退回修改", "通过", "标记已公布")]
    assert "只能查看" in " ".join(cap.value for cap in at.caption)
    texts = " ".join(t.value for t in at.text)
    assert "位置：“三、依申请公开”表" in texts and "修改要求：" in texts


def test_an_editor_sees_the_resolved_problem_and_returns_a_draft_with_an_opinion(db: Path, county: dict) -> None:
    aid = unit_id(db, 0, county)
    at = logged_in(EDITOR, unit=str(aid))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["已解决的问题"] == "1" and metrics["新出现的问题"] == "0"
    frames = [f.value for f in at.dataframe]
    resolved = next(f for f in frames if "问题" in f.columns and "说明" in f.columns)
    assert "信息处理费" in resolved.iloc[0]["说明"]
    at.text_area(key="w_rv_opinion").input("请在正文中补充主动公开的数据。")  # in the form: sent with the button
    next(b for b in at.button if b.label == "退回修改").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "已退回" in " ".join(s.value for s in at.success)
    _, units = rounds.board(2025, db, today=dt.date(2026, 1, 25))
    unit = next(u for u in units if u.agency_id == aid)
    assert (unit.status, unit.opinion) == ("需修改", "请在正文中补充主动公开的数据。")
    con = open_db(db, read_only=True)
    who = con.execute("select who from audit_log where action = 'round_returned'").fetchall()
    assert who == [("张编辑",)]


def test_marking_published_makes_the_draft_count(db: Path, county: dict) -> None:
    aid = unit_id(db, 0, county)
    at = logged_in(EDITOR, unit=str(aid))
    next(b for b in at.button if b.label == "标记已公布").click().run()
    assert "计入总览" in " ".join(s.value for s in at.success)
    con = open_db(db, read_only=True)
    assert con.execute("select count(*) from current_reports where year = 2025 and agency_id = ?",
                       [aid]).fetchone()[0] == 1


@pytest.mark.parametrize("value", ["①", "²", "٣", "-1", "99999999999", "x" * 20000])
def test_a_unit_in_the_link_that_is_not_an_ascii_number_of_the_board_opens_the_most_urgent_unit(
        db: Path, county: dict, value: str) -> None:
    at = logged_in(VIEWER, unit=value)  # asserts no exception
    assert at.selectbox(key="w_rv_unit").value == unit_id(db, 1, county)
