"""Parsing on an existing Dask distributed cluster: `nianbao ingest PATH --scheduler tcp://HOST:8786`.

The client lists the files, the cluster's workers read and parse them with the same per-file function as a local
ingest (PARSE_ONE) and send back the prepared record (report, bytes, hash, or the reason it failed); the client
writes them in batches through the one writer, in the input's order, so report ids, supersession and findings
are those a local ingest gives. Workers must see the files: a folder they all mount at the same path, or an
fsspec URL (s3://…, with fsspec and its backend installed on the workers). A worker that dies is retried by Dask
on another; a file whose parse keeps failing is that file's error, never the run's.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from dashboard.ingest.finish import prepare_finished
from dashboard.ingest.prepare import Prepared
from dashboard.ingest.workers import FileOutcome

# The per-file function the local ingest's workers run: parse, then finish the record (dashboard.ingest.finish).
PARSE_ONE: Callable[[Path, str | None], Prepared] = prepare_finished
WINDOW_PER_WORKER = 128  # parses in flight per worker: workers keep parsing while the client writes a batch
CHUNK = 32  # files per Dask task at most: the client and the scheduler pay per task (submit, messages, a result to
# receive) — one task a file cost the client ~3 ms a file more than the local pool; 8 a task cost the scheduler
# 0.82 ms of CPU a file, 32 a task 0.44–0.46 ms (Dask then 5–17 % behind the local pool on 2 cores, with the load)
TAIL_CHUNKS = 4  # …and at most a quarter of a worker's share of what is left: the last tasks are small, so no worker
# is left reading a long chunk while the others idle (a chunk that fails is parsed again one task a file, so a file
# that kills its worker fails alone)


def chunk_size(remaining: int, workers: int) -> int:
    """Files in the next task: CHUNK, fewer near the end (at least one)."""
    return max(1, min(CHUNK, remaining // (workers * TAIL_CHUNKS)))


# A Dask worker's and scheduler's own housekeeping, thinned: the profiler walks the parsing thread's stack every
# 10 ms (measured +2.3 ms of CPU a file in the worker over the local pool's); the event loop's tick (every 20 ms,
# only to warn of a blocked loop), the system monitor (500 ms) and the memory monitor (100 ms) each wake the loop,
# which then takes the interpreter from the parsing thread; work stealing balances every 100 ms tasks the
# scheduler already hands out only as workers free up. Idle, a worker with its nanny used 3.2 % of a core with
# the first two off and 0.5 % with all of it; the memory monitor still looks twice a second, so a worker that runs
# away is stopped within half a second of passing its limit. The same settings for a real cluster: see README.
WORKER_CONFIG = {"DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
                 "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__GIL__ENABLED": "False",
                 "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
                 "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "2s",
                 "DASK_DISTRIBUTED__WORKER__MEMORY__MONITOR_INTERVAL": "500ms",
                 "DASK_DISTRIBUTED__SCHEDULER__WORK_STEALING": "False"}
PRELOAD_MODULE = __name__  # `dask worker --preload dashboard.ingest.dask_parse`: dask_setup below runs at start


def dask_setup(worker: object) -> None:
    """Run by a Dask worker started with `--preload dashboard.ingest.dask_parse`: import the parsers now, as the
    local pool's forkserver does, so the first task of an ingest does not pay ~0.5 s of imports on each worker."""
    import importlib

    from dashboard.ingest.workers import PRELOAD

    for name in PRELOAD:
        importlib.import_module(name)


def _is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def parse_one(path: str, sources_root: str | None = None) -> Prepared:
    """Run on a worker: read one file (shared path or fsspec URL) and parse it; never raises. With `sources_root`
    (a cluster on the writer's machine), the file is put in the source store here (finish.prepare_finished)."""
    if not _is_url(path):
        return PARSE_ONE(Path(path), sources_root)
    import fsspec

    name = path.rstrip("/").rsplit("/", 1)[-1]
    try:
        data = fsspec.open(path, "rb").open().read()
    except Exception as exc:  # unreachable object: that file's error
        return Prepared(name, path, error_zh=f"无法读取文件：{exc}", error_en=f"cannot read the file: {exc}")
    with tempfile.TemporaryDirectory(prefix="nianbao-dask-") as tmp:
        local = Path(tmp) / name  # the parser picks the reader by the file's suffix
        local.write_bytes(data)
        item = PARSE_ONE(local, sources_root)
    item.source_path = path
    return item


def parse_chunk(paths: list[str], sources_root: str | None = None) -> list[Prepared]:
    """Run on a worker: parse_one of each path, in order."""
    return [parse_one(p, sources_root) for p in paths]


def _cluster_failure(path: str, exc: BaseException) -> Prepared:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return Prepared(name, path, error_zh=f"集群解析失败（{type(exc).__name__}: {exc}）",
                    error_en=f"parse on the cluster failed ({type(exc).__name__}: {exc})")


def expand(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[str]]:
    """(files to ingest, skipped) of local/shared paths and fsspec URLs (folders walked for report suffixes)."""
    from dashboard.ingest.prepare import REPORT_SUFFIXES, expand_paths

    files: list[str] = []
    skipped: list[str] = []
    for p in map(os.fspath, paths):
        if not _is_url(p):
            f, s = expand_paths([Path(p)])
            files += map(str, f)
            skipped += map(str, s)
            continue
        import fsspec

        fs, root = fsspec.core.url_to_fs(p)
        proto = p.split("://", 1)[0]
        found = sorted(fs.find(root)) if fs.isdir(root) else [root]
        for f in found:
            (files if Path(f).suffix.lower() in REPORT_SUFFIXES or f == root else skipped).append(f"{proto}://{f}")
    return files, skipped


def on_this_machine(scheduler: str) -> bool:
    """True when the scheduler's address is this machine's loopback: its workers share this machine's disk."""
    host = scheduler.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    return host in ("127.0.0.1", "localhost", "::1")


def parse_on_cluster(paths: list[str | os.PathLike[str]], scheduler: str,
                     sources_root: str | None = None) -> Iterator[Prepared]:
    """Prepared records of the files, parsed on the cluster at `scheduler`, yielded in the input's order. The
    workers put the files in the source store at `sources_root` only when the cluster runs on this machine."""
    root = sources_root if sources_root and on_this_machine(scheduler) else None
    from distributed import Client

    client = Client(scheduler, set_as_default=False)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = workers * WINDOW_PER_WORKER
        todo = deque(map(os.fspath, paths))
        flight: deque = deque()
        waiting = 0  # files in flight
        while todo or flight:
            while todo and waiting < window:
                group = [todo.popleft() for _ in range(min(chunk_size(len(todo), workers), len(todo)))]
                flight.append((group, client.submit(parse_chunk, group, root, pure=False, retries=1)))
                waiting += len(group)
            group, future = flight.popleft()
            waiting -= len(group)
            try:
                items = future.result()
            except Exception:  # noqa: BLE001 — a worker lost twice, or a crash Dask could not retry: each file alone
                items = None
            future.release()
            if items is not None:
                yield from items
                continue
            for path in group:
                alone = client.submit(parse_one, path, root, pure=False, retries=1)
                try:
                    yield alone.result()
                except Exception as exc:  # noqa: BLE001 — this file's error, never the run's
                    yield _cluster_failure(path, exc)
                alone.release()
    finally:
        client.close()


def cluster_parser(scheduler: str) -> Callable[..., Iterator[Prepared]]:
    """The `prepare_many` hook of dashboard.ingest.pipeline.ingest_paths for a Dask scheduler address."""
    return lambda files, sources_root=None: parse_on_cluster(list(files), scheduler, sources_root)


def cluster_engine(scheduler: str) -> Callable[..., Iterator[FileOutcome]]:
    """An ingest engine (dashboard.ingest.pipeline.ingest_paths(engine=…)) that parses on the Dask cluster: one
    FileOutcome per file, in input order. The per-file limits are the cluster workers' own (Dask's memory limits
    and nanny restart a worker that runs away), not the local worker pool's."""
    parse = cluster_parser(scheduler)

    def engine(files: list[Path], workers: int | None = None, limits: object = None,
               sources_root: str | None = None) -> Iterator[FileOutcome]:
        for i, (f, item) in enumerate(zip(files, parse(list(files), sources_root), strict=True)):
            yield FileOutcome(i, Path(f), item)

    return engine


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cluster_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a scheduler or worker of ours runs in: `base` (default: this process's) with WORKER_CONFIG."""
    return {**(os.environ if base is None else base), **WORKER_CONFIG}


def scheduler_command(host: str = "127.0.0.1", port: int = 8786) -> list[str]:
    """argv of a Dask scheduler for our workers (no web dashboard; listening on `host` only)."""
    import sys

    return [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", host, "--port", str(port),
            "--no-dashboard"]


def worker_command(address: str, nworkers: str = "auto", host: str | None = None) -> list[str]:
    """argv of Dask workers for `address`: `nworkers` processes of one thread each (auto: one per core of this
    machine — Dask's own 'auto' would give a machine of more than 4 cores threads that share one interpreter), the
    parsers imported at start (--preload, dask_setup above), no web dashboard."""
    import sys

    from dashboard.ingest.workers import default_workers

    if nworkers == "auto":
        nworkers = str(default_workers())
    return [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
            "--nworkers", str(nworkers), "--no-dashboard", "--preload", PRELOAD_MODULE,
            *(["--host", host] if host else [])]


def start_local_cluster(n_workers: int, env: dict[str, str] | None = None, pin: bool = False) -> tuple[str, list]:
    """A scheduler and n one-thread worker processes on 127.0.0.1 (tests, benchmarks, trying it on one machine):
    (address, processes). Stop them with stop_local_cluster. A real cluster runs the same commands through
    `nianbao cluster scheduler|worker` (README). `pin`: worker i runs on core i only (taskset), as if each were a
    machine of its own."""
    import shutil
    import subprocess
    import time

    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**cluster_env(), **(env or {})}
    procs = [subprocess.Popen(scheduler_command("127.0.0.1", port), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    cores = sorted(os.sched_getaffinity(0))
    for i in range(n_workers):
        pinned = ["taskset", "-c", str(cores[i % len(cores)])] if pin and shutil.which("taskset") else []
        procs.append(subprocess.Popen([*pinned, *worker_command(address, "1", "127.0.0.1")], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    deadline = time.monotonic() + 120
    while True:
        try:
            with Client(address, timeout=5, set_as_default=False) as client:
                client.wait_for_workers(n_workers, timeout=max(1.0, deadline - time.monotonic()))
            return address, procs
        except Exception:
            if time.monotonic() > deadline:
                stop_local_cluster(procs)
                raise
            time.sleep(0.5)


def stop_local_cluster(procs: list) -> None:
    """Stop the processes start_local_cluster started (workers first, then the scheduler)."""
    for p in reversed(procs):
        p.terminate()
    for p in reversed(procs):
        try:
            p.wait(timeout=20)
        except Exception:
            p.kill()
            p.wait()
