"""校对: the source as the reader saw it beside the three tables as an editable grid; saving stores corrections.

Arrive with ?report=ID&cell=applications.new.total from a finding or an unsure cell, or pick a report. Saving asks
for a reason; the checks rerun at once and the findings the correction resolves close themselves.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.catalogue.labels import TABLE_ZH, cell_label
from dashboard.pages import common as c
from dashboard.pages import correction_grid as g
from dashboard.pages import identity_panel, login
from dashboard.pages.scope_bar import view
from dashboard.pages.source_panel import show_source
from dashboard.review import corrections as k
from dashboard.review import users
from dashboard.text import md_literal

HINT_COL = "需核对"
ROW_COL = "项目"
STATUS_ZH = {"active": "生效", "replaced": "已被取代", "reverted": "已撤销", "stale": "待复核", "reapplied": "已重新应用",
             "dropped": "已放弃"}


def pick_report(reports: pd.DataFrame) -> int:
    """A current report (URL ?report=12); the ones needing a decision first."""
    ids = [int(r) for r in reports["report_id"]]
    labels = {}
    for r in reports.itertuples():
        todo = [f"不确定 {r.uncertain}" if r.uncertain else "", f"错误 {r.errors}" if r.errors else "",
                f"待复核 {r.stale}" if r.stale else ""]
        note = "、".join(t for t in todo if t)
        labels[int(r.report_id)] = f"{r.year}年 · {r.short_name} · {r.source_name}" + (f"（{note}）" if note else "")
    wanted = c.url_int(c.url_text("report"))  # ASCII digits only: '²' and '①' are not report numbers
    default = wanted if wanted in labels else ids[0]
    value = st.selectbox("报告", ids, index=ids.index(default), format_func=labels.get, key="w_pr_report")
    if st.query_params.get("report") != str(value):
        if st.query_params.get("report"):
            st.query_params.pop("cell", None)  # another report chosen: the linked cell was of the old one
        st.query_params["report"] = str(value)
    return int(value)


def editor(cells: pd.DataFrame, tbl: str, template: str, layout: str, marks: dict[str, list[str]],
           editable: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Right side: the table as an editable grid with a read-only 需核对 column naming marked cells and reasons."""
    text, keys = g.grid(cells, tbl, template, layout)
    hints = []
    for i in range(len(keys)):
        row_marks = [f"{keys.columns[j]}：{'；'.join(dict.fromkeys(marks[kk]))}" for j, kk in enumerate(keys.iloc[i])
                     if kk and kk in marks]
        hints.append(" ｜ ".join(row_marks))
    # row labels as a read-only column: an editable index would let a label be typed over
    shown = text.assign(**{HINT_COL: hints})
    shown.insert(0, ROW_COL, list(text.index))
    shown = shown.reset_index(drop=True)
    styled = shown.style.apply(lambda s: ["background-color: #fff3cd" if v else "" for v in s], subset=[HINT_COL])
    config = {col: st.column_config.TextColumn(col, width="small") for col in text.columns}
    config[ROW_COL] = st.column_config.TextColumn(ROW_COL, width="medium")
    config[HINT_COL] = st.column_config.TextColumn(HINT_COL, width="large")
    edited = st.data_editor(styled, key=f"w_pr_grid_{tbl}", width="stretch", column_config=config, hide_index=True,
                            disabled=True if not editable else [ROW_COL, HINT_COL],
                            height=min(36 * (len(text) + 1) + 4, 900))
    edited = edited.drop(columns=[ROW_COL, HINT_COL])
    edited.index = text.index
    return text, keys, edited


def save_form(user: users.User, report_id: int, pending: dict[str, str], confirm_options: list[str]) -> None:
    """Reason and save: the edited cells (and any unsure readings confirmed as read) become corrections."""
    with st.form("pr_save"):
        if pending:
            st.write("将更正：")
            st.dataframe(pd.DataFrame({"位置": [cell_label(x) for x in pending], "更正为": [v or "空白" for v in
                                                                                pending.values()]}),
                         hide_index=True, width="stretch")
        confirm = st.multiselect("确认以下读数无误（不改数字，只记录核对结论）", confirm_options,
                                 format_func=cell_label, placeholder="选择核对无误的读数（可不选）",
                                 key="w_pr_confirm") if confirm_options else []
        reason = st.text_input("更正理由（必填，例如：核对原件第3页）", key="w_pr_reason")
        ok = st.form_submit_button("保存更正", type="primary")
    if not ok:
        return
    if not reason.strip():
        st.error("请填写更正理由。")
        return
    current = {x: None for x in confirm}
    cells = c.q("detail_report_cells", report_id=report_id)
    for x in confirm:
        tbl, row, col = x.split(".", 2)
        hit = cells[(cells["tbl"] == tbl) & (cells["row_code"] == row) & (cells["col_code"] == col)]
        current[x] = None if hit.empty else hit.iloc[0]["value"]
    todo = {**{x: g.number_text(v) for x, v in current.items()}, **pending}
    if not todo:
        st.warning("没有要保存的更改。")
        return
    try:
        result = k.correct(user, report_id, todo, reason.strip(), db=c.db_version()[0])
    except (k.CorrectionError, users.PermissionDenied) as exc:
        st.error(str(exc))
        return
    st.session_state["pr_done"] = (f"已保存 {len(result.correction_ids)} 处更正；核对已重新运行，"
                                   f"因更正而关闭的问题 {len(result.resolved_findings)} 条。")
    for key in [x for x in st.session_state if str(x).startswith("w_pr_grid_")]:
        del st.session_state[key]
    st.rerun()


def one_cell_form(user: users.User, report_id: int, cells: pd.DataFrame, keys: list[str], focus: str | None) -> None:
    """Correct one cell by name (the cell a finding or an unsure reading linked to comes first): value and reason."""
    if not keys:
        return
    default = keys.index(focus) if focus in keys else 0
    current = {f"{r.tbl}.{r.row_code}.{r.col_code}": g.number_text(r.value) for r in cells.itertuples()}
    with st.form("pr_one"):
        st.markdown("**按格更正**")
        cols = st.columns([3, 1])
        key = cols[0].selectbox("格", keys, index=default, format_func=lambda x: f"{cell_label(x)}（现为 "
                                f"{current.get(x) or '空白'}）", key="w_pr_one_cell")
        value = cols[1].text_input("更正为（留空 = 空白）", key="w_pr_one_value")
        reason = st.text_input("理由（必填）", key="w_pr_one_reason")
        ok = st.form_submit_button("保存这一格")
    if not ok:
        return
    try:
        result = k.correct(user, report_id, {key: value}, reason.strip(), db=c.db_version()[0])
    except (k.CorrectionError, users.PermissionDenied) as exc:
        st.error(str(exc))
        return
    st.session_state["pr_done"] = (f"已保存 {len(result.correction_ids)} 处更正；核对已重新运行，"
                                   f"因更正而关闭的问题 {len(result.resolved_findings)} 条。")
    st.rerun()


def stale_and_history(user: users.User, report_id: int, editable: bool) -> None:
    """Corrections carried from an older version that wait for review, and this report's correction history."""
    history = c.q("proofread_corrections", report_id=report_id)
    stale = history[history["status"] == "stale"]
    if not stale.empty:
        st.subheader("待复核的更正（新版文件读数已变）")
        for r in stale.itertuples():
            key = f"{r.tbl}.{r.row_code}.{r.col_code}"
            st.text(f"{cell_label(key)}：新版读为 {g.number_text(r.value_before) or '空白'}；"
                    f"旧版曾由 {r.who} 更正为 {g.number_text(r.value_after) or '空白'}（{r.reason}）")
            if editable:
                cols = st.columns([3, 1, 1])
                why = cols[0].text_input("复核理由", key=f"w_pr_stale_reason_{r.correction_id}")
                for col, action, label in ((cols[1], "reapply", "重新应用"), (cols[2], "drop", "放弃")):
                    if col.button(label, key=f"w_pr_stale_{action}_{r.correction_id}"):
                        try:
                            k.review_stale(user, int(r.correction_id), action, why, db=c.db_version()[0])
                            st.session_state["pr_done"] = f"已{label}：{cell_label(key)}"
                            st.rerun()
                        except (k.CorrectionError, users.PermissionDenied) as exc:
                            st.error(str(exc))
    if history.empty:
        return
    with st.expander(f"更正记录（{len(history)} 条）"):
        st.dataframe(pd.DataFrame({
            "编号": history["correction_id"], "位置": [cell_label(f"{r.tbl}.{r.row_code}.{r.col_code}")
                                                   for r in history.itertuples()],
            "原值": history["value_before"].map(g.number_text), "更正为": history["value_after"].map(g.number_text),
            "更正人": history["who"], "时间": history["at"].astype(str).str[:16], "理由": history["reason"],
            "状态": history["status"].map(lambda s: STATUS_ZH.get(s, s))}), hide_index=True, width="stretch")
        active = history[history["status"] == "active"]
        if editable and not active.empty:
            with st.form("pr_revert"):
                cid = st.selectbox("撤销一处更正（恢复为原读数）", list(active["correction_id"]),
                                   format_func=lambda i: f"#{i} " + cell_label(".".join(
                                       active[active["correction_id"] == i][["tbl", "row_code", "col_code"]].iloc[0])),
                                   key="w_pr_revert")
                why = st.text_input("撤销理由", key="w_pr_revert_reason")
                if st.form_submit_button("撤销"):
                    try:
                        k.revert(user, int(cid), why, db=c.db_version()[0])
                        st.session_state["pr_done"] = f"已撤销更正 #{cid}"
                        st.rerun()
                    except (k.CorrectionError, users.PermissionDenied) as exc:
                        st.error(str(exc))


def main() -> None:
    """Render the page."""
    st.title("校对")
    c.require_page_role("proofread", "校对")
    user = login.current_user()
    editable = users.allows(user, "编辑")
    if msg := st.session_state.pop("pr_done", None):
        st.success(msg)
    identity_panel.pending_panel("pr")  # 待认定 reports: listed here too, assigned by an 编辑
    v = view()  # the scope bar's scope: only its reports are offered (and a report a link names)
    linked = c.url_int(c.url_text("report"))
    reports = c.q("proofread_reports", **v.filters(), year=v.year, report_id=linked)
    if reports.empty:
        c.no_data(f"所选范围（{v.label}）没有报告。")
    report_id = pick_report(reports)
    rep = reports[reports["report_id"] == report_id].iloc[0]
    template, layout = str(rep["template"]), str(rep["applications_layout"] or rep["template"])
    st.caption(f"{md_literal(rep['agency_name'])} · {rep['year']}年度 · {template}年版格式 · 待定读数 {rep['uncertain']} 个 · "
               f"待核实错误 {rep['errors']} 条 · 已更正 {rep['corrections']} 处")
    cells = c.q("detail_report_cells", report_id=report_id)
    findings = c.q("detail_report_findings", report_id=report_id)
    focus = c.url_text("cell")
    marks = g.cell_marks(cells, findings, focus if focus and focus.count(".") == 2 else None)
    tables = ["disclosure", "applications", "appeals"]
    start = focus.split(".")[0] if focus and focus.split(".")[0] in tables else "applications"
    tbl = st.radio("表格", tables, index=tables.index(start), format_func=TABLE_ZH.get, horizontal=True,
                   key="w_pr_table")
    left, right = st.columns([3, 4])
    with left:
        st.markdown("**原件（读取时所见）**")
        show_source(report_id, tbl)
    with right:
        st.markdown(f"**{TABLE_ZH[tbl]}（当前数字，可直接修改）**" if editable else f"**{TABLE_ZH[tbl]}**")
        original, keys, edited = editor(cells, tbl, template, layout, marks, editable)
        pending, ignored = g.changes(original, edited, keys)
        if ignored:
            st.warning("这些位置在该版本格式中没有数字，修改不会保存：" + "、".join(ignored))
        if pending:
            st.caption("切换表格前请先保存本表的修改。")
        reasons = g.reasons_table(marks, tbl)
        if not reasons.empty:
            st.dataframe(reasons, hide_index=True, width="stretch")
    if editable:
        unsure = [f"{r.tbl}.{r.row_code}.{r.col_code}" for r in cells.itertuples()
                  if isinstance(r.flag, str) and r.flag in g.FLAG_REASON and r.flag != "missing"]
        save_form(user, report_id, pending, unsure)
        ordered = list(dict.fromkeys([*marks, *k.grid_keys(template, layout)]))
        one_cell_form(user, report_id, cells, [x for x in ordered if x in set(k.grid_keys(template, layout))],
                      focus if focus and focus.count(".") == 2 else None)
    else:
        st.caption("当前角色只能查看；更正需要「编辑」角色。")
    stale_and_history(user, report_id, editable)


main()
