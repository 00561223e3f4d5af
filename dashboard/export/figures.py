"""The charts of a meeting pack, each with its one-sentence takeaway, built with the dashboard's figure builders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.export import takeaways as tk
from dashboard.export.data import OUTCOMES, PackData, agency_values

RANK_TOP = 15  # bars a slide can show legibly


@dataclass
class Chart:
    """One chart of the pack: a stable key, its section, title, figure and takeaway."""

    key: str
    section: str  # 依申请公开 / 复议诉讼 / 主动公开 / 数据质量
    title: str
    figure: go.Figure
    takeaway: str
    note: str = ""  # e.g. the two years were reported by different agencies


def _trend_rows(data: PackData, code: str, scope: str) -> pd.DataFrame:
    t = data.totals
    rows = t[(t["indicator"] == code) & (t["year"] <= data.year) & t["value"].notna()]
    return rows.assign(scope=scope)[["scope", "year", "series", "value"]]


def _trend(data: PackData, key: str, section: str, code: str, takeaway: str) -> Chart | None:
    rows = _trend_rows(data, code, data.scope)
    if rows["year"].nunique() < 2:
        return None
    title = charts.chart_title(data.name(code), rows["year"], data.scope)
    note = str(data.defs.loc[code, "series_note_zh"] or "")
    return Chart(key, section, title, charts.trend_figure(rows, title, data.unit(code), note), takeaway)


def _ranking(data: PackData, key: str, section: str, code: str, takeaway: str) -> Chart | None:
    rows = agency_values(data, code, data.year).dropna(subset=["value"])
    if len(rows) < 2:
        return None
    title = charts.chart_title(f"{data.name(code)}·各单位", [data.year], data.scope)
    if len(rows) > RANK_TOP:
        title += f"（前{RANK_TOP}名）"
    return Chart(key, section, title, charts.ranking_figure(rows, title, data.unit(code), top=RANK_TOP), takeaway)


def _outcomes(data: PackData) -> Chart | None:
    mix = {data.name(k): data.year_value(k, data.year)[0] for k in OUTCOMES}
    if not any(mix.values()):
        return None
    title = charts.chart_title("申请办理结果构成", [data.year], data.scope)
    return Chart("outcome_mix", "依申请公开", title, charts.outcome_mix_figure(mix, title), tk.outcome_sentence(data))


def _appeals(data: PackData) -> Chart | None:
    rows = pd.concat([_trend_rows(data, code, data.name(code)) for code in ("reconsideration_total",
                                                                            "litigation_total")])
    if rows["year"].nunique() < 2:
        return None
    title = charts.chart_title("行政复议和行政诉讼", rows["year"], data.scope)
    return Chart("appeals_trend", "复议诉讼", title, charts.trend_figure(rows, title, "件"), tk.appeals_sentence(data))


def _coverage(data: PackData) -> Chart | None:
    if data.coverage.empty or data.coverage["status"].isna().all():
        return None
    c = data.coverage[data.coverage["year"].isin(data.years[-6:])]
    c = c[c.groupby("agency_id")["status"].transform(lambda s: s.notna().any())]
    title = charts.chart_title("报告公开情况", c["year"], data.scope)
    return Chart("coverage", "数据质量", title, charts.coverage_figure(c, title, max_rows=40),
                 tk.coverage_sentence(data))


def _findings(data: PackData) -> Chart | None:
    by_rule = tk.findings_by_rule(data)
    if by_rule.empty:
        return None
    title = charts.chart_title("数据问题·按类型", [data.year], data.scope)
    fig = charts.bar_figure(list(by_rule["rule_zh"]), list(by_rule["total"]), title)
    return Chart("findings_by_rule", "数据质量", title, fig, tk.findings_sentence(data))


def pack_charts(data: PackData) -> list[Chart]:
    """Every chart the data supports, in the order of the deck (a chart without data is left out)."""
    makers: list[Callable[[], Chart | None]] = [
        lambda: _trend(data, "applications_trend", "依申请公开", "applications_new",
                       tk.total_sentence(data, "applications_new", caveat=False)),
        lambda: _ranking(data, "applications_ranking", "依申请公开", "applications_new",
                         tk.top_sentence(data, "applications_new")),
        lambda: _outcomes(data),
        lambda: _trend(data, "disclosure_rate_trend", "依申请公开", "disclosure_rate",
                       tk.ratio_sentence(data, "disclosure_rate")),
        lambda: _ranking(data, "disclosure_rate_ranking", "依申请公开", "disclosure_rate",
                         tk.ratio_spread_sentence(data, "disclosure_rate")),
        lambda: _appeals(data),
        lambda: _ranking(data, "penalty_ranking", "主动公开", "penalty_decisions",
                         tk.top_sentence(data, "penalty_decisions")),
        lambda: _ranking(data, "licensing_ranking", "主动公开", "licensing_decisions",
                         tk.top_sentence(data, "licensing_decisions")),
        lambda: _coverage(data),
        lambda: _findings(data),
    ]
    charts = [c for c in (make() for make in makers) if c is not None]
    note = tk.comparability_note(data)
    for c in charts:
        if "较上年" in c.takeaway:
            c.note = note
    return charts


def image_height(chart: Chart) -> int:
    """The height to render a chart at (its own, kept between what a slide and a page can show)."""
    return int(min(max(chart.figure.layout.height or 480, 420), 900))
