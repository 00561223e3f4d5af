"""End to end in Debian chromium on the 审核 page: an editor returns a unit's draft with an opinion; the unit's
corrected draft is ingested; the board shows the change (待审核, one problem resolved); a viewer sees the board and
no actions. Served by `nianbao serve` (127.0.0.1); screenshots go to tests/screenshots/ to be looked at."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import free_port, running
from test_e2e_auth import go, login, wait_idle

from dashboard.ingest.drafts import ingest_drafts
from dashboard.review.users import User, add_user, cli_user
from dashboard.store.db import open_db
from dashboard.synth import round_plant as plant
from tests.round_county import draft, fresh_db, make_county, write

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
EDITOR = User("张编辑", "编辑")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Three units; 和沟乡 sent a draft without the fee in 六; served with two logins, as of 25 January 2026."""
    root = tmp_path_factory.mktemp("e2e-round")
    county = make_county(root)
    db = fresh_db(county, root / "n.duckdb")
    bad = write(root / "first.md", plant.without_fee(draft(county, 0).read_text(encoding="utf-8")))
    ingest_drafts(EDITOR, [bad], db, registry=county["registry"], submitted_at=dt.datetime(2026, 1, 10, 9))
    add_user(cli_user(), "张编辑", "编辑", "editor-password", db=db)
    add_user(cli_user(), "李查看", "查看", "viewer-password", db=db)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_AS_OF": "2026-01-25"}
    command = [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)]
    with running(command, env, port) as (url, _proc):
        yield {"url": url, "db": db, "county": county}


@pytest.fixture(scope="module")
def browser(setup: dict) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def board_row(tab, unit: str) -> str:  # noqa: ANN001
    """The text of the board's row of a unit (the first data grid is the board)."""
    grid = tab.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=60_000)
    return grid.inner_text()


def test_an_editor_returns_a_draft_the_resubmission_resolves_it_and_a_viewer_sees_no_actions(
        setup: dict, browser) -> None:  # noqa: ANN001
    SHOTS.mkdir(exist_ok=True)
    tab = browser.new_page(viewport={"width": 1500, "height": 1800})
    tab.goto(setup["url"])
    login(tab, "张编辑", "editor-password")
    go(tab, "审核")
    tab.get_by_role("button", name="退回修改").wait_for(timeout=60_000)
    wait_idle(tab)
    assert tab.get_by_role("heading", name="示例县和沟乡人民政府（待审核）").count() == 1
    assert tab.get_by_text("未报告信息处理费").count() >= 1
    tab.screenshot(path=str(SHOTS / "review_round_editor_board.png"), full_page=True)
    tab.get_by_label("修改意见（退回时必填）").fill("请在“六、其他需要报告的事项”中写明信息处理费的收取情况。")
    tab.get_by_role("button", name="退回修改").click()
    tab.get_by_text("已退回 和沟乡 修改。").wait_for(timeout=60_000)
    wait_idle(tab)
    assert tab.get_by_role("heading", name="示例县和沟乡人民政府（需修改）").count() == 1

    county = setup["county"]  # the unit sends its corrected draft
    ingest_drafts(EDITOR, [draft(county, 0)], setup["db"], registry=county["registry"],
                  submitted_at=dt.datetime(2026, 1, 16, 9))
    tab.reload()
    wait_idle(tab)
    tab.get_by_role("heading", name="审核").first.wait_for(timeout=90_000)
    tab.get_by_role("heading", name="示例县和沟乡人民政府（待审核）").wait_for(timeout=60_000)
    wait_idle(tab)
    tab.get_by_role("tab", name="与上一稿比较").click()
    wait_idle(tab)
    resolved = tab.locator('[data-testid="stMetric"]').filter(has_text="已解决的问题")
    assert resolved.inner_text().split()[-1] == "1"
    tab.screenshot(path=str(SHOTS / "review_round_editor_diff.png"), full_page=True)
    con = open_db(setup["db"], read_only=True)
    try:
        assert con.execute("select count(*) from audit_log where action = 'round_returned' and who = '张编辑'"
                           ).fetchone()[0] == 1
    finally:
        con.close()

    viewer = browser.new_page(viewport={"width": 1500, "height": 1400})
    viewer.goto(setup["url"])
    login(viewer, "李查看", "viewer-password")
    go(viewer, "审核")
    viewer.get_by_text("只能查看审核进度").wait_for(timeout=60_000)
    for label in ("退回修改", "通过", "标记已公布"):
        assert viewer.get_by_role("button", name=label).count() == 0
    viewer.screenshot(path=str(SHOTS / "review_round_viewer.png"), full_page=True)
