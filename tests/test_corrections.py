"""Corrections as a layer over real parsed reports: current values, indicators, checks, carry-over, manual entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.catalogue.labels import cell_label
from dashboard.ingest.pipeline import ingest_paths
from dashboard.queries import run_query
from dashboard.review import corrections as k
from dashboard.review.users import PermissionDenied, User
from dashboard.store.db import open_db

FIXTURES = Path(__file__).parent / "fixtures"
HONGYA = FIXTURES / "000_7180246cedc2b1d8.txt"  # 红崖子沟乡 2021: table 三 all zeros, R1–R3 hold
HONGZE = FIXTURES / "hongze-2023.pdf"           # 洪泽区 2023: R4 fails in the source (复议 总计 printed 0)
EDITOR = User("张编辑", "编辑")
VIEWER = User("李查看", "查看")
TOTAL_ROW = "| (七)总计 | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"


def variant_with_wrong_total(folder: Path) -> Path:
    """The real 红崖子沟乡 report with its （七）总计 total typed as 3: R1, R2 and R3 break in that cell."""
    text = HONGYA.read_text(encoding="utf-8")
    assert TOTAL_ROW in text
    out = folder / "红崖子沟乡2021年报（原件笔误）.txt"
    out.write_text(text.replace(TOTAL_ROW, "| (七)总计 | | 0 | 0 | 0 | 0 | 0 | 0 | 3 |"), encoding="utf-8")
    return out


def one(db: Path, sql: str, params: list | None = None):  # noqa: ANN201
    """The rows of one read-only query."""
    con = open_db(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def report_id_of(db: Path, agency_like: str) -> int:
    """The current report of an agency (by part of its name)."""
    return one(db, """select report_id from current_reports where agency_name like ?""", [f"%{agency_like}%"])[0][0]


def test_a_correction_changes_current_values_indicators_and_county_totals_and_keeps_the_parsed_value(tmp_path):
    db = tmp_path / "n.duckdb"
    ingest_paths([HONGZE], db=db)
    rid = report_id_of(db, "洪泽")
    before = run_query("scope_indicator_totals", db=db, regions=None, kinds=None, agency_ids=None,
                       include_suspect=False, year_from=2019, year_to=2030)
    total_before = before[before["indicator"] == "reconsideration_total"]["value"].sum()
    assert total_before == 0

    result = k.correct(EDITOR, rid, {"appeals.reconsideration.total": "11"}, "原件总计漏填，维持10+纠正1", db=db)

    assert result.correction_ids
    cell = one(db, """select value, parsed_value, corrected, corrected_by, correction_reason from current_cells
                      where report_id = ? and tbl = 'appeals' and row_code = 'reconsideration' and col_code = 'total'""",
               [rid])[0]
    assert cell == (11.0, 0.0, True, "张编辑", "原件总计漏填，维持10+纠正1")
    parsed = one(db, """select value from cells where report_id = ? and tbl = 'appeals'
                        and row_code = 'reconsideration' and col_code = 'total'""", [rid])
    assert parsed == [(0.0,)]  # the parsed row stays as read
    ind = one(db, "select value from indicators where report_id = ? and indicator = 'reconsideration_total'", [rid])
    assert ind == [(11.0,)]
    rate = one(db, "select value from indicators where report_id = ? and indicator = 'reconsideration_correction_rate'",
               [rid])
    assert rate[0][0] == pytest.approx(1 / 11)
    after = run_query("scope_indicator_totals", db=db, regions=None, kinds=None, agency_ids=None,
                       include_suspect=False, year_from=2019, year_to=2030)
    assert after[after["indicator"] == "reconsideration_total"]["value"].sum() == 11
    # the R4 finding of that group is closed by the correction, the other group's stays open
    r4 = one(db, "select status, message from findings where report_id = ? and rule = 'R4' order by finding_id", [rid])
    assert sorted(s for s, _ in r4) == ["open", "resolved"]
    still_open = [m for s, m in r4 if s == "open"][0]
    assert still_open.startswith("四、复议诉讼「行政诉讼") and "复议后起诉" in still_open


def test_correcting_the_cell_that_breaks_r3_closes_the_r3_finding_and_logs_it(tmp_path):
    db = tmp_path / "n.duckdb"
    ingest_paths([variant_with_wrong_total(tmp_path)], db=db)
    rid = report_id_of(db, "红崖子沟")
    open_rules = {r for (r,) in one(db, "select rule from findings where report_id = ? and status = 'open'", [rid])}
    assert {"R1", "R2", "R3"} <= open_rules

    result = k.correct(EDITOR, rid, {"三、依申请公开/总计/总计": "0"}, "核对原件：总计应为0", db=db)

    rows = one(db, "select finding_id, rule, status, reviewed_by from findings where report_id = ? and rule = 'R3'",
               [rid])
    assert [(r[1], r[2], r[3]) for r in rows] == [("R3", "resolved", "张编辑")]
    assert rows[0][0] in result.resolved_findings
    logged = one(db, """select who, details from audit_log where action = 'finding_resolved'""")
    r3_logs = [json.loads(d) for w, d in logged if json.loads(d)["rule"] == "R3"]
    assert len(r3_logs) == 1 and r3_logs[0]["corrections"] == result.correction_ids
    assert one(db, "select count(*) from audit_log where action = 'correction'")[0][0] == 1


def test_reingesting_a_revised_file_keeps_a_matching_correction_and_flags_a_stale_one(tmp_path):
    db = tmp_path / "n.duckdb"
    ingest_paths([variant_with_wrong_total(tmp_path)], db=db)
    old = report_id_of(db, "红崖子沟")
    k.correct(EDITOR, old, {"applications.total.total": "0",
                            "disclosure.procurement.amount": "12.2852"}, "按原件核对", db=db)

    revised = tmp_path / "revised"
    revised.mkdir()
    (revised / HONGYA.name).write_bytes(HONGYA.read_bytes())  # the author's revised file: 总计 now printed 0
    summary = ingest_paths([revised], db=db)
    assert summary.counts()["superseded"] == 1
    new = report_id_of(db, "红崖子沟")
    assert new != old

    rows = {(t, r, c): (status, after, carried) for t, r, c, status, after, carried in one(db, """
        select tbl, row_code, col_code, status, value_after, carried_from from corrections where report_id = ?""",
        [new])}
    assert rows[("disclosure", "procurement", "amount")][:2] == ("active", 12.2852)
    assert rows[("applications", "total", "total")][:2] == ("stale", 0.0)
    amount = one(db, """select value, corrected from current_cells where report_id = ? and tbl = 'disclosure'
                        and row_code = 'procurement' and col_code = 'amount'""", [new])
    assert amount == [(12.2852, True)]
    stale = one(db, "select status, severity from findings where report_id = ? and rule = 'CORRECTION_STALE'", [new])
    assert stale == [("open", "warning")]
    # nothing deleted: the old version keeps its corrections and its cells
    assert one(db, "select count(*) from corrections where report_id = ?", [old])[0][0] == 2
    assert one(db, "select count(*) from cells where report_id = ?", [old])[0][0] > 0

    sid = one(db, "select correction_id from corrections where report_id = ? and status = 'stale'", [new])[0][0]
    k.review_stale(EDITOR, sid, "drop", "新版已改正", db=db)
    assert one(db, "select status from corrections where correction_id = ?", [sid]) == [("dropped",)]
    assert one(db, "select status from findings where report_id = ? and rule = 'CORRECTION_STALE'", [new]) == [
        ("resolved",)]


def test_a_viewer_cannot_correct_and_bad_input_changes_nothing(tmp_path):
    db = tmp_path / "n.duckdb"
    ingest_paths([HONGZE], db=db)
    rid = report_id_of(db, "洪泽")
    with pytest.raises(PermissionDenied):
        k.correct(VIEWER, rid, {"appeals.reconsideration.total": "11"}, "伪造的请求", db=db)
    with pytest.raises(PermissionDenied):
        k.correct(None, rid, {"appeals.reconsideration.total": "11"}, "未登录", db=db)
    with pytest.raises(k.CorrectionError, match="不是数字"):
        k.correct(EDITOR, rid, {"appeals.reconsideration.total": "十一"}, "x", db=db)
    with pytest.raises(k.CorrectionError, match="不是该报告"):
        k.correct(EDITOR, rid, {"applications.nonsense.total": "1", "appeals.reconsideration.total": "11"}, "x", db=db)
    with pytest.raises(k.CorrectionError, match="没有编号"):
        k.correct(EDITOR, 999, {"appeals.reconsideration.total": "11"}, "x", db=db)
    assert one(db, "select count(*) from corrections")[0][0] == 0


def test_manual_entry_creates_a_report_whose_values_are_entry_corrections_over_an_empty_parse(tmp_path):
    db = tmp_path / "n.duckdb"
    ingest_paths([HONGYA], db=db)
    aid = one(db, "select agency_id from agencies where name like '%红崖子沟%'")[0][0]
    values = {"applications.new.natural": "2", "applications.new.total": "2", "applications.granted.natural": "2",
              "applications.granted.total": "2", "applications.total.natural": "2", "applications.total.total": "3"}
    problems, bad = k.live_checks(values, "2021")
    assert bad == []
    assert any(p.startswith("R2：") for p in problems) and any(p.startswith("R3：") for p in problems)
    totals = {label: computed for label, _typed, computed in k.computed_totals(values, "2021")}
    assert totals[cell_label("applications.total.total")] == 2  # the cell named as printed

    rid, result = k.create_manual_report(EDITOR, aid, 2022, "2021", values, "扫描件，按纸质原件录入", db=db)

    assert one(db, "select format, entered_by from reports where report_id = ?", [rid]) == [("manual", "张编辑")]
    assert one(db, "select count(*) from cells where report_id = ? and value is not null", [rid])[0][0] == 0
    assert one(db, "select count(distinct kind) from corrections where report_id = ?", [rid]) == [(1,)]
    assert one(db, """select value from current_cells where report_id = ? and tbl = 'applications'
                      and row_code = 'new' and col_code = 'total'""", [rid]) == [(2.0,)]
    assert one(db, "select value from indicators where report_id = ? and indicator = 'applications_new'", [rid]) == [
        (2.0,)]
    rules = {r for (r,) in one(db, "select rule from findings where report_id = ? and status = 'open'", [rid])}
    assert {"R2", "R3"} <= rules
    assert one(db, "select count(*) from audit_log where action = 'manual_entry'")[0][0] == 1
    with pytest.raises(k.CorrectionError, match="已有报告"):
        k.create_manual_report(EDITOR, aid, 2022, "2021", {}, "再录一次", db=db)


def test_a_correction_refuses_a_fraction_for_a_count_foreign_digits_and_an_essay_for_a_reason() -> None:
    from dashboard.review.corrections import _check_value as check_value
    from dashboard.review.corrections import check_reason, parse_value

    with pytest.raises(k.CorrectionError, match="整数"):
        check_value("applications.new.total", parse_value("1.5"))
    check_value("disclosure.procurement.amount", parse_value("1.5"))  # an amount may have decimals
    with pytest.raises(k.CorrectionError, match="不是数字"):
        parse_value("١٢")
    with pytest.raises(k.CorrectionError, match="过长"):
        check_reason("理" * 100_000)


def test_a_bulk_csv_in_gbk_with_chinese_years_reads_and_two_rows_for_one_cell_are_refused(tmp_path: Path) -> None:
    from dashboard.review.corrections import parse_year, read_bulk_csv

    db = tmp_path / "n.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md"], db=db)
    assert parse_year("二〇二四") == 2024 and parse_year("2024年") == 2024
    con = open_db(db, read_only=True)
    try:
        aid, year = con.execute("select agency_id, year from current_reports order by report_id limit 1").fetchone()
    finally:
        con.close()
    cn_year = "".join("〇一二三四五六七八九"[int(ch)] for ch in str(year))
    good = tmp_path / "good.csv"
    good.write_bytes(("agency,year,cell,value,reason\n"
                      f"某单位,{cn_year},applications.new.total,5,核对原件\n").encode("gb18030"))
    items = read_bulk_csv(good, lambda name: aid, db=db)
    assert len(items) == 1 and items[0][1] == {"applications.new.total": 5.0}
    twice = tmp_path / "twice.csv"
    twice.write_text("agency,year,cell,value,reason\n"
                     f"某单位,{year},applications.new.total,5,核对原件\n"
                     f"某单位,{year},applications.new.total,6,再核对\n", encoding="utf-8")
    with pytest.raises(k.CorrectionError, match="第 3 行.*第 2 行"):
        read_bulk_csv(twice, lambda name: aid, db=db)
