"""One bad upload cannot slow anyone else: a span-bomb page uploaded through 导入 fails alone with its reason, the
server process stays small (parsing runs in a worker process), and another user's page still loads meanwhile."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from e2e_server import CHROMIUM, CHROMIUM_ARGS, free_port, running
from hostile.generate import SPAN_ROW, _html
from test_queries_scope import build_scope_db

from dashboard.serve import streamlit_command

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(__file__).resolve().parent / "screenshots"
SERVER_MEMORY_MB = 1024  # the Streamlit server's own memory; the bomb is read in a worker with its own ceiling
OTHER_USER_SECONDS = 3.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """The dashboard on the two-region database; (base URL, server pid)."""
    db = build_scope_db(tmp_path_factory.mktemp("upload-isolation"))["db"]
    port = free_port()
    env = {**os.environ, "NIANBAO_DB": str(db), "NIANBAO_AS_OF": "2024-06-30"}
    with running(streamlit_command(port), env, port) as (url, proc):
        yield url, proc.pid


def idle(tab) -> None:  # noqa: ANN001
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                          " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000)


def load_overview(browser: object, url: str) -> float:
    """Seconds until a new user's 总览 shows its figures."""
    page = browser.new_context(locale="zh-CN").new_page()
    t0 = time.monotonic()
    page.goto(url + "/?year=2023", wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
    seconds = time.monotonic() - t0
    page.close()
    return seconds


def test_a_span_bomb_upload_fails_alone_and_another_users_page_still_loads(server: tuple[str, int],
                                                                          tmp_path: Path) -> None:
    url, pid = server
    bomb = tmp_path / "span-bomb.html"
    bomb.write_bytes(_html("<table>" + SPAN_ROW * 24 + "</table>"))  # 38 KB, once 6 GB of cells
    peak = [0]
    stop = threading.Event()

    def watch() -> None:  # the server process itself (its parse worker is a child with its own ceiling)
        server_process = psutil.Process(pid)
        while not stop.is_set():
            peak[0] = max(peak[0], server_process.memory_info().rss)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        load_overview(browser, url)  # warm: the first page of a fresh server compiles its queries
        quiet = load_overview(browser, url)
        uploader = browser.new_context(locale="zh-CN").new_page()
        uploader.goto(url + "/upload", wait_until="networkidle", timeout=90_000)
        uploader.wait_for_selector('[data-testid="stFileUploader"]', timeout=90_000)
        idle(uploader)
        uploader.locator('input[type="file"]').set_input_files(str(bomb))
        uploader.get_by_role("button", name="导入 1 个文件").click()
        other = load_overview(browser, url)  # while the upload is being read
        uploader.get_by_text("导入失败").first.wait_for(timeout=90_000)
        idle(uploader)
        SHOTS.mkdir(exist_ok=True)
        uploader.screenshot(path=str(SHOTS / "upload-span-bomb.png"), full_page=True)
        failure = uploader.locator('[data-testid="stAlertContentError"]').first.inner_text()
        browser.close()
    stop.set()
    watcher.join()
    assert "span-bomb.html" in failure
    print(f"another user's 总览: {quiet:.2f} s without the upload, {other:.2f} s during it")
    # on 2 cores the upload's worker holds one while the page is loaded, and the suite's other process (pytest-xdist)
    # may hold the other: 3× the quiet load; a page that waited for the upload would take the whole read
    assert other <= max(OTHER_USER_SECONDS, 3 * quiet), f"another user's 总览 took {other:.1f} s ({quiet:.1f} s quiet)"
    assert peak[0] < SERVER_MEMORY_MB * 2**20, f"server grew to {peak[0] / 2**20:.0f} MB"
