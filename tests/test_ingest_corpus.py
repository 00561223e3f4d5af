"""Ingest of real corpus files into a real DuckDB: idempotence, history, findings, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.pipeline import ingest_paths
from dashboard.review.findings import recheck
from dashboard.store.db import open_db, writer

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = ["000_7180246cedc2b1d8.txt", "hongze-2023.pdf", "pingtan-2025.html", "shanghai-kewei-2024.md"]
TABLES = ["agencies", "reports", "cells", "sections", "findings"]


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}
    finally:
        con.close()


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the corpus reports (and a non-report file) beside each other."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in CORPUS:
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "sub").mkdir()
    shutil.copy(FIXTURES / "pingtan-2025.docx", folder / "sub" / "pingtan-2025.docx")
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def db(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus folder ingested once."""
    path = tmp_path_factory.mktemp("db") / "n.duckdb"
    summary = ingest_paths([corpus], db=path)
    assert summary.counts() == {"ingested": 4, "superseded": 1, "unchanged": 0, "failed": 0}
    return path


def test_ingesting_the_corpus_twice_leaves_identical_counts(corpus: Path, db: Path) -> None:
    before = counts(db)
    again = ingest_paths([corpus], db=db)
    assert again.counts() == {"ingested": 0, "superseded": 0, "unchanged": 5, "failed": 0}
    assert counts(db) == before


def test_folders_are_walked_recursively_and_other_files_skipped(corpus: Path, db: Path) -> None:
    summary = ingest_paths([corpus], db=db)
    assert {o.source for o in summary.outcomes} == {*CORPUS, "pingtan-2025.docx"}
    assert [Path(p).name for p in summary.skipped] == ["notes.csv"]


def test_the_sample_report_is_told_it_used_the_2019_format_for_2021(db: Path) -> None:
    found = rows(db, """select f.message from findings f join reports r using (report_id)
                        where r.source_name = '000_7180246cedc2b1d8.txt' and f.rule = 'VERSION_YEAR'""")
    assert len(found) == 1 and "2021年度报告使用了2019年版格式" in found[0][0]


def test_hongze_2023_gets_r4_findings_at_the_printed_totals(db: Path) -> None:
    found = rows(db, """select f.cells[1] from findings f join reports r using (report_id)
                        where r.source_name = 'hongze-2023.pdf' and f.rule = 'R4' order by 1""")
    assert [c for (c,) in found] == ["appeals.litigation_after.total", "appeals.reconsideration.total"]


def test_the_township_procurement_amount_is_stored_as_printed_with_a_unit_finding(db: Path) -> None:
    (value, unit), = rows(db, """select value, unit from current_cells c join reports r using (report_id)
                                 where r.source_name = '000_7180246cedc2b1d8.txt' and row_code = 'procurement'
                                 and col_code = 'amount'""")
    assert (value, unit) == (122852, None)
    assert rows(db, "select count(*) from findings where rule = 'UNIT' and cells[1] = 'disclosure.procurement.amount'")[0][0] == 1


def test_a_blank_cell_is_null_with_its_flag_not_zero(db: Path) -> None:
    (value, flag, printed), = rows(db, """select value, flag, printed from cells c join reports r using (report_id)
                                          where r.source_name = 'shanghai-kewei-2024.md' and tbl = 'applications'
                                          and row_code = 'carried_over' and col_code = 'total'""")
    assert value is None and flag == "blank"


def test_a_second_file_for_the_same_agency_and_year_supersedes_and_history_keeps_both(db: Path) -> None:
    hist = rows(db, """select source_name, superseded_by is null from reports r join agencies a using (agency_id)
                       where a.name = '平潭综合实验区' and r.year = 2025 order by report_id""")
    assert [h[1] for h in hist] == [False, True]
    assert rows(db, "select count(*) from current_reports where agency_name = '平潭综合实验区'")[0][0] == 1


def test_the_narrative_sections_are_stored(db: Path) -> None:
    codes = rows(db, """select code from sections s join reports r using (report_id)
                        where r.source_name = 'hongze-2023.pdf' order by code""")
    assert [c for (c,) in codes] == ["other_matters", "overview", "problems"]


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("empty.pdf", b"", "文件为空"),
    ("binary.docx", bytes(range(256)) * 40, ""),
    ("notes.txt", "会议纪要：今天讨论了道路修缮。".encode(), ""),
])
def test_bad_input_fails_with_a_reason_and_loses_nothing(db: Path, tmp_path: Path, name: str, content: bytes,
                                                         reason: str) -> None:
    before = counts(db)
    bad = tmp_path / name
    bad.write_bytes(content)
    good = FIXTURES / "000_7180246cedc2b1d8.txt"
    summary = ingest_paths([bad, good], db=db)
    outcome = {o.source: o for o in summary.outcomes}
    assert outcome[name].status == "failed" and outcome[name].reason_zh
    assert reason in outcome[name].reason_zh
    assert outcome[good.name].status == "unchanged"  # the batch went on
    assert counts(db) == before


def test_an_agency_one_character_from_the_registry_is_held_for_identity_never_made_a_new_agency(
        tmp_path: Path) -> None:
    rec = json.loads((FIXTURES / "expected" / "000_7180246cedc2b1d8.json").read_text("utf-8"))
    rec["agency"] = "红崖子乡人民政府"  # one character off: a candidate for a person, never a match nor a new unit
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "n.duckdb"
    (outcome,) = ingest_paths([path], db=db).outcomes
    assert outcome.status == "unidentified" and "红崖子沟乡人民政府" in outcome.reason_zh
    assert rows(db, "select count(*) from agencies where name = '红崖子乡人民政府'") == [(0,)]
    assert rows(db, "select count(*) from current_reports") == [(0,)]


def test_an_agency_far_from_every_registry_name_is_stored_apart_with_a_finding(tmp_path: Path) -> None:
    rec = json.loads((FIXTURES / "expected" / "000_7180246cedc2b1d8.json").read_text("utf-8"))
    rec["agency"] = "丹麻镇人民政府"
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "n.duckdb"
    ingest_paths([path], db=db)
    (known, kind), = rows(db, "select in_registry, kind from agencies where name = '丹麻镇人民政府'")
    assert (known, kind) == (False, "镇")
    assert len(rows(db, "select message from findings where rule = 'UNKNOWN_AGENCY'")) == 1


def _record(tmp_path: Path, year: int, carried_over: int, carried_in: int) -> Path:
    rec = json.loads((FIXTURES / "expected" / "pingtan-2025.json").read_text("utf-8"))
    rec["year"] = year
    a = rec["applications"]
    a["carried_in"] = {k: 0 for k in a["carried_in"]} | {"natural": carried_in, "total": carried_in}
    a["carried_over"] = {k: 0 for k in a["carried_over"]} | {"natural": carried_over, "total": carried_over}
    path = tmp_path / f"pingtan-{year}.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return path


def test_cross_year_findings_appear_whichever_year_is_ingested_first(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([_record(tmp_path, 2025, carried_over=0, carried_in=3)], db=db)
    assert rows(db, "select count(*) from findings where rule = 'X1'")[0][0] == 0
    ingest_paths([_record(tmp_path, 2024, carried_over=1, carried_in=0)], db=db)
    (cells, year), = rows(db, """select f.cells, r.year from findings f join reports r using (report_id)
                                 where rule = 'X1' and cells[1] = 'applications.carried_in.total'""")
    assert year == 2025


def test_a_reviewed_finding_survives_a_recheck(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "n.duckdb"
    shutil.copy(db, copy)
    with writer(copy) as con:
        con.execute("update findings set status = 'dismissed', reviewed_by = 'tester' where rule = 'UNIT'")
    with writer(copy) as con:
        recheck(con)
    con = open_db(copy, read_only=True)
    statuses = con.execute("select status from findings where rule = 'UNIT'").fetchall()
    con.close()
    assert statuses == [("dismissed",)]
