"""总览: the chosen year's figures for the chosen scope, with the change against the year before.

Every figure is a total over the scope of the scope bar (the home county by default), says how many of the expected
reports it holds, and leaves out values flagged as suspect unless 含存疑数值 is on — saying so beside the figure.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.catalogue import labels
from dashboard.pages import common as c
from dashboard.pages.scope_bar import View, view
from dashboard.queries import stated_in_text

OUTCOMES = ["granted", "partial", "withheld", "unavailable", "not_processed", "other_handling"]


def figure(totals: pd.DataFrame, code: str, year: int) -> pd.Series | None:
    """The scope's total of one indicator in one year (a row of scope_indicator_totals), or None."""
    rows = totals[(totals["indicator"] == code) & (totals["year"] == year)]
    return None if rows.empty else rows.iloc[0]


def metric(col: st.delta_generator.DeltaGenerator, totals: pd.DataFrame, defs: pd.DataFrame, code: str,
           year: int) -> None:
    """One st.metric with the year-on-year change, and beside it what the figure left out or mixed."""
    unit = str(defs.loc[code, "unit"])
    now, before = figure(totals, code, year), figure(totals, code, year - 1)
    value = None if now is None else now["value"]
    prior = None if before is None else before["value"]
    help_ = str(defs.loc[code, "definition_zh"])
    delta = None
    if value is not None and not pd.isna(value) and prior is not None and not pd.isna(prior):
        d = float(value) - float(prior)
        delta = f"{d * 100:+.1f}个百分点" if unit == "比率" else f"{d:+,.2f}" if unit == "万元" else f"{d:+,.0f}"
    label = str(defs.loc[code, "name_zh"]) + ("" if unit in ("比率", "按原件") else f"（{unit}）")
    shown = "不合计" if unit == "按原件" and now is not None else c.format_value(value, unit)
    col.metric(label, shown, delta, help=help_, delta_color="off" if code in ("withheld", "not_processed") else "normal")
    notes = []
    if now is not None:
        notes.append(f"{int(now['reports'])}份报告")
        if unit == "按原件":
            notes.append("金额单位不统一，按单位列示")
        if now["reports_2019"] and now["reports_2021"]:
            notes.append(f"含2019年版口径{int(now['reports_2019'])}份")
        if now["held_back"]:
            notes.append(f"另有{int(now['held_back'])}个存疑数值未计入")
    elif before is not None and before["held_back"]:
        notes.append("存疑数值未计入")
    if before is not None and now is not None and before["held_back"] and delta:
        notes.append(f"上年另有{int(before['held_back'])}个存疑数值未计入")
    if notes:
        col.caption("；".join(notes))


def stated_by_text(v: View, received: int) -> None:
    """主动公开政府信息 as the reports say it in words (正文所述): apart from every table figure, with sentences."""
    sections = c.q("text_overview_sections", **v.filters(), year_from=int(v.year), year_to=int(v.year))
    stated = stated_in_text(sections)
    col = st.columns(4)[0]
    if stated.empty:
        col.metric("主动公开政府信息（条，正文所述）", "—", help="报告正文未写明主动公开条数。")
        return
    approx = int(stated["approximate"].sum())
    col.metric("主动公开政府信息（条，正文所述）", f"{'约' if approx else ''}{stated['value'].sum():,.0f}",
               help="各报告“一、总体情况”中写明的主动公开条数之和；来自正文，不是表格数据。")
    col.caption(f"{len(stated)} / {received} 份报告写明" + (f"；其中{approx}个为约数（“余条”）" if approx else ""))
    with st.expander("正文原句（主动公开条数的出处）"):
        st.dataframe(pd.DataFrame({"单位": stated["short_name"], "条数": [f"{x:,.0f}" for x in stated["value"]],
                                   "约数": stated["approximate"].map({True: "是", False: ""}),
                                   "原句": stated["sentence"]}), hide_index=True, width="stretch")


def main() -> None:
    """Render the page."""
    st.title("总览")
    v = view()
    if v.year is None:
        c.no_data()
    year = v.year
    defs = c.indicator_defs()
    totals = c.q("scope_indicator_totals", **v.params(), year_from=year - 1, year_to=year)
    coverage = c.q("coverage_by_year", **v.filters(), year_from=year - 1, year_to=year, due_through=v.due)
    cov = coverage.set_index("year")

    st.subheader(f"{year}年 · {v.label_md}")
    row = cov.loc[year]
    received, expected, missing = int(row["received"]), int(row["expected"]), int(row["missing"])
    prev_received = int(cov.loc[year - 1, "received"]) if year - 1 in cov.index else None
    not_due = c.not_due_note(v)
    cols = st.columns(4)
    if not_due:  # not a fall: the reports are not due yet
        st.info(f"{year}年度报告{not_due}。")
        cols[0].metric("收到报告（份）", f"{received}", help=f"{year}年度报告{not_due}。")
    else:
        cols[0].metric("收到报告（份）", f"{received} / {expected}",
                       None if prev_received is None else f"{received - prev_received:+d}",
                       help="本年度已入库的现行报告 / 应报单位数（更正版替换原版，只计一次）")
    if bool(row["due"]) or missing:
        cols[1].metric(f"缺报（个，{year}年）", f"{missing}", help=labels.MISSING_COUNT_HELP_ZH)
        if missing:
            c.link_to("quality", "查看缺报名单", cols[1], ":material/list:")
    else:
        cols[1].metric(f"缺报（个，{year}年）", "未到期", help=f"{year}年度报告{not_due}，不计缺报。")
    held_total = int(totals.loc[totals["year"] == year, "held_back"].sum()) if not totals.empty else 0
    cols[2].metric("存疑数值未计入（个）", f"{held_total}" if not v.scope.include_suspect else "已计入",
                   help="被核对规则判为存疑的数值（疑似单位错填、合计不符、读取存疑）默认不计入合计。")
    if held_total and not v.scope.include_suspect:
        c.link_to("quality", "查看存疑数值", cols[2], ":material/fact_check:")
    metric(cols[3], totals, defs, "normative_docs_issued", year)
    if expected and received * 2 < expected and not not_due:
        st.warning(f"{year}年只收到 {received} / {expected} 份应报报告，以下合计数据不全。")

    st.markdown("#### 依申请公开")
    cols = st.columns(4)
    for col, code in zip(cols, ["applications_new", "applications_total_handled", "disclosure_rate",
                                "applications_carried_over"], strict=True):
        metric(col, totals, defs, code, year)
    mix = {}
    for k in OUTCOMES:
        f = figure(totals, k, year)
        mix[str(defs.loc[k, "name_zh"])] = None if f is None or pd.isna(f["value"]) else float(f["value"])
    if any(val for val in mix.values()):
        title = charts.chart_title("申请办理结果构成", [year], v.label)
        c.show_chart(charts.outcome_mix_figure(mix, title, present=c.presenting()), "overview_mix")

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
    stated_by_text(v, received)
    if figure(totals, "procurement_projects", year) is not None:
        cols = st.columns(4)
        metric(cols[0], totals, defs, "procurement_projects", year)
        metric(cols[1], totals, defs, "procurement_amount", year)
        cols[2].caption("政府集中采购仅2019年版格式填报；金额按原件数字，单位常未注明，不作合计。")
    st.caption(f"{charts.SOURCE_NOTE} 范围：{v.label_md}；"
               + (f"{year}年度报告{not_due}。" if not_due else f"收到 {received} / 应报 {expected} 份。")
               + ("含存疑数值。" if v.scope.include_suspect else "存疑数值未计入合计。"))


main()
