"""对比: which agencies stand out — a ranking for one year, the agency × year matrix, small multiples."""

from __future__ import annotations

import streamlit as st

from dashboard import charts
from dashboard.pages import common as c

VIEWS = {"ranking": "排名", "heatmap": "单位×年度", "multiples": "分单位小图"}


def main() -> None:
    """Render the page."""
    st.title("对比")
    available = c.years()
    if not available:
        c.no_data()
    defs = c.indicator_defs()
    top = st.columns([2, 2, 3])
    with top[0]:
        code = c.pick_indicator(defs)
    with top[1]:
        kinds = c.pick_kinds()
    with top[2]:
        view = c.pick_choice(VIEWS, "view", "视图", "ranking")
    c.explain_indicator(defs, code)
    name, unit = str(defs.loc[code, "name_zh"]), str(defs.loc[code, "unit"])
    scope = c.scope_label(kinds)

    if view == "ranking":
        year = c.pick_year(available)
        data = c.iq("compare_ranking", code, year=year, kinds=kinds)
        if data["value"].notna().sum() == 0:
            st.warning(f"{year}年没有报告填报“{name}”。")
            return
        c.show_chart(charts.ranking_figure(data, charts.chart_title(f"{name}排名", [year], scope), unit), "ranking")
        shown = data.assign(数值=[c.format_value(v, unit) for v in data["value"]],
                            上年=[c.format_value(v, unit) for v in data["previous"]],
                            变化=[c.format_value(v, unit) for v in data["change"]])
        st.dataframe(shown.rename(columns={"rank": "名次", "short_name": "单位", "kind": "类型"})[
            ["名次", "单位", "类型", "数值", "上年", "变化"]], hide_index=True, width="stretch")
        return

    year_from, year_to = c.pick_years(available)
    table = c.agencies()
    in_kinds = table if not kinds else table[table["kind"].isin(kinds)]
    chosen = c.pick_agencies(in_kinds[in_kinds["reports"] > 0], placeholder="全部单位（按数值取前列）")
    data = c.iq("compare_agency_year", code, year_from=year_from, year_to=year_to, kinds=kinds, agency_ids=chosen)
    if data["value"].notna().sum() == 0:
        st.warning(f"所选范围内没有报告填报“{name}”。")
        return
    limit = 60 if view == "heatmap" else 16
    if not chosen:
        # Too many agencies for one chart: the ones with the largest totals over the range, named as such.
        order = data.groupby("short_name")["value"].sum(min_count=1).sort_values(ascending=False)
        keep = list(order.index[:limit])
        data = data[data["short_name"].isin(keep)]
        if len(order) > limit:
            st.caption(f"共{len(order)}个单位，图中为合计最大的{limit}个；可在“单位”中指定。")
    years = range(year_from, year_to + 1)
    if view == "heatmap":
        title = charts.chart_title(name, years, f"{scope}·分单位")
        c.show_chart(charts.heatmap_figure(data, title, unit), "heatmap")
        st.caption("空格表示该年没有报告或报告未填此项，不是0。")
    else:
        title = charts.chart_title(name, years, f"{scope}·分单位")
        c.show_chart(charts.small_multiples_figure(data, title, unit), "multiples")
        st.caption("虚线为2019年版口径；口径不同的年份不相连。")


main()
