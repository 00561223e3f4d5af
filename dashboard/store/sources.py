"""Source files out of the database: each file kept once, content-addressed, in a file store beside the store.

Layout: `<root>/ab/cd/<sha256>` where ab, cd are the first hex digits of the file's sha256. The root is a folder
(default `<db>.sources`) or any fsspec URL (`s3://bucket/prefix`; fsspec and its backend installed). A report row
keeps the hash (reports.sha256), the original name (reports.source_name) and reports.source_stored = true; the
bytes column stays NULL. A file is written under a temporary name and renamed, so a reader never sees half a
file; the same bytes ingested twice are stored once. Reading checks the hash: a changed or lost file is an error
said as such, never other bytes passed off as the original.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations: a worker that parses and stores files never loads DuckDB
    import duckdb

from dashboard.store.location import sources_location


class SourceError(RuntimeError):
    """A stored source file is missing or no longer has its hash; reason_zh / reason_en say which."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh, self.reason_en = reason_zh, reason_en


def _is_url(root: str) -> bool:
    return "://" in root and not root.startswith("file://")


@dataclass(frozen=True)
class SourceStore:
    """A content-addressed file store: put(bytes) → sha256, get(sha256) → the bytes, hash checked."""

    root: str

    def key(self, sha: str) -> str:
        """The path (or URL) of the file with this sha256."""
        return f"{self.root.rstrip('/')}/{sha[:2]}/{sha[2:4]}/{sha}"

    def _fs(self) -> Any:
        import fsspec  # optional: only an object-store URL needs it

        return fsspec.core.url_to_fs(self.root)[0]

    def has(self, sha: str) -> bool:
        """True when the file with this hash is in the store."""
        if _is_url(self.root):
            return bool(self._fs().exists(self.key(sha)))
        return Path(self.key(sha.removeprefix("file://"))).exists()

    def put(self, data: bytes, sha: str | None = None) -> str:
        """Store the bytes once (nothing written when the hash is already there); returns their sha256."""
        sha = sha or hashlib.sha256(data).hexdigest()
        if self.has(sha):
            return sha
        target = self.key(sha)
        if _is_url(self.root):
            # object stores write whole objects: a reader never sees part of one
            self._fs().pipe_file(target, data)
            return sha
        path = Path(target.removeprefix("file://"))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{sha}.{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk leaves no partial file behind
            raise  # atomic: a killed writer leaves at most a hidden .tmp, never a half file
        return sha

    def remove(self, key: str) -> None:
        """Delete one stored file (a failed session's own file; nothing else removes files)."""
        if _is_url(self.root):
            fs = self._fs()
            if fs.exists(self.key(key)):
                fs.rm_file(self.key(key))
            return
        Path(self.key(key).removeprefix("file://")).unlink(missing_ok=True)

    def remove_all(self, keys: list[str], keep: set[str] | frozenset[str] = frozenset()) -> int:
        """Delete these stored files, each once, except the keys in `keep`; how many were removed (a file that
        cannot be removed is left: whoever checks next sees the same)."""
        removed = 0
        for key in dict.fromkeys(keys):
            if key in keep:
                continue
            try:
                self.remove(key)
                removed += 1
            except OSError:
                continue
        return removed

    def get(self, sha: str) -> bytes:
        """The bytes stored under this hash; SourceError when missing or when they no longer hash to it."""
        try:
            if _is_url(self.root):
                data = self._fs().cat_file(self.key(sha))
            else:
                data = Path(self.key(sha).removeprefix("file://")).read_bytes()
        except FileNotFoundError:
            raise SourceError(f"原件缺失（{sha[:12]}…）", f"source file missing ({sha})") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise SourceError(f"原件已被改动，与入库时的校验值不符（{sha[:12]}…）",
                              f"source file changed: its sha256 is not {sha}")
        return data


def store_for(db: str | os.PathLike[str]) -> SourceStore:
    """The source store of a database (dashboard.settings.sources_location)."""
    return SourceStore(sources_location(db))


class WriterSources:
    """The source files of one writer session: queued by keep_source, written together by flush() before the
    session commits (many files in parallel: one fsync each costs ≈ 7 ms on a plain disk, serially seconds per
    batch). A session that fails before flush writes nothing; one that fails after leaves only unreferenced files."""

    def __init__(self, store: SourceStore) -> None:
        self.store = store
        self.pending: dict[str, bytes] = {}
        self.written: list[str] = []  # keys this session added to the store (not there before): undone on failure

    def _put(self, key: str, data: bytes) -> None:
        if self.store.has(key):
            return
        self.store.put(data, key)
        self.written.append(key)  # list.append is atomic: the flush threads share it safely

    def flush(self) -> int:
        """Write the queued files (each once, atomically); returns how many were queued."""
        from concurrent.futures import ThreadPoolExecutor

        items, self.pending = list(self.pending.items()), {}
        if len(items) <= 2:
            for sha, data in items:
                self._put(sha, data)
        else:
            with ThreadPoolExecutor(min(16, len(items))) as pool:
                list(pool.map(lambda kv: self._put(kv[0], kv[1]), items))
        return len(items)

    def undo(self, referenced: set[str] | None = None) -> int:
        """The session failed (its rows never became live): remove the files it added to the store, except those a
        stored report names (`referenced`: sha256 of the live database's reports, None when it could not be read —
        the files were new, so none can be). Returns how many were removed; a file that cannot be removed is left
        (the next writer's reference check is the same)."""
        # a source file a live report names (it had been lost and was written again) is kept; page views and their
        # images go with the failed session (ingesting the file again makes them again)
        removed = self.store.remove_all(self.written, referenced or frozenset())
        self.written = []
        return removed


# The session in progress (set by dashboard.store.db.writer), so that ingest's row builder can hand a file to the
# store without knowing where the database lives.
_CURRENT: contextvars.ContextVar[WriterSources | None] = contextvars.ContextVar("nianbao_sources", default=None)


@contextlib.contextmanager
def bound(store: SourceStore) -> Iterator[WriterSources]:
    """Make `store` the one keep_source() queues files for, for the duration of a writer session; the caller
    flushes the session before it commits."""
    session = WriterSources(store)
    token = _CURRENT.set(session)
    try:
        yield session
    finally:
        _CURRENT.reset(token)


def flush_session() -> int:
    """Write the files queued so far in the writer session in progress (a spanning writer does it after each batch,
    so that the parent holds no batch's files longer than that batch); returns how many were queued."""
    session = _CURRENT.get()
    return session.flush() if session is not None else 0


def session_store() -> SourceStore | None:
    """The source store of the writer session in progress (None outside one)."""
    session = _CURRENT.get()
    return session.store if session is not None else None


def put_beforehand(root: str, data: bytes, sha: str) -> tuple[str, bool] | None:
    """Where the file was parsed (an ingest worker), put it in the store at `root` before the writer gets its row:
    the writer then only names it (keep_source with `beforehand`), the worker paid for the write and its fsync.
    Returns (root, whether this call added it) or None when the root is not a local folder or the write failed
    (the writer then stores the file itself, as always)."""
    if _is_url(root):
        return None
    store = SourceStore(root)
    try:
        if store.has(sha):
            return root, False
        store.put(data, sha)
    except OSError:
        return None
    return root, True


def keep_source(data: bytes | None, sha: str, beforehand: tuple[str, bool] | None = None) -> bool:
    """Hook for ingest: queue a report's file for the current writer's store; True when it will be stored there
    (the row keeps no bytes). The writer session writes the queued files before it commits. A file already put in
    this same store by the worker that parsed it (`beforehand`, from put_beforehand) is not queued; the ingest that ran
    that worker removes it at its end if no stored report names it (db.remove_unnamed_sources).

    Without a writer session (a connection opened by hand) nothing is stored and False is returned, so the caller
    keeps the bytes in the row as before rather than losing them.
    """
    session = _CURRENT.get()
    if data is None or session is None:
        return False
    if beforehand is not None and beforehand[0] == session.store.root and session.store.has(sha):
        return True
    session.pending[sha] = data
    return True


VIEW_SUFFIX = ".scan.json"  # beside a scanned source: its page images (each stored by its own sha256) and cell boxes


def keep_scan_view(sha: str, views: list[dict] | None) -> bool:
    """Hook for ingest: queue a scanned report's page images (PNG, content-addressed like sources) and a manifest
    of their pages and table/cell boxes under `<sha>.scan.json`, for 校对 to show without OCR. False when there is
    nothing to keep or no writer session."""
    session = _CURRENT.get()
    if not views or session is None:
        return False
    import json

    pages, tables = [], []
    for v in views:
        png = v.get("png") or b""
        png_sha = hashlib.sha256(png).hexdigest()
        if png:
            session.pending[png_sha] = png
        pages.append({"page": v["page"], "width": v["width"], "height": v["height"], "png": png_sha if png else ""})
        tables += [{"page": v["page"], **t} for t in v.get("tables", [])]
    session.pending[sha + VIEW_SUFFIX] = json.dumps({"version": 1, "pages": pages, "tables": tables},
                                                    ensure_ascii=False).encode()
    return True


def scan_view(store: SourceStore, sha: str) -> dict | None:
    """The manifest kept by keep_scan_view for this source (None when the report was stored without one)."""
    import json

    key = sha + VIEW_SUFFIX
    try:
        if _is_url(store.root):
            raw = store._fs().cat_file(store.key(key))
        else:
            raw = Path(store.key(key).removeprefix("file://")).read_bytes()
        view = json.loads(raw)
    except (FileNotFoundError, ValueError):
        return None
    return view if isinstance(view, dict) and isinstance(view.get("pages"), list) else None


def move_out(con: duckdb.DuckDBPyConnection, store: SourceStore, chunk: int = 200) -> int:
    """Migration of old databases: every report's bytes (all versions) into the store, then NULL in the row.

    Each file is written and read back (hash checked) before its row is cleared, so a crash half way loses
    nothing: the next writer moves what is left. Rows are read a chunk at a time (a province's database holds
    gigabytes of files). A row whose bytes do not hash to its sha256 keeps them. Returns the number of rows moved.
    """
    total, after = 0, -1
    while True:
        rows = con.execute("select report_id, sha256, source_bytes from reports where source_bytes is not null "
                           "and report_id > ? order by report_id limit ?", [after, chunk]).fetchall()
        if not rows:
            return total
        after = rows[-1][0]
        moved = []
        for rid, sha, data in rows:
            data = bytes(data)
            if hashlib.sha256(data).hexdigest() != sha:
                continue  # the row's hash is not its file's (never written so): keep the bytes where they are
            store.put(data, sha)
            store.get(sha)  # read back: the row is cleared only when its file is really there
            moved.append(rid)
        if moved:
            con.execute("begin")
            con.executemany("update reports set source_bytes = null, source_stored = true where report_id = ?",
                            [[rid] for rid in moved])
            con.execute("commit")
        total += len(moved)
