"""End to end: a real `streamlit run` server on the fixture database, every page opened in /usr/bin/chromium.

Screenshots go to tests/screenshots/ (gitignored) so a person can look at them: Chinese must render, not boxes.
"""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import free_port, running
from test_queries_scope import FIXTURES, build_scope_db

from dashboard.ingest.pipeline import ingest_paths
from dashboard.serve import streamlit_command

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# (URL path, title, an element that is there once the page has run); the default page lives at "/".
PAGES = [("", "总览", '[data-testid="stMetricValue"]'), ("trend", "趋势", ".js-plotly-plot"),
         ("compare", "对比", ".js-plotly-plot"), ("detail", "单位详情", '[data-testid="stDataFrame"]'),
         ("quality", "数据质量", ".js-plotly-plot"), ("upload", "导入报告", '[data-testid="stFileUploader"]')]


class Beacon(http.server.BaseHTTPRequestHandler):
    """A local listener that counts every request: a report's text must never make the browser fetch it."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Beacon.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def beacon() -> Iterator[int]:
    """A listener on a free loopback port; its port."""
    port = free_port()
    httpd = http.server.HTTPServer(("127.0.0.1", port), Beacon)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield port
    httpd.shutdown()


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory, beacon: int) -> Path:
    """The two-region database (home county set in it), plus a report whose narrative holds Markdown that would
    fetch the beacon and a link, if it were ever rendered as Markdown or HTML."""
    tmp = tmp_path_factory.mktemp("e2e")
    db = build_scope_db(tmp)["db"]
    seed = (FIXTURES / "000_7180246cedc2b1d8.txt").read_text(encoding="utf-8")
    hostile = seed.replace("一、总体情况", f"一、总体情况\n![x](http://127.0.0.1:{beacon}/beacon) "
                                        f"<img src=http://127.0.0.1:{beacon}/img> [点我](data:text/html,hi)\n", 1)
    path = tmp / "红崖子沟乡-2021-hostile.txt"
    path.write_text(hostile, encoding="utf-8")
    ingest_paths([path], db=db)
    return db


@pytest.fixture(scope="module")
def server(fixture_db: Path) -> Iterator[str]:
    """The dashboard served by `streamlit run` on a free port; its base URL."""
    port = free_port()
    env = {**os.environ, "NIANBAO_DB": str(fixture_db), "NIANBAO_AS_OF": "2024-06-30"}
    with running(streamlit_command(port), env, port) as (url, _proc):
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Chromium from Debian, driven by Playwright (never its own download)."""
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


REQUESTS: list[str] = []


def open_page(browser: object, url: str, ready: str = "h1"):  # noqa: ANN201
    """A new tab at the URL, once Streamlit has finished running the page; every request it makes is recorded."""
    return open_pages(browser, [url], ready)[0]


def open_pages(browser: object, urls: list[str], ready: str = "h1") -> list:
    """Tabs at these URLs, loaded side by side (each its own Streamlit session), returned once each has run."""
    tabs = []
    for url in urls:
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        tab.on("request", lambda r: REQUESTS.append(r.url))
        tab.goto(url, wait_until="commit", timeout=90_000)
        tabs.append(tab)
    for tab in tabs:
        tab.wait_for_load_state("networkidle", timeout=90_000)
        tab.wait_for_selector("h1", timeout=90_000)
        tab.wait_for_selector(ready, timeout=90_000)
    for tab in tabs:
        wait_idle(tab, settle_ms=0)
    tabs[-1].wait_for_timeout(1500)  # the settling time once for all: each tab has had it by now
    return tabs


def wait_idle(tab, settle_ms: int = 1500) -> None:  # noqa: ANN001
    """Until Streamlit has finished the run: no status widget, no skeleton placeholders left."""
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                          " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000)
    if settle_ms:
        tab.wait_for_timeout(settle_ms)


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


def test_overview_link_with_a_year_and_region_opens_that_view(browser: object, server: str) -> None:
    tab = open_page(browser, f"{server}/?year=2023&region=洪泽区", '[data-testid="stMetricValue"]')
    assert tab.get_by_text("2023年 · 洪泽区", exact=True).count() == 1
    values = tab.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert "1 / 1" in values and "4,119" in values
    tab.close()


def test_a_scope_set_once_holds_on_every_page_of_the_navigation(browser: object, server: str) -> None:
    tab = open_page(browser, f"{server}/", '[data-testid="stMetricValue"]')
    region = tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    region.click()
    tab.get_by_role("option", name="江苏省").click()
    tab.wait_for_url("**region=*", timeout=30_000)
    wait_idle(tab)
    for title in ["趋势", "对比", "单位详情", "数据质量", "总览"]:
        tab.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
        tab.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1').innerText.trim()"
                              f" === '{title}'", timeout=60_000)
        wait_idle(tab)
        assert not tab.locator('[data-testid="stException"]').count(), title
        assert "江苏省" in tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.evaluate(
            "e => e.innerText + ' ' + Array.from(e.querySelectorAll('input')).map(i => i.value).join(' ')"), title
        assert "region=%E6%B1%9F%E8%8B%8F%E7%9C%81" in tab.url or "region=江苏省" in tab.url, (title, tab.url)
        tab.screenshot(path=str(SHOTS / f"scope-held-{title}.png"), full_page=True)
    tab.close()


def test_report_text_is_shown_as_text_and_fetches_nothing(browser: object, server: str, beacon: int) -> None:
    Beacon.hits.clear()
    tab = open_page(browser, f"{server}/detail?region=互助县&year=2021", '[data-testid="stDataFrame"]')
    tab.get_by_text("一、总体情况").first.click()
    tab.wait_for_timeout(2000)
    assert tab.get_by_text("![x](", exact=False).count() >= 1  # the Markdown is there as characters
    assert tab.locator(f'img[src*="{beacon}"]').count() == 0 and tab.locator('a[href^="data:"]').count() == 0
    tab.screenshot(path=str(SHOTS / "detail-hostile-text.png"), full_page=True)
    tab.close()
    assert Beacon.hits == []


LINK_PAGES = ["", "trend", "compare", "detail", "quality", "upload", "export", "proofread", "review_round", "manual_entry",
              "audit_log"]
LINK_PARAMS = ["region", "agency", "year", "from", "unit", "report"]
TABS_AT_ONCE = 5  # pages loaded side by side (each its own session on the server)


def _hostile_values(beacon: int) -> list[str]:
    """A Markdown image, a link + HTML image + colour directive, and digits that are not ASCII with a control
    character and a long tail (a value over 200 characters is not one the app wrote: ignored)."""
    return [f"![](//127.0.0.1:{beacon}/m)",
            f"[点我](http://127.0.0.1:{beacon}/l)<img src=//127.0.0.1:{beacon}/i>:red[x]",
            "①²\u0007" + "长" * 400]


def test_hostile_link_values_are_shown_literally_and_fetch_nothing(browser: object, server: str,
                                                                   beacon: int) -> None:
    """Every page, every URL parameter the app reads, hostile values: 0 requests to the listener, no exception,
    and a Markdown image in a link parameter shows as its characters in the notice."""
    from urllib.parse import quote

    Beacon.hits.clear()
    image = _hostile_values(beacon)[0]
    cases = []
    for page in LINK_PAGES:
        for value in _hostile_values(beacon):
            # a long value goes in one parameter: a URL of several kilobytes per parameter is refused by the server
            # itself (HTTP 431), before the app could show anything
            keys = LINK_PARAMS if len(value) < 100 else LINK_PARAMS[:1]
            cases.append((page, value, "&".join(f"{k}={quote(value)}" for k in keys)))
    for start in range(0, len(cases), TABS_AT_ONCE):
        chunk = cases[start:start + TABS_AT_ONCE]
        tabs = open_pages(browser, [f"{server}/{page}?{query}" for page, _, query in chunk])
        for (page, value, _), tab in zip(chunk, tabs, strict=True):
            assert not tab.locator('[data-testid="stException"]').count(), (page, value[:20])
            assert tab.locator(f'img[src*="{beacon}"]').count() == 0, (page, value[:20])
            assert tab.locator(f'a[href*="{beacon}"]').count() == 0, (page, value[:20])
            if value == image and page in ("", "trend", "compare", "quality"):
                # the scope bar's notice quotes the region as characters (short values are shown whole)
                assert tab.get_by_text("链接中的地区", exact=False).count() >= 1, page
                alerts = " ".join(a.inner_text() for a in tab.locator('[data-testid="stAlert"]').all())
                assert "![](//127.0.0.1" in alerts, page
            tab.close()
    assert Beacon.hits == []


def test_an_address_no_page_has_is_answered_in_chinese_and_fetches_nothing(browser: object, server: str,
                                                                          beacon: int) -> None:
    """/overview opens 总览; a mistyped or hostile address gets a Chinese page that quotes it as text and links to
    总览 — never Streamlit's English "Page not found". (An address with a "/" inside cannot be a page's name: it
    keeps Streamlit's notice, and still fetches nothing.)"""
    from urllib.parse import quote

    Beacon.hits.clear()
    markup = f"<img src=http:127.0.0.1:{beacon}>**粗**:red[x]"
    paths = ["overview", "no-such-page", quote(markup, safe=""), quote("①²\u0007" + "长" * 300, safe=""),
             quote(f"![](//127.0.0.1:{beacon}/p)", safe="")]
    tabs = open_pages(browser, [f"{server}/{p}" for p in paths])
    for path, tab in zip(paths, tabs, strict=True):
        assert not tab.locator('[data-testid="stException"]').count(), path
        assert tab.locator(f'img[src*="{beacon}"]').count() == 0, path
    overview, missing, hostile, long, _nested = tabs
    for tab in (overview, missing, hostile, long):
        assert "not found" not in tab.locator("body").inner_text().lower()
    assert overview.locator("h1").first.inner_text().startswith("总览")
    for tab in (missing, hostile, long):
        assert tab.locator("h1").first.inner_text().startswith("页面不存在")
        assert tab.get_by_role("link", name="打开总览").count() == 1
    assert "no-such-page" in missing.locator('[data-testid="stCode"]').inner_text()
    assert markup in hostile.locator('[data-testid="stCode"]').inner_text()  # its characters, not markup
    missing.get_by_role("link", name="打开总览").click()
    missing.wait_for_function("() => document.querySelector('h1') && "
                              "document.querySelector('h1').innerText.startsWith('总览')", timeout=60_000)
    for tab in tabs:
        tab.close()
    assert Beacon.hits == []


def test_no_page_requests_anything_outside_the_server(browser: object, server: str) -> None:
    assert REQUESTS, "the other tests opened pages"
    outside = [u for u in REQUESTS if not u.startswith((server, "data:", "blob:", "about:"))]
    assert sorted(set(outside)) == []
