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
from dashboard.export.brief import TABLE_PT, text_width_cm
from dashboard.export.data import load_pack_data, resolve_agencies
from dashboard.export.figures import pack_charts
from dashboard.export.takeaways import comparability_note, key_points, total_sentence
from dashboard.ingest.pipeline import ingest_paths
from dashboard.queries import run_query
from dashboard.synth import synthesize

FIXTURES = Path(__file__).parent / "fixtures"
REAL = ["000_7180246cedc2b1d8.txt", "shanghai-kewei-2024.md", "pingtan-2025.html", "hongze-2023.pdf"]
YEAR = 2024
CHART_TYPE = 3  # MSO_SHAPE_TYPE.CHART
PICTURE_TYPE = 13


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


@pytest.fixture(scope="module")
def charts(db: Path) -> list:
    """The charts of the 2024 pack."""
    return pack_charts(load_pack_data(YEAR, None, db))


def _slide_texts(slide) -> list[str]:  # noqa: ANN001
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _slide_by_title(prs: Presentation, start: str):  # noqa: ANN202
    return next(s for s in prs.slides if any(t.startswith(start) for t in _slide_texts(s)))


def test_pack_writes_deck_brief_workbook_and_one_png_per_chart_page(pack: dict[str, Path], charts: list) -> None:
    assert {"pptx", "docx", "xlsx", "images"} <= pack.keys()
    assert pack["pptx"].stat().st_size > 0 and pack["docx"].stat().st_size > 0 and pack["xlsx"].stat().st_size > 0
    assert len(list(pack["images"].glob("*.png"))) == sum(len(c.figures) for c in charts) >= 8


def test_progress_runs_from_zero_to_one_in_order(pack: dict) -> None:
    fractions = [f for f, _ in pack["steps"]]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("生成图片" in m for _, m in pack["steps"])


def test_deck_is_16_9_and_opens_with_title_points_and_key_figures(pack: dict) -> None:
    prs = Presentation(str(pack["pptx"]))
    assert prs.slide_width * 9 == prs.slide_height * 16
    slides = list(prs.slides)
    assert any("2024年度政府信息公开工作年度报告数据分析" in t for t in _slide_texts(slides[0]))
    assert any(t.startswith("要点") for t in _slide_texts(slides[1]))
    assert any(t.startswith("关键数据") for t in _slide_texts(slides[2]))
    assert any(t.startswith("说明") for t in _slide_texts(slides[-1]))


def test_title_slide_states_received_and_expected_reports(pack: dict, db: Path) -> None:
    data = load_pack_data(YEAR, None, db)
    text = "\n".join(_slide_texts(list(Presentation(str(pack["pptx"])).slides)[0]))
    assert f"收到 {data.received} 份 / 应报 {data.expected} 份" in text


def test_points_slide_lists_three_to_five_findings_from_the_data(pack: dict, db: Path) -> None:
    points = key_points(load_pack_data(YEAR, None, db))
    assert 3 <= len(points) <= 5
    slide = list(Presentation(str(pack["pptx"])).slides)[1]
    body = next(t for t in _slide_texts(slide) if t.startswith("● "))
    assert body.split("\n") == [f"● {p}" for p in points]


def test_charts_are_native_powerpoint_charts_holding_the_pack_figures(pack: dict, db: Path) -> None:
    data = load_pack_data(YEAR, None, db)
    prs = Presentation(str(pack["pptx"]))
    slide = _slide_by_title(prs, "本年新收申请 · ")
    chart = next(s.chart for s in slide.shapes if s.shape_type == CHART_TYPE)
    values = dict(zip(chart.plots[0].categories, chart.plots[0].series[0].values, strict=True))
    assert values[f"{YEAR}年"] == pytest.approx(data.year_value("applications_new", YEAR)[0])
    assert values[f"{YEAR - 1}年"] == pytest.approx(data.year_value("applications_new", YEAR - 1)[0])
    natives = [s for sl in prs.slides for s in sl.shapes if s.shape_type == CHART_TYPE]
    assert len(natives) >= 6


def test_ranking_charts_compare_like_units_largest_on_top_with_their_values(pack: dict, db: Path) -> None:
    from dashboard.scope import KIND_GROUPS

    prs = Presentation(str(pack["pptx"]))
    shown = 0
    for group, kinds in KIND_GROUPS.items():  # 乡镇 with 乡镇, 部门 with 部门: never a township beside a department
        ranking = run_query("compare_ranking", db=db, num=["penalty_decisions"], den=None, year=YEAR,
                            due_through=YEAR, regions=None, kinds=list(kinds), agency_ids=None, include_suspect=False)
        known = ranking.dropna(subset=["value"])
        titled = [sl for sl in prs.slides if any(t.startswith(f"行政处罚处理决定·各{group}") for t in _slide_texts(sl))]
        if len(known) < 2 or not known["value"].any():
            assert not titled  # a unit alone in its group is compared with nobody; counts all 0 say nothing
            continue
        top = known.sort_values("value", ascending=False).iloc[0]
        plot = next(s.chart for s in titled[0].shapes if s.shape_type == CHART_TYPE).plots[0]
        assert plot.categories[-1] == top["short_name"]  # PowerPoint draws the last category on top
        assert plot.series[0].values[-1] == pytest.approx(top["value"])
        assert set(plot.categories) <= set(known["short_name"])
        shown += 1
    assert shown >= 2


def test_only_the_matrix_is_a_picture_and_every_agency_is_named_in_it(pack: dict, db: Path, charts: list) -> None:
    prs = Presentation(str(pack["pptx"]))
    pictures = [sl for sl in prs.slides for s in sl.shapes if s.shape_type == PICTURE_TYPE]
    assert pictures and all(any("报告公开情况" in t for t in _slide_texts(sl)) for sl in pictures)
    coverage = next(c for c in charts if c.key == "coverage")
    data = load_pack_data(YEAR, None, db)
    c = data.coverage[data.coverage["year"].isin(data.years[-6:]) & data.coverage["status"].notna()]
    for figures in (coverage.figures, coverage.embeds, coverage.deck_embeds):
        named = [t for f in figures for t in f.data[0].y]
        assert sorted(named) == sorted(set(c["short_name"]))  # every row, once
        for f in figures:
            assert list(f.layout.yaxis.ticktext) == list(f.data[0].y)  # every row has its tick label
            assert len(f.data[0].y) <= 25


def test_no_slide_carries_its_title_or_the_source_note_twice(pack: dict) -> None:
    for slide in Presentation(str(pack["pptx"])).slides:
        texts = _slide_texts(slide)
        assert texts.count(SOURCE_NOTE) == 1
        titles = [t for t in texts if " · " in t and "\n" not in t]
        assert len(titles) == len(set(titles)), titles


def test_problem_slide_names_rules_in_chinese(pack: dict) -> None:
    slide = _slide_by_title(Presentation(str(pack["pptx"])), "数据问题")
    table = next(s.table for s in slide.shapes if s.has_table)
    header = [c.text for c in table.rows[0].cells]
    assert header[0] == "问题类型"
    names = [r.cells[0].text for r in list(table.rows)[1:]]
    assert names and all(re.search(r"[\u4e00-\u9fff]", n) and not re.search(r"[A-Z_]{2,}", n) for n in names)


def test_brief_styles_set_east_asian_fonts(pack: dict) -> None:
    doc = Document(str(pack["docx"]))

    def east_asian(style: str) -> str:
        return doc.styles[style].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asian("Normal") == "仿宋_GB2312"
    assert east_asian("Heading 1") == "黑体"
    assert doc.styles["Normal"].font.size.pt == 16  # 三号
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_brief_footer_numbers_pages_with_a_page_field(pack: dict) -> None:
    footer = Document(str(pack["docx"])).sections[0].footer.paragraphs[0]
    instructions = [el.text.strip() for el in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")


def test_brief_has_title_block_headings_figures_and_definitions(pack: dict, charts: list) -> None:
    doc = Document(str(pack["docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("数据范围：") and "应报" in t for t in texts)
    assert any(t.startswith("生成日期：") for t in texts)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、基本情况" and headings[-1] == "附录　指标说明"
    assert all(re.match(r"^[一二三四五六七八九十]、", h) for h in headings[:-1])
    assert len(doc.inline_shapes) == sum(len(c.embeds) for c in charts)
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions[0] == f"图1　{charts[0].title}"
    assert texts.count(SOURCE_NOTE) == 1
    definitions = doc.tables[-1]
    assert [c.text for c in definitions.rows[0].cells] == ["指标", "单位", "定义", "口径说明"]


def test_brief_table_columns_are_at_least_as_wide_as_their_headers(pack: dict) -> None:
    doc = Document(str(pack["docx"]))
    for table in doc.tables:
        # gridCol widths are in twentieths of a point: the grid LibreOffice and Word lay the table out by
        widths = [int(c.get(qn("w:w"))) / 20 / 72 * 2.54 for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert widths
        for width, cell in zip(widths, table.rows[0].cells, strict=True):
            assert width + 1e-6 >= text_width_cm(cell.text, TABLE_PT), (cell.text, width)


def test_brief_prose_states_the_takeaway_of_applications(pack: dict, charts: list) -> None:
    text = "\n".join(p.text for p in Document(str(pack["docx"])).paragraphs)
    assert charts[0].key == "applications_trend" and charts[0].takeaway in text
    assert "主要发现：" in text


def test_comparability_note_is_stated_when_the_two_years_had_different_agencies(pack: dict, db: Path) -> None:
    # 2023 has 洪泽区 and 2024 has 上海市科委 besides the simulated agencies: the growth is not like for like
    note = comparability_note(load_pack_data(YEAR, None, db))
    assert "两年均有" in note
    assert note in _slide_texts(list(Presentation(str(pack["pptx"])).slides)[2])
    assert note in [p.text for p in Document(str(pack["docx"])).paragraphs]


def test_workbook_sheets_have_chinese_headers_frozen_row_and_numbers(pack: dict) -> None:
    wb = load_workbook(pack["xlsx"])
    assert {"关键指标", "单位排名", "年度数据", "缺报名单", "数据问题", "指标说明"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        if ws.title != "说明":
            assert ws.freeze_panes == "A2", ws.title
            assert all(re.search(r"[\u4e00-\u9fff]", str(c.value)) for c in ws[1] if c.value), ws.title
    ranking = wb["单位排名"]
    assert [c.value for c in ranking[1]][:7] == ["类别", "名次", "上年名次", "名次变化", "单位", "类型", "本年新收申请（件）"]
    values = [r[6].value for r in ranking.iter_rows(min_row=2)]
    assert values and all(isinstance(v, int | float) for v in values if v is not None)


def test_workbook_rate_changes_are_in_percentage_points(pack: dict, db: Path) -> None:
    data = load_pack_data(YEAR, None, db)
    ws = load_workbook(pack["xlsx"])["关键指标"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "实质公开率")
    change = row[header.index("变化")]
    cur, prev = data.year_value("disclosure_rate", YEAR)[0], data.year_value("disclosure_rate", YEAR - 1)[0]
    assert change.value == pytest.approx((cur - prev) * 100)
    assert "个百分点" in change.number_format
    assert row[header.index(f"{YEAR}年")].number_format == "0.0%"


def test_workbook_yearly_totals_match_the_overview_query(pack: dict, db: Path) -> None:
    overview = run_query("scope_indicator_totals", db=db, regions=None, kinds=None, agency_ids=None,
                         include_suspect=False, year_from=2000, year_to=YEAR)
    ws = load_workbook(pack["xlsx"])["年度数据"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    got = {(r["指标"], r["年度"]): r["数值"] for r in rows if r["指标"] in ("本年新收申请", "行政处罚处理决定")}
    want = overview[overview["indicator"].isin(["applications_new", "penalty_decisions"]) & (overview["year"] <= YEAR)]
    names = {"applications_new": "本年新收申请", "penalty_decisions": "行政处罚处理决定"}
    assert got and len(got) == len(want)
    for row in want.itertuples(index=False):
        assert got[(names[row.indicator], row.year)] == pytest.approx(row.value)


def test_disclosure_rate_is_recomputed_from_totals_not_a_sum_of_ratios(pack: dict, db: Path) -> None:
    o = run_query("scope_indicator_totals", db=db, regions=None, kinds=None, agency_ids=None,
                  include_suspect=False, year_from=YEAR, year_to=YEAR).set_index("indicator")["value"]
    want = o["disclosure_rate"]  # sum(予以公开 + 部分公开) / sum(办理结果总计) over the reports stating both
    assert want < 1 and want != o.get("granted")
    ws = load_workbook(pack["xlsx"])["关键指标"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "实质公开率")
    assert row[2] == pytest.approx(want)


def test_agency_subset_counts_only_the_chosen_agencies(db: Path) -> None:
    agencies = run_query("app_agencies", db=db)
    chosen = agencies[(agencies["reports"] > 0) & (agencies["last_year"] == YEAR)].head(2)
    ids = [int(a) for a in chosen["agency_id"]]
    data = load_pack_data(YEAR, ids, db)
    per = run_query("compare_agency_year", db=db, num=["penalty_decisions"], den=None, year_from=YEAR, year_to=YEAR,
                    regions=None, kinds=None, agency_ids=ids, include_suspect=False)
    total = data.totals[(data.totals["indicator"] == "penalty_decisions") & (data.totals["year"] == YEAR)]
    assert total["value"].sum() == pytest.approx(per["value"].sum())
    assert set(data.reports["agency_id"]) == set(ids)


def test_growth_is_not_claimed_between_years_of_different_agencies(db: Path) -> None:
    pingtan = resolve_agencies(["平潭综合实验区", "上海市科委"], db)
    data = load_pack_data(2025, pingtan, db)
    sentence = total_sentence(data, "applications_new")
    # 2024 is 上海市科委's report, 2025 平潭's: no growth is claimed between them
    assert ("不作比较" in sentence or "无可比" in sentence) and "增长" not in sentence


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
def test_deck_and_brief_convert_to_pdf_with_a_cjk_font_and_render_every_page(pack: dict, tmp_path: Path) -> None:
    for kind in ("pptx", "docx"):
        out = tmp_path / kind
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(pack[kind])],
                       check=True, capture_output=True, timeout=300)
        pdf = next(out.glob("*.pdf"))
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "WenQuanYi" in fonts or "CJK" in fonts, fonts
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "数据来源" in text
        pages = int(re.search(r"^Pages:\s+(\d+)$", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                    text=True).stdout, re.M).group(1))
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(out / "page")], check=True)
        assert len(list(out.glob("page-*.png"))) == pages
        if kind == "pptx":
            assert pages == len(Presentation(str(pack[kind])).slides)
        else:
            assert re.search(r"—\s*2\s*—", text)  # the PAGE field is numbered by the renderer


def test_a_fall_driven_by_a_unit_without_a_report_this_year_names_it(db: Path) -> None:
    # 洪泽区 reported 4,119 行政处罚 for 2023 and has no 2024 report: that, not a township, is the fall
    sentence = total_sentence(load_pack_data(YEAR, None, db), "penalty_decisions")
    assert "减量主要来自洪泽区（-4,119件，本年无报告）" in sentence


def test_a_ranking_takeaway_names_every_unit_that_shares_the_top_value(charts: list) -> None:
    rankings = [c for c in charts if "_ranking" in c.key]
    assert rankings
    for chart in rankings:
        values = chart.native.series[0][1]
        top = max(values)
        tied = [name for name, v in zip(chart.native.categories, values, strict=True) if v == top]
        named = [name for name in tied if name in chart.takeaway]
        assert len(named) == min(len(tied), 3), (chart.title, chart.takeaway, tied)
        if len(tied) > 3:
            assert f"等 {len(tied)} 个单位" in chart.takeaway
