"""The meeting pack, built from a real DuckDB: real corpus reports plus two years of simulated ones."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pptx import Presentation
from typer.testing import CliRunner

from dashboard.charts import SOURCE_NOTE
from dashboard.cli import _register_all, app
from dashboard.errors import ReportError
from dashboard.export import build_pack
from dashboard.export.data import load_pack_data, resolve_agencies
from dashboard.export.figures import pack_charts
from dashboard.export.takeaways import comparability_note, total_sentence
from dashboard.queries import run_query
from dashboard.store.ingest import ingest_paths
from dashboard.synth import synthesize

FIXTURES = Path(__file__).parent / "fixtures"
REAL = ["000_7180246cedc2b1d8.txt", "shanghai-kewei-2024.md", "pingtan-2025.html", "hongze-2023.pdf"]
YEAR = 2024


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh database: the four real fixture reports and 8 simulated agencies for 2023 and 2024."""
    root = tmp_path_factory.mktemp("export")
    synthesize(root / "synth", 8, [2023, 2024], ["md", "html"], seed=7)
    path = root / "nianbao.duckdb"
    summary = ingest_paths([FIXTURES / n for n in REAL] + [root / "synth" / "reports"], db=path)
    assert summary.counts()["failed"] == 0
    return path


@pytest.fixture(scope="module")
def pack(db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pack for 2024 and every agency, with the progress reported."""
    steps: list[tuple[float, str]] = []
    files = build_pack(YEAR, None, db, tmp_path_factory.mktemp("pack"), progress=lambda f, m: steps.append((f, m)))
    files["steps"] = steps  # type: ignore[assignment]
    return files


def _slide_texts(slide) -> list[str]:  # noqa: ANN001
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def test_pack_writes_deck_brief_workbook_and_one_png_per_chart(pack: dict[str, Path], db: Path) -> None:
    n_charts = len(pack_charts(load_pack_data(YEAR, None, db)))
    assert {"pptx", "docx", "xlsx", "images"} <= pack.keys()
    assert pack["pptx"].stat().st_size > 0 and pack["docx"].stat().st_size > 0 and pack["xlsx"].stat().st_size > 0
    assert len(list(pack["images"].glob("*.png"))) == n_charts >= 8


def test_progress_runs_from_zero_to_one_in_order(pack: dict) -> None:
    fractions = [f for f, _ in pack["steps"]]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("生成图片" in m for _, m in pack["steps"])


def test_deck_is_16_9_with_title_key_figures_charts_ranking_and_quality(pack: dict, db: Path) -> None:
    prs = Presentation(str(pack["pptx"]))
    charts = pack_charts(load_pack_data(YEAR, None, db))
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    assert len(slides) == 2 + len(charts) + 2
    assert any("2024年度政府信息公开工作年度报告数据分析" in t for t in _slide_texts(slides[0]))
    assert any(t.startswith("2024年关键数据") for t in _slide_texts(slides[1]))
    for slide, chart in zip(slides[2:2 + len(charts)], charts, strict=True):
        texts = _slide_texts(slide)
        assert chart.title in texts and chart.takeaway in texts
        assert sum(1 for s in slide.shapes if s.shape_type == 13) == 1  # 13 = picture
    assert any(t.startswith("单位排名") for t in _slide_texts(slides[-2]))
    assert any(t.startswith("数据质量") for t in _slide_texts(slides[-1]))


def test_every_slide_carries_the_source_note(pack: dict) -> None:
    for slide in Presentation(str(pack["pptx"])).slides:
        assert SOURCE_NOTE in _slide_texts(slide)


def test_key_figure_tile_shows_the_overview_total(pack: dict, db: Path) -> None:
    totals = run_query("overview_indicators_by_year", db=db, kinds=None)
    new = totals[(totals["indicator"] == "applications_new") & (totals["year"] == YEAR)]["value"].sum()
    texts = _slide_texts(list(Presentation(str(pack["pptx"])).slides)[1])
    assert "本年新收申请" in texts and f"{new:,.0f}件" in texts


def test_ranking_slide_table_lists_agencies_by_applications(pack: dict, db: Path) -> None:
    slide = list(Presentation(str(pack["pptx"])).slides)[-2]
    table = next(s.table for s in slide.shapes if s.has_table)
    header = [c.text for c in table.rows[0].cells]
    assert header[:2] == ["排名", "单位"]
    ranking = run_query("compare_ranking", db=db, num=["applications_new"], den=None, year=YEAR, kinds=None)
    top = ranking.dropna(subset=["value"]).sort_values("value", ascending=False).iloc[0]
    assert table.cell(1, 1).text == top["short_name"] and table.cell(1, 2).text == f"{top['value']:,.0f}"


def test_brief_styles_set_east_asian_fonts(pack: dict) -> None:
    doc = Document(str(pack["docx"]))

    def east_asian(style: str) -> str:
        return doc.styles[style].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian("Normal") in ("仿宋", "宋体")
    assert east_asian("Heading 1") == "黑体"


def test_brief_has_headings_charts_ranking_table_and_definitions(pack: dict, db: Path) -> None:
    doc = Document(str(pack["docx"]))
    charts = pack_charts(load_pack_data(YEAR, None, db))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、基本情况" and headings[-1] == "附录　指标说明"
    assert any(h.endswith("单位排名") for h in headings) and any(h.endswith("数据质量") for h in headings)
    assert len(doc.inline_shapes) == len(charts)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [f"图{i}　{c.title}" for i, c in enumerate(charts, start=1)]
    definitions = doc.tables[-1]
    assert [c.text for c in definitions.rows[0].cells] == ["指标", "单位", "定义", "口径说明"]
    names = [r.cells[0].text for r in definitions.rows[1:]]
    assert "实质公开率" in names and "复议纠错率" in names


def test_brief_prose_states_the_takeaway_of_applications(pack: dict, db: Path) -> None:
    text = "\n".join(p.text for p in Document(str(pack["docx"])).paragraphs)
    chart = pack_charts(load_pack_data(YEAR, None, db))[0]
    assert chart.key == "applications_trend" and chart.takeaway in text


def test_chart_slide_notes_that_the_two_years_had_different_agencies(pack: dict, db: Path) -> None:
    # 2023 has 洪泽区 and 2024 has 上海市科委 besides the simulated agencies: the growth is not like for like
    data = load_pack_data(YEAR, None, db)
    note = comparability_note(data)
    assert "两年均有" in note
    slide = list(Presentation(str(pack["pptx"])).slides)[2]
    assert note in _slide_texts(slide)


def test_workbook_sheets_have_chinese_headers_frozen_row_and_numbers(pack: dict) -> None:
    wb = load_workbook(pack["xlsx"])
    assert {"关键指标", "单位排名", "年度数据", "数据问题", "指标说明"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        if ws.title != "说明":
            assert ws.freeze_panes == "A2", ws.title
    ranking = wb["单位排名"]
    assert [c.value for c in ranking[1]][:4] == ["排名", "单位", "类型", "本年新收申请（件）"]
    values = [r[3].value for r in ranking.iter_rows(min_row=2)]
    assert values and all(isinstance(v, int | float) for v in values if v is not None)


def test_workbook_yearly_totals_match_the_overview_query(pack: dict, db: Path) -> None:
    overview = run_query("overview_indicators_by_year", db=db, kinds=None)
    ws = load_workbook(pack["xlsx"])["年度数据"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    got = {(r["代码"], r["年度"]): r["数值"] for r in rows if r["代码"] in ("applications_new", "penalty_decisions")}
    want = overview[overview["indicator"].isin(["applications_new", "penalty_decisions"]) & (overview["year"] <= YEAR)]
    assert got and len(got) == len(want)
    for row in want.itertuples(index=False):
        assert got[(row.indicator, row.year)] == pytest.approx(row.value)


def test_disclosure_rate_is_recomputed_from_totals_not_a_sum_of_ratios(pack: dict, db: Path) -> None:
    o = run_query("overview_indicators_by_year", db=db, kinds=None)
    part = o[(o["year"] == YEAR) & (o["series"] == "all")].set_index("indicator")["value"]
    want = (part["granted"] + part["partial"]) / part["applications_total_handled"]
    ws = load_workbook(pack["xlsx"])["关键指标"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "实质公开率")
    assert row[2] == pytest.approx(want)


def test_agency_subset_counts_only_the_chosen_agencies(db: Path) -> None:
    agencies = run_query("app_agencies", db=db)
    chosen = agencies[(agencies["reports"] > 0) & (agencies["last_year"] == YEAR)].head(2)
    ids = [int(a) for a in chosen["agency_id"]]
    data = load_pack_data(YEAR, ids, db)
    per = run_query("compare_agency_year", db=db, num=["penalty_decisions"], den=None, year_from=YEAR, year_to=YEAR,
                    kinds=None, agency_ids=ids)
    total = data.totals[(data.totals["indicator"] == "penalty_decisions") & (data.totals["year"] == YEAR)]
    assert total["value"].sum() == pytest.approx(per["value"].sum())
    assert set(data.reports["agency_id"]) == set(ids)


def test_growth_is_not_claimed_between_years_of_different_agencies(db: Path) -> None:
    pingtan = resolve_agencies(["平潭综合实验区", "上海市科委"], db)
    data = load_pack_data(2025, pingtan, db)
    sentence = total_sentence(data, "applications_new")
    assert "不作比较" in sentence and "增长" not in sentence


def test_unknown_year_and_unknown_agency_are_clear_errors(db: Path) -> None:
    with pytest.raises(ReportError, match="没有 2030 年"):
        load_pack_data(2030, None, db)
    with pytest.raises(ReportError, match="未找到单位"):
        resolve_agencies(["不存在的乡"], db)


def test_cli_export_writes_the_pack_for_named_agencies(db: Path, tmp_path: Path) -> None:
    _register_all()
    result = CliRunner().invoke(app, ["export", "--year", str(YEAR), "--agencies", "平潭综合实验区,上海市科委",
                                      "--db", str(db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.pptx"))) == 1 and len(list(tmp_path.glob("*.xlsx"))) == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_deck_and_brief_convert_to_pdf_with_a_cjk_font_and_render_to_png(pack: dict, tmp_path: Path) -> None:
    for kind in ("pptx", "docx"):
        out = tmp_path / kind
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(pack[kind])],
                       check=True, capture_output=True, timeout=300)
        pdf = next(out.glob("*.pdf"))
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "WenQuanYi" in fonts or "CJK" in fonts, fonts
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "数据来源" in text
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(pdf), str(out / "page")], check=True)
        assert len(list(out.glob("page-*.png"))) == 2
    slides = len(Presentation(str(pack["pptx"])).slides)
    info = subprocess.run(["pdfinfo", str(next((tmp_path / "pptx").glob("*.pdf")))], capture_output=True, text=True)
    assert re.search(rf"^Pages:\s+{slides}$", info.stdout, re.M), info.stdout
