"""The Word brief (会议材料, DOCX): headings, key figures in prose, the charts, a ranking table, findings, definitions.

Chinese fonts are set in the document's styles — 仿宋 for the body, 黑体 for headings, 宋体 in tables — through
w:rFonts/@w:eastAsia, because python-docx's font.name only sets the Latin typeface.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.charts import SOURCE_NOTE
from dashboard.export import takeaways as tk
from dashboard.export.data import PackData
from dashboard.export.figures import Chart
from dashboard.export.tables import cell_text, definitions_table, findings_by_rule_zh, findings_table, ranking_zh

BODY_FONT, HEADING_FONT, TABLE_FONT = "仿宋", "黑体", "宋体"
TABLE_STYLE = "表格文字"
SECTIONS = ["依申请公开", "复议诉讼", "主动公开", "数据质量"]
NUMERALS = "一二三四五六七八九十"
MAX_FINDINGS = 30


def set_style_font(style, east_asian: str, size: float, bold: bool = False, latin: str = "Times New Roman") -> None:  # noqa: ANN001
    """Give a style a Latin and an East Asian typeface (w:rFonts/@w:eastAsia), size and weight."""
    style.font.name = latin
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # a theme font would override the named one


def _styles(doc: Document) -> None:
    set_style_font(doc.styles["Normal"], BODY_FONT, 14)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    doc.styles["Normal"].paragraph_format.first_line_indent = Pt(28)
    set_style_font(doc.styles["Title"], HEADING_FONT, 22, bold=True)
    for level, size in ((1, 16), (2, 15)):
        style = doc.styles[f"Heading {level}"]
        set_style_font(style, HEADING_FONT, size, bold=(level == 1))
        style.paragraph_format.first_line_indent = Pt(0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
    caption = doc.styles["Caption"]
    set_style_font(caption, BODY_FONT, 11)
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_style_font(doc.styles["Table Grid"], TABLE_FONT, 10.5)
    cell = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = doc.styles["Normal"]
    set_style_font(cell, TABLE_FONT, 10.5)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.space_after = Pt(0)


def _plain(doc: Document, text: str, style: str | None = None, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    p = doc.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)


def _widths(df: pd.DataFrame, total_cm: float) -> list[float]:
    """Column widths in proportion to their longest text (a CJK character counts twice), within bounds."""
    def width(text: object) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))

    need = [min(max(width(col) / 2, *(width(cell_text(v, str(col))) for v in df[col].head(100)), 4), 40)
            for col in df.columns]
    return [total_cm * n / sum(need) for n in need]


def add_table(doc: Document, df: pd.DataFrame, widths_cm: list[float] | None = None, total_cm: float = 15.8,
              size: float | None = None) -> None:
    """A grid table with a bold header row repeated on every page; numbers formatted as the dashboard shows them."""
    table = doc.add_table(rows=len(df) + 1, cols=len(df.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    trpr = table.rows[0]._tr.get_or_add_trPr()  # noqa: SLF001 — python-docx has no API for a repeated header
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    widths = [Cm(w) for w in (widths_cm or _widths(df, total_cm))]
    for j, w in enumerate(widths):
        table.columns[j].width = w  # the grid LibreOffice reads
    cell_style = doc.styles[TABLE_STYLE].style_id  # by id: python-docx looks a style object up among all styles
    lines = [[str(c) for c in df.columns]]
    lines += [[cell_text(v, str(c)) for v, c in zip(row, df.columns, strict=True)] for row in df.itertuples(index=False)]
    for i, (row, texts) in enumerate(zip(table.rows, lines, strict=True)):
        for cell, text, w in zip(row.cells, texts, widths, strict=True):
            cell.width = w  # the cell widths Word reads
            p = cell.paragraphs[0]
            p._p.style = cell_style  # noqa: SLF001
            run = p.add_run(text)
            if i == 0:
                run.font.bold = True
            if size:
                run.font.size = Pt(size)


def _key_prose(data: PackData) -> str:
    parts = []
    for k in tk.key_figures(data):
        if k["value"] is None:
            continue
        change = k["change_text"] if k["previous"] is not None else ""
        parts.append(f"{k['name_zh']}{k['value_text']}" + (f"，{change}" if change else ""))
    return "全年" + "；".join(parts) + "。" if parts else "本年各报告均未填报主要指标。"


def _chart(doc: Document, chart: Chart, image: Path, number: int, width_cm: float) -> None:
    _plain(doc, chart.takeaway + (f"（{chart.note.removeprefix('注：').rstrip('。')}。）" if chart.note else ""))
    doc.add_picture(str(image), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraphs[-1].paragraph_format.first_line_indent = Pt(0)
    _plain(doc, f"图{number}　{chart.title}", style="Caption")


def write_brief(data: PackData, charts: list[Chart], images: dict[str, Path], path: Path) -> Path:
    """Write the DOCX brief to `path`."""
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.6))
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.text = SOURCE_NOTE
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.paragraph_format.first_line_indent = Pt(0)
    text_width = 21 - 2 * 2.6

    doc.add_paragraph(f"{data.scope}{data.year}年度政府信息公开工作年度报告数据简报", style="Title").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    _plain(doc, f"（会议材料 · {date.today():%Y年%m月%d日}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    if "simulated" in data.reports and bool(data.reports["simulated"].fillna(False).any()):
        _plain(doc, "注意：本材料含模拟数据，不是真实报告。", align=WD_ALIGN_PARAGRAPH.CENTER)

    n = 0
    doc.add_heading(f"{NUMERALS[n]}、基本情况", level=1)
    _plain(doc, tk.coverage_sentence(data))
    _plain(doc, _key_prose(data))
    figure_no = 0
    for name in SECTIONS[:-1]:
        in_section = [c for c in charts if c.section == name]
        if not in_section:
            continue
        n += 1
        doc.add_heading(f"{NUMERALS[n]}、{name}", level=1)
        for chart in in_section:
            figure_no += 1
            _chart(doc, chart, images[chart.key], figure_no, text_width)

    ranking = ranking_zh(data)
    if not ranking.empty:
        n += 1
        doc.add_heading(f"{NUMERALS[n]}、单位排名", level=1)
        _plain(doc, tk.top_sentence(data, "applications_new") + "各单位主要指标如下（按本年新收申请排序）：")
        cols = [c for c in ranking.columns if c != "类型"][:8]
        add_table(doc, ranking[cols], size=9)

    n += 1
    doc.add_heading(f"{NUMERALS[n]}、数据质量", level=1)
    _plain(doc, tk.findings_sentence(data))
    for chart in (c for c in charts if c.section == SECTIONS[-1]):
        figure_no += 1
        _chart(doc, chart, images[chart.key], figure_no, text_width)
    by_rule = findings_by_rule_zh(data)
    if not by_rule.empty:
        _plain(doc, "数据问题按类型统计如下（不含经核实驳回的）：")
        add_table(doc, by_rule)
    errors = findings_table(data)
    errors = errors[errors["严重程度"] == "错误"].head(MAX_FINDINGS)
    if not errors.empty:
        _plain(doc, f"错误类问题清单（前 {len(errors)} 条，完整清单见 Excel）：")
        add_table(doc, errors[["单位", "问题类型", "说明"]], [3.0, 3.2, 9.6])

    doc.add_heading("附录　指标说明", level=1)
    add_table(doc, definitions_table(data)[["指标", "单位", "定义", "口径说明"]], [3.0, 1.4, 7.0, 4.4])
    _plain(doc, SOURCE_NOTE)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
