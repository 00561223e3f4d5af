"""总览: the chosen year's figures for the chosen agencies, with the change against the year before."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.pages import common as c
from dashboard.queries import with_county_ratios

OUTCOMES = ["granted", "partial", "withheld", "unavailable", "not_processed", "other_handling"]


def year_value(totals: pd.DataFrame, code: str, year: int) -> tuple[float | None, str | None, int, int]:
    """(value, series, reports stating it, reports of another series) of one indicator in one year.

    When a year mixes both versions of the format (late adopters), the series most reports use is shown and the
    others are counted, never added: their cells mean different things.
    """
    rows = totals[(totals["indicator"] == code) & (totals["year"] == year) & totals["value"].notna()]
    if rows.empty:
        return None, None, 0, 0
    main = rows.sort_values("reports", ascending=False).iloc[0]
    return float(main["value"]), str(main["series"]), int(main["reports"]), int(rows["reports"].sum() - main["reports"])


def metric(col: st.delta_generator.DeltaGenerator, totals: pd.DataFrame, defs: pd.DataFrame, code: str,
           year: int) -> None:
    """One st.metric with the year-on-year change; no change shown across a break of series."""
    unit = str(defs.loc[code, "unit"])
    value, series, n, other = year_value(totals, code, year)
    before, series_before, _, _ = year_value(totals, code, year - 1)
    delta, help_ = None, str(defs.loc[code, "definition_zh"])
    if value is not None and before is not None and series == series_before:
        d = value - before
        delta = f"{d * 100:+.1f}个百分点" if unit == "比率" else f"{d:+,.2f}" if unit in ("万元", "按原件") else f"{d:+,.0f}"
    elif value is not None and before is not None:
        help_ += "（与上年口径不同，不计算变化）"
    if other:
        help_ += f"（另有{other}份报告按另一版格式填报，未计入）"
    label = str(defs.loc[code, "name_zh"]) + ("" if unit in ("比率", "按原件") else f"（{unit}）")
    col.metric(label, c.format_value(value, unit), delta, help=help_ + (f" — {n}份报告" if n else ""),
               delta_color="off" if code in ("withheld", "not_processed") else "normal")


def main() -> None:
    """Render the page."""
    st.title("总览")
    available = c.years()
    if not available:
        c.no_data()
    defs = c.indicator_defs()
    left, right = st.columns([1, 2])
    with left:
        year = c.pick_year(available)
    with right:
        kinds = c.pick_kinds()
    scope = c.scope_label(kinds)
    reports = c.q("overview_reports_by_year", kinds=kinds).set_index("year")
    totals = with_county_ratios(c.q("overview_indicators_of_year", year=year, kinds=kinds))

    st.subheader(f"{year}年 · {scope}")
    row = reports.loc[year] if year in reports.index else None
    prev = reports.loc[year - 1] if year - 1 in reports.index else None
    cols = st.columns(4)
    received = int(row["received"]) if row is not None else 0
    expected = int(row["expected"]) if row is not None else 0
    cols[0].metric("收到报告（份）", f"{received}", None if prev is None else f"{received - int(prev['received']):+d}",
                   help="本年度已入库的现行报告份数（更正版替换原版，只计一次）")
    cols[1].metric("应报单位（个）", f"{expected}", help="登记在册的单位，或此前此后都有报告的单位")
    cols[2].metric("缺报（个）", f"{max(expected - int(row['agencies_reporting']), 0) if row is not None else 0}",
                   delta_color="off")
    metric(cols[3], totals, defs, "normative_docs_issued", year)

    st.markdown("#### 依申请公开")
    cols = st.columns(4)
    for col, code in zip(cols, ["applications_new", "applications_total_handled", "disclosure_rate",
                                "applications_carried_over"], strict=True):
        metric(col, totals, defs, code, year)
    mix = {str(defs.loc[k, "name_zh"]): year_value(totals, k, year)[0] for k in OUTCOMES}
    if any(v for v in mix.values()):
        title = charts.chart_title("申请办理结果构成", [year], scope)
        c.show_chart(charts.outcome_mix_figure(mix, title), "overview_mix")

    st.markdown("#### 复议诉讼")
    cols = st.columns(4)
    for col, code in zip(cols, ["reconsideration_total", "reconsideration_correction_rate", "litigation_total",
                                "litigation_corrected"], strict=True):
        metric(col, totals, defs, code, year)

    st.markdown("#### 主动公开")
    cols = st.columns(4)
    for col, code in zip(cols, ["licensing_decisions", "penalty_decisions", "coercion_decisions", "fees_amount_wan"],
                         strict=True):
        metric(col, totals, defs, code, year)
    if year_value(totals, "procurement_projects", year)[0] is not None:
        cols = st.columns(4)
        metric(cols[0], totals, defs, "procurement_projects", year)
        metric(cols[1], totals, defs, "procurement_amount", year)
        cols[2].caption("政府集中采购仅2019年版格式填报；金额按原件数字，单位常未注明。")
    st.caption(charts.SOURCE_NOTE)


main()
