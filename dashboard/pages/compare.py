"""对比: which units stand out — rankings (like with like), the unit × year matrix, small multiples.

A ranking compares 乡镇 with 乡镇, 街道 with 街道, 部门 with 部门 (one tab each), shows 名次, 上年名次 and the change,
the top and the bottom, and keeps every unit that owes a report: one that did not report stays at the bottom
marked 未报, one whose figure is suspect is marked 存疑未计 (unless 含存疑数值 is on).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard import scope as sc
from dashboard.catalogue import labels
from dashboard.pages import common as c
from dashboard.pages.scope_bar import View, view

VIEWS = {"ranking": "排名", "heatmap": "单位×年度", "multiples": "分单位小图", "score": "年报质量评分"}
STATUS_ZH = labels.RANK_STATUS_ZH


def ranking_table(data: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The ranking as a leader reads it (the words of dashboard/checks/labels.py)."""
    previous_status = data["previous_status"] if "previous_status" in data else [None] * len(data)
    return pd.DataFrame({
        "名次": [("" if pd.isna(r) else str(int(r))) for r in data["rank"]],
        "上年名次": [("" if pd.isna(r) else str(int(r))) for r in data["previous_rank"]],
        "名次变化": [labels.rank_change_label(r, p, s)
                 for r, p, s in zip(data["rank"], data["previous_rank"], previous_status, strict=True)],
        "单位": data["short_name"],
        "类型": data["kind"],
        "数值": [c.format_value(x, unit) for x in data["value"]],
        "上年": [c.format_value(x, unit) for x in data["previous"]],
        "变化": [labels.value_change_label(x, unit) for x in data["change"]],
        "状态": data["status"].map(STATUS_ZH),
    })


def ranking(v: View, code: str, name: str, unit: str) -> None:
    """One ranking per group of like units present in the scope."""
    year = int(v.year)
    if not_due := c.not_due_note(v):
        st.info(f"{year}年度报告{not_due}；排名只含已收到的报告，未报的单位不列为未报。")
    kinds_in_scope = list(v.scope.kinds) if v.scope.kinds else list(sc.KINDS)
    groups = {g: [k for k in ks if k in kinds_in_scope] for g, ks in sc.KIND_GROUPS.items()}
    groups = {g: ks for g, ks in groups.items() if ks}
    frames = {g: c.iq("compare_ranking", code, year=year, due_through=v.due,
                      **v.scope.with_kinds(ks).params()) for g, ks in groups.items()}
    frames = {g: f for g, f in frames.items() if not f.empty}
    if not frames:
        st.warning(f"{year}年所选范围（{v.label_md}）没有单位的报告。")
        return
    n = st.slider("显示前/后各几名", 3, 30, 10, key="w_rank_n")
    tabs = st.tabs([f"{g}（{len(f)}个）" for g, f in frames.items()])
    for tab, (group, data) in zip(tabs, frames.items(), strict=True):
        with tab:
            ranked = data[data["status"] == "ranked"]
            label = f"{v.label} · {group}"
            if ranked.empty:
                st.info(f"{group}：{year}年没有可排名的数值。")
            else:
                n_top, n_bottom = labels.top_bottom(len(ranked), n)
                top = ranked.head(n_top)
                first = f"前{n_top}名" if n_bottom else f"全部{n_top}个单位"
                c.show_chart(charts.ranking_figure(top, charts.chart_title(f"{name}{first}", [year], label),
                                                   unit, present=c.presenting()), f"ranking_top_{group}")
                if n_bottom:
                    bottom = ranked.tail(n_bottom)
                    c.show_chart(charts.ranking_figure(bottom, charts.chart_title(f"{name}后{len(bottom)}名", [year],
                                                                                label), unit,
                                                       present=c.presenting()),
                                 f"ranking_bottom_{group}")
            st.dataframe(ranking_table(data, unit), hide_index=True, width="stretch")
            notes = []
            for status in ("missing", "held", "blank", "uncomputable"):
                count = int((data["status"] == status).sum())
                if count:
                    notes.append(f"{count}个单位{labels.RANK_STATUS_ZH[status]}（{labels.RANK_STATUS_EXPLAIN_ZH[status]}）")
            if notes:
                st.caption("；".join(notes) + "。")
            shown = [s for s in labels.PREVIOUS_STATUS_ZH if "previous_status" in data
                     and ((data["previous_status"] == s) & data["rank"].notna()).any()]
            if shown:
                st.caption("名次变化只比较两年都有名次的单位；" + "；".join(labels.PREVIOUS_STATUS_EXPLAIN_ZH[s]
                                                                  for s in shown) + "。")


def matrix(v: View, code: str, name: str, unit: str, kind: str) -> None:
    """The unit × year heatmap or the small multiples over the scope bar's years."""
    data = c.iq("compare_agency_year", code, year_from=v.year_from, year_to=v.year, **v.params())
    if data["value"].notna().sum() == 0:
        st.warning(f"所选范围（{v.label_md}）没有报告填报“{name}”。")
        return
    limit = 60 if kind == "heatmap" else 16
    if not v.scope.agency_ids:
        # Too many units for one chart: the ones with the largest totals over the range, named as such.
        order = data.groupby("short_name")["value"].sum(min_count=1).sort_values(ascending=False)
        keep = list(order.index[:limit])
        data = data[data["short_name"].isin(keep)]
        if len(order) > limit:
            st.caption(f"共{len(order)}个单位，图中为合计最大的{limit}个；可在侧栏“单位”中指定。")
    years = range(int(v.year_from), int(v.year) + 1)
    title = charts.chart_title(name, years, f"{v.label}·分单位")
    if kind == "heatmap":
        c.show_chart(charts.heatmap_figure(data, title, unit, present=c.presenting()), "heatmap")
        st.caption("空格表示该年没有报告、报告未填此项或数值存疑未计入，不是0。")
    else:
        c.show_chart(charts.small_multiples_figure(data, title, unit, present=c.presenting()), "multiples")
        st.caption("没有数值的年份不相连。")
    if int(data["held"].sum()) and not v.scope.include_suspect:
        st.caption(f"另有 {int(data['held'].sum())} 个存疑数值未显示（见“数据质量”）。")


def scores(v: View) -> None:
    """The units ranked by 年报质量评分 (data/review_scoring.toml), each deduction named with its problem."""
    from dashboard.review.rounds import year_scores
    from dashboard.review.scoring import load_sheet

    year = int(v.year)
    sheet = load_sheet()
    table = year_scores(year, c.db_path(), **v.filters(), today=dt.date.fromisoformat(str(v.as_of)[:10]))
    if table.empty:
        st.warning(f"{year}年所选范围（{v.label}）没有可评分的报告。")
        return
    items = "、".join(f"{i.name}{i.points:g}分" for i in sheet.items)
    st.caption(f"{sheet.title}：满分 {sheet.full:g} 分（{items}）；每条问题按评分表扣分，扣分明细列出所依据的问题编号。"
               "有审核轮次的年度按各单位最新报送稿或已公布报告评分。")
    if table["评分"].nunique() == 1:
        st.info(f"{year}年所选范围的 {len(table)} 份报告均为 {table['评分'].iloc[0]:g} 分。")
        st.dataframe(table.drop(columns=["agency_id"]), hide_index=True, width="stretch")
        return
    low = table.sort_values("评分").head(10).sort_values("评分", ascending=False)
    c.show_chart(charts.ranking_figure(
        pd.DataFrame({"short_name": low["单位"], "value": low["评分"]}),
        charts.chart_title(f"{sheet.title}较低的{len(low)}个单位", [year], v.label), "分",
        present=c.presenting()), "score_low")
    st.dataframe(table.drop(columns=["agency_id"]), hide_index=True, width="stretch")


def main() -> None:
    """Render the page."""
    st.title("对比")
    v = view()
    if v.year is None:
        c.no_data()
    defs = c.indicator_defs()
    top = st.columns([2, 3])
    with top[0]:
        code = c.pick_indicator(defs)
    with top[1]:
        kind = c.pick_choice(VIEWS, "view", "视图", "ranking")
    if kind == "score":
        scores(v)
        return
    c.explain_indicator(defs, code)
    name, unit = str(defs.loc[code, "name_zh"]), str(defs.loc[code, "unit"])
    if kind == "ranking":
        ranking(v, code, name, unit)
    else:
        matrix(v, code, name, unit, kind)


main()
