"""数据质量: who has not reported, which values are held back as suspect, findings by rule and unit, review."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.catalogue import labels as lz
from dashboard.catalogue.labels import FINDING_STATUS_ZH, cell_label, humanize, severity_name
from dashboard.pages import common as c
from dashboard.pages import login
from dashboard.pages.correction_grid import finding_links
from dashboard.pages.scope_bar import View, view
from dashboard.review import users
from dashboard.review.findings import guarded_set_finding_status

LIST_LIMIT = 300
COVERAGE_ROWS = 80


def pick_statuses() -> list[str] | None:
    """Statuses of findings (URL ?status=open,confirmed); None = all."""
    wanted = [s for s in (st.query_params.get("status") or "").split(",") if s in FINDING_STATUS_ZH]
    value = st.multiselect("核实状态", list(FINDING_STATUS_ZH), default=wanted, format_func=FINDING_STATUS_ZH.get,
                           placeholder="全部状态", key="w_status")
    joined = ",".join(value)
    if joined != (st.query_params.get("status") or ""):
        if joined:
            st.query_params["status"] = joined
        else:
            del st.query_params["status"]
    return list(value) or None


def review(findings: pd.DataFrame) -> None:
    """Confirm or dismiss one finding; the decision goes to the findings table and the audit log."""
    user = login.current_user()
    if findings.empty or not users.allows(user, "编辑"):  # a viewer sees no review buttons (and the write refuses)
        return
    labels = {int(f.finding_id): f"{f.year}年 {f.short_name} · {c.rule_name(f.rule)} · {f.message[:60]}"
              for f in findings.itertuples()}
    if st.session_state.pop("review_clear_note", False):
        st.session_state["w_note"] = ""  # the next review starts with an empty 说明 (set before the widget exists)
    with st.form("review"):
        fid = st.selectbox("核实一条问题", list(labels), format_func=labels.get, key="w_finding")
        who = st.text_input("核实人", value=user.name, disabled=not user.local, key="w_who")
        note = st.text_input("说明（可选）", key="w_note")
        cols = st.columns(3)
        confirm = cols[0].form_submit_button("确认问题")
        dismiss = cols[1].form_submit_button("排除（不是问题）")
        reopen = cols[2].form_submit_button("恢复为待核实")
    action = "confirmed" if confirm else "dismissed" if dismiss else "open" if reopen else None
    if action:
        if not who.strip():
            st.error("请填写核实人。")
            return
        guarded_set_finding_status(user if not user.local else users.User(who.strip(), user.role, True), fid,
                                   action, note.strip() or None, db=c.db_version()[0])
        st.session_state["review_done"] = f"已记录：{labels[fid]} → {FINDING_STATUS_ZH[action]}"
        st.session_state["review_clear_note"] = True
        st.rerun()


def non_reporters(v: View) -> None:
    """The 缺报名单 of the chosen year: who owes a report and has none, how long, the last one received."""
    year = int(v.year)
    st.subheader(f"缺报名单 · {year}年")
    not_due = c.not_due_note(v)
    if not_due:
        st.info(f"{year}年度报告{not_due}；未到期的单位不计缺报。")
    missing = c.q("coverage_non_reporters", **v.filters(), year=year, due_through=v.due)
    if not_due and missing.empty:
        return
    if missing.empty:
        st.success(f"{v.label_md}：{year}年应报单位均已报送。")
        return
    st.dataframe(pd.DataFrame({
        "单位": missing["short_name"], "类型": missing["kind"], "地区": missing["region"].fillna("—"),
        "连续缺报（年）": missing["missed_in_row"].astype(int),
        "最近一次报告": [("从未收到" if pd.isna(y) else f"{int(y)}年") for y in missing["last_year"]],
    }), hide_index=True, width="stretch")
    st.caption(f"共 {len(missing)} 个单位应报未报（{v.label_md}）。")


def held_back(v: View) -> None:
    """The values county totals leave out as suspect, and the finding behind each."""
    held = c.q("quality_held_back_values", **v.filters(), year_from=v.year_from, year_to=v.year)
    st.subheader("存疑数值（默认不计入合计）")
    if held.empty:
        st.caption("所选范围没有存疑数值。")
        return
    st.dataframe(pd.DataFrame({
        "年度": [f"{int(y)}年" for y in held["year"]], "单位": held["short_name"], "指标": held["name_zh"],
        "原件数值": [c.format_value(x, u) for x, u in zip(held["value"], held["unit"], strict=True)],
        "存疑原因": [("、".join(c.rule_name(r) for r in rs) if rs is not None else "") for rs in held["rules"]],
    }), hide_index=True, width="stretch")
    st.caption("核实后“排除”该问题即计入合计；“确认”则继续不计入。侧栏“含存疑数值”可临时全部计入。")


def main() -> None:
    """Render the page."""
    st.title("数据质量")
    v = view()
    if v.year is None:
        c.no_data()
    if msg := st.session_state.pop("review_done", None):
        st.success(msg)
    statuses = pick_statuses()
    year_from, year_to = int(v.year_from), int(v.year)
    years = range(year_from, year_to + 1)
    args = {"year_from": year_from, "year_to": year_to, **v.filters()}
    st.caption(f"范围：{v.label_md} · {year_from}—{year_to}年")

    non_reporters(v)

    st.subheader("报送情况")
    counts = c.q("quality_coverage_counts", **args, due_through=v.due).set_index("status")["agency_years"]
    cols = st.columns(4)
    for col, key in zip(cols, ["published", "superseded", "missing", "not_due"], strict=True):
        col.metric(f"{charts.STATUS_ZH[key]}（单位·年）", int(counts.get(key, 0)),
                   help=lz.COVERAGE_COUNT_HELP_ZH.format(span=f"{year_from}—{year_to}年"))
    st.caption(lz.COVERAGE_COUNT_HELP_ZH.format(span=f"{year_from}—{year_to}年"))
    coverage = c.q("quality_coverage", limit=COVERAGE_ROWS, **args, due_through=v.due)
    shown = coverage[coverage["status"].notna()]
    if not shown.empty:
        c.show_chart(charts.coverage_figure(shown, charts.chart_title("年报报送情况", years, v.label), COVERAGE_ROWS,
                                           present=c.presenting()),
                     "coverage")
        if shown["agency_id"].nunique() >= COVERAGE_ROWS:
            st.caption(f"图中为缺报年数最多的{COVERAGE_ROWS}个单位。")

    held_back(v)

    by_rule_year = c.q("quality_findings_by_rule_year", statuses=statuses, **args)
    st.subheader("核对发现的问题")
    if by_rule_year.empty:
        st.success("所选范围内没有核对发现的问题。")
    else:
        by_rule = by_rule_year.groupby("rule", as_index=False)["findings"].sum()
        title = charts.chart_title("核对问题数（按规则）", years, v.label)
        c.show_chart(charts.bar_figure([c.rule_name(r) for r in by_rule["rule"]], by_rule["findings"], title,
                                       present=c.presenting()),
                     "findings_by_rule")
        by_year = by_rule_year.pivot_table(index="rule", columns="year", values="findings", aggfunc="sum",
                                           fill_value=0)
        by_year.index = pd.Index([c.rule_name(r) for r in by_year.index], name="规则")
        by_year = by_year.reindex(columns=list(years), fill_value=0)  # every year of the range, 0 where none
        by_year.columns = [f"{y}年" for y in by_year.columns]
        st.markdown("**按规则、年度**")
        st.dataframe(by_year, width="stretch")
        by_agency = c.q("quality_findings_by_agency", statuses=statuses, limit=50, **args)
        st.markdown("**问题最多的单位**")
        st.dataframe(by_agency.rename(columns={"short_name": "单位", "kind": "类型", "findings": "问题数",
                                               "errors": "其中错误"})[["单位", "类型", "问题数", "其中错误"]],
                     hide_index=True, width="stretch")

    st.subheader("逐条核实")
    findings = c.q("quality_findings_list", **args, statuses=statuses, rules=None, limit=LIST_LIMIT)
    if findings.empty:
        st.caption("没有需要核实的问题。")
        return
    table = pd.DataFrame({
        "年度": findings["year"], "单位": findings["short_name"], "规则": findings["rule"].map(c.rule_name),
        "级别": findings["severity"].map(lambda s: severity_name(s)), "说明": findings["message"].map(humanize),
        "位置": [("；".join(cell_label(k) for k in cs) if cs is not None and len(cs) else "") for cs in findings["cells"]],
        "状态": findings["status"].map(lambda s: FINDING_STATUS_ZH.get(s, "")), "核实人": findings["reviewed_by"].fillna("")})
    st.dataframe(table, hide_index=True, width="stretch")
    if len(findings) == LIST_LIMIT:
        st.caption(f"只列出前{LIST_LIMIT}条；请缩小年度或数据范围。")
    review(findings)
    finding_links(findings)  # one click to 校对 at the finding's cell (dashboard/pages/correction_grid.py)


main()
