"""What went wrong with the database or its file store, in one Chinese sentence that names the file and says what to
do: the one error boundary the command line (dashboard/cli) and the pages (dashboard/app.py) share.

Only faults of the store are named here (read-only, full disk, damaged or truncated database, missing file store);
anything else is not the store's and is left to the caller's own handling.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import duckdb

from dashboard.store.db import DamagedDatabase
from dashboard.store.location import db_path
from dashboard.store.sources import SourceError

_READ_ONLY = ("read-only file system", "read only file system", "permission denied", "read-only",
              "cannot open database in read-only mode", "attempting to write to a read-only")
_FULL = ("no space left on device", "disk full", "file too large", "could not write all bytes")
_DAMAGED = ("not a valid duckdb database", "checksum", "corrupt", "serialization", "failed to read database header",
            "could not read enough bytes", "truncated", "invalid database", "magic bytes", "the file is not a valid")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return seen


def store_fault(exc: BaseException, db: str | os.PathLike[str] | None = None) -> str | None:
    """One Chinese sentence for a fault of the store, or None when the exception is not one."""
    name = str(db_path(db)) if db is None or not str(db).startswith("ducklake:") else str(db)
    for e in _chain(exc):
        text = str(e).lower()
        if isinstance(e, SourceError):
            return (f"原件存放处有问题：{getattr(e, 'reason_zh', None) or e}。请检查原件文件夹（{name}.sources 或"
                    " NIANBAO_SOURCES）是否完整、可读。")
        if isinstance(e, OSError) and e.errno == errno.ENOSPC or any(k in text for k in _FULL):
            return (f"磁盘已满，无法写入数据库 {name}。已写入的内容没有改变；请清理磁盘空间后重试。")
        if isinstance(e, OSError) and e.errno in (errno.EROFS, errno.EACCES, errno.EPERM) or \
                isinstance(e, duckdb.Error) and any(k in text for k in _READ_ONLY):
            return (f"数据库 {name} 不可写（只读的文件或磁盘，或没有写权限）：本次修改没有保存。请检查文件权限，"
                    "或改用可写的位置（--db）；查看数据不受影响。")
        if isinstance(e, DamagedDatabase) or isinstance(e, duckdb.Error) and any(k in text for k in _DAMAGED):
            return (f"数据库文件 {name} 已损坏或不完整，无法读取。请从备份恢复该文件（或用 nianbao ingest 重新导入报告"
                    "到新的数据库文件），并检查磁盘。")
    return None


def damaged_hint(db: str | os.PathLike[str] | None = None) -> str | None:
    """A short check of the database file itself (header readable), for a start-up message; None when it opens."""
    path = db_path(db)
    if str(path).startswith("ducklake:") or not Path(path).exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
        con.execute("select 1").fetchall()
        con.close()
    except duckdb.Error as exc:
        return store_fault(exc, path)
    return None
