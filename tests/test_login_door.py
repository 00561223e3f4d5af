"""The login door: failed logins are recorded and limited, a password change ends an open session at once, the idle
clock is the server's, and a user name is shown as text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.pages import login
from dashboard.review.users import (
    LOCK_AFTER_LOGIN,
    User,
    add_user,
    cli_user,
    login_gate,
    record_failed_login,
    set_password,
    start_session,
)
from dashboard.store.db import open_db

APP = Path(__file__).resolve().parent / "app_entry.py"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "door.duckdb"
    add_user(cli_user(), "李查看", "查看", "viewer-password", db=path)
    monkeypatch.setenv("NIANBAO_DB", str(path))
    return path


def _count(db: Path, sql: str) -> int:
    con = open_db(db, read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def _login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_a_wrong_password_is_recorded_in_the_audit_log_without_the_password(db: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    _login(at, "李查看", "guess-number-1")
    assert "用户名或密码不正确。" in [e.value for e in at.error]
    assert _count(db, "select count(*) from audit_log where action = 'login_failed'") == 1
    assert _count(db, "select count(*) from audit_log where cast(details as varchar) like '%guess-number%'") == 0


def test_failures_past_the_limit_lock_the_account_even_for_the_right_password(db: Path) -> None:
    for i in range(LOCK_AFTER_LOGIN):
        assert login_gate("李查看", "10.0.0.9", db).locked is None, i
        record_failed_login("李查看", "10.0.0.9", "用户名或密码不正确", db)
    assert login_gate("李查看", "", db).locked  # the account, from any address
    assert login_gate("王五", "", db).locked is None  # another account is not
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    _login(at, "李查看", "viewer-password")
    assert [t.value for t in at.title] == ["登录"]
    assert any("已暂时锁定" in e.value for e in at.error)


def test_each_failure_past_the_first_few_makes_the_next_attempt_wait_longer(db: Path) -> None:
    delays = []
    for _ in range(7):
        record_failed_login("李查看", "", "用户名或密码不正确", db)
        delays.append(login_gate("李查看", "", db).delay_s)
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3] > 0 and all(b >= a for a, b in zip(delays, delays[1:], strict=False))


def test_a_password_change_ends_an_open_session_at_once(db: Path) -> None:
    token = start_session(User("李查看", "查看"), db)
    at = AppTest.from_file(str(APP), default_timeout=90)
    now = time.time()
    at.session_state["auth"] = {"user": User("李查看", "查看"), "login_at": now, "seen_at": now, "token": token}
    at.run()
    assert at.title[0].value == "总览"
    set_password(cli_user(), "李查看", "another-password", db=db)
    at.run()
    assert [t.value for t in at.title] == ["登录"]
    assert any("密码或角色已更改" in i.value for i in at.info)


def test_the_idle_clock_is_kept_by_the_server_not_the_browser_tab(db: Path) -> None:
    token = start_session(User("李查看", "查看"), db)
    at = AppTest.from_file(str(APP), default_timeout=90)
    now = time.time()
    state = {"user": User("李查看", "查看"), "login_at": now, "seen_at": now, "token": token}
    at.session_state["auth"] = state
    at.run()
    assert at.title[0].value == "总览"
    # the server last saw this login more than IDLE_S ago (a tab closed and reopened later brings a fresh state)
    login._LAST_SEEN[login._seen_key(state)] = now - login.IDLE_S - 5
    at2 = AppTest.from_file(str(APP), default_timeout=90)
    at2.session_state["auth"] = {**state, "seen_at": time.time()}
    at2.run()
    assert [t.value for t in at2.title] == ["登录"]
    assert "登录已过期，请重新登录。" in [i.value for i in at2.info]


def test_a_markdown_user_name_is_shown_literally_in_the_sidebar(db: Path) -> None:
    name = "![x](//127.0.0.1:9/m)"
    add_user(cli_user(), name, "查看", "strange-password", db=db)
    token = start_session(User(name, "查看"), db)
    at = AppTest.from_file(str(APP), default_timeout=90)
    now = time.time()
    at.session_state["auth"] = {"user": User(name, "查看"), "login_at": now, "seen_at": now, "token": token}
    at.run()
    captions = [c.value for c in at.sidebar.caption if "当前用户" in c.value]
    assert captions and "\\!\\[x\\]" in captions[0]
