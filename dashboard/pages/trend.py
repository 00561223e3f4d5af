"""趋势: one indicator over the years, for all chosen agencies together or for each chosen agency."""

from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.pages import common as c


def main() -> None:
    """Render the page."""
    st.title("趋势")
    available = c.years()
    if not available:
        c.no_data()
    defs = c.indicator_defs()
    table = c.agencies()
    top = st.columns([2, 2, 3])
    with top[0]:
        code = c.pick_indicator(defs)
    with top[1]:
        kinds = c.pick_kinds()
    in_kinds = table if not kinds else table[table["kind"].isin(kinds)]
    with top[2]:
        chosen = c.pick_agencies(in_kinds[in_kinds["reports"] > 0], max_selections=8)
    year_from, year_to = c.pick_years(available)
    c.explain_indicator(defs, code)

    data = c.iq("trend_indicator", code, agency_ids=chosen, kinds=kinds)
    data = data[(data["year"] >= year_from) & (data["year"] <= year_to)]
    name, unit = str(defs.loc[code, "name_zh"]), str(defs.loc[code, "unit"])
    if data["value"].notna().sum() == 0:
        st.warning(f"所选范围内没有报告填报“{name}”。")
        return
    scope = c.scope_label(kinds, len(chosen) if chosen else None)
    title = charts.chart_title(name, range(year_from, year_to + 1), scope)
    fig = charts.trend_figure(data, title, unit, str(defs.loc[code, "series_note_zh"] or ""))
    c.show_chart(fig, "trend")

    shown = data.assign(年度=data["year"].astype(int), 数值=[c.format_value(v, unit) for v in data["value"]],
                        口径=data["series"].map(lambda s: charts.SERIES_ZH.get(str(s)) or "两版一致"),
                        报告数=data["reports"])
    st.dataframe(shown.rename(columns={"scope": "范围"})[["范围", "年度", "口径", "数值", "报告数"]],
                 hide_index=True, width="stretch")
    st.caption("空白表示该年没有报告填报此项，不是0。虚线为2019年版口径，点线竖线为口径变化处。")


main()
