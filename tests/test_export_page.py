"""The 导出会议材料 page: pick a year, press the button, get the three files offered for download."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.pipeline import ingest_paths

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = str(Path(__file__).resolve().parent.parent / "dashboard" / "pages" / "export_page.py")


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database of two real reports, made the page's database through NIANBAO_DB."""
    path = tmp_path / "nianbao.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md", FIXTURES / "hongze-2023.pdf"], db=path)
    monkeypatch.setenv("NIANBAO_DB", str(path))
    monkeypatch.setenv("NIANBAO_COUNTY", "上海市")  # the scope bar's home region: its latest year is 2024
    return path


def test_page_builds_the_pack_and_offers_pptx_docx_xlsx(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.run()
    assert not at.exception
    assert at.title[0].value == "导出会议材料"
    button = next(b for b in at.button if b.label.startswith("生成"))
    assert "2024" in button.label
    button.click().run()
    assert not at.exception
    assert any("已生成" in s.value for s in at.success)
    assert len(list((db.parent / "exports").glob("*/*.pptx"))) == 1  # written beside the database
    labels = [b.label for b in at.get("download_button")]
    assert {"下载演示文稿（PPTX）", "下载会议材料（Word）", "下载数据表（Excel）"} <= set(labels)


def test_a_scope_without_reports_shows_a_chinese_notice_and_writes_nothing(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=240)
    at.run()
    at.sidebar.selectbox(key="scope_region").set_value("上海市").run()  # the app's one scope bar
    at.sidebar.selectbox(key="scope_year").set_value(2023).run()
    next(b for b in at.button if b.label.startswith("生成")).click().run()
    assert not at.exception
    assert any("没有收到任何报告" in w.value for w in at.warning)
    assert not at.success
    assert not list((db.parent / "exports").glob("*/*.pptx"))
