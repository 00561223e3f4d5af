"""Figures for the dashboard and for meetings: one plotly template, Chinese titles, the source note, PNG export.

Importable without Streamlit (the export pack builds on these). Every figure sets its template explicitly
(Streamlit swaps the default one) and uses a CJK font, so a PNG made by kaleido shows Chinese, not boxes.

How numbers read: rates on % axes and labels; counts with whole-number ticks; large numbers in 万 / 亿 with the
unit in the axis title; the unit of a vertical value axis written horizontally above it (plotly only rotates a
y-axis title sideways); hover text names the year once ("2022年：58"). `present=True` (投影模式) enlarges every
font for a projector (ticks ≥ 20 px). A trend never draws a line through a break of series or a missing year.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from dashboard.catalogue.labels import COVERAGE_STATUS_ZH

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
SOURCE_NOTE = "数据来源：各单位政府信息公开工作年度报告"
BROWSER = "/usr/bin/chromium"
PNG_SCALE = 3
COLORS = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#3aa6b9", "#8c6d31", "#5f6b7a"]
# Categories without a judgement (办理结果, two series): no red or green, which would say "bad" or "good".
CATEGORY_COLORS = ["#1f5fa8", "#d9822b", "#6a4c93", "#3aa6b9", "#8c6d31", "#9aa5b1", "#5b8fd1", "#5f6b7a"]
NEUTRAL = "#1f5fa8"
MUTED = "#5f6b7a"
SERIES_ZH = {"all": "", "2019": "2019年版口径", "2021": "2021年版口径"}
STATUS_ZH = COVERAGE_STATUS_ZH
HEATMAP_PAGE_ROWS = 25  # rows a slide or a page shows with every label legible; more rows split into pages
INCOMPLETE_SHARE = 0.5  # a year with fewer than half of the expected reports is drawn hollow, "数据不全"


def incomplete(received: int, expected: int) -> bool:
    """True when a year holds fewer than half of the reports its scope expects (数据不全): the one rule."""
    return expected > 0 and received < expected * INCOMPLETE_SHARE

# The Plotly config every page passes to st.plotly_chart: Chinese tooltips (the dictionary travels with the
# config, since Streamlit's plotly.js registers no locale) and only the buttons a reader needs.
PLOTLY_CONFIG: dict = {
    "locale": "zh-CN",
    "locales": {"zh-CN": {
        "dictionary": {
            "Download plot as a PNG": "下载图片（PNG）", "Download plot": "下载图片", "Zoom in": "放大",
            "Zoom out": "缩小", "Reset axes": "还原坐标轴", "Autoscale": "自动缩放", "Zoom": "框选放大", "Pan": "平移",
            "Double-click to zoom back out": "双击还原", "Snapshot succeeded": "图片已生成",
            "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候",
            "Sorry, there was a problem downloading your snapshot!": "图片生成失败",
            "Click to enter Plot title": "点击输入标题", "Click to enter X axis title": "点击输入横轴标题",
            "Click to enter Y axis title": "点击输入纵轴标题", "Click to enter Colorscale title": "点击输入色标标题",
            "trace": "序列", "Produced with Plotly.js": "由 Plotly.js 生成",
        },
        "format": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""],
                   "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
                   "shortDays": ["日", "一", "二", "三", "四", "五", "六"],
                   "months": [f"{m}月" for m in range(1, 13)], "shortMonths": [f"{m}月" for m in range(1, 13)],
                   "date": "%Y-%m-%d"},
    }},
    "displaylogo": False,
    "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "autoScale2d", "hoverClosestCartesian",
                               "hoverCompareCartesian", "toggleSpikelines", "toggleHover", "resetViews"],
    "toImageButtonOptions": {"format": "png", "scale": PNG_SCALE, "filename": "图表"},
}

pio.templates["nianbao"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": "#1d2733"},
        title={"font": {"size": 18}, "x": 0.01, "xanchor": "left"},
        colorway=COLORS, paper_bgcolor="white", plot_bgcolor="white",
        xaxis={"showgrid": False, "linecolor": "#9aa5b1", "ticks": "outside", "automargin": True},
        yaxis={"gridcolor": "#e4e8ec", "zerolinecolor": "#9aa5b1", "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
        margin={"l": 70, "r": 40, "t": 100, "b": 80},
        hoverlabel={"font": {"family": FONT}},
    )
)
TEMPLATE = pio.templates["nianbao"]


@dataclass(frozen=True)
class Sizes:
    """Font sizes (px) of one display mode."""

    tick: int
    title: int
    note: int
    label: int
    row: int  # px per heatmap / bar row


SCREEN = Sizes(tick=14, title=18, note=13, label=13, row=28)
PROJECTOR = Sizes(tick=20, title=26, note=18, label=18, row=38)


def sizes(present: bool) -> Sizes:
    """The font sizes of the screen or of the presentation mode (投影模式)."""
    return PROJECTOR if present else SCREEN


# ---- numbers ----

@dataclass(frozen=True)
class Scale:
    """How a value axis shows its numbers: divide by `divisor`, say `unit`, format with `fmt`."""

    divisor: float
    unit: str
    fmt: str
    rate: bool = False


def value_scale(values: Sequence[float] | pd.Series, unit: str) -> Scale:
    """The scale of a value axis: % for rates, 万 / 亿 for large numbers (unit named), whole numbers for counts."""
    clean = [abs(float(v)) for v in values if v is not None and not pd.isna(v)]
    biggest = max(clean, default=0.0)
    if unit == "比率":
        return Scale(1, "%", ".1%", rate=True)
    if unit == "万元":
        return Scale(1e4, "亿元", ",.2f") if biggest >= 1e4 else Scale(1, "万元", ",.2f")
    if unit == "按原件":
        return Scale(1, "按原件所填单位", ",.2f")
    base = unit or ""
    if biggest >= 1e8:
        return Scale(1e8, f"亿{base}", ",.2f")
    if biggest >= 1e5:
        return Scale(1e4, f"万{base}", ",.1f")
    return Scale(1, base, ",.0f")


def nice_step(span: float, target: int = 5, integer: bool = True) -> float:
    """A tick step of 1, 2 or 5 × 10ⁿ giving about `target` ticks over `span` (at least 1 for counts)."""
    if span <= 0 or math.isnan(span):
        return 1.0
    raw = span / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    return max(step, 1.0) if integer else step


def _scaled(values: Sequence[float | None], scale: Scale) -> list[float | None]:
    return [None if v is None or pd.isna(v) else float(v) / scale.divisor for v in values]


def _value_axis(fig: go.Figure, axis: str, values: Sequence[float | None], scale: Scale, s: Sizes,
                count: bool = True, **where: int) -> None:
    """Ticks of a value axis: % for rates (room above 100%), whole numbers for counts, ranged from 0."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    clean = [v for v in values if v is not None and not pd.isna(v)]
    top = max(clean, default=0.0)
    low = min([0.0, *clean])
    if scale.rate:
        update(tickformat=".0%", range=[min(low, 0), max(1.0, top) * 1.12], tickfont={"size": s.tick}, **where)
        return
    if count and scale.divisor == 1:
        step = nice_step(top - low)
        update(tickformat=",d", dtick=step, tick0=0, range=[low * 1.12, max(top * 1.15, step)],
               tickfont={"size": s.tick}, **where)
    else:
        update(tickformat=",~f", rangemode="tozero", tickfont={"size": s.tick}, **where)


def _unit_note(fig: go.Figure, unit: str, s: Sizes, x: float = 0.0) -> None:
    """The unit of a vertical value axis, written horizontally above its tick labels (e.g. '单位：万件')."""
    if unit and unit != "%":
        fig.add_annotation(text=f"单位：{unit}", xref="paper", yref="paper", x=x, y=1.0, yshift=6, showarrow=False,
                           xanchor="right" if x == 0 else "left", yanchor="bottom",
                           font={"size": s.label, "color": MUTED})


def _years_axis(fig: go.Figure, years: Sequence[int], s: Sizes, dtick: int = 1, **where: int) -> None:
    fig.update_xaxes(tickmode="array", tickvals=list(years)[::dtick], ticktext=[f"{y}年" for y in list(years)[::dtick]],
                     tickfont={"size": s.tick}, **where)


# ---- titles and notes ----

def year_span(years: Sequence[int]) -> str:
    """'2019—2024年' for a range, '2023年' for one year."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    return f"{ys[0]}年" if ys[0] == ys[-1] else f"{ys[0]}—{ys[-1]}年"


def chart_title(indicator_zh: str, years: Sequence[int], scope: str) -> str:
    """The title a chart carries to a meeting: indicator, years and scope (e.g. '本年新收申请 · 2019—2024年 · 全县')."""
    return " · ".join(p for p in (indicator_zh, year_span(years), scope) if p)


def _below_axis(fig: go.Figure, s: Sizes) -> int:
    """Pixels under the plot taken by the x tick labels (and the x title, where there is one)."""
    titled = bool(fig.layout.xaxis.title.text)
    on_top = fig.layout.xaxis.side == "top"
    return (0 if on_top else 2 * s.tick + 12) + (2 * s.label if titled else 0) + 6


def _bottom(fig: go.Figure, s: Sizes, source: bool) -> int:
    """The bottom margin: the tick labels, an x title and the source note fit inside the figure, never clipped."""
    return _below_axis(fig, s) + (s.note + 24 if source else 10)


def finish(fig: go.Figure, title: str, unit: str = "", height: int = 480, present: bool = False,
           source: bool = True) -> go.Figure:
    """Apply the template, the title, the unit above the value axis and the source note below the plot.

    `source=False` leaves the note out (a slide or a page that states the source once).
    """
    s = sizes(present)
    fig.update_layout(template=TEMPLATE, title={"text": title, "font": {"size": s.title}}, height=height,
                      font={"family": FONT, "size": s.label},
                      # Set here, not only in the template: the image export swaps the template (images.py).
                      legend={"font": {"size": s.label}, "orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 1,
                              "xanchor": "right", "traceorder": "normal"},
                      # A figure without title or note (embedded under a slide's or a page's own) keeps no room for them.
                      margin={"t": 100 if title else 60, "b": _bottom(fig, s, source)})
    fig.update_xaxes(tickfont={"size": s.tick}, title_font={"size": s.label})
    fig.update_yaxes(tickfont={"size": s.tick}, title_font={"size": s.label})
    if unit and unit not in ("比率", "按原件"):
        _unit_note(fig, unit, s)
    if source:
        fig.add_annotation(text=SOURCE_NOTE, xref="paper", yref="paper", x=0, y=0, yshift=-_below_axis(fig, s),
                           showarrow=False, xanchor="left", yanchor="top", font={"size": s.note, "color": MUTED})
    return fig


def _series_label(scope: str, series: str, n_series: int) -> str:
    note = SERIES_ZH.get(str(series), str(series))
    return f"{scope}（{note}）" if note and n_series > 1 else scope


# ---- trends ----

def trend_figure(data: pd.DataFrame, title: str, unit: str, series_note: str = "", present: bool = False,
                 source: bool = True, markers: Sequence[tuple[int, str]] = ()) -> go.Figure:
    """Lines per (scope, series) over years; gaps stay gaps; a dotted marker and note at each break of series and
    at each (year, note) of `markers` (where one series changed definition). Data without a series column is one
    series per scope.

    data: columns scope, year, series, value (rows of trend_indicator).
    """
    s = sizes(present)
    fig = go.Figure()
    d = data.dropna(subset=["year"]).copy()
    d["year"] = d["year"].astype(int)
    if "series" not in d.columns:
        d["series"] = "all"
    n_series = d["series"].nunique()
    scale = value_scale(d["value"], unit)
    all_values: list[float | None] = []
    for i, (scope, by_scope) in enumerate(d.groupby("scope", sort=False)):
        for series, part in by_scope.groupby("series", sort=True):
            years = range(part["year"].min(), part["year"].max() + 1)
            # Reindex to every year of the series' span so that a missing year is a None (a gap), never joined.
            values = _scaled(list(part.groupby("year")["value"].sum(min_count=1).reindex(years)), scale)
            all_values += values
            fig.add_trace(go.Scatter(
                x=list(years), y=values, customdata=[f"{y}年" for y in years],
                mode="lines+markers", connectgaps=False, name=_series_label(str(scope), series, n_series),
                line={"color": CATEGORY_COLORS[i % len(CATEGORY_COLORS)], "width": 3 if present else 2,
                      "dash": "solid" if series in ("all", "2021") else "dash"},
                marker={"size": 10 if present else 7},
                hovertemplate=f"%{{customdata}}：%{{y:{scale.fmt}}}{'' if scale.rate else scale.unit}"
                              "<extra>%{fullData.name}</extra>"))
    for year in series_breaks(d):
        _definition_marker(fig, year, series_note or "口径变化（序列断点）", s)
    for year, note in markers:
        _definition_marker(fig, year, note, s)
    if not d.empty:
        _years_axis(fig, range(d["year"].min(), d["year"].max() + 1), s)
    _value_axis(fig, "y", all_values, scale, s)
    fig.update_layout(showlegend=len(fig.data) > 1)
    return finish(fig, title, scale.unit, present=present, source=source)


def _definition_marker(fig: go.Figure, year: float, note: str, s: Sizes) -> None:
    fig.add_vline(x=year - 0.5, line={"dash": "dot", "color": "#8a6d3b", "width": 2})
    fig.add_annotation(x=year - 0.5, y=1, yref="paper", text=note, showarrow=False, xanchor="left", yanchor="top",
                       xshift=4, font={"size": s.note, "color": "#8a6d3b"}, align="left")


def coverage_trend_figure(data: pd.DataFrame, title: str, unit: str,
                          markers: Sequence[tuple[int, str]] = (), present: bool = False,
                          source: bool = True, name: str = "") -> go.Figure:
    """One county line over years that says how complete each year is.

    data: columns year, value, received, expected (one row per year). A year with fewer than half of the expected
    reports is drawn hollow and labelled "数据不全"; a year without a value is a gap; `markers` are (year, note)
    pairs where a definition changed (e.g. (2021, "2021年起为“本年制发件数”")), drawn as a dotted line before that year.
    """
    s = sizes(present)
    d = data.dropna(subset=["year"]).copy()
    d["year"] = d["year"].astype(int)
    d = d.groupby("year", as_index=False).agg(value=("value", lambda v: v.sum(min_count=1)),
                                              received=("received", "max"), expected=("expected", "max"))
    fig = go.Figure()
    if d.empty:
        return finish(fig, title, unit, present=present, source=source)
    years = list(range(int(d["year"].min()), int(d["year"].max()) + 1))
    d = d.set_index("year").reindex(years)
    scale = value_scale(d["value"], unit)
    values = _scaled(list(d["value"]), scale)
    received = [0 if pd.isna(v) else int(v) for v in d["received"]]
    expected = [0 if pd.isna(v) else int(v) for v in d["expected"]]
    partial = [incomplete(r, e) for r, e in zip(received, expected, strict=True)]
    color = NEUTRAL
    fig.add_trace(go.Scatter(
        x=years, y=values, mode="lines+markers", connectgaps=False, name=name or title,
        customdata=[[f"{y}年", r, e] for y, r, e in zip(years, received, expected, strict=True)],
        line={"color": color, "width": 3 if present else 2},
        marker={"size": 12 if present else 9, "color": ["white" if p else color for p in partial],
                "line": {"color": color, "width": 2}, "symbol": "circle"},
        hovertemplate=f"%{{customdata[0]}}：%{{y:{scale.fmt}}}{'' if scale.rate else scale.unit}"
                      "（收到 %{customdata[1]} / 应报 %{customdata[2]}）<extra></extra>"))
    for y, v, p, r, e in zip(years, values, partial, received, expected, strict=True):
        if p and v is not None:
            fig.add_annotation(x=y, y=v, text=f"数据不全（{r}/{e}）", showarrow=False, yshift=12 + s.label,
                               font={"size": s.note, "color": MUTED})
    for year, note in markers:
        _definition_marker(fig, year, note, s)
    _years_axis(fig, years, s)
    _value_axis(fig, "y", values, scale, s)
    fig.update_layout(showlegend=False)
    return finish(fig, title, scale.unit, present=present, source=source)


def series_breaks(data: pd.DataFrame) -> list[int]:
    """First years of every series that starts after another one (where a trend changes meaning)."""
    if data.empty or data["series"].nunique() < 2:
        return []
    starts = data.groupby("series")["year"].min().sort_values()
    return [int(y) for y in starts.iloc[1:] if y > starts.iloc[0]]


# ---- bars ----

def ranking_figure(data: pd.DataFrame, title: str, unit: str, top: int = 30, present: bool = False,
                   source: bool = True) -> go.Figure:
    """Horizontal bars, largest on top (rows of compare_ranking: short_name, value); agencies without a figure left out."""
    s = sizes(present)
    d = data.dropna(subset=["value"]).sort_values("value", ascending=False).head(top).iloc[::-1]
    scale = value_scale(d["value"], unit)
    x = _scaled(list(d["value"]), scale)
    fig = go.Figure(go.Bar(x=x, y=list(d["short_name"].astype(str)), orientation="h", marker_color=NEUTRAL,
                           texttemplate=f"%{{x:{scale.fmt}}}", textposition="outside", cliponaxis=False,
                           textfont={"size": s.label},
                           hovertemplate=f"%{{y}}：%{{x:{scale.fmt}}}{'' if scale.rate else scale.unit}<extra></extra>"))
    _value_axis(fig, "x", x, scale, s)
    fig.update_yaxes(tickmode="linear", dtick=1, tickfont={"size": s.tick})  # every agency named
    if scale.unit and not scale.rate:
        fig.update_xaxes(title_text=scale.unit)
    return finish(fig, title, "", height=max(360, s.row * len(d) + 200), present=present, source=source)


def outcome_mix_figure(values: dict[str, float | None], title: str, present: bool = False,
                       source: bool = True) -> go.Figure:
    """One stacked bar of how applications were answered (Chinese outcome name → count; None left out).

    The legend reads left to right in the order of the segments.
    """
    s = sizes(present)
    fig = go.Figure()
    known = {k: float(v) for k, v in values.items() if v is not None and not pd.isna(v)}
    total = sum(known.values()) or 1.0
    for i, (name, v) in enumerate(known.items()):
        fig.add_trace(go.Bar(x=[v], y=["办理结果"], orientation="h", name=name,
                             marker_color=CATEGORY_COLORS[i % len(CATEGORY_COLORS)],
                             texttemplate="%{x:,.0f}" if v / total >= 0.04 else "", textposition="inside",
                             insidetextanchor="middle", textfont={"size": s.label},
                             hovertemplate=f"{name}：%{{x:,.0f}}件（{v / total:.0%}）<extra></extra>"))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(showticklabels=False)
    fig.update_xaxes(tickformat=",d", dtick=nice_step(total), title_text="件")
    return finish(fig, title, "", height=320 if not present else 400, present=present, source=source)


def bar_figure(labels: Sequence[str], values: Sequence[float], title: str, present: bool = False,
               source: bool = True, unit: str = "条") -> go.Figure:
    """Horizontal bars, largest on top (e.g. findings per rule); labels read across, never rotated."""
    s = sizes(present)
    pairs = sorted(zip(labels, values, strict=True), key=lambda p: p[1])
    x = [float(v) for _, v in pairs]
    fig = go.Figure(go.Bar(x=x, y=[str(k) for k, _ in pairs], orientation="h", marker_color=NEUTRAL,
                           texttemplate="%{x:,.0f}", textposition="outside", cliponaxis=False,
                           textfont={"size": s.label}, hovertemplate=f"%{{y}}：%{{x:,.0f}}{unit}<extra></extra>"))
    _value_axis(fig, "x", x, Scale(1, unit, ",.0f"), s)
    fig.update_yaxes(tickmode="linear", dtick=1)
    fig.update_xaxes(title_text=unit)
    return finish(fig, title, "", height=max(320, s.row * len(pairs) + 190), present=present, source=source)


# ---- agency × year ----

def _row_labels(data: pd.DataFrame) -> pd.Series:
    """One label per agency: its short name, with the id added where two agencies share a name (城关镇)."""
    key = "agency_id" if "agency_id" in data.columns else "short_name"
    first = data.drop_duplicates(key)
    names = pd.Series(first["short_name"].astype(str).to_numpy(), index=first[key].to_numpy())
    dup = names.duplicated(keep=False)
    return names.where(~dup, names + "（" + names.index.astype(str) + "）")


def _by_agency_year(data: pd.DataFrame, column: str, agg: object) -> pd.DataFrame:
    key = "agency_id" if "agency_id" in data.columns else "short_name"
    wide = data.pivot_table(index=key, columns="year", values=column, aggfunc=agg, dropna=False, sort=False)
    wide.index = _row_labels(data).reindex(wide.index).to_numpy()
    return wide


def _matrix_height(rows: int, s: Sizes, bare: bool = False) -> int:
    return max(200 if bare else 360, s.row * rows + (90 if bare else 230))


def _all_rows(fig: go.Figure, labels: list[str], s: Sizes) -> None:
    # Every row named: plotly thins category ticks to fit, which left every other agency unnamed.
    fig.update_yaxes(autorange="reversed", tickmode="array", tickvals=labels, ticktext=labels,
                     tickfont={"size": s.tick}, showgrid=False)
    fig.update_xaxes(side="top", tickfont={"size": s.tick}, showgrid=False)


def heatmap_figure(data: pd.DataFrame, title: str, unit: str, max_rows: int = 60, present: bool = False,
                   source: bool = True) -> go.Figure:
    """Agency × year matrix of values (rows of compare_agency_year); no report or no figure is an empty cell.

    Every row is labelled and the height grows with the rows; for slides and pages use `heatmap_pages`.
    """
    s = sizes(present)
    # min_count=1: an agency-year without a figure stays NaN (an empty cell), never a summed 0.
    wide = _by_agency_year(data, "value", lambda v: v.sum(min_count=1)).iloc[:max_rows]
    scale = value_scale(wide.to_numpy().ravel().tolist(), unit)
    z = [_scaled(list(row), scale) for row in wide.to_numpy()]
    labels = [str(i) for i in wide.index]
    fig = go.Figure(go.Heatmap(z=z, x=[f"{c}年" for c in wide.columns], y=labels, colorscale="Blues",
                               hoverongaps=False, texttemplate=f"%{{z:{scale.fmt}}}", textfont={"size": s.label},
                               colorbar={"title": {"text": scale.unit, "side": "top"}, "tickformat":
                                         ".0%" if scale.rate else ",~f"},
                               hovertemplate=f"%{{y}} %{{x}}：%{{z:{scale.fmt}}}{'' if scale.rate else scale.unit}"
                                             "<extra></extra>"))
    _all_rows(fig, labels, s)
    return finish(fig, title, "", height=_matrix_height(len(wide), s, not title and not source), present=present,
                  source=source)


def coverage_figure(data: pd.DataFrame, title: str, max_rows: int = 80, present: bool = False,
                    source: bool = True, compact: bool = False) -> go.Figure:
    """Agency × year matrix of publication status (rows of quality_coverage); red marks a missing report.

    `compact` (half a slide): only the exceptions are written in their cells (缺报, 有更正), years as digits.
    """
    s = sizes(present)
    codes = {"missing": 0, "published": 1, "superseded": 2}
    wide = _by_agency_year(data, "status", "first").iloc[:max_rows]
    z = [[codes.get(v) if isinstance(v, str) else None for v in row] for row in wide.to_numpy()]
    names = {"missing": "缺报", "superseded": "有更正"} if compact else STATUS_ZH
    text = [[names.get(v, "") if isinstance(v, str) else "" for v in row] for row in wide.to_numpy()]
    scale = [[0, "#e07a5f"], [0.33, "#e07a5f"], [0.34, "#81b29a"], [0.66, "#81b29a"], [0.67, "#f2cc8f"], [1, "#f2cc8f"]]
    labels = [str(i) for i in wide.index]
    fig = go.Figure(go.Heatmap(z=z, x=[f"{c}" if compact else f"{c}年" for c in wide.columns], y=labels, text=text,
                               texttemplate="%{text}", textfont={"size": s.label}, zmin=0, zmax=2, colorscale=scale,
                               showscale=False, xgap=2, ygap=2, hoverongaps=False,
                               hovertemplate="%{y} %{x}：%{text}<extra></extra>"))
    _all_rows(fig, labels, s)
    fig.update_xaxes(tickangle=0)  # years read across, never slanted
    if compact:
        # Wide enough that every year's column holds its label however long the agency names are.
        longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in n) for n in labels), default=8)
        fig.update_layout(width=int(longest * s.tick * 0.55 + len(wide.columns) * 2.8 * s.tick + 60))
    return finish(fig, title, "", height=_matrix_height(len(wide), s, not title and not source), present=present,
                  source=source)


def _pages(data: pd.DataFrame, rows_per_page: int) -> list[pd.DataFrame]:
    key = "agency_id" if "agency_id" in data.columns else "short_name"
    agencies = list(dict.fromkeys(data[key]))
    n = max(1, math.ceil(len(agencies) / rows_per_page))
    # Pages of equal size (27 rows → 14 + 13), so that no page holds a lone row.
    size = math.ceil(len(agencies) / n) if agencies else rows_per_page
    return [data[data[key].isin(agencies[i:i + size])] for i in range(0, max(len(agencies), 1), size)]


def _paged_title(title: str, i: int, n: int) -> str:
    return title if n == 1 or not title else f"{title}（{i}/{n}）"


def heatmap_pages(data: pd.DataFrame, title: str, unit: str, rows_per_page: int = HEATMAP_PAGE_ROWS,
                  present: bool = False, source: bool = True) -> list[go.Figure]:
    """The agency × year heatmap split into pages of at most `rows_per_page` agencies, every row labelled."""
    parts = _pages(data, rows_per_page)
    return [heatmap_figure(p, _paged_title(title, i, len(parts)), unit, max_rows=len(p), present=present,
                           source=source) for i, p in enumerate(parts, start=1)]


def coverage_pages(data: pd.DataFrame, title: str, rows_per_page: int = HEATMAP_PAGE_ROWS,
                   present: bool = False, source: bool = True, compact: bool = False) -> list[go.Figure]:
    """The publication-status matrix split into pages of at most `rows_per_page` agencies, every row labelled."""
    parts = _pages(data, rows_per_page)
    return [coverage_figure(p, _paged_title(title, i, len(parts)), max_rows=len(p) + 1, present=present,
                            source=source, compact=compact) for i, p in enumerate(parts, start=1)]


def small_multiples_figure(data: pd.DataFrame, title: str, unit: str, max_panels: int = 16, present: bool = False,
                           source: bool = True) -> go.Figure:
    """One small trend per agency (rows of compare_agency_year), shared axes with one unit note, series drawn apart."""
    s = sizes(present)
    names = list(dict.fromkeys(data["short_name"].astype(str)))[:max_panels]
    cols = min(4, max(1, len(names)))
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, shared_xaxes=True, shared_yaxes=True,
                        vertical_spacing=min(0.5 / rows, 0.12) if rows > 1 else 0.1, horizontal_spacing=0.04)
    scale = value_scale(data["value"], unit)
    every: list[float | None] = []
    first_year, last_year = int(data["year"].min()), int(data["year"].max())
    for k, name in enumerate(names):
        part = data[data["short_name"].astype(str) == name]
        for series, sub in part.groupby("series"):
            years = range(int(sub["year"].min()), int(sub["year"].max()) + 1)
            values = _scaled(list(sub.groupby("year")["value"].sum(min_count=1).reindex(years)), scale)
            every += values
            fig.add_trace(go.Scatter(x=list(years), y=values, customdata=[f"{y}年" for y in years],
                                     mode="lines+markers", connectgaps=False, showlegend=False,
                                     line={"color": NEUTRAL, "dash": "solid" if series in ("all", "2021") else "dash"},
                                     name=f"{name} {SERIES_ZH.get(str(series), '')}".strip(),
                                     hovertemplate=f"%{{customdata}}：%{{y:{scale.fmt}}}<extra>{name}</extra>"),
                          row=k // cols + 1, col=k % cols + 1)
    step = 2 if last_year - first_year > 4 else 1
    ticks = list(range(first_year, last_year + 1, step))
    fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=[f"{y % 100:02d}年" for y in ticks],
                     tickfont={"size": s.tick - 2})
    _value_axis(fig, "y", every, scale, s)
    fig.update_annotations(font={"size": s.label, "family": FONT})
    out = finish(fig, title, "", height=max(360, (190 if not present else 240) * rows + 160), present=present,
                 source=source)
    _unit_note(out, scale.unit, s)  # one unit for every panel, not one per panel
    return out


# ---- files ----

def to_png(fig: go.Figure, scale: int = PNG_SCALE) -> bytes:
    """The figure as a PNG at 3× scale, rendered by kaleido in the system Chromium (never its downloader)."""
    os.environ.setdefault("BROWSER_PATH", BROWSER)
    fig = go.Figure(fig)
    fig.update_layout(template=TEMPLATE)
    return pio.to_image(fig, format="png", scale=scale, width=1100, height=fig.layout.height or 480)


def png_file_name(title: str) -> str:
    """A Chinese file name for a chart's PNG, from its title ('本年新收申请_2019—2024年_全县.png')."""
    safe = "".join("_" if ch in '\\/:*?"<>| ·' else ch for ch in title).strip("_")
    while "__" in safe:
        safe = safe.replace("__", "_")
    return f"{safe or '图表'}.png"
