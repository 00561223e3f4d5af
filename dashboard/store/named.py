"""Running named SQL: the one way the app reads the database and the way small writes are made.

Each question is a file `queries/<name>.sql` with a header comment (what it returns, parameters, grain) and
parameters bound as `$name`. Indicators are passed to the SQL as their components (`num`, `den`) read from
dashboard/store/indicators.py, the one place that defines them.

Reading: the store's writer never touches the live file; it writes a copy and swaps it in with os.replace
(dashboard/store/db.py). So a reader may keep one version of the file attached read-only: `run_query` runs each
call on its own cursor, and a new version is attached when the file changes (inode, size or mtime). The
store keeps `indicators` as a table maintained at write time, so queries read it in place.
On a DuckLake store (a `ducklake:` URL) the lake is attached read-only once per process and every cursor reads
the latest committed snapshot: readers never wait for the writer and never see half a batch. (A reader pinned to
one snapshot — attached with snapshot_version N, re-attached after each commit — was measured beside this one in
bench/scale.py, issue 23 item 5, and was slower: each new attachment's first query costs more than the live
attachment's catalog reload.)

A lake's answers are kept per process, keyed by (query, parameters, the lake's latest committed snapshot id, the
date): the snapshot id is one statement to PostgreSQL (lake.latest_snapshot, ~1 ms), while a page's query on the
lake costs 100–500 ms of catalog look-ups and Parquet reads. So the readers between two commits — the four pages
of one user, or many users of one Streamlit server — compute each answer once per snapshot. An answer is stored
only when the snapshot id is the same before and after the query (no commit came in between, so the query read
exactly that snapshot); a commit changes the id, so the next read recomputes. Staleness: a cached answer is the
latest committed snapshot at the moment of the read (the id is asked on every call), never older. The DuckDB file
mode is unchanged: nothing is kept, every call runs on the current version of the file.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.registry import KINDS
from dashboard.settings import QUERIES_DIR
from dashboard.store.db import DamagedDatabase, open_db, verify_complete, writer
from dashboard.store.location import db_path, is_lake

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class QueryError(ValueError):
    """A named query that does not exist or was called with the wrong parameters."""


def query_names() -> list[str]:
    """Every named query in queries/, by file name without .sql."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


@lru_cache(maxsize=256)
def _load(path: Path, mtime_ns: int) -> tuple[str, frozenset[str]]:
    sql = path.read_text(encoding="utf-8")
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return sql, frozenset(_PARAM.findall(body))


def load_query(name: str) -> tuple[str, frozenset[str]]:
    """The SQL text of a named query and the names of its $parameters."""
    path = QUERIES_DIR / f"{name}.sql"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.exists():
        raise QueryError(f"没有名为 {name} 的查询 / no query named {name!r} in {QUERIES_DIR}")
    return _load(path, path.stat().st_mtime_ns)


def query_header(name: str) -> str:
    """The header comment of a named query (what it returns, parameters, grain), without the comment marks."""
    lines = []
    for line in load_query(name)[0].splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return "\n".join(lines)


def _bind(name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    sql, wanted = load_query(name)
    missing, extra = wanted - params.keys(), params.keys() - wanted
    if missing or extra:
        raise QueryError(f"{name}: 参数不符 / parameters do not match: missing {sorted(missing)}, unexpected {sorted(extra)}")
    if isinstance(params.get("due_through"), int):  # one year for every kind (a caller that knows no kinds)
        params = {**params, "due_through": dict.fromkeys([*KINDS, OTHER_KIND], params["due_through"])}
    return sql, {k: _value(v) for k, v in params.items()}


OTHER_KIND = ""  # the due map's key for a unit of no known kind (dashboard.scope.OTHER_KIND)


def _value(v: Any) -> Any:
    """A parameter as DuckDB binds it: a tuple as a list, a dict as a MAP (keys and values as lists)."""
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dict | frozenset):
        items = sorted(dict(v).items())
        return {"key": [k for k, _ in items], "value": [x for _, x in items]}
    return v


@dataclass
class _Reader:
    """One in-memory DuckDB per database path, with the file's versions attached read-only as v1, v2, …"""

    con: duckdb.DuckDBPyConnection
    alias: str = ""
    key: tuple[int, int, int] | None = None
    versions: int = 0
    attached: list[str] = field(default_factory=list)


_READERS: dict[Path, _Reader] = {}
_READER_LOCK = threading.Lock()
KEEP_VERSIONS = 3  # older versions are detached; a query still running on one is seconds old at most


def _file_key(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_size, st.st_mtime_ns


def _attach_version(reader: _Reader, path: Path) -> None:
    key = _file_key(path)
    reader.versions += 1
    alias = f"v{reader.versions}"
    # ATTACH takes no bound parameters; the path is ours (settings/--db), quoted as an SQL string literal.
    reader.con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {alias} (read_only)")
    try:
        verify_complete(reader.con, path, alias)
    except DamagedDatabase:
        reader.con.execute(f"detach {alias}")
        raise
    reader.alias, reader.key = alias, key
    reader.attached.append(alias)
    while len(reader.attached) > KEEP_VERSIONS:
        reader.con.execute(f"detach {reader.attached.pop(0)}")


def snapshot_cursor(db: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on the current read-only version of the database (a new version is attached when the file changed;
    on a lake, the latest committed snapshot)."""
    path = db_path(db)
    if is_lake(path):
        return _lake_cursor(str(path))
    if not path.exists():
        open_db(path, read_only=True).close()  # the store creates an empty, migrated database
    path = path.resolve()
    with _READER_LOCK:
        reader = _READERS.get(path)
        if reader is None:
            con = duckdb.connect(":memory:")
            con.execute("set enable_progress_bar = false")
            reader = _READERS[path] = _Reader(con)
        if reader.key != _file_key(path):
            _attach_version(reader, path)
        cur = reader.con.cursor()
        alias = reader.alias
    cur.execute(f"set search_path = '{alias}.main'")
    return cur


_LAKE_READERS: dict[str, duckdb.DuckDBPyConnection] = {}


def _lake_cursor(url: str) -> duckdb.DuckDBPyConnection:
    from dashboard.store.lake import ALIAS, connect

    with _READER_LOCK:
        con = _LAKE_READERS.get(url)
        if con is None:
            con = _LAKE_READERS[url] = connect(url, read_only=True)
        cur = con.cursor()
    cur.execute(f"set search_path = '{ALIAS}.main'")
    return cur


def run_query(name: str, db: Path | None = None, **params: Any) -> pd.DataFrame:
    """Run the named query with bound parameters on its own read-only cursor; returns a DataFrame.

    On a lake the answer may come from this process's cache of the same query at the same latest snapshot."""
    sql, bound = _bind(name, params)
    path = db_path(db)
    if is_lake(path):
        return _lake_answer(str(path), sql, bound)
    return _run(snapshot_cursor(path), sql, bound)


def _run(cur: duckdb.DuckDBPyConnection, sql: str, bound: dict[str, Any]) -> pd.DataFrame:
    try:
        return cur.execute(sql, bound).df()
    finally:
        cur.close()


LAKE_CACHE_BYTES = 64 * 1024 * 1024  # a process's cached lake answers, all together (largest first out: LRU)
LAKE_CACHE_ENTRY_BYTES = 8 * 1024 * 1024  # an answer bigger than this is not kept


@dataclass
class LakeCache:
    """This process's answers on lakes: (url, sql, parameters, snapshot id, date) → DataFrame, least recent out."""

    entries: OrderedDict[tuple[Any, ...], tuple[pd.DataFrame, int]] = field(default_factory=OrderedDict)
    latest: dict[str, int] = field(default_factory=dict)  # per lake: the newest snapshot id seen
    size: int = 0
    hits: int = 0
    misses: int = 0

    def get(self, key: tuple[Any, ...]) -> pd.DataFrame | None:
        """The answer kept for key (marked as recently used), else None."""
        found = self.entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return found[0]

    def seen(self, url: str, snapshot: int) -> None:
        """A read found `snapshot` as the lake's latest: answers of older snapshots can never be read again."""
        if snapshot > self.latest.get(url, -1):
            self.latest[url] = snapshot
            for key in [k for k in self.entries if k[0] == url and k[3] < snapshot]:
                self.size -= self.entries.pop(key)[1]

    def put(self, key: tuple[Any, ...], df: pd.DataFrame) -> None:
        """Keep an answer (not when it is bigger than LAKE_CACHE_ENTRY_BYTES); older ones leave past the budget."""
        nbytes = int(df.memory_usage(index=True, deep=False).sum())
        if nbytes > LAKE_CACHE_ENTRY_BYTES or key in self.entries:
            return
        self.entries[key] = (df, nbytes)
        self.size += nbytes
        while self.size > LAKE_CACHE_BYTES and self.entries:
            self.size -= self.entries.popitem(last=False)[1][1]

    def clear(self) -> None:
        """Forget every answer (and the counts)."""
        self.entries.clear()
        self.latest.clear()
        self.size = self.hits = self.misses = 0


LAKE_CACHE = LakeCache()
_LAKE_CACHE_LOCK = threading.Lock()


def _lake_answer(url: str, sql: str, bound: dict[str, Any]) -> pd.DataFrame:
    from dashboard.store.lake import latest_snapshot

    snapshot = latest_snapshot(url)
    # the date is part of the key: which years are due moves with it (agency_years, current_date) without a commit
    key = (url, sql, repr(sorted(bound.items())), snapshot, dt.date.today())
    with _LAKE_CACHE_LOCK:
        LAKE_CACHE.seen(url, snapshot)
        found = LAKE_CACHE.get(key)
    if found is not None:
        return found.copy()  # a caller may change its frame; the kept one stays as read
    df = _run(_lake_cursor(url), sql, bound)
    if latest_snapshot(url) == snapshot:  # no commit during the query: it read exactly `snapshot`
        with _LAKE_CACHE_LOCK:
            LAKE_CACHE.put(key, df.copy())
    return df


def run_writes(steps: list[tuple[str, dict[str, Any]]], db: Path | None = None) -> None:
    """Run named writing queries in order, in one transaction of the store's copy-and-swap writer."""
    bound = [_bind(name, params) for name, params in steps]
    with writer(db_path(db)) as con:
        con.execute("begin")
        for sql, args in bound:
            con.execute(sql, args)
        con.execute("commit")
