"""Safe supersede: a damaged or older copy never becomes the current version; a revised clean one does; versions are
ordered by the date printed in the report or the file's time, never by name. Exit codes of `ingest` and `parse`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from dashboard.ingest.pipeline import ingest_paths
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
TEXT = SAMPLE.read_text("utf-8")  # 红崖子沟乡人民政府 2021: 102 procurement items


def _write(folder: Path, name: str, text: str, age_s: float = 0.0) -> Path:
    """A report file whose modification time is age_s seconds in the past."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def _current(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select source_name from reports where superseded_by is null").fetchall()
    finally:
        con.close()


def _held(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select source_name, held_reason from reports where held order by report_id").fetchall()
    finally:
        con.close()


def _revised(items: str = "103") -> str:
    return TEXT.replace("| 政府集中采购 | 102 |", f"| 政府集中采购 | {items} |")


def _damaged() -> str:
    return "\n".join(line for line in TEXT.splitlines() if not line.startswith("| | |"))


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def test_a_damaged_copy_of_a_stored_report_is_held_and_does_not_become_current(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([_write(tmp_path / "a", "report.txt", TEXT, age_s=100)], db=db, workers=1)
    summary = ingest_paths([_write(tmp_path / "b", "report-new.txt", _damaged())], db=db, workers=1)
    (outcome,) = summary.outcomes
    assert outcome.status == "held" and "未替换" in outcome.reason_zh
    assert _current(db) == [("report.txt",)]
    (name, reason), = _held(db)
    assert name == "report-new.txt" and "读取时有错误" in reason
    con = duckdb.connect(str(db), read_only=True)
    (msg,), = con.execute("select message from findings where rule = 'HELD'").fetchall()
    con.close()
    assert "待核对" in msg


def test_a_truncated_word_copy_fails_and_the_current_version_stays(tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([fixtures_dir / "pingtan-2025.docx"], db=db, workers=1)
    cut = tmp_path / "pingtan-2025-copy.docx"
    cut.write_bytes((fixtures_dir / "pingtan-2025.docx").read_bytes()[:-200])
    (outcome,) = ingest_paths([cut], db=db, workers=1).outcomes
    assert outcome.status == "failed" and outcome.reason_zh
    assert _current(db) == [("pingtan-2025.docx",)]


def test_a_revised_clean_report_supersedes_the_current_version(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([_write(tmp_path / "a", "report.txt", TEXT, age_s=100)], db=db, workers=1)
    (outcome,) = ingest_paths([_write(tmp_path / "b", "report-revised.txt", _revised())], db=db, workers=1).outcomes
    assert outcome.status == "superseded"
    assert _current(db) == [("report-revised.txt",)]
    con = duckdb.connect(str(db), read_only=True)
    (value,), = con.execute("select value from current_cells where row_code = 'procurement' and col_code = 'projects'"
                            ).fetchall()
    con.close()
    assert value == 103


def test_several_versions_in_one_run_are_ordered_by_file_time_not_by_name(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    folder = tmp_path / "in"
    _write(folder, "a-newest.txt", _revised("104"), age_s=10)
    _write(folder, "z-oldest.txt", _revised("103"), age_s=1000)
    summary = ingest_paths([folder], db=db, workers=2)
    assert {o.source: o.status for o in summary.outcomes} == {"a-newest.txt": "superseded", "z-oldest.txt": "ingested"}
    assert _current(db) == [("a-newest.txt",)]


def test_the_date_printed_in_the_report_orders_versions_before_the_file_time(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    folder = tmp_path / "in"
    _write(folder, "signed-late.txt", _revised("104") + "\n红崖子沟乡人民政府\n2022年3月1日\n", age_s=1000)
    _write(folder, "signed-early.txt", _revised("103") + "\n红崖子沟乡人民政府\n2022年1月5日\n", age_s=10)
    ingest_paths([folder], db=db, workers=1)
    assert _current(db) == [("signed-late.txt",)]


def test_an_older_file_arriving_later_is_held_not_current(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([_write(tmp_path / "a", "new.txt", _revised("104"), age_s=10)], db=db, workers=1)
    (outcome,) = ingest_paths([_write(tmp_path / "b", "old.txt", _revised("103"), age_s=5000)], db=db,
                              workers=1).outcomes
    assert outcome.status == "held" and "更早" in outcome.reason_zh
    assert _current(db) == [("new.txt",)]


def test_the_most_complete_of_several_new_versions_wins(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    folder = tmp_path / "in"
    _write(folder, "complete.txt", TEXT, age_s=1000)
    _write(folder, "damaged.txt", _damaged(), age_s=10)
    summary = ingest_paths([folder], db=db, workers=2)
    assert {o.source: o.status for o in summary.outcomes} == {"complete.txt": "ingested", "damaged.txt": "held"}
    assert _current(db) == [("complete.txt",)]


def test_history_shows_held_versions_and_ingest_exits_0_when_everything_was_stored(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    folder = tmp_path / "in"
    _write(folder, "complete.txt", TEXT, age_s=1000)
    _write(folder, "damaged.txt", _damaged(), age_s=10)
    out = _nianbao("ingest", str(folder), "--db", str(db), "--quiet", "--workers", "1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "待核对" in out.stdout and "damaged.txt" in out.stdout
    hist = _nianbao("history", "红崖子沟乡", "2021", "--db", str(db), "--json")
    assert hist.returncode == 0, hist.stderr
    rows = {r["source_name"]: r for r in json.loads(hist.stdout)}
    assert rows["damaged.txt"]["status"] == "待核对" and "未替换" in rows["damaged.txt"]["held_reason"]
    assert rows["complete.txt"]["status"] == "当前"


def test_ingest_exits_1_only_when_the_run_cannot_proceed(tmp_path: Path) -> None:
    not_a_db = tmp_path / "n.duckdb"
    not_a_db.write_bytes(b"this is not a database" * 100)
    out = _nianbao("ingest", str(SAMPLE), "--db", str(not_a_db), "--quiet", "--workers", "1")
    assert out.returncode == 1
    assert "无法入库" in out.stderr and "Traceback" not in out.stderr


def test_parse_exits_non_zero_when_agency_and_year_cannot_be_identified(tmp_path: Path) -> None:
    anonymous = _write(tmp_path, "anonymous.txt", "\n".join(TEXT.splitlines()[3:]).replace("红崖子沟乡", "")
                       .replace("2021", ""))
    out = _nianbao("parse", str(anonymous))
    assert out.returncode != 0
    # not filed under a guess: either "could not be read" or held for review (exit 3), naming the file
    assert "anonymous.txt" in out.stderr and ("未能读出" in out.stderr or "无法确认" in out.stderr)


def test_parse_prints_a_name_with_rich_markup_as_it_is(tmp_path: Path) -> None:
    named = _write(tmp_path, "[red]报告[/red].txt".replace("/", "／"), TEXT)
    out = _nianbao("parse", str(named))
    assert out.returncode == 0, out.stderr
    assert "[red]报告" in out.stdout
