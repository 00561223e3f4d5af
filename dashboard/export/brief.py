"""The Word brief (会议材料, DOCX) in the usual 公文-like layout.

A4; body 仿宋_GB2312 三号 (仿宋 where GB2312 is not installed: the font table names it as the alternative);
headings 黑体; a title block (标题, 数据范围, 生成日期); 一、二、三、 headings; the findings in prose; figures
captioned 图1 …; tables whose columns fit their content (numbers right-aligned, a header never wrapped one
character per line); the source note once; an appendix of indicator definitions; page numbers "— N —" at the
foot (a PAGE field). Chinese fonts are set through w:rFonts/@w:eastAsia, because python-docx's font.name only sets
the Latin typeface.
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
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from dashboard.charts import SOURCE_NOTE
from dashboard.export import takeaways as tk
from dashboard.export.data import PackData, ranking_table
from dashboard.export.figures import Chart
from dashboard.export.tables import (
    cell_text,
    definitions_table,
    findings_by_rule_zh,
    findings_table,
    non_reporters_table,
    ranking_zh,
)

BODY_FONT, BODY_FALLBACK, HEADING_FONT, TITLE_FONT, TABLE_FONT = "仿宋_GB2312", "仿宋", "黑体", "黑体", "仿宋_GB2312"
BODY_PT, TABLE_PT = 16, 10.5  # 三号; 五号 in tables
TABLE_STYLE = "表格文字"
SECTIONS = ["依申请公开", "复议诉讼", "主动公开", "数据质量"]
NUMERALS = "一二三四五六七八九十"
MAX_FINDINGS = 30
RANK_ROWS = 15
# The ranking's headers as a page column can hold them (the lead sentence names the indicator in full).
SHORT_HEADERS = {"本年新收申请（件）": "新收申请（件）", "上年新收申请（件）": "上年（件）", "办理结果总计（件）": "办结（件）",
                 "行政复议总计（件）": "复议（件）", "行政诉讼总计（件）": "诉讼（件）", "行政许可处理决定（件）": "许可（件）",
                 "行政处罚处理决定（件）": "处罚（件）"}
# The ranking's columns in the brief (the workbook has every ranked indicator): as 对比 shows them.
RANK_COLUMNS = ("名次", "上年名次", "名次变化", "单位", "新收申请（件）", "上年（件）", "变化（件）", "状态")
PAGE_W, MARGIN_LR = 21.0, 2.7
TEXT_W = PAGE_W - 2 * MARGIN_LR
CELL_PAD_CM = 0.4  # Word's default left + right cell margins (0.19 cm each) and a little air


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


def _font_alternative(doc: Document, name: str, alternative: str) -> None:
    """Name `alternative` as the stand-in for `name` in the font table (Word and WPS use it when `name` is missing)."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    element = getattr(part, "element", None)
    root = element if element is not None else parse_xml(part.blob)
    font = OxmlElement("w:font")
    font.set(qn("w:name"), name)
    alt = OxmlElement("w:altName")
    alt.set(qn("w:val"), alternative)
    font.append(alt)
    charset = OxmlElement("w:charset")
    charset.set(qn("w:val"), "86")  # GB2312
    font.append(charset)
    root.append(font)
    if element is None:
        from lxml import etree

        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # noqa: SLF001


def _styles(doc: Document) -> None:
    set_style_font(doc.styles["Normal"], BODY_FONT, BODY_PT)
    doc.styles["Normal"].paragraph_format.line_spacing = Pt(28)  # 公文: 固定值 28 磅
    doc.styles["Normal"].paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    set_style_font(doc.styles["Title"], TITLE_FONT, 22, bold=False)
    doc.styles["Title"].paragraph_format.first_line_indent = Pt(0)
    for level in (1, 2):
        style = doc.styles[f"Heading {level}"]
        set_style_font(style, HEADING_FONT if level == 1 else "楷体_GB2312", BODY_PT, bold=False)
        style.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing = Pt(28)
        style.paragraph_format.keep_with_next = True
    caption = doc.styles["Caption"]
    set_style_font(caption, HEADING_FONT, 12)
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_after = Pt(8)
    set_style_font(doc.styles["Table Grid"], TABLE_FONT, TABLE_PT)
    cell = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = doc.styles["Normal"]
    set_style_font(cell, TABLE_FONT, TABLE_PT)
    cell.paragraph_format.first_line_indent = Pt(0)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.space_after = Pt(0)
    for name in (BODY_FONT, "楷体_GB2312"):
        _font_alternative(doc, name, BODY_FALLBACK if name == BODY_FONT else "楷体")


def _plain(doc: Document, text: str, style: str | None = None, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    p = doc.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)


# ---- tables ----

def text_width_cm(text: str, size_pt: float) -> float:
    """How wide a line of text is: a CJK character is one em, a digit or Latin letter half an em."""
    em_cm = size_pt * 2.54 / 72
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in str(text)) * em_cm


def _numeric(df: pd.DataFrame, col: str) -> bool:
    return pd.api.types.is_numeric_dtype(df[col])


def column_widths(df: pd.DataFrame, size_pt: float, total_cm: float = TEXT_W,
                  wrap: tuple[str, ...] = ()) -> list[float] | None:
    """Widths (cm) that fit each column's header and longest value on one line; `wrap` columns (long prose) share
    what is left, never narrower than their header. None when the columns cannot fit in `total_cm`."""
    texts = {c: [cell_text(v, str(c)) for v in df[c]] for c in df.columns}
    need = {c: max([text_width_cm(c, size_pt), *(text_width_cm(t, size_pt) for t in texts[c])]) + CELL_PAD_CM
            for c in df.columns}
    floor = {c: text_width_cm(c, size_pt) + CELL_PAD_CM for c in df.columns}
    fixed = sum(need[c] for c in df.columns if c not in wrap)
    free = total_cm - fixed
    wrapped = [c for c in df.columns if c in wrap]
    if wrapped:
        want = sum(need[c] for c in wrapped)
        share = {c: max(floor[c], free * need[c] / want if want else 0) for c in wrapped}
        if fixed + sum(share.values()) > total_cm + 1e-6:
            return None
        if want <= free:
            share = {c: need[c] for c in wrapped}
        need.update(share)
    elif fixed > total_cm:
        return None
    return [need[c] for c in df.columns]


def fit_columns(df: pd.DataFrame, size_pt: float, total_cm: float = TEXT_W) -> pd.DataFrame:
    """The first columns of `df` that fit the text width side by side (later columns dropped; the workbook has all)."""
    cols = list(df.columns)
    while len(cols) > 2 and column_widths(df[cols], size_pt, total_cm) is None:
        cols.pop()
    return df[cols]


def add_table(doc: Document, df: pd.DataFrame, size: float = TABLE_PT, wrap: tuple[str, ...] = ()) -> None:
    """A grid table with a bold header row repeated on every page; widths fit content; numbers right-aligned."""
    widths = column_widths(df, size, wrap=wrap) or [TEXT_W / len(df.columns)] * len(df.columns)
    table = doc.add_table(rows=len(df) + 1, cols=len(df.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    trpr = table.rows[0]._tr.get_or_add_trPr()  # noqa: SLF001 — python-docx has no API for a repeated header
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for j, w in enumerate(widths):
        table.columns[j].width = Cm(w)  # the grid LibreOffice reads
    cell_style = doc.styles[TABLE_STYLE].style_id  # by id: python-docx looks a style object up among all styles
    numeric = [_numeric(df, str(c)) for c in df.columns]
    lines = [[str(c) for c in df.columns]]
    lines += [[cell_text(v, str(c)) for v, c in zip(row, df.columns, strict=True)] for row in df.itertuples(index=False)]
    for i, (row, texts) in enumerate(zip(table.rows, lines, strict=True)):
        for j, (cell, text, w) in enumerate(zip(row.cells, texts, widths, strict=True)):
            cell.width = Cm(w)  # the cell widths Word reads
            p = cell.paragraphs[0]
            p._p.style = cell_style  # noqa: SLF001
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] else (
                WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT)
            run = p.add_run(text)
            run.font.size = Pt(size)
            if i == 0:
                run.font.bold = True
            if text.startswith(("+", "-", "−")) or text[:1].isdigit():
                # A number never splits over two lines ("+15" stayed whole only when its column was wide enough).
                no_wrap = OxmlElement("w:noWrap")
                cell._tc.get_or_add_tcPr().append(no_wrap)  # noqa: SLF001


# ---- page furniture ----

def _field(paragraph, instruction: str) -> None:  # noqa: ANN001
    """A Word field (e.g. PAGE) in a paragraph: begin, instruction, separate, a placeholder result, end."""
    def char(kind: str) -> OxmlElement:
        run = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        run.append(fld)
        return run

    paragraph._p.append(char("begin"))  # noqa: SLF001
    instr = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr.append(text)
    paragraph._p.append(instr)  # noqa: SLF001
    paragraph._p.append(char("separate"))  # noqa: SLF001
    result = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    result.append(t)
    paragraph._p.append(result)  # noqa: SLF001
    paragraph._p.append(char("end"))  # noqa: SLF001


def _page_numbers(section) -> None:  # noqa: ANN001
    """'— N —' centred at the foot of every page (a PAGE field, so Word and WPS number the pages)."""
    p = section.footer.paragraphs[0]
    p.text = ""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.add_run("— ")
    _field(p, "PAGE")
    p.add_run(" —")
    for run in p.runs:
        run.font.size = Pt(14)


def _setup_page(doc: Document) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_W), Cm(29.7)
    section.left_margin = section.right_margin = Cm(MARGIN_LR)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.footer_distance = Cm(2.5)
    _page_numbers(section)


# ---- content ----

def _title_block(doc: Document, data: PackData) -> None:
    doc.add_paragraph(f"{data.scope}{data.year}年度政府信息公开工作年度报告数据简报", style="Title").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    coverage = f"数据范围：{data.scope}，{data.year}年度（收到 {data.received} / 应报 {data.expected} 份报告）"
    if data.not_due:
        coverage = f"数据范围：{data.scope}，{data.year}年度报告{data.not_due}"
    _plain(doc, coverage, align=WD_ALIGN_PARAGRAPH.CENTER)
    if tk.is_partial(data):
        _plain(doc, "本年数据不全：以下合计只含已收到的报告。", align=WD_ALIGN_PARAGRAPH.CENTER)
    _plain(doc, f"生成日期：{date.today():%Y年%m月%d日}", align=WD_ALIGN_PARAGRAPH.CENTER)
    if "simulated" in data.reports and bool(data.reports["simulated"].fillna(False).any()):
        _plain(doc, "注意：本材料含模拟数据，不是真实报告。", align=WD_ALIGN_PARAGRAPH.CENTER)


def _key_prose(data: PackData) -> str:
    parts = []
    for k in tk.key_figures(data):
        if k["value"] is None:
            continue
        change = k["change_text"] if k["previous"] is not None else ""
        parts.append(f"{k['name_zh']}{k['value_text']}" + (f"，{change}" if change else ""))
    return f"{data.year}年，" + "；".join(parts) + "。" if parts else "本年各报告均未填报主要指标。"


def _chart(doc: Document, chart: Chart, images: list[Path], number: int) -> None:
    _plain(doc, chart.takeaway)  # the comparability note is stated once, under 基本情况
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # a takeaway stays on the page of its figure
    for k, image in enumerate(images, start=1):
        doc.add_picture(str(image), width=Cm(TEXT_W))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.paragraphs[-1].paragraph_format.first_line_indent = Pt(0)
        doc.paragraphs[-1].paragraph_format.line_spacing = 1.0
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        page = f"（{k}/{len(images)}）" if len(images) > 1 else ""
        _plain(doc, f"图{number}　{chart.title}{page}", style="Caption")


def write_brief(data: PackData, charts: list[Chart], images: dict[str, list[Path]], path: Path) -> Path:
    """Write the DOCX brief to `path`; `images` holds each chart's bare picture(s)."""
    doc = Document()
    _styles(doc)
    _setup_page(doc)
    _title_block(doc, data)

    n = 0
    doc.add_heading(f"{NUMERALS[n]}、基本情况", level=1)
    _plain(doc, tk.coverage_sentence(data))
    _plain(doc, _key_prose(data))
    note = tk.comparability_note(data)
    if note:
        _plain(doc, note)
    points = [p for p in tk.key_points(data) if p != tk.coverage_sentence(data)]
    _plain(doc, "主要发现：" + "".join(p if p.endswith("。") else p + "。" for p in points))
    figure_no = 0
    for name in SECTIONS[:-1]:
        in_section = [c for c in charts if c.section == name]
        if not in_section:
            continue
        n += 1
        doc.add_heading(f"{NUMERALS[n]}、{name}", level=1)
        for chart in in_section:
            figure_no += 1
            _chart(doc, chart, images.get(chart.key, []), figure_no)

    ranking = ranking_zh(data)
    if not ranking.empty:
        n += 1
        doc.add_heading(f"{NUMERALS[n]}、单位排名", level=1)
        _plain(doc, tk.top_sentence(data, "applications_new") + "各类单位分别按本年新收申请排名（乡镇与乡镇、部门与部门"
                    "相比，与看板“对比”页相同；其他指标见数据表“单位排名”）：")
        raw = ranking_table(data)
        for group in dict.fromkeys(ranking["类别"]):
            rows = ranking[ranking["类别"] == group].rename(columns=SHORT_HEADERS)
            shown = rows[list(RANK_COLUMNS)].head(RANK_ROWS)
            in_group = raw[raw["group"] == group]
            more = f"下表列前 {len(shown)} 行。" if len(rows) > len(shown) else ""
            _plain(doc, tk.ranking_sentence(data, group, in_group) + more + tk.ranking_words_note(in_group))
            add_table(doc, shown, wrap=("单位",))  # a long unit name wraps; 状态 (未报, 存疑未计) is never cut off

    n += 1
    doc.add_heading(f"{NUMERALS[n]}、报送情况与数据质量", level=1)
    missing = non_reporters_table(data)
    if not missing.empty:
        _plain(doc, tk.non_reporter_sentence(data) + "缺报名单如下：")
        add_table(doc, missing)
    for chart in (c for c in charts if c.section == SECTIONS[-1]):
        figure_no += 1
        _chart(doc, chart, images.get(chart.key, []), figure_no)
    quality = tk.quality_sentence(data)
    if quality:
        _plain(doc, quality)
    has_chart = any(c.key == "findings_by_rule" for c in charts)
    _plain(doc, ("" if has_chart else tk.findings_sentence(data)) + tk.suspect_sentence(data))
    by_rule = findings_by_rule_zh(data)
    if not by_rule.empty:
        _plain(doc, "数据问题按类型统计如下（不含经核实排除的和已因更正关闭的）：")
        add_table(doc, by_rule)
    errors = findings_table(data)
    errors = errors[errors["严重程度"] == "错误"].head(MAX_FINDINGS)
    if not errors.empty:
        _plain(doc, f"错误类问题清单（{len(errors)} 条，完整清单见数据表）：")
        add_table(doc, errors[["单位", "问题类型", "说明"]], wrap=("说明",))

    doc.add_heading("附录　指标说明", level=1)
    add_table(doc, definitions_table(data), wrap=("定义", "口径说明"))
    _plain(doc, SOURCE_NOTE)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
