"""Users, roles and login sessions in the database. Logins and roles: 查看 (view, export) < 编辑 (import, review, correct, enter) < 管理 (users, registry, audit).

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.review import audit

ROLES = ("查看", "编辑", "管理")
RANK = {r: i for i, r in enumerate(ROLES)}
ROLE_NOTE = {"查看": "查看与导出", "编辑": "导入、核实问题、校对更正、手工录入", "管理": "用户与单位名录、操作记录"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
IDLE_S = 30 * 60
MAX_S = 8 * 3600
# Failed logins (audit rows 'login_failed'): each one after the first few waits longer; past the limit the
# account, or the address, is locked for the window — the right password included.
FAIL_WINDOW_S = 15 * 60
FREE_FAILURES = 3
LOCK_AFTER_LOGIN = 10
LOCK_AFTER_ADDRESS = 30
MAX_DELAY_S = 8.0
MIN_PASSWORD = 8
LOCAL_ADMIN = "本机管理员"
COOKIE = "nianbao_session"
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
    from dashboard.store.named import run_query

    return run_query("auth_users", db=db)


def has_users(db: Path | None = None) -> bool:
    """True when at least one login is configured in the database (a database from before logins has none)."""
    import duckdb

    try:
        return not list_users(db).empty
    except duckdb.CatalogException:
        return False


def _get(name: str, db: Path | None) -> dict[str, Any] | None:
    from dashboard.store.named import run_query

    rows = run_query("auth_user_hash", db=db, login=name)
    return None if rows.empty else rows.iloc[0].to_dict()


def add_user(actor: User, name: str, role: str, password: str, db: Path | None = None) -> None:
    """Create a login (管理 only), with its audit row."""
    from dashboard.store.named import run_writes

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
    from dashboard.store.named import run_writes

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
    from dashboard.store.named import run_writes

    require_role(actor, "管理", "管理用户")
    old = _get(name, db)
    if old is None:
        raise AuthError(f"没有用户「{name}」。")
    run_writes([("auth_sessions_of_user_remove", {"login": name}), ("auth_user_remove", {"name": name}),
                ("audit_insert", {"who": actor.name, "action": "user_remove",
                                  "details": audit.details_json(f"用户 {name}", {"role": old["role"]}, None)})], db)


@dataclass(frozen=True)
class LoginGate:
    """What the recent failed logins allow now: a wait before answering, or a lock with its reason."""

    delay_s: float
    locked: str | None


def login_gate(name: str, address: str, db: Path | None = None) -> LoginGate:
    """The delay and lock that the failed logins of this account and this address impose on the next attempt."""
    from dashboard.store.named import run_query

    row = run_query("auth_failed_logins", db=db, login=name.strip(), address=address,
                    seconds=FAIL_WINDOW_S).iloc[0]
    by_login, by_address = int(row["by_login"]), int(row["by_address"])
    minutes = FAIL_WINDOW_S // 60
    if by_login >= LOCK_AFTER_LOGIN:
        return LoginGate(0.0, f"该账户近 {minutes} 分钟内登录失败 {by_login} 次，已暂时锁定；请 {minutes} 分钟后再试，"
                              "或请管理员重设密码。")
    if by_address >= LOCK_AFTER_ADDRESS:
        return LoginGate(0.0, f"来自此地址的登录近 {minutes} 分钟内失败 {by_address} 次，已暂时锁定；请稍后再试。")
    worst = max(by_login, by_address // 3)
    return LoginGate(min(MAX_DELAY_S, 2.0 ** (worst - FREE_FAILURES)) if worst > FREE_FAILURES else 0.0, None)


def record_failed_login(name: str, address: str, reason: str, db: Path | None = None) -> None:
    """A failed login in the audit trail (never the password tried)."""
    from dashboard.store.named import run_writes

    run_writes([("audit_insert", {"who": name.strip()[:100] or "（空）", "action": "login_failed",
                                  "details": audit.details_json(f"登录 {name.strip()[:100]}", None, None,
                                                                login=name.strip()[:100], address=address,
                                                                reason=reason)})], db)


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
    from dashboard.review import read_only
    from dashboard.store.named import run_writes

    if read_only.active():  # the database cannot be written (serve started read-only): keep it in memory
        return read_only.start_session(user, MAX_S)
    token = secrets.token_urlsafe(32)
    run_writes([("auth_sessions_expired_remove", {}),
                ("auth_session_add", {"token_hash": _token_hash(token), "login": user.name, "seconds": MAX_S})], db)
    return token


def session_alive(token: str | None, db: Path | None = None) -> bool:
    """True while the server still holds this login (a password change, a role change, removal or logout ends it)."""
    return resume_session(token, db) is not None


def resume_session(token: str | None, db: Path | None = None) -> tuple[User, float] | None:
    """(user, login time) of a cookie token whose session has not expired and whose user still exists."""
    from dashboard.review import read_only
    from dashboard.store.named import run_query

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
    from dashboard.review import read_only
    from dashboard.store.named import run_writes

    if read_only.active():
        read_only.end_session(token)
    elif token:
        run_writes([("auth_session_remove", {"token_hash": _token_hash(token)})], db)


def is_loopback(address: str) -> bool:
    """True for 127.0.0.1 / localhost / ::1."""
    return address in LOOPBACK
