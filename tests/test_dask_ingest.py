"""Parsing on a real Dask cluster (a scheduler and two worker processes on 127.0.0.1): the store ends up as a
local ingest of the same files leaves it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_ingest_batch_rows import _frame

from dashboard.ingest.dask_parse import cluster_engine, parse_on_cluster, start_local_cluster, stop_local_cluster
from dashboard.ingest.pipeline import ingest_paths
from dashboard.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]

TABLES = {
    "cells": "select r.sha256, c.tbl, c.row_code, c.col_code, c.value, c.printed, c.flag, c.unit "
             "from cells c join reports r using (report_id)",
    "findings": "select r.sha256, f.rule, f.severity, f.cells, f.message, f.status "
                "from findings f join reports r using (report_id)",
    "indicators": "select r.sha256, i.year, i.template, i.indicator, i.value, i.series "
                  "from indicators i join reports r using (report_id)",
    "reports": "select report_id, agency_id, agency_printed, year, template, applications_layout, source_name, "
               "format, sha256, superseded_by, parse_json, source_stored from reports",
    "sections": "select r.sha256, s.code, s.body from sections s join reports r using (report_id)",
}


@pytest.fixture(scope="module")
def cluster():  # noqa: ANN201
    """A scheduler and 2 workers as processes; workers import dashboard from this tree."""
    address, procs = start_local_cluster(2, env={"PYTHONPATH": str(ROOT)})
    yield address
    stop_local_cluster(procs)


def test_ingest_of_100_files_parsed_on_the_cluster_equals_a_local_ingest(cluster: str, tmp_path: Path) -> None:
    synth = synthesize(tmp_path / "synth", 25, [2020, 2021, 2022, 2023, 2024], ["html", "md"], seed=11)
    files = sorted(synth.files)[:100]
    assert len(files) == 100
    local = ingest_paths(files, db=tmp_path / "local.duckdb")
    remote = ingest_paths(files, db=tmp_path / "dask.duckdb", engine=cluster_engine(cluster))
    assert [(o.source, o.status, o.report_id, o.findings) for o in local.outcomes] == \
           [(o.source, o.status, o.report_id, o.findings) for o in remote.outcomes]
    assert local.counts()["ingested"] >= 90
    for name, sql in TABLES.items():
        a, b = _frame(tmp_path / "local.duckdb", sql), _frame(tmp_path / "dask.duckdb", sql)
        assert len(a) > 0, name
        pd.testing.assert_frame_equal(a, b, obj=name)
    # the source files are in each store's file store, byte for byte
    for f in files[:5]:
        import hashlib

        sha = hashlib.sha256(f.read_bytes()).hexdigest()
        for db in ("local.duckdb", "dask.duckdb"):
            assert (tmp_path / f"{db}.sources" / sha[:2] / sha[2:4] / sha).read_bytes() == f.read_bytes()


def test_a_file_that_cannot_be_read_is_that_files_error_on_the_cluster(cluster: str, tmp_path: Path) -> None:
    good = ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = list(parse_on_cluster([good, tmp_path / "missing.pdf", empty], cluster))
    assert [o.ok for o in out] == [True, False, False]
    assert out[1].error_zh == "文件不存在" and out[2].error_zh == "文件为空"


def test_dask_tasks_hold_up_to_a_chunk_of_files_and_fewer_near_the_end() -> None:
    from dashboard.ingest.dask_parse import CHUNK, chunk_size

    assert chunk_size(2400, 2) == CHUNK  # many files left: full chunks (the scheduler pays per task)
    assert chunk_size(40, 2) == 5  # near the end: at most a quarter of a worker's share of what is left
    assert chunk_size(3, 2) == 1 and chunk_size(1, 8) == 1  # never an empty task
    sizes, left = [], 1000
    while left:
        sizes.append(min(chunk_size(left, 2), left))
        left -= sizes[-1]
    assert sum(sizes) == 1000 and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1


def test_nianbao_cluster_starts_a_scheduler_and_workers_with_the_measured_settings_and_the_parsers_loaded(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    import dask
    from distributed import Client

    from dashboard.ingest.dask_parse import _free_port

    port = _free_port()
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "dashboard", "cluster"]
    procs = [subprocess.Popen([*cli, "scheduler", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)]
    procs.append(subprocess.Popen([*cli, "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "1",
                                   "--host", "127.0.0.1"], env=env, stderr=subprocess.DEVNULL))
    try:
        with Client(f"tcp://127.0.0.1:{port}", timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
            seen = next(iter(client.run(lambda: (
                [dask.config.get(k) for k in ("distributed.worker.profile.enabled", "distributed.admin.tick.interval",
                                              "distributed.worker.memory.monitor-interval")],
                "dashboard.readers.docx" in sys.modules and "dashboard.parse" in sys.modules)).values()))
            stealing = client.run_on_scheduler(lambda: dask.config.get("distributed.scheduler.work-stealing"))
        assert seen == ([False, "1s", "500ms"], True)
        assert stealing is False
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def test_a_cluster_worker_started_with_auto_runs_one_single_threaded_process_per_core() -> None:
    import os

    from dashboard.ingest.dask_parse import worker_command

    argv = worker_command("tcp://10.0.0.1:8786")
    assert argv[argv.index("--nworkers") + 1] == str(len(os.sched_getaffinity(0)))
    assert argv[argv.index("--nthreads") + 1] == "1"
    assert worker_command("tcp://10.0.0.1:8786", "3")[argv.index("--nworkers") + 1] == "3"
