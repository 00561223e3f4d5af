"""Parsing in worker processes with a memory ceiling and a time limit per file: no file can stop or starve the run.

`parse_files(paths, workers=N, limits=Limits(...))` yields one `FileOutcome` per path as files finish. Each worker
is a process forked from a forkserver (parsers preloaded, so a new worker costs milliseconds) that sets its own
address-space limit (RLIMIT_AS) and reads one file at a time through `finish.prepare_finished` (parse, then the
record's rows, record-only checks and indicators) — a plain importable function, so another engine (a Dask
cluster) runs the same per-file step. The parent enforces the wall limit:
past it, or when a worker dies (out of memory, a crash in a C library), that file fails with
"超出资源限制（内存/时间）" and the worker is replaced; the other files go on.

`workers=0` parses in the calling process (no limits): for debugging only — the CLI and the dashboard never do.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from dashboard.errors import RESOURCE_EN, RESOURCE_ZH
from dashboard.ingest.finish import prepare_finished
from dashboard.ingest.prepare import Prepared, display_name
from dashboard.limits import MEMORY_MB, SECONDS, address_space, use_file_limits

DEFAULT_MEMORY_MB = MEMORY_MB  # defined once in dashboard/limits.py
DEFAULT_SECONDS = SECONDS
# Loaded once in the forkserver so that every worker starts with the parsers imported.
PRELOAD = ["dashboard.ingest.worker_priority", "dashboard.ingest.prepare", "dashboard.ingest.finish", "dashboard.parse", "dashboard.readers.pdf", "dashboard.readers.docx",
           "dashboard.readers.html", "dashboard.readers.text"]


@dataclass(frozen=True)
class Limits:
    """Per-file resource limits: address space of the worker (MB) and wall-clock seconds."""

    memory_mb: int = DEFAULT_MEMORY_MB
    seconds: float = DEFAULT_SECONDS


@dataclass
class FileOutcome:
    """One input's result: its position in the input, its path, and the prepared record or failure."""

    index: int
    path: Path
    prepared: Prepared
    seconds: float = 0.0


def default_workers() -> int:
    """The machine's cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _limit_memory(memory_mb: int) -> None:
    """Soft RLIMIT_AS: what reading one file may add to the worker's address space at start; allocations past it
    raise MemoryError (or kill it). The worker's own baseline (interpreter, parsers, thread stacks: it varies with
    what the parent had loaded when the forkserver started) is not the file's doing, so it is not counted against
    it. LibreOffice, a child that needs more address space, may raise its own soft limit back up to the hard one."""
    if memory_mb <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = address_space() + memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _worker_main(conn: Connection, memory_mb: int, seconds: float = DEFAULT_SECONDS,
                 sources_root: str | None = None) -> None:
    """A worker's loop: read one path, send back its Prepared; exit on None, EOF, or after running out of memory."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _limit_memory(memory_mb)
    use_file_limits(memory_mb, seconds)  # what LibreOffice, started for one file, is held to
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path = task
        item = prepare_finished(Path(path), sources_root)
        spent = item.error_zh == RESOURCE_ZH
        try:
            conn.send((index, item))
        except MemoryError:
            return  # the parent sees the worker end and fails this file with the resource reason
        if spent:
            return  # a worker that ran out of memory may hold a damaged heap: start a fresh one


def resource_failure(path: Path) -> Prepared:
    """The record of a file whose worker went past its memory or time limit (or died reading it)."""
    name = display_name(path.name)
    item = Prepared(name, display_name(str(path)), error_zh=RESOURCE_ZH, error_en=RESOURCE_EN)
    item.extra["error_code"] = "resource"
    return item


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, limits: Limits, sources_root: str | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.sources_root = sources_root
        self.proc = ctx.Process(target=_worker_main, args=(child, limits.memory_mb, limits.seconds, sources_root),
                                daemon=True)
        _start_without_main(self.proc)
        child.close()
        self.tasks: deque[tuple[int, Path]] = deque()  # given, in order; the first is the one being read
        self.started = 0.0  # when the first began: given to an idle worker, or the result before it was received

    def give(self, index: int, path: Path) -> None:
        self.conn.send((index, str(path)))
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append((index, path))

    def done(self) -> None:
        """The first file's result was received: the next one (waiting in the pipe) began about now."""
        self.tasks.popleft()
        if self.tasks:
            self.started = time.monotonic()

    def take_back(self, todo: list[tuple[int, Path]]) -> None:
        """The files given but not begun go back to the front of `todo` (a stack popped from its end), in order."""
        while self.tasks:
            todo.append(self.tasks.pop())

    def kill(self) -> None:
        """End the worker and anything it started (LibreOffice runs in its own session)."""
        try:
            import psutil

            children = psutil.Process(self.proc.pid).children(recursive=True)
        except Exception:  # noqa: BLE001 — psutil missing or the process already gone
            children = []
        for child in children:
            try:
                child.kill()
            except Exception:  # noqa: BLE001, S110 — already ended
                pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


_CTX_LOCK = threading.Lock()
_CTX: mp.context.BaseContext | None = None


_MAIN_LOCK = threading.Lock()


def _start_without_main(proc: mp.process.BaseProcess) -> None:
    """Start a worker without Python's habit of re-running the parent's __main__ in the child.

    multiprocessing hands the child the parent's main script to run first. Under Streamlit (and AppTest) the
    "main script" is the page being shown: a worker would run the dashboard page. The worker needs nothing from
    __main__, so it is started while __main__ is a bare module.
    """
    with _MAIN_LOCK:
        real = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            proc.start()
        finally:
            if real is not None:
                sys.modules["__main__"] = real


SOCKET_PATH_MAX = 107  # bytes of a Unix socket's path on Linux (sun_path, without its final NUL)
SOCKET_NAME_BYTES = 30  # what multiprocessing adds to its folder: "/pymp-xxxxxxxx" is the folder, "/listener-…" the name


def _socket_dir_within_limit() -> None:
    """multiprocessing binds the forkserver's socket in a folder it makes under TMPDIR; with a long TMPDIR the path
    passes what a Unix socket path may hold ("AF_UNIX path too long") and no worker can start. Then that folder is
    made under the system's /tmp instead (removed at exit, as multiprocessing removes its own)."""
    import shutil
    import tempfile
    from multiprocessing import process, util

    config = process.current_process()._config  # noqa: SLF001 — where multiprocessing keeps its folder
    if config.get("tempdir") is not None:
        return
    if len(os.fsencode(tempfile.gettempdir())) + 2 * SOCKET_NAME_BYTES <= SOCKET_PATH_MAX:
        return
    folder = tempfile.mkdtemp(prefix="pymp-", dir="/tmp")
    util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=-100)
    config["tempdir"] = folder


def _context() -> mp.context.BaseContext:
    """A forkserver context (safe from threaded parents such as the Streamlit server) with the parsers preloaded."""
    global _CTX
    with _CTX_LOCK:
        if _CTX is None:
            _socket_dir_within_limit()
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _CTX = ctx
        return _CTX


def in_input_order(results: Iterable[FileOutcome]) -> Iterator[FileOutcome]:
    """The outcomes in the order of their inputs (each released as soon as every earlier one has finished), so
    that an ingest stores the same report ids whichever worker finished first."""
    waiting: dict[int, FileOutcome] = {}
    following = 0
    for result in results:
        waiting[result.index] = result
        while following in waiting:
            yield waiting.pop(following)
            following += 1
    for index in sorted(waiting):
        yield waiting[index]


PREFETCH = 2  # files a worker holds at once: the next waits in its pipe, so it never idles while the parent writes


def parse_files(paths: Iterable[Path], workers: int | None = None, limits: Limits | None = None,
                on_start: Callable[[int, Path], None] | None = None, ahead: int | None = None,
                sources_root: str | None = None) -> Iterator[FileOutcome]:
    """Read and parse every path in worker processes; yields one FileOutcome per path, in the order they finish.

    Each worker holds up to PREFETCH files: while it reads one, the next waits in its pipe, so a parent busy writing
    (its threads share one interpreter lock) does not leave it idle; the time limit runs from when a file began.
    With `ahead`, a file is handed out only while it is fewer than `ahead` places after the first file not yet
    finished: a slow file (up to the time limit) cannot make a consumer that writes in input order hold more
    than `ahead` finished records waiting for it (in_input_order). With `sources_root`, each report's file is put
    in that source store by the worker that read it (finish.prepare_finished)."""
    limits = limits or Limits()
    todo = list(enumerate(Path(p) for p in paths))
    todo.reverse()  # pop() from the end keeps the input order
    n = default_workers() if workers is None else workers
    if n <= 0:
        for index, path in reversed(todo):
            t0 = time.monotonic()
            yield FileOutcome(index, path, prepare_finished(path, sources_root), time.monotonic() - t0)
        return
    ctx = _context()
    pool: list[_Worker] = []
    try:
        for _ in range(min(n, len(todo))):
            pool.append(_Worker(ctx, limits, sources_root))
        while todo or any(w.tasks for w in pool):
            first = min([w.tasks[0][0] for w in pool if w.tasks] + ([todo[-1][0]] if todo else []))
            for depth in range(1, PREFETCH + 1):  # every worker one file first, then a second each
                for k, w in enumerate(pool):
                    if len(w.tasks) >= depth or not todo or (ahead is not None and todo[-1][0] >= first + ahead):
                        continue
                    index, path = todo.pop()
                    if on_start:
                        on_start(index, path)
                    try:
                        w.give(index, path)
                    except OSError:  # the worker died: the file goes to a new worker when this one held none
                        if w.tasks:
                            todo.append((index, path))  # it died reading one: that is seen below
                            continue
                        pool[k] = w = _replace(w, ctx, limits)
                        w.give(index, path)
            active = [w for w in pool if w.tasks]
            deadline = min(w.started + limits.seconds for w in active)
            ready = wait([w.conn for w in active] + [w.proc.sentinel for w in active],
                         timeout=max(0.0, deadline - time.monotonic()))
            for w in active:
                index, path = w.tasks[0]
                spent = time.monotonic() - w.started
                result: Prepared | None = None
                if w.conn in ready:
                    try:
                        got_index, result = w.conn.recv()
                        assert got_index == index
                    except (EOFError, OSError):
                        result = None
                    if result is not None:
                        w.done()
                        if not w.proc.is_alive() or result.error_zh == RESOURCE_ZH:
                            # a worker ends after a file that ran out of memory: the files it held go to a new one
                            w.take_back(todo)
                            w.proc.join(1)
                            pool[pool.index(w)] = _replace(w, ctx, limits)
                        yield FileOutcome(index, path, result, spent)
                        continue
                if result is None and (w.conn in ready or w.proc.sentinel in ready or spent >= limits.seconds):
                    # died (out of memory, a crash in a C library) or over its time: this file fails, the files it
                    # held but had not begun go to a new worker
                    w.tasks.popleft()
                    w.take_back(todo)
                    pool[pool.index(w)] = _replace(w, ctx, limits)
                    yield FileOutcome(index, path, resource_failure(path), spent)
    finally:
        for w in pool:
            if w.tasks:
                w.kill()
            else:
                w.stop()


def _replace(w: _Worker, ctx: mp.context.BaseContext, limits: Limits) -> _Worker:
    w.kill()
    return _Worker(ctx, limits, w.sources_root)


class TurnQueue:
    """First come, first served among the threads of one process (the dashboard's upload sessions): one import
    parses at a time, the others see their place in the line."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._line: list[int] = []
        self._next = 0

    def join(self) -> int:
        """Take a ticket at the end of the line."""
        with self._cond:
            self._next += 1
            self._line.append(self._next)
            return self._next

    def ahead(self, ticket: int) -> int:
        """How many imports are before this ticket (0: its turn)."""
        with self._cond:
            return self._line.index(ticket) if ticket in self._line else 0

    def leave(self, ticket: int) -> None:
        """Give up the place (done, or the session went away)."""
        with self._cond:
            if ticket in self._line:
                self._line.remove(ticket)
            self._cond.notify_all()

    def wait_turn(self, ticket: int, on_wait: Callable[[int], None] | None = None, poll_s: float = 0.5) -> None:
        """Block until the ticket is first in line, telling on_wait the number ahead whenever it changes."""
        last = -1
        with self._cond:
            while True:
                n = self._line.index(ticket) if ticket in self._line else 0
                if n == 0:
                    return
                if n != last and on_wait:
                    on_wait(n)
                last = n
                self._cond.wait(poll_s)


UPLOADS = TurnQueue()  # one per server process: the dashboard's imports queue here
