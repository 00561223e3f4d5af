"""End to end: a real `streamlit run` server on the fixture database, every page opened in /usr/bin/chromium.

Screenshots go to tests/screenshots/ (gitignored) so a person can look at them: Chinese must render, not boxes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_queries_fixture import shared_fixture_db

from dashboard.serve import streamlit_command

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# (URL path, title, an element that is there once the page has run); the default page lives at "/".
PAGES = [("", "总览", '[data-testid="stMetricValue"]'), ("trend", "趋势", ".js-plotly-plot"),
         ("compare", "对比", ".js-plotly-plot"), ("detail", "单位详情", '[data-testid="stDataFrame"]'),
         ("quality", "数据质量", ".js-plotly-plot"), ("upload", "导入报告", '[data-testid="stFileUploader"]')]


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database (real corpus reports + a simulated county), built once per session."""
    return shared_fixture_db(tmp_path_factory)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(fixture_db: Path) -> Iterator[str]:
    """The dashboard served by `streamlit run` on a free port; its base URL."""
    port = free_port()
    env = {**os.environ, "NIANBAO_DB": str(fixture_db)}
    proc = subprocess.Popen(streamlit_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Chromium from Debian, driven by Playwright (never its own download)."""
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def open_page(browser: object, url: str, ready: str = "h1"):  # noqa: ANN201
    """A new tab at the URL, once Streamlit has finished running the page."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    tab.goto(url, wait_until="networkidle", timeout=90_000)
    tab.wait_for_selector("h1", timeout=90_000)
    tab.wait_for_selector(ready, timeout=90_000)
    wait_idle(tab)
    return tab


def wait_idle(tab) -> None:  # noqa: ANN001
    """Until Streamlit has finished the run: no status widget, no skeleton placeholders left."""
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                          " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000)
    tab.wait_for_timeout(1500)


@pytest.mark.parametrize(("path", "title", "ready"), PAGES)
def test_every_page_opens_in_chromium_and_shows_its_chinese_title(browser: object, server: str, path: str,
                                                                  title: str, ready: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    tab = open_page(browser, f"{server}/{path}", ready)
    assert tab.locator("h1").first.inner_text().strip() == title
    assert not tab.locator('[data-testid="stException"]').count()
    assert tab.get_by_text("Page not found").count() == 0
    tab.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
    tab.close()


def test_overview_link_with_a_year_opens_that_year(browser: object, server: str) -> None:
    tab = open_page(browser, f"{server}/?year=2025", '[data-testid="stMetricValue"]')
    assert tab.get_by_text("2025年 · 全部单位", exact=True).count() == 1
    values = tab.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert "154" in values and "48.0%" in values
    tab.close()


def test_choosing_a_kind_on_the_trend_page_goes_into_the_url(browser: object, server: str) -> None:
    tab = open_page(browser, f"{server}/trend?indicator=normative_docs_issued", ".js-plotly-plot")
    assert "规范性文件制发" in tab.locator('[data-testid="stSelectbox"]').first.inner_text(timeout=10_000) \
        or tab.get_by_text("规范性文件制发").count() > 0
    tab.locator('[data-testid="stMultiSelect"]').first.click()
    tab.get_by_role("option", name="镇", exact=True).click()
    tab.wait_for_url("**kind=*", timeout=30_000)
    wait_idle(tab)
    assert "kind=" in tab.url and not tab.locator('[data-testid="stException"]').count()
    tab.keyboard.press("Escape")
    tab.screenshot(path=str(SHOTS / "trend-kind-filter.png"), full_page=True)
    tab.close()
