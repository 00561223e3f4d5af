"""The DuckLake store mode: catalog in PostgreSQL, data files in a folder or object storage, many readers while
one ingest writes (snapshot isolation, no copy-and-swap).

The two DuckDB extensions come from PyPI packages (`duckdb-extension-ducklake`, `duckdb-extension-postgres`, the
optional extra `nianbao[lake]`) and are loaded from the installed package's file; automatic extension download is
switched off, so nothing is fetched at run time. Those packages are built for one exact DuckDB version, so a lake
install pins duckdb to it (see pyproject.toml's `lake` extra and scripts/test.sh's second venv).

URL: `ducklake:postgres:dbname=lake host=… port=… user=…` ($NIANBAO_DB or --db); data folder or URL:
$NIANBAO_DATA_PATH (needed when the lake is created; afterwards the catalog remembers it).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from dashboard.settings import data_path
from dashboard.store.locks import file_lock
from dashboard.store.schema import migrate

ALIAS = "lake"
LOCK_TIMEOUT_S = 600.0
# No PRIMARY KEY / UNIQUE in DuckLake: uniqueness of report_id, agency_id, sha256 … is kept by the one writer,
# which computes ids under its lock, exactly as the DuckDB file's writer does.
_UNSUPPORTED = re.compile(r"\s+(primary\s+key|unique)\b", re.IGNORECASE)


class LakeUnavailable(RuntimeError):
    """The DuckLake extensions are not installed for this DuckDB; reason in Chinese and English."""


class LakeWriteFailed(RuntimeError):
    """A writer session on the lake could not commit (a statement failed, or another writer committed first)."""


def _extension_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(
            f"未安装 {package.replace('_', '-')}：DuckLake 模式请用 pip install 'nianbao[lake]' 安装 / "
            f"{package.replace('_', '-')} is not installed: install the lake extra (pip install 'nianbao[lake]')")
    folder = Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{duckdb.__version__}"
    path = folder / f"{name}.duckdb_extension"
    if not path.exists():
        built = sorted(p.name for p in folder.parent.glob("v*"))
        raise LakeUnavailable(
            f"{package} 的扩展是为 DuckDB {', '.join(built)} 构建的，当前 DuckDB 是 {duckdb.__version__}；"
            f"请在单独的环境中安装 nianbao[lake] / {package} is built for DuckDB {built}, this is "
            f"{duckdb.__version__}: install nianbao[lake] in its own environment")
    return path


_EXT_LOCK = threading.Lock()


def extension_files() -> dict[str, Path]:
    """The ducklake and postgres extension files to LOAD, from the installed PyPI packages.

    DuckDB derives the entry point from the file name, and the postgres package ships `postgres.duckdb_extension`
    whose entry point is postgres_scanner's: it is copied once (same bytes) under that name into a cache folder.
    """
    ducklake = _extension_file("duckdb_extension_ducklake", "ducklake")
    shipped = _extension_file("duckdb_extension_postgres", "postgres")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nianbao" / f"duckdb-v{duckdb.__version__}"
    with _EXT_LOCK:
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError:
            cache = Path(tempfile.gettempdir()) / f"nianbao-duckdb-v{duckdb.__version__}"
            cache.mkdir(parents=True, exist_ok=True)
        postgres = cache / "postgres_scanner.duckdb_extension"
        if not postgres.exists() or postgres.stat().st_size != shipped.stat().st_size:
            tmp = postgres.with_name(f".{postgres.name}.{os.getpid()}")
            shutil.copyfile(shipped, tmp)
            os.replace(tmp, postgres)
    return {"ducklake": ducklake, "postgres_scanner": postgres}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _engine() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake's extensions loaded from the installed packages (nothing downloaded)."""
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    for path in extension_files().values():
        con.execute(f"load {_quote(str(path))}")
    dp = data_path()
    if dp and "://" in dp:
        # object storage (s3://…): DuckDB's httpfs, also from its PyPI package (duckdb-extension-httpfs, same
        # version); not part of the tested set-up — there is no object store here to test it against
        con.execute(f"load {_quote(str(_extension_file('duckdb_extension_httpfs', 'httpfs')))}")
    con.execute("set enable_progress_bar = false")
    return con


def _attach(con: duckdb.DuckDBPyConnection, url: str, alias: str, read_only: bool,
            snapshot: int | None = None) -> None:
    options = []
    dp = data_path()
    if dp:
        options.append(f"data_path {_quote(dp.rstrip('/') + '/')}")
    if read_only:
        options.append("read_only")
    if snapshot is not None:
        options.append(f"snapshot_version {int(snapshot)}")
    opts = f" ({', '.join(options)})" if options else ""
    con.execute(f"attach {_quote(url)} as {alias}{opts}")


def _raw_connect(url: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = _engine()
    _attach(con, url, ALIAS, read_only)
    con.execute(f"use {ALIAS}")
    return con


def migrate_lake(con: duckdb.DuckDBPyConnection) -> int:
    """schema.migrate on the lake (constraints DuckLake lacks left out), then the lake's own writer table."""
    current = migrate(con, lambda sql: _UNSUPPORTED.sub("", sql))
    con.execute("create table if not exists lake_writer (sessions bigint)")
    if not con.execute("select count(*) from lake_writer").fetchall()[0][0]:
        con.execute("insert into lake_writer values (0)")
    return current


def connect(url: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake` and in use; migrated when writable; created when missing."""
    url = os.fspath(url)
    if read_only:
        try:
            return _raw_connect(url, read_only=True)
        except duckdb.Error:
            # a catalog that does not exist yet: the first connection creates and migrates it, then read-only
            with writer(url):
                pass
            return _raw_connect(url, read_only=True)
    with _lock(url):
        con = _raw_connect(url, read_only=False)
        migrate_lake(con)
    return con


def _lock_file(url: str) -> Path:
    return Path(tempfile.gettempdir()) / f"nianbao-lake-{hashlib.sha256(url.encode()).hexdigest()[:16]}.lock"


def _lock(url: str, timeout_s: float = LOCK_TIMEOUT_S) -> contextlib.AbstractContextManager[None]:
    """Writers on one machine queue (fcntl); writers on other machines are caught by the commit conflict below."""
    return file_lock(_lock_file(url), url, timeout_s)


class OneTransaction:
    """A writer's connection on the lake: the whole writer block is one DuckLake transaction, as the file's
    copy-and-swap makes it one unit. The code inside opens and commits its own transactions; those statements
    are absorbed here (DuckDB has no nested transactions), and a rollback marks the session failed so that
    nothing of it is committed."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.rolled_back = False

    def execute(self, sql: Any, *args: Any) -> Any:
        """Run a statement inside the session's transaction; its own begin/commit/rollback are absorbed."""
        word = sql.strip().lower() if isinstance(sql, str) else ""
        if word in ("begin", "begin transaction", "commit"):
            return self._con
        if word == "rollback":
            self.rolled_back = True
            return self._con
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


@contextlib.contextmanager
def writer(url: str) -> Iterator[OneTransaction]:
    """One writer session on the lake: committed whole when the block ends without error, else nothing of it.

    The session first bumps the single row of lake_writer: two sessions that overlap (writers on two machines)
    then conflict at commit, and the later one fails whole (LakeWriteFailed) instead of writing duplicate ids.
    """
    url = os.fspath(url)
    with _lock(url):
        con = _raw_connect(url, read_only=False)
        try:
            migrate_lake(con)
            con.execute("begin")
            con.execute("update lake_writer set sessions = sessions + 1")
            session = OneTransaction(con)
            try:
                yield session
            except BaseException:
                con.execute("rollback")
                raise
            if session.rolled_back:
                con.execute("rollback")
                raise LakeWriteFailed("写入失败，本批次未写入湖仓 / a statement failed: nothing of this batch was written")
            try:
                con.execute("commit")
            except duckdb.Error as exc:
                raise LakeWriteFailed(f"提交失败（可能有另一写入进程）：{exc} / commit failed: {exc}") from exc
        finally:
            con.close()


_SNAP: dict[str, duckdb.DuckDBPyConnection] = {}
_SNAP_LOCK = threading.Lock()
_PG = "ducklake:postgres:"
CATALOG = "lake_catalog"  # the PostgreSQL catalog itself, attached read-only beside the lake: one-row questions


def _catalog_cursor(url: str) -> duckdb.DuckDBPyConnection:
    """A cursor on this process's one read-only connection to the lake's catalog (opened on first use); on a
    PostgreSQL catalog the catalog database is attached as well (CATALOG), for `latest_snapshot`."""
    with _SNAP_LOCK:
        con = _SNAP.get(url)
        if con is None:
            con = connect(url, read_only=True)
            if url.startswith(_PG):
                con.execute(f"attach {_quote(url[len(_PG):])} as {CATALOG} (type postgres, read_only)")
            _SNAP[url] = con
        return con.cursor()


def latest_snapshot(url: str) -> int:
    """The id of the lake's latest committed snapshot (changes exactly when a writer commits).

    Asked of PostgreSQL in one statement (`postgres_query`, about 1 ms) rather than of the attached lake."""
    url = os.fspath(url)
    cur = _catalog_cursor(url)
    try:
        if url.startswith(_PG):
            sql = f"select * from postgres_query('{CATALOG}', 'select max(snapshot_id) from ducklake_snapshot')"
        else:
            sql = f"select max(snapshot_id) from ducklake_snapshots('{ALIAS}')"
        return int(cur.execute(sql).fetchall()[0][0])
    finally:
        cur.close()


def recorded_data_path(url: str) -> str | None:
    """The data path the lake's catalog recorded when it was created (readers need not be told it)."""
    cur = _catalog_cursor(os.fspath(url))
    try:
        return lake_data_path(cur)
    finally:
        cur.close()


def lake_data_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The data path recorded in the lake's catalog (where its Parquet files are)."""
    try:
        rows = con.execute(f"select value from __ducklake_metadata_{ALIAS}.ducklake_metadata "
                           "where key = 'data_path'").fetchall()
    except duckdb.Error:
        return None
    return rows[0][0] if rows else None


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise FileNotFoundError(f"{name}: PostgreSQL 未安装（Debian: apt-get install postgresql） / PostgreSQL not installed")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres(dbname: str = "lake") -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a free localhost port, for tests and benchmarks; yields the
    ducklake: URL of an empty catalog database and stops the cluster (and deletes it) at the end.

    PostgreSQL refuses to run as root: as root the cluster belongs to the Debian package's `postgres` user.
    """
    import subprocess

    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
    if as_user:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True)  # noqa: E731
    run(_pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "nianbao", "--no-sync")
    run(_pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    try:
        run(_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "nianbao", "-d", "postgres", "-qc",
            f"create database {dbname}")
        yield f"ducklake:postgres:dbname={dbname} host=127.0.0.1 port={port} user=nianbao"
    finally:
        subprocess.run([*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
