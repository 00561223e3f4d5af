"""The login form, the session cookie and who is acting in this browser session (the Streamlit side of logins).

Users, roles and the server-side sessions live in dashboard/review/users.py; this module only asks them. A login
lives in st.session_state and, so that a page reload or a link keeps it, in a `sessions` row found by the sha256
of a random token kept in a browser cookie (read with st.context.cookies).
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any

from dashboard.review import read_only
from dashboard.review.users import (
    ADD_USER_HINT,
    COOKIE,
    IDLE_S,
    LOCAL_ADMIN,
    MAX_S,
    RANK,
    User,
    _get,
    allows,
    authenticate,
    end_session,
    has_users,
    is_loopback,
    login_gate,
    record_failed_login,
    resume_session,
    session_alive,
    start_session,
)
from dashboard.text import md_literal

# The least role that may open a page (url_path of dashboard/app.py PAGES); pages not listed: 查看.
PAGE_ROLE = {"upload": "编辑", "proofread": "编辑", "manual_entry": "编辑", "audit_log": "管理",
             "review_round": "查看"}  # 审核: 查看 sees the board; the actions need 编辑 (checked in review/rounds.py)


def server_address() -> str:
    """The interface the Streamlit server listens on ('' = every interface, Streamlit's own default)."""
    import streamlit as st

    return str(st.get_option("server.address") or "")


def allowed_pages(pages: list[tuple], user: User) -> list[tuple]:
    """The entries of dashboard/app.py PAGES this user may open (url_path is the 4th item)."""
    return [p for p in pages if allows(user, PAGE_ROLE.get(p[3], "查看"))]


def current_user() -> User | None:
    """The logged-in user of this browser session; the local 管理 when require_login would grant it (127.0.0.1, no
    users — also for a page run on its own); None when nobody is logged in."""
    import streamlit as st

    state = st.session_state.get("auth")
    if state:
        return state["user"]
    if is_loopback(server_address()) and not has_users():
        return User(LOCAL_ADMIN, "管理", local=True)
    return None


# Last activity of each login, kept by the server (by the sha256 of its cookie token), not by the browser: closing
# the tab does not reset the idle clock, and a cookie brought back after IDLE_S finds its login expired. After a
# server restart a session starts its idle clock again at its next request (its MAX_S from login still holds).
_LAST_SEEN: dict[str, float] = {}
_LAST_SEEN_LOCK = threading.Lock()


def _seen_key(state: dict[str, Any]) -> str | None:
    token = state.get("token")
    return hashlib.sha256(token.encode("utf-8")).hexdigest() if token else None


def _expired(state: dict[str, Any], now: float) -> bool:
    key = _seen_key(state)
    with _LAST_SEEN_LOCK:
        seen = _LAST_SEEN.get(key, state["seen_at"]) if key else state["seen_at"]
    return now - seen > IDLE_S or now - state["login_at"] > MAX_S


def _touch(state: dict[str, Any], now: float) -> None:
    state["seen_at"] = now
    if key := _seen_key(state):
        with _LAST_SEEN_LOCK:
            _LAST_SEEN[key] = now


def client_address() -> str:
    """The browser's network address as the server sees it ('' when unknown, e.g. in tests)."""
    import streamlit as st

    try:
        return str(st.context.ip_address or "")
    except Exception:  # no request behind this run
        return ""


def _cookie_token() -> str | None:
    import streamlit as st

    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this run (tests): no cookie
        return None
    return value if isinstance(value, str) and value else None


def _set_cookie(token: str | None) -> None:
    """Store (or, with None, clear) the session cookie in the browser; a zero-height component runs the script."""
    import streamlit.components.v1 as components

    value, age = (token, MAX_S) if token else ("", 0)
    components.html(f"<script>document.cookie = '{COOKIE}={value}; path=/; max-age={age}; SameSite=Strict';</script>",
                    height=0)


def require_login(db: Path | None = None) -> User:
    """The user of this session: the local 管理 (127.0.0.1, no users), else the login form until a login succeeds."""
    import streamlit as st

    now = time.time()
    if not has_users(db):
        if is_loopback(server_address()):
            user = User(LOCAL_ADMIN, "管理", local=True)
            st.session_state["auth"] = {"user": user, "login_at": now, "seen_at": now}
            return user
        st.error("看板在本机以外的网络地址上提供服务，但还没有配置任何用户，因此拒绝访问。" + ADD_USER_HINT)
        st.stop()
    state = st.session_state.get("auth")
    if state and state["user"].local:
        st.session_state.pop("auth", None)  # users were added since: the local 管理 ends
        state = None
    if state is None:
        resumed = resume_session(_cookie_token(), db)  # a reload or a link: the browser's cookie
        if resumed:
            # the idle clock is the server's (_LAST_SEEN): a tab reopened after IDLE_S finds the login expired
            state = st.session_state["auth"] = {"user": resumed[0], "login_at": resumed[1], "seen_at": now,
                                                "token": _cookie_token()}
    if state:
        row = _get(state["user"].name, db)
        ended = row is not None and state.get("token") and not session_alive(state["token"], db)
        if _expired(state, now) or row is None or ended:
            end_session(state.get("token"), db)
            st.session_state.pop("auth", None)
            st.session_state["auth_note"] = ("该用户已被删除。" if row is None else
                                             "密码或角色已更改，或登录已在别处结束，请重新登录。" if ended else
                                             "登录已过期，请重新登录。")
            _set_cookie(None)
        else:
            _touch(state, now)
            user = User(str(row["name"]), str(row["role"]))  # a role changed by 管理 applies at once
            state["user"] = user
            if token := state.pop("set_cookie", None):
                _set_cookie(token)
            return user
    _login_form(db)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _login_form(db: Path | None) -> None:
    import streamlit as st

    st.title("登录")
    if st.session_state.pop("clear_cookie", False):
        _set_cookie(None)
    if note := st.session_state.pop("auth_note", None):
        st.info(note)
    with st.form("login"):
        name = st.text_input("用户名", key="login_name")
        password = st.text_input("密码", type="password", key="login_password")
        ok = st.form_submit_button("登录", type="primary")
    if ok:
        address = client_address()
        gate = login_gate(name, address, db)
        if gate.locked:
            st.error(gate.locked)
            return
        time.sleep(gate.delay_s)  # each failure past the first few waits longer
        user = authenticate(name, password, db)
        if user is None:
            record_failed_login(name, address, "用户名或密码不正确", db)
            time.sleep(1.0)  # slows guessing; argon2 is slow already
            st.error("用户名或密码不正确。")
            return
        now = time.time()
        token = start_session(user, db)
        st.session_state["auth"] = {"user": user, "login_at": now, "seen_at": now, "token": token,
                                    "set_cookie": token}
        _touch(st.session_state["auth"], now)
        st.rerun()


def sidebar_account(user: User) -> None:
    """Who is logged in, with role, and a 退出登录 button (none for the local 管理)."""
    import streamlit as st

    if user.local:
        st.sidebar.caption(f"本机使用：{LOCAL_ADMIN}（未配置用户）")
        return
    st.sidebar.caption(f"当前用户：{md_literal(user.name)}（{user.role}）")  # a name is text, never Markdown
    if st.sidebar.button("退出登录", key="logout"):
        state = st.session_state.pop("auth", None) or {}
        end_session(state.get("token"))
        st.session_state["auth_note"] = "已退出登录。"
        st.session_state["clear_cookie"] = True  # done by the next run: this one ends here
        st.rerun()


def read_only_cap(user: User) -> User:
    """The user as this dashboard lets them act: 查看 at most while read-only."""
    if not read_only.active() or RANK.get(user.role, 0) <= RANK[read_only.VIEW_ROLE]:
        return user
    return User(user.name, read_only.VIEW_ROLE, user.local)


def read_only_note() -> None:
    """The sidebar's 只读模式 notice with its reason (nothing when the dashboard may write)."""
    import streamlit as st

    why = read_only.reason()
    if why is None:
        return
    st.sidebar.warning(f"只读模式：{why}。可以查看与导出；导入、校对更正、核实问题等修改暂不可用。"
                       "请让数据库文件及其文件夹可写，再重新启动看板。", icon=":material/lock:")
