"""导入's 从门户网站采集: an editor collects a unit's report page from a local portal in the app; a viewer cannot."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.review.users import User, add_user, cli_user
from dashboard.store.db import open_db

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = Path(__file__).resolve().parent.parent / "dashboard" / "pages" / "upload.py"


@pytest.fixture
def portal() -> Iterator[int]:
    body = (FIXTURES / "pingtan-2025.html").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path != "/pingtan.html":
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "collect.duckdb"
    add_user(cli_user(), "张编辑", "编辑", "editor-password", db=path)
    monkeypatch.setenv("NIANBAO_DB", str(path))
    monkeypatch.setenv("NIANBAO_COLLECT_ALLOW", "127.0.0.1")
    return path


def _as(user: User) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=240)
    at.session_state["auth"] = {"user": user, "login_at": time.time(), "seen_at": time.time()}
    return at.run()


def test_an_editor_collects_a_report_page_from_the_portal_and_it_is_stored(db: Path, portal: int) -> None:
    at = _as(User("张编辑", "编辑"))
    assert not at.exception
    at.text_area(key="w_collect_text").input(f"平潭综合实验区,http://127.0.0.1:{portal}/pingtan.html\n"
                                             f"示例镇,http://127.0.0.1:{portal}/gone.html").run()
    at.button(key="w_collect_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[-1].value
    assert list(table.columns) == ["单位", "类型", "页面或文件", "年度", "发布日期", "结果", "说明"]
    assert any(str(r).startswith("新入库") for r in table["结果"])
    assert any("未能采集" in str(r) for r in table["结果"])
    con = open_db(db, read_only=True)
    try:
        assert con.execute("select count(*) from current_reports").fetchone()[0] == 1
        assert con.execute("select who from audit_log where action = 'collect'").fetchone()[0] == "张编辑"
    finally:
        con.close()


def test_a_viewer_is_refused_inside_the_collect_write(db: Path) -> None:
    from dashboard.ingest.collect import Source
    from dashboard.ingest.guarded import guarded_collect
    from dashboard.review.users import PermissionDenied

    with pytest.raises(PermissionDenied):
        guarded_collect(User("李查看", "查看"), [Source("平潭综合实验区", "http://127.0.0.1:9/x.html")], db=db)
