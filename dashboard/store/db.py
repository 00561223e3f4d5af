"""Opening the database: short read-only connections for readers, one copy-on-write writer at a time.

DuckDB lets one process write a file or many read it, never both. So a writer never opens the live file:
`writer()` takes an exclusive lock (`<db>.lock`), copies the live file to `<db>.tmp-<pid>`, writes there, and
swaps the copy in with os.replace (atomic on POSIX). A reader that opened the old file keeps reading it; the
next read-only connection sees the new one. A writer killed half way leaves the live file as it was and a
stale copy that the next writer deletes. See README.md in this folder.

The store may also be a DuckLake (`ducklake:` URL, dashboard/store/lake.py): then readers attach the lake and a
writer session is one lake transaction, no copy. Either way a writer session puts source files in the source store
(dashboard/store/sources.py) and moves the bytes of rows written before that store existed out of the database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from dashboard.store import sources
from dashboard.store.location import db_path, is_lake
from dashboard.store.locks import file_lock
from dashboard.store.schema import migrate

LOCK_TIMEOUT_S = 600.0


def _lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _tmp_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.tmp-{os.getpid()}")


def _remove_stale_copies(db: Path) -> None:
    """Copies left by a writer that died (only called while holding the lock, so none is in use)."""
    for p in db.parent.glob(db.name + ".tmp-*"):
        p.unlink(missing_ok=True)


@contextlib.contextmanager
def write_lock(db: Path, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Exclusive lock among writers (fcntl, released by the OS when the process dies)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(_lock_path(db), str(db), timeout_s):
        yield


HEADER_BYTES = 3 * 4096  # DuckDB's file header and its two database headers, before the first block


class DamagedDatabase(RuntimeError):
    """The database file is shorter than its own header says (cut by a copy, a download or a full disk)."""


def verify_complete(con: duckdb.DuckDBPyConnection, path: Path, database: str | None = None) -> None:
    """Raise DamagedDatabase when the file holds fewer blocks than its header counts: DuckDB itself would read the
    missing blocks as garbage for some tables and fail only on others."""
    if Path(f"{path}.wal").exists():
        return  # blocks replayed from the write-ahead log are counted but not yet in the file
    size = os.path.getsize(path)
    for name, block_size, used_blocks in con.execute(
            "select database_name, block_size, used_blocks from pragma_database_size()").fetchall():
        # used blocks lie within the file whatever the free ones do (a free tail may be cut off by DuckDB itself)
        if (database is None or name == database) and block_size and used_blocks is not None and \
                name not in ("memory", "system", "temp") and size < HEADER_BYTES + int(block_size) * int(used_blocks):
            raise DamagedDatabase(f"database file {path} is truncated: {size} bytes, its header counts "
                                  f"{used_blocks} blocks in use of {block_size}")


def _connect_writable(path: Path, live: Path | None = None) -> tuple[duckdb.DuckDBPyConnection, int]:
    """A migrated writable connection and how many rows' source bytes it moved out to the source store."""
    con = duckdb.connect(str(path))
    try:
        verify_complete(con, path, con.execute("select current_database()").fetchall()[0][0])
    except DamagedDatabase:
        con.close()
        raise
    migrate(con)
    return con, sources.move_out(con, sources.store_for(live or path))


def _compact(path: Path) -> None:
    """Rewrite the file without the space its moved-out source bytes held (DuckDB does not shrink files)."""
    fresh = path.with_name(path.name + ".compact")
    fresh.unlink(missing_ok=True)
    con = duckdb.connect(str(fresh))
    try:
        name = con.execute("select current_database()").fetchall()[0][0]
        con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as _old (read_only)")
        con.execute(f'copy from database _old to "{name}"')
        con.execute("detach _old")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(fresh, path)


def open_db(path: Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the live database (path from dashboard.settings.db_path()); migrations applied when writable.

    Readers use read_only=True. A writable connection to the live file blocks every reader: use `writer()` for
    anything that runs while the dashboard serves.
    """
    path = db_path(path)
    if is_lake(path):
        from dashboard.store import lake

        return lake.connect(str(path), read_only=read_only)
    if read_only:
        if not path.exists():
            with writer(path):
                pass  # create an empty, migrated database so that readers have something to open
        con = duckdb.connect(str(path), read_only=True)
        try:
            verify_complete(con, path, con.execute("select current_database()").fetchall()[0][0])
        except DamagedDatabase:
            con.close()
            raise
        return con
    path.parent.mkdir(parents=True, exist_ok=True)
    return _connect_writable(path)[0]


@contextlib.contextmanager
def writer(path: Path | None = None, threads: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a private copy of the database, swapped in when the block ends without error
    (on a lake: one lake transaction, committed when the block ends without error). `threads`: DuckDB's threads for
    this connection (an ingest whose worker processes hold the cores writes on one: more only wait for a core)."""
    db = db_path(path)
    if is_lake(db):
        from dashboard.store import lake

        with sources.bound(sources.store_for(db)) as files:
            try:
                with lake.writer(str(db)) as con:
                    yield con  # type: ignore[misc]  # the lake session behaves as a connection
                    files.flush()  # the files are in the store before the lake commits the rows that name them
            except BaseException:
                files.undo(_live_shas(db, files.written))  # a failed session leaves no file no report names
                raise
        return
    with write_lock(db):
        _remove_stale_copies(db)
        tmp = _tmp_path(db)
        live_wal = db.with_name(db.name + ".wal")
        if live_wal.exists() and live_wal.stat().st_size > 0:
            # someone wrote the live file directly (open_db(read_only=False)): fold its log in before copying
            duckdb.connect(str(db)).close()
        if db.exists():
            shutil.copyfile(db, tmp)
        con, moved = _connect_writable(tmp, live=db)
        if threads:
            con.execute(f"set threads = {int(threads)}")
        files: sources.WriterSources | None = None
        try:
            with sources.bound(sources.store_for(db)) as files:
                yield con
                files.flush()  # the files are in the store before the swap makes the rows that name them live
            con.execute("checkpoint")
            con.close()
            if moved:
                _compact(tmp)
            wal = tmp.with_name(tmp.name + ".wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise RuntimeError(f"{tmp}: write-ahead log not checkpointed; live database left unchanged")
            wal.unlink(missing_ok=True)
            os.replace(tmp, db)
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
            if files is not None:  # a failed session leaves no file that no report names (issue 24)
                files.undo(_live_shas(db, files.written))
            raise


SWAP_AFTER_S = 5.0  # a spanning writer swaps its copy in once this long has passed since it was made


def swap_after_s_default() -> float:
    """Seconds between a spanning writer's swaps: NIANBAO_SWAP_S (0 = after every batch), else SWAP_AFTER_S."""
    try:
        return max(0.0, float(os.environ.get("NIANBAO_SWAP_S", SWAP_AFTER_S)))
    except ValueError:
        return SWAP_AFTER_S


class SpanningWriter:
    """Writer sessions that span batches: on the file store, one copy of the database is written batch after batch
    and swapped in once `swap_after_s` have passed since it was made, and when the writer is closed — not copied,
    opened, checkpointed and swapped once per batch (that was ~40 % of an ingest's writing). Readers see the new
    reports a swap at a time (every few seconds). A batch that raises discards the copy, so every batch since the
    last swap is lost with it and nothing is half-written. On a lake, where a session is a lake transaction and
    nothing is copied, each batch is its own session as before."""

    def __init__(self, path: Path | None = None, swap_after_s: float | None = None,
                 threads: int | None = None) -> None:
        self.path = db_path(path)
        self.threads = threads
        self.swap_after_s = swap_after_s_default() if swap_after_s is None else swap_after_s
        self._session: contextlib.AbstractContextManager | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened = 0.0

    @contextlib.contextmanager
    def batch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one batch: the open copy, or a new one."""
        if is_lake(self.path):
            with writer(self.path) as con:
                yield con
            return
        if self._con is None:
            session = writer(self.path, self.threads)
            self._con = session.__enter__()
            self._session, self._opened = session, time.monotonic()
        try:
            yield self._con
            sources.flush_session()  # the batch's files written now: none waits in memory for the swap
        except BaseException:
            session, self._session, self._con = self._session, None, None
            if session is not None:
                session.__exit__(*sys.exc_info())  # the copy is removed; the live database is as it was
            raise
        if time.monotonic() - self._opened >= self.swap_after_s:
            self.close()

    def __enter__(self) -> SpanningWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # what the batches wrote becomes live (a batch that raised has discarded the copy)

    def close(self) -> None:
        """Swap the copy in (what the batches wrote becomes live); nothing to do when no batch is open."""
        session, self._session, self._con = self._session, None, None
        if session is not None:
            session.__exit__(None, None, None)


def remove_unnamed_sources(path: Path | None, shas: list[str]) -> int:
    """After an ingest whose workers put files in the source store: remove those files (this run added them) that no
    report of the live database names — the run failed before their rows were written, or a record could not be
    stored. Returns how many were removed (none when the database cannot be read)."""
    db = db_path(path)
    named = _live_shas(db, shas)
    return 0 if named is None else sources.store_for(db).remove_all(shas, named)


def _live_shas(db: Path, keys: list[str]) -> set[str] | None:
    """Which of these stored files' hashes the live database's reports name (None when it cannot be read)."""
    if not keys or (not is_lake(db) and not Path(db).exists()):
        return set()
    try:
        con = open_db(db, read_only=True)
    except Exception:  # noqa: BLE001 — damaged or absent: the session's files were new, none is named
        return None
    try:
        shas = sorted({k.split(".", 1)[0] for k in keys})
        return {r[0] for r in con.execute("select distinct sha256 from reports where sha256 in (select unnest(?))",
                                          [shas]).fetchall()}
    except Exception:  # noqa: BLE001
        return None
    finally:
        con.close()


def read_query(sql: str, params: dict | list | None = None, path: Path | None = None):  # noqa: ANN201
    """Run one query on a short read-only connection and return a pandas DataFrame."""
    con = open_db(path, read_only=True)
    try:
        return con.execute(sql, params or {}).df()
    finally:
        con.close()
