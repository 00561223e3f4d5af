"""End to end in Debian chromium: an editor logs in and corrects an unsure cell of a real report on 校对, logs out;
a viewer logs in and sees the corrected figure, its 人工更正 trail, and no edit controls.

Served by `nianbao serve` itself (127.0.0.1). Screenshots go to tests/screenshots/ (gitignored) to be looked at.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import free_port, running

from dashboard.catalogue.labels import cell_label
from dashboard.ingest.pipeline import ingest_paths
from dashboard.review.users import add_user, cli_user

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
UNSURE_CELL = cell_label("applications.partial.total")  # placed by row order when 上海市科委 2024 was read


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`nianbao serve` on a database holding the real 上海市科委 2024 report and two logins."""
    db = tmp_path_factory.mktemp("e2e-auth") / "n.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md"], db=db)
    add_user(cli_user(), "张编辑", "编辑", "editor-password", db=db)
    add_user(cli_user(), "李查看", "查看", "viewer-password", db=db)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)]
    with running(command, env, port) as (url, _proc):
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Chromium from Debian, driven by Playwright (never its own download)."""
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def wait_idle(tab) -> None:  # noqa: ANN001
    """Until Streamlit has finished the run."""
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                          " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000)
    tab.wait_for_timeout(1200)


def login(tab, name: str, password: str) -> None:  # noqa: ANN001
    """Fill the login form and wait for 总览."""
    tab.get_by_role("heading", name="登录").first.wait_for(timeout=90_000)
    wait_idle(tab)
    tab.get_by_label("用户名").fill(name)
    tab.get_by_label("密码").fill(password)
    tab.get_by_role("button", name="登录").click()
    tab.get_by_role("heading", name="总览").first.wait_for(timeout=90_000)
    wait_idle(tab)


def go(tab, title: str) -> None:  # noqa: ANN001
    """Open a page from the sidebar (same session, so the login stays)."""
    tab.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    tab.get_by_role("heading", name=title).first.wait_for(timeout=90_000)
    wait_idle(tab)


def sidebar_pages(tab) -> list[str]:  # noqa: ANN001
    # each link's text is its icon's ligature name then the title, on separate lines
    return [t.strip().splitlines()[-1].strip() for t in tab.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def include_suspect(tab) -> None:  # noqa: ANN001
    """Turn on the scope bar's 含存疑数值 switch."""
    tab.locator('[data-testid="stSidebar"]').get_by_text("含存疑数值").click()
    wait_idle(tab)


def rate(tab) -> str:  # noqa: ANN001
    """The 实质公开率 figure on 总览."""
    box = tab.locator('[data-testid="stMetric"]').filter(has_text="实质公开率")
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_an_editor_corrects_an_unsure_cell_and_a_viewer_sees_the_corrected_figure_without_edit_controls(
        browser: object, server: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    tab = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    refused: list[str] = []
    tab.on("response", lambda r: refused.append(r.url) if r.status >= 400 else None)
    tab.goto(server, wait_until="networkidle", timeout=90_000)
    tab.get_by_role("heading", name="登录").first.wait_for(timeout=90_000)
    wait_idle(tab)
    tab.screenshot(path=str(SHOTS / "auth-login.png"), full_page=True)
    assert not refused, refused  # the login page asks for nothing the door refuses (the tab's icon is inline)
    assert tab.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")[0] \
        .startswith("data:image/png")
    login(tab, "张编辑", "editor-password")
    assert "校对" in sidebar_pages(tab) and "导入" in sidebar_pages(tab)
    assert rate(tab) == "—"  # it reads cells placed by row order: suspect, held out of the total by default
    include_suspect(tab)
    tab.screenshot(path=str(SHOTS / "auth-suspect-on.png"), full_page=True)
    before = rate(tab)
    assert before == "25.7%"  # (予以公开 9 + 部分公开 0) / 办理结果总计 35

    # a link (a new page load, as from a finding) keeps the login: the session cookie
    tab.goto(f"{server}/proofread?cell=applications.partial.total", wait_until="networkidle", timeout=90_000)
    tab.get_by_role("heading", name="校对").first.wait_for(timeout=90_000)
    wait_idle(tab)
    form = tab.locator('[data-testid="stForm"]').filter(has_text="按格更正")
    chosen = form.locator('[data-testid="stSelectbox"]')
    shown = chosen.inner_text() + " ".join(i.input_value() for i in chosen.locator("input").all()) + \
        (chosen.get_attribute("aria-label") or "") + " ".join(chosen.locator("[title]").evaluate_all(
            "els => els.map(e => e.title)"))
    assert UNSURE_CELL in shown, shown  # the linked cell is the one chosen
    form.get_by_label("更正为（留空 = 空白）").fill("3")
    form.get_by_label("理由（必填）").fill("核对原件：部分公开3件")
    form.get_by_role("button", name="保存这一格").click()
    tab.get_by_text("已保存 1 处更正").wait_for(timeout=90_000)
    wait_idle(tab)
    tab.screenshot(path=str(SHOTS / "auth-editor-proofread.png"), full_page=True)
    tab.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    tab.get_by_text("已退出登录。").wait_for(timeout=60_000)
    tab.reload(wait_until="networkidle")  # the ended session does not come back with the old cookie

    login(tab, "李查看", "viewer-password")
    pages = sidebar_pages(tab)
    assert not {"校对", "导入", "手工录入", "操作记录"} & set(pages), pages
    include_suspect(tab)  # other cells of the rate are still unsure: the switch shows it with them
    assert rate(tab) == "34.3%"  # (9 + 3) / 35: the corrected figure
    tab.screenshot(path=str(SHOTS / "auth-viewer-overview.png"), full_page=True)
    go(tab, "单位详情")
    assert tab.get_by_text("人工更正", exact=True).count() >= 1
    assert tab.get_by_text("以下 1 个格的数字经人工更正").count() == 1
    tab.screenshot(path=str(SHOTS / "auth-viewer-detail.png"), full_page=True)
    go(tab, "数据质量")
    for control in ("确认问题", "排除（不是问题）", "保存更正", "保存这一格"):
        assert tab.get_by_role("button", name=control).count() == 0
    tab.screenshot(path=str(SHOTS / "auth-viewer-quality.png"), full_page=True)
    tab.close()
