"""趋势: one indicator over the years, for the scope's total or for each chosen unit.

The years run from the scope bar's 趋势起始年度 to its 年度. A year with fewer than half of the expected reports is
drawn hollow (数据不全); where both versions of the format ask nearly the same question the line is one series
with the year the definition changed marked; a year no report states is a gap, never 0. The scope's total of a
year not yet due (尚未到期) is not drawn: a few early reports are not a fall.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.pages import common as c
from dashboard.pages.scope_bar import view
from dashboard.queries import definition_markers, mixed_version_note

PER_AGENCY_MAX = 8


def main() -> None:
    """Render the page."""
    st.title("趋势")
    v = view()
    if v.year is None or v.year_from is None:
        c.no_data()
    defs = c.indicator_defs()
    code = c.pick_indicator(defs)
    c.explain_indicator(defs, code)
    chosen = v.scope.agency_ids
    per_agency = bool(chosen) and len(chosen) <= PER_AGENCY_MAX
    if chosen and not per_agency:
        st.caption(f"已选 {len(chosen)} 个单位，超过 {PER_AGENCY_MAX} 个，显示其合计。")

    data = c.iq("trend_indicator", code, per_agency=per_agency, **v.params())
    data = data[(data["year"] >= v.year_from) & (data["year"] <= v.year)]
    not_due = c.not_due_note(v)
    if not_due and not per_agency:  # a partial total of a year not yet due is not a fall: the line ends before it
        data = data[data["year"] < v.year]
    coverage = c.q("coverage_by_year", **v.filters(), year_from=v.year_from, year_to=v.year, due_through=v.due)
    name, unit = str(defs.loc[code, "name_zh"]), str(defs.loc[code, "unit"])
    if data["value"].notna().sum() == 0:
        if not_due:
            st.info(f"{v.year}年度报告{not_due}。")
        st.warning(f"所选范围（{v.label_md}）{v.year_from}—{v.year}年没有报告填报“{name}”。")
        return
    if unit == "按原件":
        st.warning("此项金额单位在原件中不统一（元或万元），合计没有意义；请在“单位详情”逐份查看。")
        return
    sparse = [] if per_agency else [int(r.year) for r in coverage.itertuples()
                                    if charts.incomplete(int(r.received), int(r.expected))]
    markers = definition_markers(code, data)
    # The title names the years on the axis: those with reports in the scope (a year without any is not drawn).
    title = charts.chart_title(name, sorted({int(y) for y in data["year"]}), v.label)
    cov = coverage.set_index("year")
    if per_agency:
        fig = charts.trend_figure(data, title, unit, markers=markers, present=c.presenting())
    else:
        county = data.assign(received=data["year"].map(cov["received"]), expected=data["year"].map(cov["expected"]))
        fig = charts.coverage_trend_figure(county, title, unit, markers, present=c.presenting(), name=v.label)
    c.show_chart(fig, "trend")
    if not_due:
        st.info(f"{v.year}年度报告{not_due}。" + ("" if per_agency else "本年合计未画入趋势。"))

    held = int(data["held_back"].sum())
    notes = []
    if sparse:
        notes.append("空心点为收到报告不足应报一半的年份（数据不全）")
    if markers:
        notes.append("点线竖线为口径变化处")
    if held and not v.scope.include_suspect:
        notes.append(f"另有 {held} 个存疑数值未计入（见“数据质量”）")
    notes.append("空白表示该年没有报告填报此项，不是0")
    st.caption("；".join(notes) + "。")

    shown = pd.DataFrame({
        "范围": data["scope"],
        "年度": [f"{int(y)}年" for y in data["year"]],
        "数值": [c.format_value(x, unit) for x in data["value"]],
        "填报此项的报告（份）": data["reports"].astype(int),
        "收到 / 应报": [f"{int(cov.loc[y, 'received'])} / {int(cov.loc[y, 'expected'])}" if y in cov.index else "—"
                     for y in data["year"]],
        "存疑未计入": data["held_back"].astype(int),
        "说明": [mixed_version_note(r) for _, r in data.iterrows()],
    })
    st.dataframe(shown, hide_index=True, width="stretch")


main()
