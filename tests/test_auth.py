"""Logins, roles, the audit of user changes, the bulk-correction CLI, and `nianbao serve` safe by default."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard.cli import _register_all, app
from dashboard.ingest.pipeline import ingest_paths
from dashboard.review import users as auth
from dashboard.store.db import open_db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = open_db(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def cli(*args: str) -> object:
    _register_all()
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})


def test_passwords_are_stored_as_argon2_hashes_and_only_a_manager_may_change_users(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    auth.add_user(auth.cli_user(), "张编辑", "编辑", "correct horse", db=db)
    (name, role, stored), = rows(db, "select name, role, password_hash from users")
    assert (name, role) == ("张编辑", "编辑")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert auth.authenticate("张编辑", "correct horse", db=db) == auth.User("张编辑", "编辑")
    assert auth.authenticate("张编辑", "wrong horse", db=db) is None
    assert auth.authenticate("nobody", "correct horse", db=db) is None
    with pytest.raises(auth.PermissionDenied):
        auth.add_user(auth.User("张编辑", "编辑"), "偷偷加的", "管理", "whatever123", db=db)
    with pytest.raises(auth.AuthError, match="至少 8 位"):
        auth.add_user(auth.cli_user(), "短密码", "查看", "short", db=db)
    with pytest.raises(auth.AuthError, match="未知角色"):
        auth.add_user(auth.cli_user(), "怪角色", "超级", "whatever123", db=db)
    auth.set_password(auth.cli_user(), "张编辑", "battery staple", "查看", db=db)
    assert auth.authenticate("张编辑", "battery staple", db=db) == auth.User("张编辑", "查看")
    auth.remove_user(auth.cli_user(), "张编辑", db=db)
    assert not auth.has_users(db)
    actions = [a for (a,) in rows(db, "select action from audit_log order by \"at\"")]
    assert actions == ["user_add", "user_passwd", "user_remove"]
    assert all(who == auth.cli_user().name for (who,) in rows(db, "select who from audit_log"))


def test_the_user_commands_add_list_and_remove_a_login(tmp_path: Path) -> None:
    db = str(tmp_path / "n.duckdb")
    assert cli("user", "add", "王管理", "--role", "管理", "--password", "long-enough-1", "--db", db).exit_code == 0
    listed = cli("user", "list", "--db", db)
    assert "王管理" in listed.output and "管理" in listed.output and "argon2" not in listed.output
    bad = cli("user", "add", "王管理", "--role", "管理", "--password", "long-enough-1", "--db", db)
    assert bad.exit_code == 1 and "已存在" in bad.output
    assert cli("user", "remove", "王管理", "--db", db).exit_code == 0
    assert "还没有用户" in cli("user", "list", "--db", db).output


def test_bulk_csv_with_one_bad_row_applies_nothing_and_names_the_row(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([FIXTURES / "hongze-2023.pdf"], db=db)
    good = tmp_path / "good.csv"
    good.write_text("agency,year,cell,value,reason\n"
                    "洪泽区,2023,appeals.reconsideration.total,11,原件漏填\n"
                    "洪泽区人民政府,2023,四、复议诉讼/行政诉讼·复议后起诉/总计,5,原件漏填\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8") + "洪泽区,2023,appeals.litigation_direct.total,五,手误\n",
                   encoding="utf-8")
    result = cli("correct", "--from", str(bad), "--db", str(db))
    assert result.exit_code == 1
    assert "第 4 行" in result.output and "不是数字" in result.output and "未应用任何更正" in result.output
    assert rows(db, "select count(*) from corrections") == [(0,)]
    assert rows(db, "select count(*) from audit_log where action = 'correction'") == [(0,)]

    result = cli("correct", "--from", str(good), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert rows(db, "select count(*) from corrections where status = 'active'") == [(2,)]
    assert {w for (w,) in rows(db, "select who from audit_log where action = 'correction'")} == {
        auth.cli_user().name}
    history = cli("history", "洪泽区", "2023", "--db", str(db))
    assert "人工更正" in history.output and "原件漏填" in history.output


def test_a_single_correction_on_the_command_line_refuses_an_unknown_cell(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([FIXTURES / "hongze-2023.pdf"], db=db)
    result = cli("correct", "洪泽区", "2023", "appeals.nowhere.total=1", "--reason", "x", "--db", str(db))
    assert result.exit_code == 1 and "不是该报告" in result.output
    result = cli("correct", "洪泽区", "2024", "appeals.reconsideration.total=1", "--reason", "x", "--db", str(db))
    assert result.exit_code == 1 and "没有入库的报告" in result.output
    assert rows(db, "select count(*) from corrections") == [(0,)]


def test_an_expired_login_goes_back_to_the_login_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "n.duckdb"
    auth.add_user(auth.cli_user(), "李查看", "查看", "viewer-password", db=db)
    monkeypatch.setenv("NIANBAO_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    long_ago = time.time() - auth.IDLE_S - 5
    at.session_state["auth"] = {"user": auth.User("李查看", "查看"), "login_at": long_ago, "seen_at": long_ago}
    at.run()
    assert [t.value for t in at.title] == ["登录"]
    assert "登录已过期，请重新登录。" in [i.value for i in at.info]


def test_serve_refuses_another_interface_without_users(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    result = cli("serve", "--db", str(db), "--host", "0.0.0.0", "--port", str(free_port()))
    assert result.exit_code == 2
    assert "nianbao user add" in result.output or "nianbao user add" in str(result.stderr_bytes or b"", "utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> list[str]:
    """The local addresses listening on a TCP port."""
    return [c.laddr.ip for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.laddr.port == port]


def test_serve_listens_on_127_0_0_1_by_default_and_sigterm_stops_its_streamlit_child(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not listening(port) and time.monotonic() < deadline:
            assert proc.poll() is None, "serve ended before listening"
            time.sleep(0.5)
        assert set(listening(port)) == {"127.0.0.1"}
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "serve runs Streamlit as a child process"
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        gone, alive = psutil.wait_procs(children, timeout=15)
        assert not alive
        assert not listening(port)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_browser_session_resumes_until_logout_or_a_password_change_and_stores_no_token(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    auth.add_user(auth.cli_user(), "张编辑", "编辑", "correct horse", db=db)
    editor = auth.User("张编辑", "编辑")
    token = auth.start_session(editor, db)
    assert rows(db, "select count(*) from sessions where token_hash = ?", [token]) == [(0,)]  # only its hash
    assert auth.resume_session(token, db)[0] == editor
    assert auth.resume_session("forged-token", db) is None
    auth.end_session(token, db)
    assert auth.resume_session(token, db) is None
    token = auth.start_session(editor, db)
    auth.set_password(auth.cli_user(), "张编辑", "battery staple", db=db)
    assert auth.resume_session(token, db) is None


def test_an_export_writes_one_audit_row_with_the_os_user(tmp_path: Path) -> None:
    from dashboard.review import audit

    db = tmp_path / "n.duckdb"
    audit.export_done(None, 2024, None, {"pptx": "会议材料/2024.pptx"}, db)
    ((who, action, obj),) = rows(db, "select who, action, object from audit_entries")
    assert (who, action, obj) == (auth.cli_user().name, "export", "2024 年度会议材料")
