"""The meeting deck (PPTX, 16:9): title, key figures, one chart per slide with its takeaway, rankings, findings.

Every slide carries the source note. Text boxes are placed on the blank layout, not in the template's
placeholders, so the deck looks the same in PowerPoint, WPS and LibreOffice; Chinese runs get an East Asian
typeface (a:ea) because python-pptx's font.name only sets the Latin one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.charts import SOURCE_NOTE
from dashboard.export import takeaways as tk
from dashboard.export.data import PackData
from dashboard.export.figures import Chart
from dashboard.export.tables import cell_text, findings_by_rule_zh, ranking_zh

FONT_EA = "微软雅黑"
FONT_LATIN = "Arial"
BLUE = RGBColor(0x1F, 0x5F, 0xA8)
DARK = RGBColor(0x1D, 0x27, 0x33)
GREY = RGBColor(0x5F, 0x6B, 0x7A)
RED = RGBColor(0xB0, 0x3A, 0x48)
W, H = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in: PowerPoint's own 16:9 size
MARGIN = Inches(0.5)
RANK_ROWS = 12


def _font(run, size: float, bold: bool = False, color: RGBColor = DARK) -> None:  # noqa: ANN001 — pptx run
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    run.font.name = FONT_LATIN
    rpr = run._r.get_or_add_rPr()  # noqa: SLF001 — python-pptx has no East Asian font API
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT_EA)


def _text(slide, left, top, width, height, text: str, size: float, bold: bool = False,  # noqa: ANN001
          color: RGBColor = DARK, align: PP_ALIGN = PP_ALIGN.LEFT, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = line
        _font(run, size, bold, color)
    return box


def _slide(prs: Presentation, title: str | None) -> object:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    if title:
        _text(slide, MARGIN, Inches(0.3), W - 2 * MARGIN, Inches(0.7), title, 26, True, BLUE)
    _text(slide, MARGIN, H - Inches(0.45), W - 2 * MARGIN - Inches(1), Inches(0.35), SOURCE_NOTE, 11, color=GREY)
    _text(slide, W - MARGIN - Inches(1), H - Inches(0.45), Inches(1), Inches(0.35), str(len(prs.slides)), 11,
          color=GREY, align=PP_ALIGN.RIGHT)
    return slide


def _title_slide(prs: Presentation, data: PackData, simulated: bool) -> None:
    slide = _slide(prs, None)
    _text(slide, MARGIN, Inches(2.2), W - 2 * MARGIN, Inches(1.2), f"{data.year}年度政府信息公开工作年度报告数据分析",
          36, True, BLUE, PP_ALIGN.CENTER)
    sub = f"{data.scope} · 会议材料 · {date.today():%Y年%m月%d日}"
    _text(slide, MARGIN, Inches(3.6), W - 2 * MARGIN, Inches(0.6), sub, 20, color=DARK, align=PP_ALIGN.CENTER)
    if simulated:
        _text(slide, MARGIN, Inches(4.4), W - 2 * MARGIN, Inches(0.5), "注意：本材料含模拟数据，不是真实报告。", 18, True,
              RED, PP_ALIGN.CENTER)


def _key_slide(prs: Presentation, data: PackData) -> None:
    slide = _slide(prs, f"{data.year}年关键数据 · {data.scope}")
    _text(slide, MARGIN, Inches(1.0), W - 2 * MARGIN, Inches(0.5), tk.coverage_sentence(data), 16, color=DARK)
    note = tk.comparability_note(data)
    if note:
        _text(slide, MARGIN, H - Inches(0.85), W - 2 * MARGIN, Inches(0.4), note, 12, color=GREY)
    figures = tk.key_figures(data)
    cols, gap = 5, Inches(0.2)
    tile_w = Emu(int((W - 2 * MARGIN - gap * (cols - 1)) / cols))
    tile_h = Inches(2.3)
    for i, k in enumerate(figures):
        left = MARGIN + (tile_w + gap) * (i % cols)
        top = Inches(1.7) + (tile_h + gap) * (i // cols)
        shape = slide.shapes.add_shape(1, left, top, tile_w, tile_h)  # 1 = rectangle
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(0xF1, 0xF5, 0xFA)
        shape.line.color.rgb = RGBColor(0xD5, 0xDF, 0xEA)
        pad = Inches(0.12)
        _text(slide, left + pad, top + pad, tile_w - 2 * pad, Inches(0.5), k["name_zh"], 14, color=GREY)
        _text(slide, left + pad, top + Inches(0.6), tile_w - 2 * pad, Inches(0.8), k["value_text"], 28, True, BLUE)
        _text(slide, left + pad, top + Inches(1.45), tile_w - 2 * pad, Inches(0.8), k["change_text"], 12, color=DARK)


def _chart_slide(prs: Presentation, chart: Chart, image: Path) -> None:
    slide = _slide(prs, chart.title)
    _text(slide, MARGIN, Inches(0.95), W - 2 * MARGIN, Inches(0.75), chart.takeaway, 16, True, DARK)
    bottom = Inches(0.95) if chart.note else Inches(0.6)
    if chart.note:
        _text(slide, MARGIN, H - Inches(0.85), W - 2 * MARGIN, Inches(0.4), chart.note, 12, color=GREY)
    box_top, box_h, box_w = Inches(1.75), H - Inches(1.75) - bottom, W - 2 * MARGIN
    with Image.open(image) as im:
        ratio = im.width / im.height
    w, h = (box_w, Emu(int(box_w / ratio))) if box_w / ratio <= box_h else (Emu(int(box_h * ratio)), box_h)
    slide.shapes.add_picture(str(image), MARGIN + Emu(int((box_w - w) / 2)), box_top, w, h)


def _table(slide, df: pd.DataFrame, top: Emu, height: Emu, size: float = 12) -> None:  # noqa: ANN001
    rows, cols = len(df) + 1, len(df.columns)
    shape = slide.shapes.add_table(rows, cols, MARGIN, top, W - 2 * MARGIN, height)
    table = shape.table
    for j, col in enumerate(df.columns):
        cell = table.cell(0, j)
        cell.text = ""
        run = cell.text_frame.paragraphs[0].add_run()
        run.text = str(col)
        _font(run, size, True, RGBColor(0xFF, 0xFF, 0xFF))
    for i, row in enumerate(df.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            run = cell.text_frame.paragraphs[0].add_run()
            run.text = cell_text(value, str(df.columns[j]))
            _font(run, size)


def _ranking_slide(prs: Presentation, data: PackData) -> None:
    table = ranking_zh(data)
    if table.empty:
        return
    shown = table.head(RANK_ROWS).drop(columns=["类型"])
    shown = shown[[c for c in shown.columns if not c.startswith(("行政许可", "行政处罚"))]]
    slide = _slide(prs, f"单位排名 · {data.year}年 · {data.scope}")
    more = f"（共 {len(table)} 个单位，显示前 {len(shown)} 名；完整排名见 Excel）" if len(table) > RANK_ROWS else ""
    _text(slide, MARGIN, Inches(0.95), W - 2 * MARGIN, Inches(0.6), tk.top_sentence(data, "applications_new") + more,
          15, True)
    _table(slide, shown, Inches(1.65), Inches(0.38) * (len(shown) + 1), 12)


def _quality_slide(prs: Presentation, data: PackData) -> None:
    slide = _slide(prs, f"数据质量 · {data.year}年 · {data.scope}")
    _text(slide, MARGIN, Inches(0.95), W - 2 * MARGIN, Inches(1.0),
          tk.findings_sentence(data) + "\n" + tk.coverage_sentence(data), 15, True)
    by_rule = findings_by_rule_zh(data).head(8)
    if not by_rule.empty:
        _table(slide, by_rule, Inches(2.1), Inches(0.38) * (len(by_rule) + 1), 12)
    errors = data.findings[data.findings["severity"] == "error"].head(4)
    if not errors.empty:
        lines = "\n".join(f"• {r.short_name}：{r.message[:80]}" for r in errors.itertuples(index=False))
        top = Inches(2.3) + Inches(0.38) * (len(by_rule) + 1)
        _text(slide, MARGIN, top, W - 2 * MARGIN, H - top - Inches(0.6), "错误示例：\n" + lines, 12, color=DARK)


def write_deck(data: PackData, charts: list[Chart], images: dict[str, Path], path: Path) -> Path:
    """Write the 16:9 deck to `path`: title, key figures, one slide per chart, rankings, data quality."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    simulated = bool(data.reports["simulated"].fillna(False).any()) if "simulated" in data.reports else False
    _title_slide(prs, data, simulated)
    _key_slide(prs, data)
    for chart in charts:
        _chart_slide(prs, chart, images[chart.key])
    _ranking_slide(prs, data)
    _quality_slide(prs, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path
