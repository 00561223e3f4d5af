"""Supersede by evidence, not by date (issue 24): a damaged copy, an impostor or a misread name never replaces a
clean current report, whichever arrives first and whatever its file time; a genuine revision does, with its change
recorded. Real corpus files; the damaged copies are made here (tests/damaged_copies.py)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.pipeline import ingest_paths
from tests import damaged_copies as dc
from tests.conftest import FIXTURES, SAMPLE

DOCX = FIXTURES / "pingtan-2025.docx"
HTML = FIXTURES / "pingtan-2025.html"
PDF = FIXTURES / "hongze-2023.pdf"
MD = FIXTURES / "shanghai-kewei-2024.md"
TEXT = SAMPLE.read_text("utf-8")


def _at(path: Path, age_s: float) -> Path:
    t = time.time() - age_s
    os.utime(path, (t, t))
    return path


def _put(folder: Path, name: str, data: bytes, age_s: float = 0.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return _at(path, age_s)


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _current_sources(db: Path) -> dict[tuple[str, int], str]:
    return {(a, y): s for a, y, s in _rows(db, """select a.name, r.year, r.source_name from reports r
                                                  join agencies a using (agency_id) where r.superseded_by is null""")}


# (name of the damaged copy, the original it is made from, how, a words the reason must hold)
VARIANTS: list[tuple[str, Path, Callable[[], bytes], str]] = [
    ("scrambled.docx", DOCX, lambda: dc.scrambled_docx(DOCX.read_bytes()), "处勾稽错误，现行版本 0 处"),
    ("negative.txt", SAMPLE, lambda: dc.negative_counts(TEXT).encode(), "处勾稽错误，现行版本 0 处"),
    ("impostor.txt", DOCX, lambda: dc.impostor(TEXT, "红崖子沟乡人民政府", 2021, "平潭综合实验区", 2025).encode(),
     "正文"),
    ("cut.html", DOCX, lambda: dc.truncated(HTML.read_bytes(), 0.9), "网页文件不完整"),
    ("last-byte.pdf", PDF, lambda: dc.without_last_byte(PDF.read_bytes()), "截断的副本"),
    ("dropped-row.md", MD, lambda: dc.dropped_line(MD.read_text("utf-8"), r"^\|.*\d.*\|\s*$").encode(), "少读出"),
    ("dropped-text.md", MD, lambda: dc.dropped_line(MD.read_text("utf-8"), r"^[^|#\s].{40,}").encode(), "正文"),
]


@pytest.fixture(scope="module")
def clean_dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """One database per original, holding it as the current (clean) version; each test works on a copy."""
    out = {}
    for original in (DOCX, SAMPLE, PDF, MD):
        folder = tmp_path_factory.mktemp(original.stem)
        db = folder / "n.duckdb"
        copy = _put(folder / "in", original.name, original.read_bytes(), age_s=10_000)
        (outcome,) = ingest_paths([copy], db=db, workers=1).outcomes
        assert outcome.status == "ingested", outcome
        out[original] = db
    return out


def _copy_db(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for p in src.parent.iterdir():
        if p.name.startswith("n.duckdb"):
            if p.is_dir():
                shutil.copytree(p, dst / p.name)
            else:
                shutil.copy2(p, dst / p.name)
    return dst / "n.duckdb"


@pytest.mark.parametrize(("name", "original", "make", "words"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_a_damaged_copy_arriving_after_a_clean_report_is_held_with_its_reason(
        tmp_path: Path, clean_dbs: dict[Path, Path], name: str, original: Path, make: Callable[[], bytes],
        words: str) -> None:
    db = _copy_db(clean_dbs[original], tmp_path / "db")
    before = _current_sources(db)
    (outcome,) = ingest_paths([_put(tmp_path / "in", name, make())], db=db, workers=1).outcomes
    assert outcome.status == "held", (outcome.status, outcome.reason_zh)
    assert words in outcome.reason_zh and ("保留现行版本" in outcome.reason_zh or "未替换" in outcome.reason_zh)
    assert _current_sources(db) == before  # the original stays current, and its file the one behind 下载原件
    (reason,), = _rows(db, f"select held_reason from reports where source_name = '{name}'")
    assert reason == outcome.reason_zh
    (finding,), = _rows(db, "select message from findings where rule = 'HELD'")
    assert "待核对" in finding and words in finding


CUT_PDFS = {"cut-at-90.pdf": lambda: dc.truncated(PDF.read_bytes(), 0.9),
            "no-xref-tail.pdf": lambda: PDF.read_bytes()[:PDF.read_bytes().rindex(b"startxref")]}


@pytest.mark.parametrize("name", list(CUT_PDFS))
def test_a_pdf_cut_short_is_refused_with_its_reason_and_the_original_stays(tmp_path: Path, name: str,
                                                                          clean_dbs: dict[Path, Path]) -> None:
    db = _copy_db(clean_dbs[PDF], tmp_path / "db")
    (outcome,) = ingest_paths([_put(tmp_path / "in", name, CUT_PDFS[name]())], db=db, workers=1).outcomes
    assert outcome.status == "failed" and "不完整" in outcome.reason_zh
    assert list(_current_sources(db).values()) == [PDF.name]


@pytest.mark.parametrize("word", ["红崖子沟乡人民政府"])
def test_a_bit_flipped_agency_name_is_held_for_identity_and_never_becomes_a_new_agency(
        tmp_path: Path, clean_dbs: dict[Path, Path], word: str) -> None:
    db = _copy_db(clean_dbs[SAMPLE], tmp_path / "db")
    flipped = dc.flipped_bit(TEXT, word, 4)
    cut = TEXT.replace(word, "红崖子沟民政府")
    summary = ingest_paths([_put(tmp_path / "in", "flipped.txt", flipped.encode()),
                            _put(tmp_path / "in", "cut-name.txt", cut.encode())], db=db, workers=1)
    for o in summary.outcomes:
        assert o.status == "unidentified", (o.source, o.status)
        assert "待认定" in o.reason_zh and "红崖子沟乡人民政府" in o.reason_zh
    assert _rows(db, "select name from agencies where not coalesce(in_registry, false)") == []
    assert list(_current_sources(db).values()) == [SAMPLE.name]
    (candidates,), = _rows(db, "select parse_json->'identity_candidates' from reports where source_name = 'flipped.txt'")
    assert json.loads(candidates)[0]["agency"] == "红崖子沟乡人民政府"


def test_a_genuine_revision_becomes_current_and_its_changes_are_recorded(tmp_path: Path,
                                                                        clean_dbs: dict[Path, Path]) -> None:
    db = _copy_db(clean_dbs[SAMPLE], tmp_path / "db")
    revised = TEXT.replace("| 政府集中采购 | 102 | 122852 |", "| 政府集中采购 | 103 | 123000 |")
    (outcome,) = ingest_paths([_put(tmp_path / "in", "revised.txt", revised.encode())], db=db, workers=1).outcomes
    assert outcome.status == "superseded" and outcome.reason_zh.startswith("替换：2 个数值变化")
    assert list(_current_sources(db).values()) == ["revised.txt"]
    (details,), = _rows(db, "select details from audit_log where action = 'supersede'")
    changed = {k: (a, b) for k, a, b in json.loads(details)["changes"]}
    assert changed == {"disclosure.procurement.projects": (102, 103), "disclosure.procurement.amount": (122852, 123000)}
    old = _rows(db, """select c.value from cells c join reports r using (report_id)
                       where r.source_name = '000_7180246cedc2b1d8.txt' and c.row_code = 'procurement'
                         and c.col_code = 'projects'""")
    assert old == [(102.0,)]  # the old values stay in history


def _mixed_folder(folder: Path, damaged_age: float, original_age: float) -> None:
    for name, _original, make, _ in VARIANTS:
        _put(folder / "damaged", name, make(), damaged_age)
    for name, make in CUT_PDFS.items():
        _put(folder / "damaged", name, make(), damaged_age)
    _put(folder / "damaged", "flipped.txt", dc.flipped_bit(TEXT, "红崖子沟乡人民政府", 4).encode(), damaged_age)
    for original in (DOCX, SAMPLE, PDF, MD):
        _put(folder / "originals", original.name, original.read_bytes(), original_age)


@pytest.mark.parametrize(("damaged_age", "original_age"), [(10, 10_000), (10_000, 10)],
                         ids=["damaged-copies-newer", "damaged-copies-older"])
def test_originals_and_damaged_copies_in_one_folder_leave_every_original_current(
        tmp_path: Path, damaged_age: float, original_age: float) -> None:
    db = tmp_path / "n.duckdb"
    _mixed_folder(tmp_path / "in", damaged_age, original_age)
    ingest_paths([tmp_path / "in"], db=db, workers=2)
    assert sorted(_current_sources(db).values()) == sorted(p.name for p in (DOCX, SAMPLE, PDF, MD))


def test_damaged_copies_stored_first_give_way_to_the_older_originals_in_a_later_run(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    _mixed_folder(tmp_path / "in", damaged_age=10, original_age=10_000)
    ingest_paths([tmp_path / "in" / "damaged"], db=db, workers=2)
    summary = ingest_paths([tmp_path / "in" / "originals"], db=db, workers=2)
    assert {o.status for o in summary.outcomes} <= {"superseded", "ingested"}
    assert sorted(_current_sources(db).values()) == sorted(p.name for p in (DOCX, SAMPLE, PDF, MD))
