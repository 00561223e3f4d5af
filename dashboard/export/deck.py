"""The meeting deck (PPTX, 16:9): title, 要点, key figures, one slide per chart, rankings, 缺报名单, 数据问题, 说明.

Every content slide has its title once, a one-line takeaway, and the source note once at its foot. Charts are
native PowerPoint charts (python-pptx chart objects holding their data, so staff can restyle them in PowerPoint
or WPS); only what PowerPoint cannot draw (the agency × year matrix) is a picture, rendered at 3×. Text boxes
are placed on the blank layout, not in the template's placeholders, so the deck looks the same in PowerPoint,
WPS and LibreOffice; Chinese runs get an East Asian typeface (a:ea) because python-pptx's font.name only sets
the Latin one.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.catalogue.labels import humanize
from dashboard.charts import CATEGORY_COLORS, NEUTRAL, SOURCE_NOTE, nice_step
from dashboard.export import takeaways as tk
from dashboard.export.data import PackData, ranking_table
from dashboard.export.figures import Chart, NativeChart
from dashboard.export.tables import cell_text, findings_by_rule_zh, findings_table, non_reporters_table, ranking_zh

FONT_EA = "微软雅黑"
FONT_TITLE_EA = "黑体"
FONT_LATIN = "Arial"
BLUE = RGBColor(0x1F, 0x5F, 0xA8)
DARK = RGBColor(0x1D, 0x27, 0x33)
GREY = RGBColor(0x5F, 0x6B, 0x7A)
RED = RGBColor(0xB0, 0x3A, 0x48)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
W, H = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in: PowerPoint's own 16:9 size
MARGIN = Inches(0.5)
TABLE_ROWS = 10  # rows of a table a slide shows at 14 pt; longer tables continue on the next slide
BODY_TOP = Inches(1.75)
FOOT = Inches(0.55)
MESSAGE_CHARS = 70


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _east_asian(rpr, typeface: str) -> None:  # noqa: ANN001 — an a:rPr / a:defRPr element
    for tag in ("a:latin", "a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT_LATIN if tag == "a:latin" else typeface)


def _font(run, size: float, bold: bool = False, color: RGBColor = DARK, face: str = FONT_EA) -> None:  # noqa: ANN001
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    _east_asian(run._r.get_or_add_rPr(), face)  # noqa: SLF001 — python-pptx has no East Asian font API


def _text(slide, left, top, width, height, text: str, size: float, bold: bool = False,  # noqa: ANN001
          color: RGBColor = DARK, align: PP_ALIGN = PP_ALIGN.LEFT, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
          face: str = FONT_EA, bullets: bool = False, spacing: float = 0):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        if spacing:
            p.space_after = Pt(spacing)
        run = p.add_run()
        run.text = ("● " if bullets else "") + line
        _font(run, size, bold, color, face)
    return box


def _slide(prs: Presentation, title: str | None) -> object:
    """A blank slide with its title (once), the source note (once) and the slide number at the foot."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    if title:
        # One line always: a long title (a ranking's "（前15名）") is set smaller rather than run into the takeaway.
        size = 28 if _width_units(title) <= 50 else max(18, int(28 * 50 / _width_units(title)))
        _text(slide, MARGIN, Inches(0.3), W - 2 * MARGIN, Inches(0.7), title, size, True, BLUE, face=FONT_TITLE_EA)
    _text(slide, MARGIN, H - Inches(0.45), W - 2 * MARGIN - Inches(1), Inches(0.35), SOURCE_NOTE, 12, color=GREY)
    _text(slide, W - MARGIN - Inches(1), H - Inches(0.45), Inches(1), Inches(0.35), str(len(prs.slides)), 12,
          color=GREY, align=PP_ALIGN.RIGHT)
    return slide


def _lead(slide, text: str, size: float = 18) -> None:  # noqa: ANN001
    """The slide's takeaway under its title: one line, or two at a smaller size when it is long."""
    if _width_units(text) > 100:
        size = min(size, 16)
    _text(slide, MARGIN, Inches(1.0), W - 2 * MARGIN, Inches(0.7), text, size, True, DARK)


def _note(slide, text: str) -> None:  # noqa: ANN001
    if text:
        _text(slide, MARGIN, H - FOOT - Inches(0.4), W - 2 * MARGIN, Inches(0.4), text, 13, color=GREY)


# ---- opening ----

def _title_slide(prs: Presentation, data: PackData, simulated: bool) -> None:
    slide = _slide(prs, None)
    _text(slide, MARGIN, Inches(1.9), W - 2 * MARGIN, Inches(1.2), f"{data.year}年度政府信息公开工作年度报告数据分析",
          40, True, BLUE, PP_ALIGN.CENTER, face=FONT_TITLE_EA)
    _text(slide, MARGIN, Inches(3.3), W - 2 * MARGIN, Inches(0.6), f"范围：{data.scope}", 24, align=PP_ALIGN.CENTER)
    coverage = f"报告收到 {data.received} 份 / 应报 {data.expected} 份"
    if data.not_due:
        coverage = f"{data.year}年度报告{data.not_due}"
    elif tk.is_partial(data):
        coverage += "（数据不全，合计只含已收到的报告）"
    _text(slide, MARGIN, Inches(4.0), W - 2 * MARGIN, Inches(0.6), coverage, 22,
          color=RED if tk.is_partial(data) else DARK, align=PP_ALIGN.CENTER)
    _text(slide, MARGIN, Inches(4.7), W - 2 * MARGIN, Inches(0.5), f"会议材料 · {date.today():%Y年%m月%d日}", 18,
          color=GREY, align=PP_ALIGN.CENTER)
    if simulated:
        _text(slide, MARGIN, Inches(5.4), W - 2 * MARGIN, Inches(0.5), "注意：本材料含模拟数据，不是真实报告。", 20, True,
              RED, PP_ALIGN.CENTER)


def _points_slide(prs: Presentation, data: PackData) -> None:
    slide = _slide(prs, f"要点 · {data.year}年 · {data.scope}")
    points = tk.key_points(data)
    size = 20 if sum(len(p) for p in points) < 260 else 18
    _text(slide, MARGIN, Inches(1.2), W - 2 * MARGIN, H - Inches(1.2) - FOOT - Inches(0.2), "\n".join(points), size,
          color=DARK, bullets=True, spacing=14)


def _key_slide(prs: Presentation, data: PackData) -> None:
    slide = _slide(prs, f"关键数据 · {data.year}年 · {data.scope}")
    _lead(slide, tk.coverage_sentence(data), 16)
    _note(slide, tk.comparability_note(data))
    figures = tk.key_figures(data)
    cols, gap = 5, Inches(0.2)
    tile_w = Emu(int((W - 2 * MARGIN - gap * (cols - 1)) / cols))
    tile_h = Inches(2.2)
    for i, k in enumerate(figures):
        left = MARGIN + (tile_w + gap) * (i % cols)
        top = Inches(1.75) + (tile_h + gap) * (i // cols)
        shape = slide.shapes.add_shape(1, left, top, tile_w, tile_h)  # 1 = rectangle
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor(0xF1, 0xF5, 0xFA)
        shape.line.color.rgb = RGBColor(0xD5, 0xDF, 0xEA)
        pad = Inches(0.12)
        _text(slide, left + pad, top + pad, tile_w - 2 * pad, Inches(0.5), k["name_zh"], 16, color=GREY)
        _text(slide, left + pad, top + Inches(0.6), tile_w - 2 * pad, Inches(0.8), k["value_text"], 28, True, BLUE)
        _text(slide, left + pad, top + Inches(1.4), tile_w - 2 * pad, Inches(0.8), k["change_text"], 13, color=DARK)


# ---- charts ----

def _chart_font(chart, size: float) -> None:  # noqa: ANN001 — a pptx chart
    chart.font.size = Pt(size)
    chart.font.color.rgb = DARK
    _east_asian(chart.font._rPr, FONT_EA)  # noqa: SLF001


def _count_axis(axis, values: list[float], number_format: str) -> None:  # noqa: ANN001
    top = max([v for v in values if v is not None] or [0])
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = RGBColor(0xE4, 0xE8, 0xEC)
    axis.tick_labels.number_format = "0%" if "%" in number_format else number_format  # ticks: 25%, labels: 25.0%
    axis.tick_labels.number_format_is_linked = False
    axis.minimum_scale = 0
    if "%" in number_format:
        axis.maximum_scale = max(1.0, top) * 1.12
        axis.major_unit = 0.25
    else:
        step = nice_step(top)
        axis.major_unit = step
        axis.maximum_scale = max(step, math.ceil(top * 1.15 / step) * step)
    axis.format.line.fill.background()


def add_native_chart(slide, spec: NativeChart, left: Emu, top: Emu, width: Emu, height: Emu) -> object:  # noqa: ANN001
    """A PowerPoint chart object holding the spec's data, styled like the dashboard's figure."""
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for name, values in spec.series:
        data.add_series(name, values)
    kind = {"line": XL_CHART_TYPE.LINE_MARKERS, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
            "stacked": XL_CHART_TYPE.BAR_STACKED}[spec.kind]
    chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    chart.has_title = False
    _chart_font(chart, 16)
    plot = chart.plots[0]
    values = [v for _, vs in spec.series for v in vs if v is not None]
    chart.category_axis.tick_labels.font.size = Pt(16)
    chart.category_axis.format.line.color.rgb = RGBColor(0x9A, 0xA5, 0xB1)
    if spec.kind == "stacked":
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(16)
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
        _count_axis(chart.value_axis, [sum(values)], spec.number_format)
        plot.gap_width = 40
        plot.overlap = 100
    else:
        _count_axis(chart.value_axis, values, spec.number_format)
        chart.has_legend = len(spec.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.TOP
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(16)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = spec.number_format.replace("0%", "0.0%") if spec.kind == "line" else spec.number_format
    labels.number_format_is_linked = False
    labels.font.size = Pt(14 if spec.kind != "bar" or len(spec.categories) <= 10 else 12)
    if spec.kind == "bar":
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        plot.gap_width = 50
    elif spec.kind == "line":
        labels.position = XL_LABEL_POSITION.ABOVE
    elif spec.kind == "stacked":
        labels.position = XL_LABEL_POSITION.CENTER
        labels.font.color.rgb = WHITE
    for i, series in enumerate(plot.series):
        color = _rgb(CATEGORY_COLORS[i % len(CATEGORY_COLORS)] if spec.kind != "bar" else NEUTRAL)
        if spec.kind == "line":
            series.smooth = False
            series.format.line.color.rgb = color
            series.format.line.width = Pt(2.5)
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 9
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = color
            series.marker.format.line.color.rgb = color
            if spec.hollow:
                # A point's own label makes a series-level label list that hides the others unless it shows them.
                own = series.data_labels
                own.show_value = True
                own.number_format = labels.number_format
                own.number_format_is_linked = False
                own.position = XL_LABEL_POSITION.ABOVE
                own.font.size = labels.font.size
            for j, text in zip(spec.hollow, spec.hollow_labels, strict=True):
                point = series.points[j]
                point.format.line.color.rgb = color
                point.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH  # the segment into an incomplete year
                point.marker.format.fill.solid()
                point.marker.format.fill.fore_color.rgb = WHITE
                point.marker.format.line.color.rgb = color
                point.data_label.text_frame.text = text
                point.data_label.position = XL_LABEL_POSITION.ABOVE
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = color
    if spec.unit and spec.unit != "%":
        # Above the plot, written across: the unit of the value axis (left for lines, right for bars).
        at_left = spec.kind == "line"
        _text(slide, left if at_left else left + width - Inches(2.5), top - Inches(0.2), Inches(2.5), Inches(0.35),
              f"单位：{spec.unit}", 14, color=GREY, align=PP_ALIGN.LEFT if at_left else PP_ALIGN.RIGHT)
    return chart


def _picture(slide, image: Path, top: Emu, bottom: Emu) -> None:  # noqa: ANN001
    box_h, box_w = H - top - bottom, W - 2 * MARGIN
    with Image.open(image) as im:
        ratio = im.width / im.height
    w, h = (box_w, Emu(int(box_w / ratio))) if box_w / ratio <= box_h else (Emu(int(box_h * ratio)), box_h)
    slide.shapes.add_picture(str(image), MARGIN + Emu(int((box_w - w) / 2)), top, w, h)


def _two_up(slide, images: list[Path], top: Emu, bottom: Emu) -> None:  # noqa: ANN001
    """Two pictures side by side, each in half the width (two pages of a matrix on one slide)."""
    gap = Inches(0.3)
    box_w, box_h = Emu(int((W - 2 * MARGIN - gap) / 2)), H - top - bottom
    for k, image in enumerate(images):
        with Image.open(image) as im:
            ratio = im.width / im.height
        w, h = (box_w, Emu(int(box_w / ratio))) if box_w / ratio <= box_h else (Emu(int(box_h * ratio)), box_h)
        left = MARGIN + (box_w + gap) * k + Emu(int((box_w - w) / 2))
        slide.shapes.add_picture(str(image), left, top, w, h)


def _chart_slides(prs: Presentation, chart: Chart, images: list[Path], halves: list[Path] | None = None) -> None:
    bottom = FOOT + (Inches(0.45) if chart.note else Inches(0.05))
    if halves:
        pairs = [halves[i:i + 2] for i in range(0, len(halves), 2)]
        for k, pair in enumerate(pairs, start=1):
            slide = _slide(prs, chart.title if len(pairs) == 1 else f"{chart.title}（{k}/{len(pairs)}）")
            _lead(slide, chart.takeaway)
            _note(slide, chart.note)
            _two_up(slide, pair, BODY_TOP, bottom)
        return
    if chart.native is not None:
        slide = _slide(prs, chart.title)
        _lead(slide, chart.takeaway)
        _note(slide, chart.note)
        add_native_chart(slide, chart.native, MARGIN, BODY_TOP + Inches(0.3), W - 2 * MARGIN,
                         H - BODY_TOP - Inches(0.3) - bottom)
        return
    for k, image in enumerate(images, start=1):
        title = chart.title if len(images) == 1 else f"{chart.title}（{k}/{len(images)}）"
        slide = _slide(prs, title)
        _lead(slide, chart.takeaway)
        _note(slide, chart.note)
        _picture(slide, image, BODY_TOP, bottom)


# ---- tables ----

def _is_number_column(df: pd.DataFrame, col: str) -> bool:
    return pd.api.types.is_numeric_dtype(df[col]) and col not in ("排名", "名次", "上年名次")


def _width_units(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


CELL_PAD = Inches(0.22)  # PowerPoint's default cell margins (0.1 in each side) and a little air


def _column_widths(df: pd.DataFrame, texts: list[list[str]], size: float) -> list[Emu]:
    unit = Pt(size) * 0.55  # a half-width character; a CJK character is two
    return [Emu(int(max([_width_units(str(c)), *(_width_units(t[j]) for t in texts)]) * unit + CELL_PAD))
            for j, c in enumerate(df.columns)]


def fit_table(df: pd.DataFrame, size: float, width: Emu) -> pd.DataFrame:
    """The first columns of a table that fit the width on one line each (the workbook keeps every column)."""
    cols = list(df.columns)
    while len(cols) > 2:
        texts = [[cell_text(v, str(c)) for v, c in zip(row, cols, strict=True)]
                 for row in df[cols].itertuples(index=False)]
        if sum(_column_widths(df[cols], texts, size)) <= width or "说明" in cols:
            break
        cols.pop()
    return df[cols]


def _table(slide, df: pd.DataFrame, top: Emu, size: float = 14, max_width: Emu | None = None) -> None:  # noqa: ANN001
    """A readable table: a blue header row, widths from the longest text of each column, numbers right-aligned."""
    df = fit_table(df, size, max_width or (W - 2 * MARGIN))
    texts = [[cell_text(v, str(c)) for v, c in zip(row, df.columns, strict=True)] for row in df.itertuples(index=False)]
    widths = _column_widths(df, texts, size)
    total_w = max_width or (W - 2 * MARGIN)
    if sum(widths) > total_w:  # only a long text column is left: it wraps within what remains
        widest = widths.index(max(widths))
        widths[widest] = Emu(max(int(widths[widest] - (sum(widths) - total_w)), int(Inches(1.5))))
    row_h = Emu(int(Pt(size) * 2.0))
    shape = slide.shapes.add_table(len(df) + 1, len(df.columns), MARGIN, top, sum(widths), row_h * (len(df) + 1))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = w
    numeric = [_is_number_column(df, str(c)) for c in df.columns]
    for j, col in enumerate(df.columns):
        cell = table.cell(0, j)
        cell.fill.solid()
        cell.fill.fore_color.rgb = BLUE
        p = cell.text_frame.paragraphs[0]
        p.alignment = PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT
        run = p.add_run()
        run.text = str(col)
        _font(run, size, True, WHITE)
    for i, row in enumerate(texts, start=1):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if i % 2 else RGBColor(0xF3, 0xF5, 0xF8)
            p = cell.text_frame.paragraphs[0]
            p.alignment = PP_ALIGN.RIGHT if numeric[j] else PP_ALIGN.LEFT
            run = p.add_run()
            run.text = text
            _font(run, size)


def _table_slides(prs: Presentation, title: str, lead: str, df: pd.DataFrame, rows: int = TABLE_ROWS,
                  size: float = 14) -> None:
    """One table over as many slides as it needs, the title numbered (1/2) when it continues."""
    pages = max(1, math.ceil(len(df) / rows))
    for k in range(pages):
        slide = _slide(prs, title if pages == 1 else f"{title}（{k + 1}/{pages}）")
        _lead(slide, lead, 16)
        if not df.empty:
            _table(slide, df.iloc[k * rows:(k + 1) * rows], Inches(1.8), size)


RANKING_DECK_COLUMNS = 8  # 名次, 上年名次, 名次变化, 单位, the value, last year's, its change, 状态


def _ranking_slides(prs: Presentation, data: PackData) -> None:
    """One ranking per group of like units (as 对比 ranks them), its first rows; the whole table is in the workbook."""
    table = ranking_zh(data)
    raw = ranking_table(data)
    for group in dict.fromkeys(table["类别"]):
        rows = table[table["类别"] == group].drop(columns=["类别", "类型"])
        shown = rows.iloc[:, :RANKING_DECK_COLUMNS].head(TABLE_ROWS).reset_index(drop=True)
        more = f"此处列前 {len(shown)} 行，完整排名见 Excel。" if len(rows) > len(shown) else ""
        in_group = raw[raw["group"] == group]
        slide = _slide(prs, f"单位排名 · {group} · {data.year}年 · {data.scope}")
        _lead(slide, tk.ranking_sentence(data, group, in_group) + more, 16)
        _note(slide, tk.ranking_words_note(in_group))
        _table(slide, shown, Inches(1.8), 14)


def _non_reporter_slides(prs: Presentation, data: PackData) -> None:
    if data.non_reporters.empty:
        return  # 要点 and 关键数据 already say that every unit reported
    _table_slides(prs, f"缺报名单 · {data.year}年 · {data.scope}", tk.non_reporter_sentence(data),
                  non_reporters_table(data))


def _short(text: str, limit: int = MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _problem_slides(prs: Presentation, data: PackData) -> None:
    by_rule = findings_by_rule_zh(data)
    lead = tk.findings_sentence(data)
    _table_slides(prs, f"数据问题 · {data.year}年 · {data.scope}", lead, by_rule, rows=9)
    errors = findings_table(data)
    errors = errors[errors["严重程度"] == "错误"][["单位", "问题类型", "说明"]]
    if errors.empty:
        return
    errors = errors.assign(说明=errors["说明"].map(_short)).head(2 * TABLE_ROWS)
    _table_slides(prs, f"待核实的错误 · {data.year}年", f"以下 {len(errors)} 条为错误类问题，请对照原件核实（完整清单见 Excel）。",
                  errors, rows=7, size=13)


def _quality_slides(prs: Presentation, data: PackData) -> None:
    """年报质量评分: the sentence and the lowest-scoring units (the full table is in the workbook)."""
    lead = tk.quality_sentence(data)
    if not lead:
        return
    table = data.quality.sort_values(["评分", "单位"]).head(TABLE_ROWS)
    shown = table[["单位", "类别", "评分", "按时", "完整", "准确", "不雷同"]] if "按时" in table else table[["单位", "评分"]]
    _table_slides(prs, f"年报质量评分 · {data.year}年 · {data.scope}", lead, shown.reset_index(drop=True))


def _closing_slide(prs: Presentation, data: PackData) -> None:
    slide = _slide(prs, "说明")
    lines = [f"范围与覆盖：{data.scope}，{data.year}年应报 {data.expected} 份，收到 {data.received} 份。",
             tk.suspect_sentence(data)]
    note = tk.comparability_note(data)
    if note:
        lines.append(note.removeprefix("注："))
    if data.dismissed:
        lines.append(f"{data.dismissed} 条数据问题经核实已排除（不是问题），未列入。")
    if data.resolved:
        lines.append(f"{data.resolved} 条数据问题已因更正关闭，未列入。")
    used = ["applications_new", "disclosure_rate", "reconsideration_total", "litigation_total", "penalty_decisions",
            "licensing_decisions"]
    for code in used:
        if code in data.defs.index:
            lines.append(f"{data.name(code)}：{humanize(data.defs.loc[code, 'definition_zh'])}")
    lines.append("“—”表示报告未填报或无法计算，不是0。数据问题的类型名称见数据表“问题分类”。")
    _text(slide, MARGIN, Inches(1.1), W - 2 * MARGIN, H - Inches(1.1) - FOOT, "\n".join(lines), 15, color=DARK,
          bullets=True, spacing=6)


def write_deck(data: PackData, charts: list[Chart], images: dict[str, list[Path]], path: Path) -> Path:
    """Write the 16:9 deck to `path`; `images` holds the bare picture(s) of each chart that has no native form."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    simulated = bool(data.reports["simulated"].fillna(False).any()) if "simulated" in data.reports else False
    _title_slide(prs, data, simulated)
    _points_slide(prs, data)
    _key_slide(prs, data)
    for chart in (c for c in charts if c.in_deck):
        _chart_slides(prs, chart, images.get(chart.key, []), images.get(f"{chart.key}@deck"))
    _ranking_slides(prs, data)
    _non_reporter_slides(prs, data)
    _problem_slides(prs, data)
    _quality_slides(prs, data)
    _closing_slide(prs, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path

