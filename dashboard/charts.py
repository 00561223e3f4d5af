"""Figures for the dashboard and for meetings: one plotly template, Chinese titles, the source note, PNG export.

Importable without Streamlit (the export pack builds on these). Every figure sets its template explicitly
(Streamlit swaps the default one) and uses a CJK font, so a PNG made by kaleido shows Chinese, not boxes.
A trend never draws a line through a break of series or a missing year: each series is its own trace, a gap is
a gap, and a dotted vertical marker with a note stands where the format changed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
SOURCE_NOTE = "数据来源：各单位政府信息公开工作年度报告"
BROWSER = "/usr/bin/chromium"
PNG_SCALE = 3
COLORS = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#3aa6b9", "#8c6d31", "#5f6b7a"]
SERIES_ZH = {"all": "", "2019": "2019年版口径", "2021": "2021年版口径"}
STATUS_ZH = {"published": "已公开", "superseded": "已公开（有更正版）", "missing": "缺报", "not_due": "未到期"}

pio.templates["nianbao"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": "#1d2733"},
        title={"font": {"size": 18}, "x": 0.01, "xanchor": "left"},
        colorway=COLORS, paper_bgcolor="white", plot_bgcolor="white",
        xaxis={"showgrid": False, "linecolor": "#9aa5b1", "ticks": "outside", "automargin": True},
        yaxis={"gridcolor": "#e4e8ec", "zerolinecolor": "#9aa5b1", "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"l": 60, "r": 30, "t": 90, "b": 80},
        hoverlabel={"font": {"family": FONT}},
    )
)
TEMPLATE = pio.templates["nianbao"]


def year_span(years: Sequence[int]) -> str:
    """'2019—2024年' for a range, '2023年' for one year."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return ""
    return f"{ys[0]}年" if ys[0] == ys[-1] else f"{ys[0]}—{ys[-1]}年"


def chart_title(indicator_zh: str, years: Sequence[int], scope: str) -> str:
    """The title a chart carries to a meeting: indicator, years and scope (e.g. '本年新收申请 · 2019—2024年 · 全县')."""
    return " · ".join(p for p in (indicator_zh, year_span(years), scope) if p)


def finish(fig: go.Figure, title: str, unit: str = "", height: int = 480) -> go.Figure:
    """Apply the template, the title, the unit on the value axis and the source note below the plot."""
    fig.update_layout(template=TEMPLATE, title={"text": title}, height=height, font={"family": FONT})
    if unit and unit not in ("比率", "按原件"):
        fig.update_yaxes(title_text=unit)
    fig.add_annotation(text=SOURCE_NOTE, xref="paper", yref="paper", x=0, y=-0.01, yshift=-50, showarrow=False,
                       xanchor="left", yanchor="top", font={"size": 11, "color": "#5f6b7a"})
    return fig


def _value_format(unit: str) -> str:
    return ".1%" if unit == "比率" else (",.2f" if unit in ("万元", "按原件") else ",.0f")


def _series_label(scope: str, series: str, n_series: int) -> str:
    note = SERIES_ZH.get(str(series), str(series))
    return f"{scope}（{note}）" if note and n_series > 1 else scope


def trend_figure(data: pd.DataFrame, title: str, unit: str, markers: Sequence[tuple[int, str]] = (),
                 sparse_years: Sequence[int] = ()) -> go.Figure:
    """One line per scope over years: gaps stay gaps, a year with too few reports is drawn hollow and labelled
    数据不全, and a dotted marker with its note stands where the definition changed.

    data: columns scope, year, value (rows of trend_indicator); markers: (first year of the new definition, note).
    """
    fig = go.Figure()
    d = data.dropna(subset=["year"]).copy()
    d["year"] = d["year"].astype(int)
    fmt = _value_format(unit)
    sparse = {int(y) for y in sparse_years}
    for i, (scope, part) in enumerate(d.groupby("scope", sort=False)):
        years = list(range(part["year"].min(), part["year"].max() + 1))
        # Reindex to every year of the span so that a missing year is a None (a gap), never joined.
        values = part.groupby("year")["value"].sum(min_count=1).reindex(years)
        ys = [None if pd.isna(v) else float(v) for v in values]
        color = COLORS[i % len(COLORS)]
        fig.add_trace(go.Scatter(
            x=years, y=ys, mode="lines+markers", connectgaps=False, name=str(scope),
            customdata=[f"{y}年" + ("（数据不全）" if y in sparse else "") for y in years],
            marker={"symbol": ["circle-open" if y in sparse else "circle" for y in years], "size": 10,
                    "color": color, "line": {"width": 2, "color": color}},
            line={"color": color},
            hovertemplate=f"%{{customdata}}：%{{y:{fmt}}}<extra>%{{fullData.name}}</extra>"))
        for y, val in zip(years, ys, strict=True):
            if y in sparse and val is not None:
                fig.add_annotation(x=y, y=val, text="数据不全", showarrow=False, yshift=16,
                                   font={"size": 12, "color": "#8a6d3b"})
    for year, note in markers:
        fig.add_vline(x=year - 0.5, line={"dash": "dot", "color": "#8a6d3b"})
        fig.add_annotation(x=year - 0.5, y=1, yref="paper", text=note, showarrow=False, xanchor="left",
                           yanchor="top", font={"size": 12, "color": "#8a6d3b"})
    fig.update_xaxes(dtick=1, tickformat="d", ticksuffix="年")
    fig.update_yaxes(tickformat=".0%" if unit == "比率" else None, rangemode="tozero")
    return finish(fig, title, unit)


def ranking_figure(data: pd.DataFrame, title: str, unit: str, top: int = 30) -> go.Figure:
    """Horizontal bars, largest on top (rows of compare_ranking: short_name, value); agencies without a figure left out."""
    d = data.dropna(subset=["value"]).sort_values("value", ascending=False).head(top).iloc[::-1]
    fmt = _value_format(unit)
    fig = go.Figure(go.Bar(x=d["value"], y=d["short_name"], orientation="h", marker_color=COLORS[0],
                           texttemplate=f"%{{x:{fmt}}}", textposition="outside",
                           hovertemplate=f"%{{y}}：%{{x:{fmt}}}<extra></extra>"))
    fig.update_xaxes(tickformat=".0%" if unit == "比率" else None)
    return finish(fig, title, "", height=max(360, 26 * len(d) + 160))


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


def heatmap_figure(data: pd.DataFrame, title: str, unit: str, max_rows: int = 60) -> go.Figure:
    """Agency × year matrix of values (rows of compare_agency_year); no report or no figure is an empty cell."""
    # min_count=1: an agency-year without a figure stays NaN (an empty cell), never a summed 0.
    wide = _by_agency_year(data, "value", lambda s: s.sum(min_count=1)).iloc[:max_rows]
    fmt = _value_format(unit)
    z = [[None if pd.isna(v) else float(v) for v in row] for row in wide.to_numpy()]
    fig = go.Figure(go.Heatmap(z=z, x=[f"{c}年" for c in wide.columns], y=list(wide.index), colorscale="Blues",
                               hoverongaps=False, texttemplate=f"%{{z:{fmt}}}",
                               hovertemplate=f"%{{y}} %{{x}}：%{{z:{fmt}}}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, "", height=max(360, 22 * len(wide) + 180))


def small_multiples_figure(data: pd.DataFrame, title: str, unit: str, max_panels: int = 16) -> go.Figure:
    """One small trend per agency (rows of compare_agency_year), shared axes, series drawn apart."""
    names = list(dict.fromkeys(data["short_name"]))[:max_panels]
    cols = min(4, max(1, len(names)))
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, shared_xaxes=True, shared_yaxes=True,
                        vertical_spacing=0.5 / rows if rows > 1 else 0.1)
    for k, name in enumerate(names):
        part = data[data["short_name"] == name]
        for series, s in part.groupby("series"):
            years = range(int(s["year"].min()), int(s["year"].max()) + 1)
            values = s.groupby("year")["value"].sum(min_count=1).reindex(years)
            fig.add_trace(go.Scatter(x=list(years), y=[None if pd.isna(v) else float(v) for v in values],
                                     mode="lines+markers", connectgaps=False, showlegend=False,
                                     line={"color": COLORS[0], "dash": "solid" if series in ("all", "2021") else "dash"},
                                     name=f"{name} {SERIES_ZH.get(str(series), '')}"),
                          row=k // cols + 1, col=k % cols + 1)
    fig.update_xaxes(dtick=2, tickformat="d")
    fig.update_annotations(font={"size": 12, "family": FONT})
    return finish(fig, title, unit, height=max(360, 200 * rows + 140))


def outcome_mix_figure(values: dict[str, float | None], title: str) -> go.Figure:
    """One stacked bar of how applications were answered (Chinese outcome name → count; None left out)."""
    fig = go.Figure()
    for i, (name, v) in enumerate(values.items()):
        if v is not None and not pd.isna(v):
            fig.add_trace(go.Bar(x=[float(v)], y=["办理结果"], orientation="h", name=name,
                                 marker_color=COLORS[i % len(COLORS)], texttemplate="%{x:,.0f}",
                                 hovertemplate=f"{name}：%{{x:,.0f}}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(showticklabels=False)
    return finish(fig, title, "", height=300)


def coverage_figure(data: pd.DataFrame, title: str, max_rows: int = 80) -> go.Figure:
    """Agency × year matrix of publication status (rows of quality_coverage)."""
    codes = {"missing": 0, "published": 1, "superseded": 2}
    wide = _by_agency_year(data, "status", "first").iloc[:max_rows]
    z = [[codes.get(v) if isinstance(v, str) else None for v in row] for row in wide.to_numpy()]
    text = [[STATUS_ZH.get(v, "") if isinstance(v, str) else "" for v in row] for row in wide.to_numpy()]
    scale = [[0, "#e07a5f"], [0.33, "#e07a5f"], [0.34, "#81b29a"], [0.66, "#81b29a"], [0.67, "#f2cc8f"], [1, "#f2cc8f"]]
    fig = go.Figure(go.Heatmap(z=z, x=[f"{c}年" for c in wide.columns], y=list(wide.index), text=text,
                               texttemplate="%{text}", zmin=0, zmax=2, colorscale=scale, showscale=False,
                               hoverongaps=False, hovertemplate="%{y} %{x}：%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return finish(fig, title, "", height=max(360, 22 * len(wide) + 180))


def bar_figure(labels: Sequence[str], values: Sequence[float], title: str) -> go.Figure:
    """Horizontal bars, largest on top (e.g. findings per rule); labels read across, never rotated."""
    pairs = sorted(zip(labels, values, strict=True), key=lambda p: p[1])
    fig = go.Figure(go.Bar(x=[v for _, v in pairs], y=[str(k) for k, _ in pairs], orientation="h",
                           marker_color=COLORS[3], texttemplate="%{x:,.0f}", textposition="outside",
                           hovertemplate="%{y}：%{x:,.0f}<extra></extra>"))
    return finish(fig, title, "", height=max(320, 30 * len(pairs) + 170))


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
