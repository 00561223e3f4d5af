"""The hostile battery: 120+ kinds of malformed and hostile files beside the corpus's valid reports, one real
`nianbao ingest` subprocess (its workers included in the memory measured), and a second run that changes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from dashboard.ingest.prepare import display_name
from tests.hostile.generate import VALID, Kind, generate

ROOT = Path(__file__).resolve().parents[1]
PEAK_LIMIT = 1.5e9
# Raw exception text a user must never see in place of a reason.
RAW = re.compile(r"Traceback|Error\b|Exception|errno|zlib|\.py\b|assert|NoneType|object has no", re.I)


def _command(args: list[str]) -> list[str]:
    """As root, drop the capabilities that let root read anything, so that an unreadable folder is unreadable."""
    base = [sys.executable, "-m", "dashboard", *args]
    if os.geteuid() == 0 and shutil.which("setpriv"):
        drop = "-dac_override,-dac_read_search"
        return ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", *base]
    return base


def run_ingest(folder: Path, db: Path) -> tuple[int, str, float, float]:
    """(exit code, output, peak memory of the command and all its processes in bytes, seconds)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "1000"}
    t0 = time.monotonic()
    proc = subprocess.Popen(_command(["ingest", str(folder), "--db", str(db), "--quiet", "--workers", "2",
                                      "--time-limit", "30"]),
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    top = psutil.Process(proc.pid)
    peak = 0
    chunks: list[bytes] = []
    import threading

    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    while proc.poll() is None:
        try:
            procs = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    reader.join()
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), peak, time.monotonic() - t0


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _counts(db: Path) -> dict[str, int]:
    return {t: _rows(db, f"select count(*) from {t}")[0][0] for t in ("reports", "cells", "sections", "findings")}


def _shown(kind: Kind) -> str:
    """The name the summary shows for a generated entry (non-UTF-8 names decoded as GB18030, as the ingest does)."""
    from dashboard.text import _CONTROL

    name = display_name(os.fsdecode(kind.name.rsplit(b"/", 1)[-1]))
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                        name)


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The battery generated and ingested once, then ingested again."""
    base = tmp_path_factory.mktemp("hostile")
    folder, db = base / "in", base / "n.duckdb"
    # root reads any folder: the unreadable kinds need root's override dropped (setpriv), or a normal user
    kinds = generate(folder, with_unreadable=os.geteuid() != 0 or bool(shutil.which("setpriv")))
    code, out, peak, seconds = run_ingest(folder, db)
    after_first = _counts(db)
    code2, out2, peak2, seconds2 = run_ingest(folder, db)
    yield {"kinds": kinds, "folder": folder, "db": db, "code": code, "out": out, "peak": peak, "seconds": seconds,
           "counts": after_first, "code2": code2, "out2": out2, "peak2": peak2, "seconds2": seconds2}
    if (folder / "locked").exists():
        os.chmod(folder / "locked", 0o700)  # let pytest remove its temporary folder


def test_the_battery_has_over_a_hundred_kinds(battery: dict) -> None:
    assert len({k.kind for k in battery["kinds"]}) >= 100


def test_one_ingest_runs_to_the_end_with_exit_code_2(battery: dict) -> None:
    assert battery["code"] == 2, battery["out"][-3000:]
    assert "新入库" in battery["out"]


def test_every_bad_file_is_listed_with_a_reason_and_never_raw_exception_text(battery: dict) -> None:
    failures = dict(re.findall(r"^失败 (.+?): (.+)$", battery["out"], re.M))
    for kind in battery["kinds"]:
        if kind.expect != "failed":
            continue
        name = _shown(kind)
        hit = next((reason for shown, reason in failures.items() if shown.endswith(name)), None)
        assert hit, f"{kind.kind}: {name!r} not listed as failed"
        assert not RAW.search(hit), f"{kind.kind}: raw reason {hit!r}"


def test_links_fifos_and_sockets_are_listed_as_not_read(battery: dict) -> None:
    passed = re.findall(r"^未读取 (.+?): ", battery["out"], re.M)
    for kind in battery["kinds"]:
        if kind.expect == "passed":
            assert any(p.endswith(os.fsdecode(kind.name)) for p in passed), kind.kind


def test_the_valid_reports_and_readable_hostile_ones_are_stored_and_current(battery: dict) -> None:
    current = {name for (name,) in _rows(battery["db"], "select source_name from reports where superseded_by is null")}
    for kind in battery["kinds"]:
        if kind.expect == "stored":
            assert display_name(os.fsdecode(kind.name)) in current, kind.kind
    assert set(VALID) <= current


def test_reports_whose_unit_or_year_cannot_be_read_are_stored_as_pending_and_listed(battery: dict) -> None:
    pending = {name for (name,) in _rows(battery["db"], "select source_name from reports "
                                                         "where held and held_reason like '待认定%'")}
    wanted = {display_name(os.fsdecode(k.name)) for k in battery["kinds"] if k.expect == "pending"}
    assert wanted and wanted <= pending
    listed = set(re.findall(r"^待认定 (.+?): ", battery["out"], re.M))
    assert wanted <= {Path(x).name for x in listed}


def test_damaged_copies_of_current_reports_are_held_not_current(battery: dict) -> None:
    held = {name for (name,) in _rows(battery["db"], "select source_name from reports where held")}
    assert {display_name(os.fsdecode(k.name)) for k in battery["kinds"] if k.expect == "held"} <= held
    (n,) = _rows(battery["db"], "select count(*) from findings f join reports r using (report_id) "
                                "where r.held and f.rule = 'HELD'")[0]
    assert n == len(held)
    dup = _rows(battery["db"], "select count(*) from (select agency_id, year from reports where superseded_by is null "
                               "group by 1, 2 having count(*) > 1)")[0][0]
    assert dup == 0


def test_a_number_beyond_what_the_store_holds_is_an_uncertain_cell_not_a_wrong_one(battery: dict) -> None:
    rows = _rows(battery["db"], "select c.value, c.flag from cells c join reports r using (report_id) "
                                "where r.source_name = 'huge-number.txt' and c.printed like '99999%'")
    assert rows and all(v is None and f == "unreadable" for v, f in rows)


def test_peak_memory_of_the_whole_run_stays_under_one_and_a_half_gigabytes(battery: dict) -> None:
    assert 0 < battery["peak"] <= PEAK_LIMIT, battery["peak"]
    assert 0 < battery["peak2"] <= PEAK_LIMIT, battery["peak2"]


def test_no_file_hits_the_time_limit(battery: dict) -> None:
    assert "超出资源限制" not in battery["out"]


def test_a_second_ingest_changes_nothing(battery: dict) -> None:
    assert battery["code2"] == 2
    assert _counts(battery["db"]) == battery["counts"]
    assert "新入库 0  替换旧版 0" in battery["out2"]


def _big_docx(path: Path, paragraphs: int, text: str = "x") -> Path:
    """A Word file whose document.xml is large but under the package limits (lxml needs ~10× its size)."""
    import zipfile

    from tests.hostile.generate import CT, RELS, _doc_xml, _para

    body = _para(text) * paragraphs
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CT)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("word/document.xml", _doc_xml(body))
    return path


def test_a_file_past_the_memory_ceiling_fails_alone_and_the_next_one_is_read(tmp_path: Path) -> None:
    from dashboard.ingest.workers import Limits, parse_files

    # within the structural limits (600,000 tags, 35 MB of XML): reading it adds far more than 40 MB (the text
    # report beside it adds a few)
    big = _big_docx(tmp_path / "big.docx", 100_000, "总体情况" * 25)
    good = ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt"
    results = {r.path.name: r.prepared for r in parse_files([big, good], workers=1, limits=Limits(memory_mb=40))}
    assert results["big.docx"].error_zh == "超出资源限制（内存/时间）"
    assert results[good.name].ok


def test_a_file_past_its_wall_clock_limit_fails_alone_and_the_worker_is_replaced(tmp_path: Path) -> None:
    from dashboard.ingest.workers import Limits, parse_files

    slow = _big_docx(tmp_path / "slow.docx", 110_000)  # within the structural limits, about a second to read
    good = ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt"
    results = {r.path.name: r for r in parse_files([slow, good], workers=1, limits=Limits(seconds=0.5))}
    assert results["slow.docx"].prepared.error_zh == "超出资源限制（内存/时间）"
    assert results["slow.docx"].seconds < 10
    assert results[good.name].prepared.ok


def test_a_record_that_cannot_be_written_fails_alone_and_the_batch_is_stored(tmp_path: Path) -> None:
    import copy

    from dashboard.ingest.pipeline import ingest_prepared
    from dashboard.ingest.prepare import prepare_record
    from dashboard.parse import parse_file

    good = parse_file(ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt")
    bad = copy.deepcopy(good)
    bad["agency"] = "甲家沟乡人民政府"
    bad["sections"]["overview"] = "lone surrogate \ud800 cannot be encoded"  # not scrubbed: a record from outside
    summary = ingest_prepared([prepare_record(bad, "bad.json"), prepare_record(good, "good.json")],
                              db=tmp_path / "n.duckdb")
    status = {o.source: (o.status, o.reason_zh) for o in summary.outcomes}
    assert status["good.json"][0] == "ingested"
    assert status["bad.json"][0] == "failed" and "写入数据库失败" in status["bad.json"][1]
    assert _rows(tmp_path / "n.duckdb", "select count(*) from current_reports")[0][0] == 1


def test_a_worker_killed_mid_file_is_that_files_failure_and_the_run_goes_on(tmp_path: Path) -> None:
    import signal
    import threading

    from dashboard.ingest.workers import Limits, parse_files

    slow = _big_docx(tmp_path / "slow.docx", 110_000)
    good = ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt"
    me = os.getpid()
    killed: list[int] = []

    def parse_workers() -> list:
        # the workers are the forkserver's children — not any grandchild (a chart renderer's browser is one too)
        servers = [c for c in psutil.Process(me).children() if "multiprocessing.forkserver" in " ".join(c.cmdline())]
        return [w for server in servers for w in server.children()]

    def kill_the_worker() -> None:
        for _ in range(200):
            workers = parse_workers()
            if workers:
                time.sleep(0.3)
                os.kill(workers[0].pid, signal.SIGKILL)
                killed.append(workers[0].pid)
                return
            time.sleep(0.05)

    threading.Thread(target=kill_the_worker, daemon=True).start()
    results = {r.path.name: r.prepared for r in parse_files([slow, good], workers=1, limits=Limits(seconds=30))}
    assert killed
    assert results["slow.docx"].error_zh == "超出资源限制（内存/时间）"
    assert results[good.name].ok
