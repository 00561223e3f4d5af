"""Two real processes: the dashboard's reads go on during `nianbao ingest`, and a killed ingest leaves a sound DB."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = FIXTURES / "000_7180246cedc2b1d8.txt"
N_FILES = 24
TOWNS = "甲乙丙丁戊己庚辛"  # 8 townships × 3 years

READER = r"""
import json, sys, time
from pathlib import Path
from dashboard.store.db import open_db
db, stop = Path(sys.argv[1]), Path(sys.argv[2])
ok, errors, seen = 0, [], []
while not stop.exists():
    try:
        con = open_db(db, read_only=True)
        n = con.execute("select count(*) from current_reports").fetchall()[0][0]
        m = con.execute("select count(*) from cells join reports using (report_id)").fetchall()[0][0]
        con.close()
        ok += 1
        if not seen or seen[-1] != n:
            seen.append(n)
    except Exception as exc:
        errors.append(repr(exc))
    time.sleep(0.02)
print(json.dumps({"ok": ok, "errors": errors[:5], "n_errors": len(errors), "seen": seen}))
"""


def make_reports(folder: Path, n: int) -> list[Path]:
    """n distinct township reports: the sample under other township names and years."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text("utf-8")
    out = []
    for i in range(n):
        body = text.replace("红崖子沟乡", f"{TOWNS[i // 3]}家沟乡").replace("2021", str(2019 + i % 3))
        p = folder / f"report-{i:03d}.txt"
        p.write_text(body, encoding="utf-8")
        out.append(p)
    return out


def nianbao(*args: str) -> subprocess.Popen:
    # every batch swapped in (NIANBAO_SWAP_S=0, not every few seconds): the reader sees the batches arrive one by
    # one, and a kill falls between swaps of a run this short
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_SWAP_S": "0"}
    return subprocess.Popen([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def consistency(db: Path) -> dict[str, int]:
    """Counts of a database, after asserting that every stored report is whole."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        reports = con.execute("select report_id, parse_json from reports").fetchall()
        cells = dict(con.execute("select report_id, count(*) from cells group by 1").fetchall())
        orphans = con.execute("select count(*) from cells where report_id not in (select report_id from reports)")
        assert orphans.fetchall()[0][0] == 0
        for rid, js in reports:
            rep = json.loads(js)
            expected = sum(len(cols) for t in ("disclosure", "applications", "appeals") for cols in rep[t].values())
            assert cells.get(rid, 0) == expected, f"report {rid} half-written"
        dup = con.execute("select count(*) from (select agency_id, year from reports where superseded_by is null "
                          "group by 1, 2 having count(*) > 1)").fetchall()[0][0]
        assert dup == 0
        return {"reports": len(reports), "cells": sum(cells.values())}
    finally:
        con.close()


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    return make_reports(tmp_path / "in", N_FILES)


def test_a_reader_process_keeps_answering_during_an_ingest(tmp_path: Path, files: list[Path]) -> None:
    db, stop = tmp_path / "n.duckdb", tmp_path / "stop"
    first = nianbao("ingest", str(SAMPLE), "--db", str(db), "--quiet")
    assert first.wait(timeout=120) == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    ingest = nianbao("ingest", *map(str, files), "--db", str(db), "--quiet", "--batch", "4")
    out, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, err
    time.sleep(0.5)
    stop.touch()
    result = json.loads(reader.communicate(timeout=60)[0])
    assert result["n_errors"] == 0, result["errors"]
    assert result["ok"] >= 20
    assert result["seen"][0] == 1 and result["seen"][-1] == 1 + N_FILES
    assert len(result["seen"]) >= 3  # it saw the batches arrive while the ingest ran
    assert result["seen"] == sorted(result["seen"])


def test_an_ingest_killed_half_way_leaves_a_sound_database_and_a_rerun_completes(tmp_path: Path,
                                                                                 files: list[Path]) -> None:
    db = tmp_path / "n.duckdb"
    ingest = nianbao("ingest", *map(str, files), "--db", str(db), "--quiet", "--batch", "3")
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and ingest.poll() is None:
        if db.exists():
            stored = consistency(db)["reports"]
            if stored >= 3:
                break
        time.sleep(0.05)
    assert ingest.poll() is None, "the ingest finished before it could be killed"
    time.sleep(0.3)  # let it be in the middle of parsing or writing the next batch
    ingest.send_signal(signal.SIGKILL)
    ingest.wait(timeout=30)
    after_kill = consistency(db)["reports"]
    assert 3 <= after_kill < N_FILES
    rerun = nianbao("ingest", *map(str, files), "--db", str(db), "--quiet")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert consistency(db)["reports"] == N_FILES
    assert not list(tmp_path.glob("n.duckdb.tmp-*"))  # the dead writer's copy was cleaned up
    assert "未变化 " + str(after_kill) in out.replace("\n", "")


def test_batches_share_one_copy_until_the_swap_and_a_batch_that_raises_discards_them_all(tmp_path: Path) -> None:
    from dashboard.store.db import SpanningWriter, open_db, writer

    db = tmp_path / "span.duckdb"
    with writer(db) as con:
        con.execute("insert into audit_log values (now(), 'a', 'before', '{}')")

    def rows() -> list[str]:
        con = open_db(db, read_only=True)
        try:
            return [r[0] for r in con.execute("select action from audit_log order by 1").fetchall()]
        finally:
            con.close()

    span = SpanningWriter(db, swap_after_s=3600)
    with span.batch() as con:
        con.execute("insert into audit_log values (now(), 'a', 'one', '{}')")
    with span.batch() as con:
        con.execute("insert into audit_log values (now(), 'a', 'two', '{}')")
    assert rows() == ["before"]  # not swapped in yet: a reader sees the store as it was
    span.close()
    assert rows() == ["before", "one", "two"]
    with span.batch() as con:  # a new copy after the swap
        con.execute("insert into audit_log values (now(), 'a', 'four', '{}')")
    with pytest.raises(RuntimeError), span.batch() as con:
        con.execute("insert into audit_log values (now(), 'a', 'five', '{}')")
        raise RuntimeError("a batch that fails")
    span.close()
    assert rows() == ["before", "one", "two"]  # four and five went with the copy: nothing half-written
    assert not list(tmp_path.glob("span.duckdb.tmp-*"))
    every = SpanningWriter(db, swap_after_s=0)
    with every.batch() as con:
        con.execute("insert into audit_log values (now(), 'a', 'six', '{}')")
    assert rows() == ["before", "one", "six", "two"]  # swapped in after the batch


def test_a_spanning_writer_given_one_thread_writes_its_copy_on_one(tmp_path: Path) -> None:
    # the ingest's writer beside its worker processes: DuckDB's other threads would only wait for a core
    from dashboard.store.db import SpanningWriter

    db = tmp_path / "threads.duckdb"
    with SpanningWriter(db, threads=1) as span, span.batch() as con:
        assert con.execute("select current_setting('threads')").fetchall()[0][0] == 1
    with SpanningWriter(db) as span, span.batch() as con:  # without it, DuckDB's default (the cores)
        assert con.execute("select current_setting('threads')").fetchall()[0][0] == os.cpu_count()
