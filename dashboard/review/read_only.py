"""Viewing survives a database that cannot be written: `nianbao serve` starts read-only and says why.

serve probes the file and its folder before anything opens a writer (`probe`): a read-only file or folder, a
read-only file system, an immutable file. When one of them cannot be written, serve does not apply migrations and
passes the Chinese reason to the Streamlit child in NIANBAO_READ_ONLY. In the app (`active`):

- every user acts as 查看 (`dashboard.pages.login.read_only_cap`): the pages that write are not listed and every write's own role check refuses,
  so nothing reaches a writer that would fail;
- the sidebar says 只读模式 and why (`dashboard.pages.login.read_only_note`);
- logins are remembered in this process's memory instead of the database's `sessions` table (`start_session`,
  `resume_session`, `end_session`, called by dashboard/review/users.py): a reload keeps the login while the server runs,
  and the upload/media guard (dashboard/web_guard.py, same process) sees the same sessions.
"""

from __future__ import annotations

import errno
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ENV = "NIANBAO_READ_ONLY"
VIEW_ROLE = "查看"
_WHY = {errno.EROFS: "所在磁盘或分区为只读", errno.EACCES: "没有写入权限", errno.EPERM: "已被设为不可修改"}
_SESSIONS: dict[str, tuple[Any, float]] = {}  # token → (dashboard.review.users.User, login time)
_LOCK = threading.Lock()


def _why(exc: OSError) -> str:
    return _WHY.get(exc.errno or 0, "无法写入")


def probe(db: Path) -> str | None:
    """Why the database file or its folder cannot be written (one Chinese sentence), or None when both can.

    Writes nothing to the database: the file is opened for update and closed, a scratch file is made and removed
    in the folder (a writer needs both: it writes a copy beside the file and swaps it in).
    """
    folder = db.parent
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{db.name}.probe-"):
            pass
    except OSError as exc:
        if exc.errno not in _WHY:
            raise
        return f"数据库所在文件夹 {folder} 不可写（{_why(exc)}）"
    if db.exists():
        try:
            with open(db, "r+b"):
                pass
        except OSError as exc:
            if exc.errno not in _WHY:
                raise
            return f"数据库文件 {db} 不可写（{_why(exc)}）"
    return None


def reason() -> str | None:
    """The reason this dashboard runs read-only (set by serve), or None when it may write."""
    return os.environ.get(ENV) or None


def active() -> bool:
    """True when this dashboard runs read-only."""
    return reason() is not None


def start_session(user: Any, max_s: float) -> str:
    """A login kept in memory while read-only; the random token for the browser's cookie."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    with _LOCK:
        for key in [k for k, (_, at) in _SESSIONS.items() if now - at > max_s]:
            del _SESSIONS[key]
        _SESSIONS[token] = (user, now)
    return token


def resume_session(token: str | None, max_s: float) -> tuple[Any, float] | None:
    """(user, login time) of an in-memory login that has not expired."""
    if not token:
        return None
    with _LOCK:
        found = _SESSIONS.get(token)
    if found is None or time.time() - found[1] > max_s:
        return None
    return found


def end_session(token: str | None) -> None:
    """Forget an in-memory login."""
    if token:
        with _LOCK:
            _SESSIONS.pop(token, None)
