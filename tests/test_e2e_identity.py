"""End to end: an 编辑 settles a 待认定 report in a real browser — 导入 lists it, the unit is chosen by typing in the
registry's search box, the year set, one click; the report is then current and the assignment audited."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from e2e_server import CHROMIUM, CHROMIUM_ARGS, free_port, running

from dashboard.ingest.pipeline import ingest_paths
from dashboard.serve import streamlit_command
from tests.conftest import SAMPLE

playwright = pytest.importorskip("playwright.sync_api")

ANONYMOUS = "\n".join(SAMPLE.read_text("utf-8").splitlines()[3:]).replace("红崖子沟乡", "").replace("2021", "")


@pytest.fixture(scope="module")
def pending_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("e2e-identity")
    db = tmp / "n.duckdb"
    path = tmp / "无名报告.txt"
    path.write_text(ANONYMOUS, encoding="utf-8")
    (o,) = ingest_paths([path], db=db, workers=1).outcomes
    assert o.status == "unidentified"
    return db


@pytest.fixture(scope="module")
def server(pending_db: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "NIANBAO_DB": str(pending_db)}
    with running(streamlit_command(port), env, port) as (url, _proc):
        yield url


def _idle(tab) -> None:  # noqa: ANN001
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    tab.wait_for_timeout(1000)


def test_an_editor_assigns_unit_and_year_to_a_pending_report_in_the_browser(server: str, pending_db: Path) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            tab.goto(f"{server}/upload", wait_until="networkidle", timeout=90_000)
            tab.get_by_text("待认定的报告（1 份）").wait_for(timeout=90_000)
            _idle(tab)
            tab.get_by_text("无名报告.txt").first.click()  # open the report's expander
            box = tab.locator('[data-testid="stExpander"] [data-testid="stSelectbox"]').first
            box.wait_for(timeout=30_000)
            box.click()
            _idle(tab)
            tab.keyboard.type("红崖子沟", delay=50)
            # the filtered list re-renders as it is typed: let it settle, then choose the one option
            option = tab.get_by_role("option", name="红崖子沟乡人民政府")
            option.wait_for(timeout=30_000)
            tab.wait_for_timeout(1500)
            option.click(force=True)
            year = tab.locator('[data-testid="stExpander"] input[type="number"]').first
            year.fill("2021")
            year.press("Tab")
            tab.get_by_role("button", name="认定单位和年度").click()
            tab.get_by_text("已认定为 红崖子沟乡人民政府 2021 年度").wait_for(timeout=90_000)
            assert tab.get_by_text("待认定的报告（1 份）").count() == 0
            assert not tab.locator('[data-testid="stException"]').count()
        finally:
            browser.close()
    con = duckdb.connect(str(pending_db), read_only=True)
    try:
        assert con.execute("select agency_name, year from current_reports").fetchall() == [("红崖子沟乡人民政府", 2021)]
        assert con.execute("select count(*) from audit_log where action = 'identity_assign'").fetchall() == [(1,)]
    finally:
        con.close()
