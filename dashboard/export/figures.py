"""The charts of a meeting pack, each with its one-sentence takeaway, built with the dashboard's figure builders.

A chart carries three forms: `figures` (titled, with the source note: the PNG files a user may take elsewhere),
`embeds` (the same without title and source note, in presentation sizes: pictures in the brief, and in the deck
where PowerPoint cannot draw the chart), and `native` (categories and series for a PowerPoint chart object that
staff can restyle). A matrix of more rows than a page shows is split into pages, every row labelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard import charts
from dashboard.export import takeaways as tk
from dashboard.export.data import OUTCOMES, PackData, agency_values
from dashboard.scope import KIND_GROUPS

RANK_TOP = 15  # bars a slide can show legibly
DECK_ROWS = 12  # matrix rows a half slide shows at projector size; two pages stand side by side on a slide


@dataclass
class NativeChart:
    """What a PowerPoint chart object needs: kind, categories, named series and how its numbers read."""

    kind: str  # "line" (years across), "bar" (horizontal, one series), "stacked" (one horizontal stacked bar)
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    number_format: str = "#,##0"  # Excel format of axis and labels: '0%' / '0.0%' for rates
    unit: str = "件"
    hollow: list[int] = field(default_factory=list)  # category indexes drawn hollow and labelled (数据不全)
    hollow_labels: list[str] = field(default_factory=list)


@dataclass
class Chart:
    """One chart of the pack: a stable key, its section, title, figures, takeaway and native form."""

    key: str
    section: str  # 依申请公开 / 复议诉讼 / 主动公开 / 数据质量
    title: str
    figures: list[go.Figure]
    takeaway: str
    embeds: list[go.Figure] = field(default_factory=list)
    native: NativeChart | None = None
    note: str = ""  # e.g. the two years were reported by different agencies
    deck_embeds: list[go.Figure] = field(default_factory=list)  # pages sized for half a slide, two a slide
    in_deck: bool = True  # False where a deck table says the same (数据问题 by type)

    @property
    def figure(self) -> go.Figure:
        """The first (often only) titled figure."""
        return self.figures[0]


def _both(build: Callable[..., go.Figure], title: str) -> tuple[go.Figure, go.Figure]:
    """The titled figure for files and the bare, projector-sized one for embedding."""
    return build(title=title, present=False, source=True), build(title="", present=True, source=False)


def _year_frame(data: PackData, code: str) -> pd.DataFrame:
    """year, value, received, expected of one indicator's total (the series most reports use in each year)."""
    rows = []
    for y in data.years:
        value, _, _, _ = data.year_value(code, y)
        received, expected = data.counts(y)
        rows.append({"year": y, "value": value, "received": received, "expected": expected})
    frame = pd.DataFrame(rows)
    return frame[frame["year"] >= frame.loc[frame["value"].notna(), "year"].min()] if frame["value"].notna().any() \
        else frame.iloc[0:0]


def _trend(data: PackData, key: str, section: str, code: str, takeaway: str) -> Chart | None:
    frame = _year_frame(data, code)
    if frame["value"].notna().sum() < 2:
        return None
    unit = data.unit(code)
    title = charts.chart_title(data.name(code), frame["year"], data.scope)
    full, bare = _both(lambda title, present, source: charts.coverage_trend_figure(
        frame, title, unit, present=present, source=source, name=data.name(code)), title)
    partial = [i for i, r in enumerate(frame.itertuples()) if r.expected and r.received < r.expected * 0.5]
    native = NativeChart("line", [f"{int(y)}年" for y in frame["year"]],
                         [(data.name(code), [None if pd.isna(v) else float(v) for v in frame["value"]])],
                         "0%" if unit == "比率" else "#,##0", "%" if unit == "比率" else unit, partial,
                         [f"数据不全（{int(frame.iloc[i]['received'])}/{int(frame.iloc[i]['expected'])}）"
                          for i in partial])
    return Chart(key, section, title, [full], takeaway, [bare], native)


def _rankings(data: PackData, key: str, section: str, code: str,
              sentence: Callable[..., str]) -> list[Chart]:
    """One bar chart per group of like units (乡镇 with 乡镇, 部门 with 部门: dashboard.scope.KIND_GROUPS, as 对比 and
    the pack's ranking table compare them) with at least two values (counts: not all 0); its takeaway speaks of that
    group alone."""
    every = agency_values(data, code, data.year)
    out = []
    for n, (group, kinds) in enumerate(KIND_GROUPS.items()):
        rows = every[every["kind"].isin(kinds)]
        known = rows.dropna(subset=["value"])
        if len(known) < 2 or (not known["value"].any() and data.unit(code) != "比率"):
            continue  # one unit compares with nobody; counts all 0 say nothing (a rate of 0 % does: it is kept)
        out.append(_ranking(data, key if n == 0 else f"{key}_{n}", section, code, group, known,
                            sentence(data, code, rows=rows, group=group)))
    return out


def _ranking(data: PackData, key: str, section: str, code: str, group: str, rows: pd.DataFrame,
             takeaway: str) -> Chart:
    """The bar chart of one group's units that have a value (`rows`), the largest RANK_TOP."""
    unit = data.unit(code)
    title = charts.chart_title(f"{data.name(code)}·各{group}", [data.year], data.scope)
    if len(rows) > RANK_TOP:
        title += f"（前{RANK_TOP}名）"
    full, bare = _both(lambda title, present, source: charts.ranking_figure(
        rows, title, unit, top=RANK_TOP, present=present, source=source), title)
    top = rows.sort_values("value", ascending=False).head(RANK_TOP).iloc[::-1]  # PowerPoint draws bottom-up
    native = NativeChart("bar", list(top["short_name"].astype(str)), [(data.name(code), list(top["value"].astype(float)))],
                         "0.0%" if unit == "比率" else "#,##0", "%" if unit == "比率" else unit)
    return Chart(key, section, title, [full], takeaway, [bare], native)


def _outcomes(data: PackData) -> Chart | None:
    mix = {data.name(k): data.year_value(k, data.year)[0] for k in OUTCOMES}
    if not any(mix.values()):
        return None
    title = charts.chart_title("申请办理结果构成", [data.year], data.scope)
    full, bare = _both(lambda title, present, source: charts.outcome_mix_figure(
        mix, title, present=present, source=source), title)
    native = NativeChart("stacked", ["办理结果"], [(k, [float(v)]) for k, v in mix.items() if v is not None])
    return Chart("outcome_mix", "依申请公开", title, [full], tk.outcome_sentence(data), [bare], native)


def _appeals(data: PackData) -> Chart | None:
    codes = ("reconsideration_total", "litigation_total")
    frames = {c: _year_frame(data, c) for c in codes}
    years = sorted({int(y) for f in frames.values() for y in f["year"]})
    if len(years) < 2:
        return None
    rows = pd.concat([f.assign(scope=data.name(c), series="all") for c, f in frames.items()])
    title = charts.chart_title("行政复议和行政诉讼", years, data.scope)
    full, bare = _both(lambda title, present, source: charts.trend_figure(
        rows, title, "件", present=present, source=source), title)
    series = []
    for c, f in frames.items():
        by_year = dict(zip(f["year"].astype(int), f["value"], strict=True))
        series.append((data.name(c), [None if pd.isna(by_year.get(y)) else float(by_year[y]) for y in years]))
    native = NativeChart("line", [f"{y}年" for y in years], series)
    return Chart("appeals_trend", "复议诉讼", title, [full], tk.appeals_sentence(data), [bare], native)


def _coverage(data: PackData) -> Chart | None:
    if data.coverage.empty or data.coverage["status"].isna().all():
        return None
    c = data.coverage[data.coverage["year"].isin(data.years[-6:])]
    c = c[c.groupby("agency_id")["status"].transform(lambda s: s.notna().any())]
    # Agencies that missed a year first, so the names a meeting asks about are on the first page.
    order = c.assign(miss=c["status"].eq("missing")).groupby("agency_id")["miss"].sum()
    c = c.assign(_o=c["agency_id"].map(order)).sort_values(["_o", "kind", "short_name", "year"],
                                                           ascending=[False, True, True, True]).drop(columns="_o")
    title = charts.chart_title("报告公开情况", c["year"], data.scope)
    full = charts.coverage_pages(c, title)
    bare = charts.coverage_pages(c, "", present=True, source=False)
    halves = charts.coverage_pages(c, "", rows_per_page=DECK_ROWS, present=True, source=False, compact=True)
    takeaway = tk.coverage_sentence(data)
    return Chart("coverage", "数据质量", title, full, takeaway, bare, deck_embeds=halves,
                 note="绿色：已公开；红色：缺报；黄色：已公开，有更正版。")


def _findings(data: PackData) -> Chart | None:
    by_rule = tk.findings_by_rule(data)
    if by_rule.empty:
        return None
    title = charts.chart_title("数据问题·按类型", [data.year], data.scope)
    full, bare = _both(lambda title, present, source: charts.bar_figure(
        list(by_rule["rule_zh"]), list(by_rule["total"]), title, present=present, source=source), title)
    ordered = by_rule.sort_values("total")
    native = NativeChart("bar", list(ordered["rule_zh"]), [("问题条数", list(ordered["total"].astype(float)))],
                         "#,##0", "条")
    return Chart("findings_by_rule", "数据质量", title, [full], tk.findings_sentence(data), [bare], native,
                 in_deck=False)


def pack_charts(data: PackData) -> list[Chart]:
    """Every chart the data supports, in the order of the deck (a chart without data is left out)."""
    makers: list[Callable[[], Chart | list[Chart] | None]] = [
        lambda: _trend(data, "applications_trend", "依申请公开", "applications_new",
                       tk.total_sentence(data, "applications_new", caveat=False)),
        lambda: _rankings(data, "applications_ranking", "依申请公开", "applications_new", tk.top_sentence),
        lambda: _outcomes(data),
        lambda: _trend(data, "disclosure_rate_trend", "依申请公开", "disclosure_rate",
                       tk.ratio_sentence(data, "disclosure_rate")),
        lambda: _rankings(data, "disclosure_rate_ranking", "依申请公开", "disclosure_rate", tk.ratio_spread_sentence),
        lambda: _appeals(data),
        lambda: _rankings(data, "penalty_ranking", "主动公开", "penalty_decisions", tk.top_sentence),
        lambda: _rankings(data, "licensing_ranking", "主动公开", "licensing_decisions", tk.top_sentence),
        lambda: _coverage(data),
        lambda: _findings(data),
    ]
    made = [make() for make in makers]
    charts_ = [c for m in made for c in (m if isinstance(m, list) else [m]) if c is not None]
    note = tk.comparability_note(data)
    for c in charts_:
        if "较上年" in c.takeaway:
            c.note = note
    return charts_


def image_height(fig: go.Figure) -> int:
    """The height to render a figure at (its own, kept between what a slide and a page can show)."""
    return int(min(max(fig.layout.height or 480, 360), 1400))
