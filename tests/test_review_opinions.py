"""The 审核意见书 (DOCX per unit, a ZIP for the round), the round's XLSX summary, and `nianbao review …`."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from dashboard.catalogue.labels import rule_basis
from dashboard.export.opinions import opinions_zip, summary_xlsx, write_opinion
from dashboard.ingest.drafts import ingest_drafts
from dashboard.review import rounds
from dashboard.review.users import User
from dashboard.synth import round_plant as plant
from tests.round_county import draft, fresh_db, make_county, write

ROOT = Path(__file__).resolve().parents[1]
EDITOR = User("审核员甲", "编辑")


@pytest.fixture(scope="module")
def round_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Unit 0: a missing row and 六 without the fee; unit 1: 一 and 五 copied from unit 0; unit 2: nothing sent."""
    root = tmp_path_factory.mktemp("opinions")
    county = make_county(root)
    db = fresh_db(county, root / "round.duckdb")
    text0 = draft(county, 0).read_text(encoding="utf-8")
    first = write(root / "a.md", plant.without_fee(plant.drop_row(text0)))
    ingest_drafts(EDITOR, [first], db, registry=county["registry"])
    copied = write(root / "b.md", plant.copied_narrative(draft(county, 1).read_text(encoding="utf-8"), text0))
    ingest_drafts(EDITOR, [copied], db, registry=county["registry"])
    return db


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def test_each_problem_is_listed_with_where_it_is_what_is_wrong_its_basis_and_the_fix(round_db: Path) -> None:
    rnd, units = rounds.board(2025, round_db)
    unit = next(u for u in units if {f["rule"] for f in u.findings} >= {"ROWS_COMPLETE", "FEE_REPORT"})
    text = docx_text(write_opinion(unit, rnd, db=round_db, office="示例县人民政府办公室"))
    assert text.splitlines()[0] == f"关于{unit.name}2025年政府信息公开工作年度报告的审核意见"
    assert f"单位：{unit.name}" in text and "年度：2025年度" in text
    assert text.count("位置：") == text.count("依据：") == text.count("修改要求：") == len(unit.findings)
    assert "“三、依申请公开”表：三、（三）不予公开 3.危及“三安全一稳定”" in text  # 表/行 of the missing row
    assert "“六、其他需要报告的事项”段落，原文“无。”" in text  # 段落 quoting the text
    assert rule_basis("FEE_REPORT") in text and rule_basis("ROWS_COMPLETE") in text
    assert "校对" not in text  # the office's own page is not the unit's business
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert lines[-2] == "示例县人民政府办公室"
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[-1])


def test_a_copied_narrative_is_quoted_with_the_unit_it_was_copied_from(round_db: Path) -> None:
    rnd, units = rounds.board(2025, round_db)
    unit = next(u for u in units if any(f["rule"] == "SAME_TEXT" for f in u.findings))
    text = docx_text(write_opinion(unit, rnd, db=round_db))
    assert "“一、总体情况”段落，原文“" in text and "同年度（2025年度）报告内容雷同" in text
    assert "相同段落" in text


def test_the_zip_holds_one_opinion_per_unit_with_problems_named_by_unit(round_db: Path) -> None:
    _, units = rounds.board(2025, round_db)
    with zipfile.ZipFile(io.BytesIO(opinions_zip(2025, round_db))) as zf:
        names = sorted(zf.namelist())
        assert names == sorted(f"{u.short_name}-2025年度年报审核意见书.docx" for u in units if u.findings)
        assert all(docx_text(zf.read(n)).startswith("关于") for n in names)


def test_the_summary_workbook_has_chinese_headers_and_one_row_per_unit(round_db: Path) -> None:
    wb = load_workbook(io.BytesIO(summary_xlsx(2025, db=round_db)))
    ws = wb["审核进度"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["单位", "类别", "状态", "进度"] and {"按时问题", "完整问题", "准确问题", "不雷同问题", "评分"} <= set(headers)
    assert all(not str(h).isascii() for h in headers)
    assert ws.max_row == 1 + 3
    assert [c.value for c in wb["问题清单"][1]] == ["单位", "问题类型", "严重程度", "说明"]


def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NIANBAO_AS_OF": "2026-01-25"}
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_command_line_writes_one_opinion_per_unit_with_problems_and_prints_the_board(round_db: Path,
                                                                                          tmp_path: Path) -> None:
    out = nianbao("review", "opinions", "--year", "2025", "--out", str(tmp_path), "--db", str(round_db))
    assert out.returncode == 0, out.stderr
    assert len(list(tmp_path.glob("*审核意见书.docx"))) == 2
    assert len(list(tmp_path.glob("*.xlsx"))) == 1
    board = nianbao("review", "status", "--year", "2025", "--db", str(round_db))
    assert board.returncode == 0, board.stderr
    assert "待审核 2" in board.stdout and "逾期 1" in board.stdout  # the unit that sent nothing by 20 January
    missing = nianbao("review", "status", "--year", "2031", "--db", str(round_db))
    assert missing.returncode == 1 and "还没有开启审核轮次" in missing.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_an_opinion_renders_with_libreoffice_with_a_cjk_font_and_the_signature_on_the_last_page(
        round_db: Path, tmp_path: Path) -> None:
    rnd, units = rounds.board(2025, round_db)
    unit = next(u for u in units if u.findings)
    path = tmp_path / "意见书.docx"
    write_opinion(unit, rnd, path, db=round_db, office="示例县人民政府办公室")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "意见书.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts or "CJK" in fonts, fonts
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert "示例县人民政府办公室" in pages[-1]
    assert len(pages[-1].split("示例县人民政府办公室")[0].strip()) > 20  # the signature does not stand alone
