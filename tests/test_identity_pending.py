"""待认定 (issue 21): a report whose unit or year cannot be read is stored, held and not counted — never lost —
listed on 导入 and 校对, and an 编辑 settles it in one audited step (the page, `nianbao assign`, or
`nianbao ingest FILE --agency --year`); then the usual supersede rules apply. A held (待核对) version is promoted in
one audited step (`nianbao promote`, the button on 单位详情). One page image of a larger report is read and held."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.pipeline import ingest_paths
from tests import damaged_copies as dc
from tests.conftest import FIXTURES, SAMPLE

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "dashboard" / "pages"
TEXT = SAMPLE.read_text("utf-8")  # 红崖子沟乡人民政府 2021
ANONYMOUS = "\n".join(TEXT.splitlines()[3:]).replace("红崖子沟乡", "").replace("2021", "")  # no unit, no year


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "n.duckdb"
    monkeypatch.setenv("NIANBAO_DB", str(path))
    return path


def _put(folder: Path, name: str, text: str, age_s: float = 0.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "300"}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def _pending(db: Path) -> list[tuple]:
    return _rows(db, "select report_id, held_reason, superseded_by = report_id from reports "
                     "where held and held_reason like '待认定%'")


def test_a_report_without_unit_or_year_is_stored_as_pending_not_current_and_not_counted(db: Path,
                                                                                       tmp_path: Path) -> None:
    (o,) = ingest_paths([_put(tmp_path / "in", "anonymous.txt", ANONYMOUS)], db=db, workers=1).outcomes
    assert o.status == "unidentified" and "待认定" in o.reason_zh and "单位和年度" in o.reason_zh
    ((rid, reason, self_held),) = _pending(db)
    assert rid == o.report_id and self_held and reason == o.reason_zh
    assert _rows(db, "select count(*) from current_reports") == [(0,)]
    assert _rows(db, "select count(*) from indicators") == [(0,)]
    (cands,), = _rows(db, "select parse_json->'identity_candidates' from reports where report_id = ?", [rid])
    assert any("未能" in c["why_zh"] for c in json.loads(cands))  # why each reading was rejected
    again = ingest_paths([tmp_path / "in" / "anonymous.txt"], db=db, workers=1).outcomes
    assert [x.status for x in again] == ["unchanged"]


def _assign_on_page(page: str, prefix: str, agency: str, year: int, first: str | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("待认定的报告（1 份）" in h.value for h in at.subheader)
    (box,) = [s for s in at.selectbox if s.key and s.key.startswith(f"w_{prefix}_agency_")]
    if first:
        assert box.options[0] == first  # the candidate first
    box.set_value(agency)
    [n for n in at.number_input if n.key and n.key.startswith(f"w_{prefix}_year_")][0].set_value(year)
    [b for b in at.button if b.label == "认定单位和年度"][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_import_page_lists_a_pending_report_and_an_editor_assigns_it_which_is_audited(db: Path,
                                                                                         tmp_path: Path) -> None:
    flipped = dc.flipped_bit(TEXT, "红崖子沟乡人民政府", 4)  # 红崖子沟习人民政府: one character from the registry
    (o,) = ingest_paths([_put(tmp_path / "in", "flipped.txt", flipped)], db=db, workers=1).outcomes
    assert o.status == "unidentified"
    at = _assign_on_page("upload.py", "up", "红崖子沟乡人民政府", 2021, first="红崖子沟乡人民政府")
    assert any(f"报告 #{o.report_id} 已认定为 红崖子沟乡人民政府 2021 年度：已成为当前版本" in s.value for s in at.success)
    assert _rows(db, "select agency_name, year, source_name from current_reports") == [
        ("红崖子沟乡人民政府", 2021, "flipped.txt")]
    assert _pending(db) == []
    (who, details), = _rows(db, "select who, details from audit_log where action = 'identity_assign'")
    d = json.loads(details)
    assert who and d["after"]["agency"] == "红崖子沟乡人民政府" and d["before"]["agency"] == "红崖子沟习人民政府"
    assert _rows(db, "select count(*) from agencies where not coalesce(in_registry, false)") == [(0,)]


def test_the_proofread_page_lists_pending_reports_and_assignment_there_follows_the_supersede_rules(
        db: Path, tmp_path: Path) -> None:
    ingest_paths([_put(tmp_path / "a", "report.txt", TEXT, age_s=1000)], db=db, workers=1)
    ingest_paths([_put(tmp_path / "b", "anonymous.txt", ANONYMOUS)], db=db, workers=1)
    at = _assign_on_page("proofread.py", "pr", "红崖子沟乡人民政府", 2021)
    # the copy without title, unit and year is less complete than the current report: held, with the reason
    (msg,) = [s.value for s in at.success if "已认定为" in s.value]
    assert "待核对" in msg and "未替换现行版本" in msg
    assert _rows(db, "select source_name from current_reports") == [("report.txt",)]
    (held,), = _rows(db, "select held_reason from reports where source_name = 'anonymous.txt'")
    assert not held.startswith("待认定") and "未替换" in held
    assert _rows(db, "select count(*) from audit_log where action = 'identity_assign'") == [(1,)]


def test_ingest_with_agency_and_year_files_a_pending_report_and_refuses_a_name_outside_the_registry(
        db: Path, tmp_path: Path) -> None:
    path = _put(tmp_path / "in", "anonymous.txt", ANONYMOUS)
    out = _nianbao("ingest", str(path), "--db", str(db), "--quiet", "--workers", "1")
    assert out.returncode == 0 and "待认定" in out.stdout, out.stdout + out.stderr
    refused = _nianbao("ingest", str(path), "--db", str(db), "--quiet", "--agency", "不存在的乡", "--year", "2021")
    assert refused.returncode == 1 and "不在单位名录中" in refused.stderr and "Traceback" not in refused.stderr
    done = _nianbao("ingest", str(path), "--db", str(db), "--quiet", "--workers", "1", "--agency", "红崖子沟乡",
                    "--year", "2021")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _rows(db, "select agency_name, year, source_name from current_reports") == [
        ("红崖子沟乡人民政府", 2021, "anonymous.txt")]
    assert _rows(db, "select count(*) from audit_log where action = 'identity_assign'") == [(1,)]


def test_ingest_with_agency_and_year_applies_the_supersede_rules_and_new_agency_allows_an_unlisted_unit(
        db: Path, tmp_path: Path) -> None:
    ingest_paths([_put(tmp_path / "a", "report.txt", TEXT, age_s=1000)], db=db, workers=1)
    fresh = _put(tmp_path / "b", "negative-anonymous.txt", dc.negative_counts(ANONYMOUS))
    out = _nianbao("ingest", str(fresh), "--db", str(db), "--quiet", "--workers", "1", "--agency",
                   "红崖子沟乡人民政府", "--year", "2021")
    assert out.returncode == 0 and "待核对" in out.stdout and "勾稽错误" in out.stdout, out.stdout
    assert _rows(db, "select source_name from current_reports") == [("report.txt",)]
    other = _put(tmp_path / "c", "other.txt", ANONYMOUS)
    out = _nianbao("ingest", str(other), "--db", str(db), "--quiet", "--workers", "1", "--agency", "新设的街道",
                   "--year", "2022", "--new-agency")
    assert out.returncode == 0, out.stdout + out.stderr
    assert ("新设的街道", 2022, "other.txt") in _rows(db, "select agency_name, year, source_name from current_reports")
    assert _rows(db, "select count(*) from audit_log where action = 'identity_assign'") == [(2,)]


def test_promote_makes_a_held_version_current_in_one_audited_step(db: Path, tmp_path: Path) -> None:
    ingest_paths([_put(tmp_path / "a", "report.txt", TEXT, age_s=1000)], db=db, workers=1)
    (o,) = ingest_paths([_put(tmp_path / "b", "negative.txt", dc.negative_counts(TEXT))], db=db, workers=1).outcomes
    assert o.status == "held"
    no_reason = _nianbao("promote", str(o.report_id), "--reason", " ", "--db", str(db))
    assert no_reason.returncode == 1 and "理由" in no_reason.stderr
    out = _nianbao("promote", str(o.report_id), "--reason", "经电话核实，原件即如此", "--db", str(db))
    assert out.returncode == 0 and "已成为" in out.stdout, out.stdout + out.stderr
    assert _rows(db, "select source_name from current_reports") == [("negative.txt",)]
    assert _rows(db, "select count(*) from findings where report_id = ? and rule = 'HELD'", [o.report_id]) == [(0,)]
    assert _rows(db, "select count(*) from findings where report_id = ? and rule = 'R5'", [o.report_id])[0][0] > 0
    (details,), = _rows(db, "select details from audit_log where action = 'promote'")
    assert json.loads(details)["reason"] == "经电话核实，原件即如此"
    hist = _nianbao("history", "红崖子沟乡", "2021", "--db", str(db), "--json")
    status = {r["source_name"]: r["status"] for r in json.loads(hist.stdout.splitlines()[0])}
    assert status == {"report.txt": "已替换", "negative.txt": "当前"}
    again = _nianbao("promote", str(o.report_id), "--reason", "再次", "--db", str(db))
    assert again.returncode == 1 and "不是待核对版本" in again.stderr


def test_the_detail_page_promotes_a_held_version_for_an_editor(db: Path, tmp_path: Path) -> None:
    ingest_paths([_put(tmp_path / "a", "report.txt", TEXT, age_s=1000)], db=db, workers=1)
    (o,) = ingest_paths([_put(tmp_path / "b", "negative.txt", dc.negative_counts(TEXT))], db=db, workers=1).outcomes
    at = AppTest.from_file(str(PAGES / "detail.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="w_detail_promote_reason").set_value("核实无误")
    [b for b in at.button if b.label == "启用此版本"][0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"报告 #{o.report_id} 已成为现行版本" in s.value for s in at.success)
    assert _rows(db, "select source_name from current_reports") == [("negative.txt",)]
    assert _rows(db, "select count(*) from audit_log where action = 'promote'") == [(1,)]


def test_one_page_image_of_a_larger_report_is_read_and_held_as_pending_with_a_note(db: Path, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(FIXTURES / "hongze-2023.pdf"))
    image = tmp_path / "第3页.png"
    pdf[2].render(scale=2).to_pil().save(image)
    pdf.close()
    (o,) = ingest_paths([image], db=db, workers=1).outcomes
    assert o.status == "unidentified" and "一页图片" in o.reason_zh, (o.status, o.reason_zh)
    (figures,), = _rows(db, "select count(*) from cells where report_id = ? and value is not null", [o.report_id])
    assert figures > 50  # its tables were read
    assert _rows(db, "select count(*) from current_reports") == [(0,)]
