"""Where the store is: the database (an explicit --db, $NIANBAO_DB: a DuckDB file or a ducklake: URL) and its
source-file store ($NIANBAO_SOURCES)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dashboard.settings import DATA_DIR, DEFAULT_DB, data_path

LAKE_PREFIX = "ducklake:"


class StoreURL(str):
    """A store that is not a file: a DuckLake URL (`ducklake:postgres:dbname=… host=…`).

    It answers the few Path questions the app asks of its store (exists, resolve, parent, stat), so code written
    for the DuckDB file works on a lake unchanged. stat() is the lake's latest snapshot id as st_mtime_ns: it is
    what the dashboard's query cache keys on, and it changes exactly when a writer commits.
    """

    def __fspath__(self) -> str:
        return str.__str__(self)

    def exists(self) -> bool:
        """A lake is created by its first writer; readers attach it as it is."""
        return True

    def resolve(self) -> StoreURL:
        """A URL is already absolute."""
        return self

    @property
    def parent(self) -> Path:
        """Where files that belong beside the store go (exports): the data folder when local, else data/."""
        dp = data_path()
        return Path(dp) if dp and "://" not in dp else DATA_DIR

    @property
    def name(self) -> str:
        """The catalog's connection string, for messages."""
        return str(self)

    def stat(self) -> Any:
        """st_mtime_ns = the lake's latest snapshot id (see the class docstring); st_ino = st_size = 0."""
        from types import SimpleNamespace

        from dashboard.store.lake import latest_snapshot

        snap = latest_snapshot(self)
        return SimpleNamespace(st_mtime_ns=snap, st_mtime=float(snap), st_ino=0, st_size=0)


def is_lake(db: str | os.PathLike[str] | None) -> bool:
    """True for a ducklake: URL (also when it went through Path(), which keeps such a string as it is)."""
    return db is not None and os.fspath(db).startswith(LAKE_PREFIX)


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The store: an explicit --db, else $NIANBAO_DB, else data/nianbao.duckdb; a ducklake: URL as a StoreURL."""
    value = os.fspath(override) if override else os.environ.get("NIANBAO_DB")
    if not value:
        return DEFAULT_DB
    if is_lake(value):
        return StoreURL(value)  # type: ignore[return-value]  # Path-like where the app uses it
    return Path(value)


def sources_location(db: str | os.PathLike[str]) -> str:
    """Where source files are kept: $NIANBAO_SOURCES (folder or fsspec URL), else `<db>.sources` beside a DuckDB
    file, else `<data path>/sources` for a lake."""
    env = os.environ.get("NIANBAO_SOURCES")
    if env:
        return env
    if is_lake(db):
        dp = data_path()
        if not dp:
            from dashboard.store.lake import recorded_data_path

            dp = recorded_data_path(os.fspath(db))
        if not dp:
            raise ValueError("DuckLake 需要设置 NIANBAO_SOURCES 或 NIANBAO_DATA_PATH（原件存放位置） / "
                             "a lake needs NIANBAO_SOURCES or NIANBAO_DATA_PATH for the source files")
        return dp.rstrip("/") + "/sources"
    p = Path(db)
    return str(p.with_name(p.name + ".sources"))
