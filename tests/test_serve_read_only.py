"""`nianbao serve` on a database that cannot be written starts read-only for viewing and says so in the sidebar.

Tests run as root, for whom chmod blocks nothing: the read-only database is a real read-only bind mount of a tmp
folder (or, for the file case, an immutable file via chattr +i); each test skips with the reason when the machine
does not allow making one.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_server import CHROMIUM, CHROMIUM_ARGS, free_port, running, wait_for_login_cookie

from dashboard.ingest.pipeline import ingest_paths
from dashboard.review.read_only import probe
from dashboard.review.users import add_user, cli_user

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture(scope="module")
def source_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable database with a real report and an editor's login."""
    db = tmp_path_factory.mktemp("ro-src") / "n.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md"], db=db)
    add_user(cli_user(), "张编辑", "编辑", "editor-password", db=db)
    return db


@pytest.fixture(scope="module")
def read_only_db(source_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The database seen through a read-only bind mount of its folder."""
    mount = tmp_path_factory.mktemp("ro-mount")
    done = subprocess.run(["mount", "--bind", str(source_db.parent), str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"a read-only mount cannot be made here (mount --bind: {done.stderr.strip()})")
    try:
        done = subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"a read-only mount cannot be made here (remount ro: {done.stderr.strip()})")
        yield mount / source_db.name
    finally:
        unmount(mount)


def unmount(mount: Path) -> None:
    """Detach the mount now (lazily: this process's cached reader may still hold the file open)."""
    subprocess.run(["umount", "-l", str(mount)], check=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_writable_database_gives_no_read_only_reason(source_db: Path) -> None:
    assert probe(source_db) is None


def test_a_database_on_a_read_only_mount_is_named_with_its_folder_as_not_writable(read_only_db: Path) -> None:
    assert probe(read_only_db) == f"数据库所在文件夹 {read_only_db.parent} 不可写（所在磁盘或分区为只读）"


def test_an_immutable_database_file_is_named_as_not_writable_and_serve_starts_read_only(
        source_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    shutil.copyfile(source_db, db)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available on this file system: an unwritable file cannot be made as root")
    try:
        assert probe(db) == f"数据库文件 {db} 不可写（已被设为不可修改）"
        port = free_port()
        command = [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)]
        with running(command, {**os.environ, "PYTHONPATH": str(ROOT)}, port) as (_url, proc):
            pass  # it answered its health check: started, with no writer opened on the file
        said = proc.stderr.read().decode()
        assert f"以只读模式启动：数据库文件 {db} 不可写" in said and "Traceback" not in said, said[-2000:]
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=False)


def test_serve_on_a_read_only_database_lets_an_editor_log_in_and_view_with_the_reason_in_the_sidebar(
        read_only_db: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    before = digest(read_only_db)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dashboard", "serve", "--db", str(read_only_db), "--port", str(port)]
    with running(command, env, port) as (url, _proc), playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
        tab.goto(url, wait_until="networkidle", timeout=90_000)
        tab.get_by_label("用户名").fill("张编辑")
        tab.get_by_label("密码").fill("editor-password")
        tab.get_by_role("button", name="登录").click()
        tab.get_by_role("heading", name="总览").first.wait_for(timeout=90_000)
        wait_for_login_cookie(tab)
        tab.reload(wait_until="networkidle")  # the login is kept (in memory) across a new page load
        tab.get_by_role("heading", name="总览").first.wait_for(timeout=90_000)
        sidebar = tab.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("只读模式").wait_for(timeout=60_000)
        text = sidebar.inner_text()
        assert f"数据库所在文件夹 {read_only_db.parent} 不可写" in text, text
        nav = tab.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "总览" in nav and "单位详情" in nav
        assert not {"导入", "校对", "手工录入"} & {line.strip() for line in nav.splitlines()}, nav
        tab.locator('[data-testid="stMetric"]').nth(2).wait_for(timeout=90_000)  # the page ran to its figures
        assert tab.get_by_text("页面出现内部错误").count() == 0
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SHOTS / "read-only-overview.png"), full_page=True)
        # 下载原件 passes the upload/media door with the in-memory login
        tab.locator('[data-testid="stSidebarNav"]').get_by_text("单位详情", exact=True).click()
        with tab.expect_download(timeout=90_000) as download:
            tab.get_by_role("button", name="下载原件").click()
        assert "公开" in Path(download.value.path()).read_text(encoding="utf-8")
        browser.close()
    assert digest(read_only_db) == before


def test_the_export_page_builds_its_pack_from_a_read_only_database_into_a_temporary_folder(
        read_only_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from dashboard.review.read_only import ENV

    monkeypatch.setenv("NIANBAO_DB", str(read_only_db))
    monkeypatch.setenv(ENV, probe(read_only_db) or "")
    monkeypatch.setenv("NIANBAO_COUNTY", "上海市")
    before = digest(read_only_db)
    at = AppTest.from_file(str(ROOT / "dashboard" / "pages" / "export_page.py"), default_timeout=240)
    at.run()
    next(b for b in at.button if b.label.startswith("生成")).click().run()
    assert not at.exception
    # the Markdown source has the path's punctuation escaped (it is shown literally): compare the rendered text
    done = [re.sub(r"\\(.)", r"\1", s.value) for s in at.success if "已生成" in s.value]
    assert done and "nianbao-exports" in done[0], [s.value for s in at.success] + [e.value for e in at.error]
    assert digest(read_only_db) == before
