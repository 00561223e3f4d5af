"""The schema contract: migrations on open, views, and indicators with written definitions."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.pipeline import ingest_paths
from dashboard.store.db import open_db
from dashboard.store.indicators import INDICATORS
from dashboard.store.schema import MIGRATIONS, schema_version

EXPECTED = Path(__file__).parent / "fixtures" / "expected"
CONTRACT = {
    "agencies": ["agency_id", "name", "short_name", "kind", "region", "aliases", "simulated", "in_registry"],
    "reports": ["report_id", "agency_id", "agency_printed", "year", "template", "applications_layout", "source_name",
                "format", "sha256", "source_bytes", "ingested_at", "superseded_by", "parse_json"],
    "cells": ["report_id", "tbl", "row_code", "col_code", "value", "printed", "flag", "unit"],
    "sections": ["report_id", "code", "body"],
    "findings": ["finding_id", "report_id", "rule", "severity", "cells", "message", "status", "reviewed_by",
                 "reviewed_at"],
    "audit_log": ["at", "who", "action", "details"],
    "schema_migrations": ["version", "applied_at"],
    "indicator_defs": ["indicator", "name_zh", "unit", "definition_zh", "series_note_zh"],
}


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    """A database holding the four expected JSON records (hand-checked figures)."""
    path = tmp_path / "n.duckdb"
    files = [EXPECTED / f"{n}.json" for n in ("000_7180246cedc2b1d8", "hongze-2023", "pingtan-2025",
                                              "shanghai-kewei-2024")]
    assert ingest_paths(files, db=path).counts()["ingested"] == 4
    return path


def test_opening_a_new_file_applies_every_migration(tmp_path: Path) -> None:
    con = open_db(tmp_path / "new.duckdb")
    assert schema_version(con) == MIGRATIONS[-1][0]
    for table, columns in CONTRACT.items():
        have = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        assert set(columns) <= set(have), table
    con.close()


def test_opening_twice_applies_nothing_again(tmp_path: Path) -> None:
    open_db(tmp_path / "n.duckdb").close()
    con = open_db(tmp_path / "n.duckdb")
    assert con.execute("select count(*) from schema_migrations").fetchall()[0][0] == len(MIGRATIONS)
    con.close()


def test_every_indicator_has_a_chinese_name_unit_and_definition(db: Path) -> None:
    con = open_db(db, read_only=True)
    defs = {r[0]: r[1:] for r in con.execute("select indicator, name_zh, unit, definition_zh from indicator_defs").fetchall()}
    assert set(defs) == {d["indicator"] for d in INDICATORS}
    assert all(name and unit and definition for name, unit, definition in defs.values())
    assert "（予以公开 + 部分公开）" in defs["disclosure_rate"][2]
    con.close()


def _indicators(db: Path, agency: str) -> dict[str, tuple[float | None, str]]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""select indicator, value, series from indicators i join current_reports r using (report_id)
                          where r.agency_printed = ?""", [agency]).fetchall()
    con.close()
    return {k: (v, s) for k, v, s in rows}


def test_disclosure_rate_and_correction_rate_follow_their_definitions(db: Path) -> None:
    rep = json.loads((EXPECTED / "pingtan-2025.json").read_text("utf-8"))
    a = rep["applications"]
    ind = _indicators(db, "平潭综合实验区")
    assert ind["disclosure_rate"][0] == pytest.approx((a["granted"]["total"] + a["partial"]["total"]) / a["total"]["total"])
    r = rep["appeals"]["reconsideration"]
    assert ind["reconsideration_correction_rate"][0] == pytest.approx(r["corrected"] / r["total"])
    assert ind["withheld"][0] == sum(v["total"] for k, v in a.items() if k.startswith("withheld_"))


def test_a_ratio_over_zero_is_null_not_zero(db: Path) -> None:
    ind = _indicators(db, "红崖子沟乡人民政府")  # no applications, no reconsiderations
    assert ind["disclosure_rate"][0] is None
    assert ind["reconsideration_correction_rate"][0] is None


def test_nearly_equal_questions_of_both_versions_are_one_series_and_version_only_ones_are_not(db: Path) -> None:
    old, new = _indicators(db, "红崖子沟乡人民政府"), _indicators(db, "平潭综合实验区")
    # 本年新制作数量 (2019) and 本年制发件数 (2021): one series, the definition change marked on the chart.
    assert old["normative_docs_issued"] == (15, "all")
    assert new["normative_docs_issued"][1] == "all"
    assert old["normative_docs_published"][1] == "2019" and "normative_docs_published" not in new
    assert "procurement_amount" in old and "procurement_amount" not in new
    assert "fees_amount_wan" in new and "fees_amount_wan" not in old
    assert old["applications_new"][1] == new["applications_new"][1] == "all"


def test_cells_keep_blank_apart_from_zero_and_the_unit(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("""select row_code || '.' || col_code, unit from current_cells c
                               join reports r using (report_id) where r.agency_printed = '平潭综合实验区'
                               and tbl = 'disclosure'""").fetchall())
    n_cells = con.execute("""select count(*) from cells join reports using (report_id)
                             where agency_printed = '红崖子沟乡人民政府'""").fetchall()[0][0]
    con.close()
    assert rows["fees.amount_wan"] == "万元"
    assert n_cells == 22 + 161 + 15  # every cell of the 2019 version
