"""数据质量: findings by rule, agency and year; the coverage matrix; confirming or dismissing a finding."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, charts
from dashboard.checks.labels import cell_label
from dashboard.pages import common as c
from dashboard.pages.correction_grid import finding_links

STATUS_ZH = {"open": "待核实", "confirmed": "已确认", "dismissed": "已排除", "resolved": "已因更正关闭"}
SEVERITY_ZH = {"error": "错误", "warning": "提示", "info": "信息"}
LIST_LIMIT = 300
COVERAGE_ROWS = 80


def pick_statuses() -> list[str] | None:
    """Statuses of findings (URL ?status=open,confirmed); None = all."""
    wanted = [s for s in (st.query_params.get("status") or "").split(",") if s in STATUS_ZH]
    value = st.multiselect("核实状态", list(STATUS_ZH), default=wanted, format_func=STATUS_ZH.get,
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
    user = auth.current_user()
    if findings.empty or not auth.allows(user, "编辑"):  # a viewer sees no review buttons (and the write refuses)
        return
    labels = {int(f.finding_id): f"{f.year}年 {f.short_name} · {c.rule_name(f.rule)} · {f.message[:60]}"
              for f in findings.itertuples()}
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
        auth.guarded_set_finding_status(user if not user.local else auth.User(who.strip(), user.role, True), fid,
                                        action, note.strip() or None, db=c.db_version()[0])
        st.session_state["review_done"] = f"已记录：{labels[fid]} → {STATUS_ZH[action]}"
        st.rerun()


def main() -> None:
    """Render the page."""
    st.title("数据质量")
    available = c.years()
    if not available:
        c.no_data()
    if msg := st.session_state.pop("review_done", None):
        st.success(msg)
    top = st.columns([3, 2, 2])
    with top[0]:
        year_from, year_to = c.pick_years(available)
    with top[1]:
        kinds = c.pick_kinds()
    with top[2]:
        statuses = pick_statuses()
    scope, years = c.scope_label(kinds), range(year_from, year_to + 1)
    args = {"year_from": year_from, "year_to": year_to, "kinds": kinds}
    by_rule_year = c.q("quality_findings_by_rule_year", statuses=statuses, **args)

    st.subheader("核对发现的问题")
    if by_rule_year.empty:
        st.success("所选范围内没有核对发现的问题。")
    else:
        by_rule = by_rule_year.groupby("rule", as_index=False)["findings"].sum()
        title = charts.chart_title("核对问题数（按规则）", years, scope)
        c.show_chart(charts.bar_figure([c.rule_name(r) for r in by_rule["rule"]], by_rule["findings"], title),
                     "findings_by_rule")
        by_year = by_rule_year.pivot_table(index="rule", columns="year", values="findings", aggfunc="sum",
                                           fill_value=0)
        by_year.index = pd.Index([c.rule_name(r) for r in by_year.index], name="规则")
        by_year.columns = [f"{y}年" for y in by_year.columns]
        st.markdown("**按规则、年度**")
        st.dataframe(by_year, width="stretch")
        by_agency = c.q("quality_findings_by_agency", statuses=statuses, limit=50, **args)
        st.markdown("**问题最多的单位**")
        st.dataframe(by_agency.rename(columns={"short_name": "单位", "kind": "类型", "findings": "问题数",
                                               "errors": "其中错误"})[["单位", "类型", "问题数", "其中错误"]],
                     hide_index=True, width="stretch")

    st.subheader("报送情况")
    counts = c.q("quality_coverage_counts", **args).set_index("status")["agency_years"]
    cols = st.columns(3)
    for col, key in zip(cols, ["published", "superseded", "missing"], strict=True):
        col.metric(charts.STATUS_ZH[key], int(counts.get(key, 0)))
    coverage = c.q("quality_coverage", limit=COVERAGE_ROWS, **args)
    shown = coverage[coverage["status"].notna()]
    c.show_chart(charts.coverage_figure(shown, charts.chart_title("年报报送情况", years, scope), COVERAGE_ROWS),
                 "coverage")
    if int(counts.sum()) > len(shown):
        st.caption(f"图中为缺报年数最多的{shown['agency_id'].nunique()}个单位。")

    st.subheader("逐条核实")
    findings = c.q("quality_findings_list", year_from=year_from, year_to=year_to, kinds=kinds, statuses=statuses,
                   rules=None, limit=LIST_LIMIT)
    if findings.empty:
        st.caption("没有需要核实的问题。")
        return
    table = pd.DataFrame({
        "年度": findings["year"], "单位": findings["short_name"], "规则": findings["rule"].map(c.rule_name),
        "级别": findings["severity"].map(lambda s: SEVERITY_ZH.get(s, s)), "说明": findings["message"],
        "位置": [("；".join(cell_label(k) for k in cs) if cs is not None and len(cs) else "") for cs in findings["cells"]],
        "状态": findings["status"].map(lambda s: STATUS_ZH.get(s, s)), "核实人": findings["reviewed_by"]})
    st.dataframe(table, hide_index=True, width="stretch")
    if len(findings) == LIST_LIMIT:
        st.caption(f"只列出前{LIST_LIMIT}条；请缩小年度或单位类型。")
    review(findings)
    finding_links(findings)  # one click to 校对 at the finding's cell (dashboard/pages/correction_grid.py)


main()
