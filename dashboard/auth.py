"""Logins and roles: 查看 (view, export) < 编辑 (import, review, correct, enter) < 管理 (users, registry, audit).

Passwords are argon2id hashes (argon2-cffi) in the database's `users` table; never stored plain. The login form is
ours, not streamlit-authenticator: its cookie component has broken with several Streamlit releases (its issues
#173, #265, #275). A login lives in st.session_state and, so that a page reload or a link keeps it, in a `sessions`
row found by the sha256 of a random token kept in a browser cookie (read with st.context.cookies). A login
expires after IDLE_S without activity (within the browser session) or MAX_S in all; logging out, a password or
role change and removing the user end it on the server.

Every writing function checks the caller's role itself (`require_role`): hiding a page is a convenience, the
check inside the write is the guard, so a forged request from a viewer's session changes nothing.
With no user configured, a dashboard served on 127.0.0.1 runs as one local 管理 (the demo opens straight away);
served on any other interface it refuses (dashboard/serve.py and `require_login`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard import audit

ROLES = ("查看", "编辑", "管理")
RANK = {r: i for i, r in enumerate(ROLES)}
ROLE_NOTE = {"查看": "查看与导出", "编辑": "导入、核实问题、校对更正、手工录入", "管理": "用户与单位名录、操作记录"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
IDLE_S = 30 * 60
MAX_S = 8 * 3600
MIN_PASSWORD = 8
LOCAL_ADMIN = "本机管理员"
COOKIE = "nianbao_session"
# The least role that may open a page (url_path of dashboard/app.py PAGES); pages not listed: 查看.
PAGE_ROLE = {"upload": "编辑", "proofread": "编辑", "manual_entry": "编辑", "audit_log": "管理"}
ADD_USER_HINT = "请先添加用户：nianbao user add 用户名 --role 管理"

_hasher = PasswordHasher()


class PermissionDenied(PermissionError):
    """The caller's role does not allow this action (raised inside the write, whatever the page showed)."""


class AuthError(ValueError):
    """A user command with bad input (unknown role, short password, existing or unknown name)."""


@dataclass(frozen=True)
class User:
    """Who is acting: login name and role; `local` = the single local 管理 of a 127.0.0.1 dashboard without users."""

    name: str
    role: str
    local: bool = False


def allows(user: User | None, role: str) -> bool:
    """True when the user's role is at least `role`."""
    return user is not None and user.role in RANK and RANK[user.role] >= RANK[role]


def require_role(user: User | None, role: str, action: str = "此操作") -> User:
    """The user, or PermissionDenied when not logged in or the role is below `role`."""
    if not allows(user, role):
        who = f"{user.name}（{user.role}）" if user else "未登录的访问"
        raise PermissionDenied(f"{who}无权{action}：需要「{role}」或更高角色。")
    return user  # type: ignore[return-value]


def cli_user() -> User:
    """The command line acts as the OS user with 管理 rights: whoever runs it can already write the database file."""
    return User(audit.cli_who(), "管理")


# ---- passwords and the users table ----

def hash_password(password: str) -> str:
    """An argon2id hash of the password (salted; the plain text is never stored)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_role(role: str) -> None:
    if role not in RANK:
        raise AuthError(f"未知角色「{role}」；可选：{'、'.join(ROLES)}。")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"密码至少 {MIN_PASSWORD} 位。")


def list_users(db: Path | None = None):  # noqa: ANN201
    """Every login (name, role, created_at, updated_at) as a DataFrame, without hashes."""
    from dashboard.queries import run_query

    return run_query("auth_users", db=db)


def has_users(db: Path | None = None) -> bool:
    """True when at least one login is configured in the database (a database from before logins has none)."""
    import duckdb

    try:
        return not list_users(db).empty
    except duckdb.CatalogException:
        return False


def _get(name: str, db: Path | None) -> dict[str, Any] | None:
    from dashboard.queries import run_query

    rows = run_query("auth_user_hash", db=db, login=name)
    return None if rows.empty else rows.iloc[0].to_dict()


def add_user(actor: User, name: str, role: str, password: str, db: Path | None = None) -> None:
    """Create a login (管理 only), with its audit row."""
    from dashboard.queries import run_writes

    require_role(actor, "管理", "管理用户")
    name = name.strip()
    _check_role(role)
    _check_password(password)
    if not name:
        raise AuthError("用户名不能为空。")
    if _get(name, db) is not None:
        raise AuthError(f"用户「{name}」已存在；改密码用 nianbao user passwd。")
    run_writes([("auth_user_add", {"name": name, "role": role, "password_hash": hash_password(password)}),
                ("audit_insert", {"who": actor.name, "action": "user_add",
                                  "details": audit.details_json(f"用户 {name}", None, {"role": role})})], db)


def set_password(actor: User, name: str, password: str | None = None, role: str | None = None,
                 db: Path | None = None) -> None:
    """Change a login's password and/or role (管理 only), with its audit row (never the password itself)."""
    from dashboard.queries import run_writes

    require_role(actor, "管理", "管理用户")
    old = _get(name, db)
    if old is None:
        raise AuthError(f"没有用户「{name}」。")
    if role is not None:
        _check_role(role)
    if password is not None:
        _check_password(password)
    run_writes([("auth_sessions_of_user_remove", {"login": name}),
                ("auth_user_passwd", {"name": name, "role": role,
                                      "password_hash": hash_password(password) if password else None}),
                ("audit_insert", {"who": actor.name, "action": "user_passwd", "details": audit.details_json(
                    f"用户 {name}", {"role": old["role"]}, {"role": role or old["role"],
                                                            "password_changed": password is not None})})], db)


def remove_user(actor: User, name: str, db: Path | None = None) -> None:
    """Delete a login (管理 only), with its audit row; its earlier actions stay in the trail."""
    from dashboard.queries import run_writes

    require_role(actor, "管理", "管理用户")
    old = _get(name, db)
    if old is None:
        raise AuthError(f"没有用户「{name}」。")
    run_writes([("auth_sessions_of_user_remove", {"login": name}), ("auth_user_remove", {"name": name}),
                ("audit_insert", {"who": actor.name, "action": "user_remove",
                                  "details": audit.details_json(f"用户 {name}", {"role": old["role"]}, None)})], db)


def authenticate(name: str, password: str, db: Path | None = None) -> User | None:
    """The user when name and password match a login, else None."""
    row = _get(name.strip(), db)
    if row is None:
        verify_password(_DUMMY_HASH, password)  # same time whether the name exists or not
        return None
    return User(str(row["name"]), str(row["role"])) if verify_password(str(row["password_hash"]), password) else None


_DUMMY_HASH = _hasher.hash("nianbao-not-a-password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User, db: Path | None = None) -> str:
    """Remember a login on the server; returns the random token for the browser's cookie (only its hash is kept)."""
    from dashboard import read_only
    from dashboard.queries import run_writes

    if read_only.active():  # the database cannot be written (serve started read-only): keep it in memory
        return read_only.start_session(user, MAX_S)
    token = secrets.token_urlsafe(32)
    run_writes([("auth_sessions_expired_remove", {}),
                ("auth_session_add", {"token_hash": _token_hash(token), "login": user.name, "seconds": MAX_S})], db)
    return token


def resume_session(token: str | None, db: Path | None = None) -> tuple[User, float] | None:
    """(user, login time) of a cookie token whose session has not expired and whose user still exists."""
    from dashboard import read_only
    from dashboard.queries import run_query

    if read_only.active():
        return read_only.resume_session(token, MAX_S)
    if not token:
        return None
    rows = run_query("auth_session_get", db=db, token_hash=_token_hash(token))
    if rows.empty:
        return None
    row = rows.iloc[0]
    return User(str(row["name"]), str(row["role"])), row["created_at"].timestamp()


def end_session(token: str | None, db: Path | None = None) -> None:
    """Forget a browser login on the server (logout, expiry)."""
    from dashboard import read_only
    from dashboard.queries import run_writes

    if read_only.active():
        read_only.end_session(token)
    elif token:
        run_writes([("auth_session_remove", {"token_hash": _token_hash(token)})], db)


# ---- guarded writes that live in other modules ----

def guarded_ingest(user: User | None, items: list, db: Path | None = None):  # noqa: ANN201
    """Store prepared uploads (编辑 or higher) and record the import with the user's name."""
    from dashboard.store.ingest import ingest_prepared

    require_role(user, "编辑", "导入报告")
    return ingest_prepared(items, db=db, who=user.name)  # the import's audit row names the user


def guarded_ingest_paths(user: User | None, paths: list[Path], db: Path | None = None, **options: Any):  # noqa: ANN201
    """Read files in worker processes and store them (编辑 or higher); record the import with the user's name."""
    from dashboard.store.ingest import ingest_paths

    require_role(user, "编辑", "导入报告")
    return ingest_paths(paths, db=db, who=user.name, **options)  # the import's audit row names the user


def guarded_set_finding_status(user: User | None, finding_id: int, status: str, note: str | None = None,
                               db: Path | None = None) -> None:
    """Confirm, dismiss or reopen a finding (编辑 or higher), recorded under the user's name."""
    from dashboard.queries import set_finding_status

    require_role(user, "编辑", "核实问题")
    set_finding_status(finding_id, status, user.name, note, db=db)


# ---- the Streamlit side ----

def server_address() -> str:
    """The interface the Streamlit server listens on ('' = every interface, Streamlit's own default)."""
    import streamlit as st

    return str(st.get_option("server.address") or "")


def is_loopback(address: str) -> bool:
    """True for 127.0.0.1 / localhost / ::1."""
    return address in LOOPBACK


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


def _expired(state: dict[str, Any], now: float) -> bool:
    return now - state["seen_at"] > IDLE_S or now - state["login_at"] > MAX_S


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
            state = st.session_state["auth"] = {"user": resumed[0], "login_at": resumed[1], "seen_at": now,
                                                "token": _cookie_token()}
    if state:
        row = _get(state["user"].name, db)
        if _expired(state, now) or row is None:
            end_session(state.get("token"), db)
            st.session_state.pop("auth", None)
            st.session_state["auth_note"] = "登录已过期，请重新登录。" if row is not None else "该用户已被删除。"
            _set_cookie(None)
        else:
            state["seen_at"] = now
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
        user = authenticate(name, password, db)
        if user is None:
            time.sleep(1.0)  # slows guessing; argon2 is slow already
            st.error("用户名或密码不正确。")
            return
        now = time.time()
        token = start_session(user, db)
        st.session_state["auth"] = {"user": user, "login_at": now, "seen_at": now, "token": token,
                                    "set_cookie": token}
        st.rerun()


def sidebar_account(user: User) -> None:
    """Who is logged in, with role, and a 退出登录 button (none for the local 管理)."""
    import streamlit as st

    if user.local:
        st.sidebar.caption(f"本机使用：{LOCAL_ADMIN}（未配置用户）")
        return
    st.sidebar.caption(f"当前用户：{user.name}（{user.role}）")
    if st.sidebar.button("退出登录", key="logout"):
        state = st.session_state.pop("auth", None) or {}
        end_session(state.get("token"))
        st.session_state["auth_note"] = "已退出登录。"
        st.session_state["clear_cookie"] = True  # done by the next run: this one ends here
        st.rerun()
