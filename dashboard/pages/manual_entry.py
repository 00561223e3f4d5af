"""手工录入: a report the readers cannot read (scan, paper copy) entered over the blank grid of its version.

Every value typed is an 'entry' correction over an empty parse, so the trail is the one of 校对. The totals the
format defines (合计/总计) are computed from what is typed and R1–R4 are checked as the user types.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import scope as sc
from dashboard.catalogue.labels import TABLE_ZH
from dashboard.pages import common as c
from dashboard.pages import correction_grid as g
from dashboard.pages import login
from dashboard.pages.scope_bar import view
from dashboard.review import corrections as k
from dashboard.review import users

TABLES = ["disclosure", "applications", "appeals"]
ROW_COL = "项目"
VERSIONS = {"2021": "2021年版（国办公开办函〔2021〕30号）", "2019": "2019年版（国办公开办函〔2019〕60号）"}


def typed_values(template: str, layout: str) -> dict[str, str]:
    """Every cell typed so far in the three grids of this version (from the editors' state)."""
    values: dict[str, str] = {}
    empty = pd.DataFrame(columns=["tbl", "row_code", "col_code", "value"])
    for tbl in TABLES:
        text, keys = g.grid(empty, tbl, template, layout)
        edited = st.session_state.get(f"w_me_result_{tbl}")
        if edited is None:
            continue
        for i in range(len(keys)):
            for j in range(keys.shape[1]):
                key, raw = keys.iat[i, j], edited.iat[i, j]
                if key and raw is not None and str(raw).strip():
                    values[key] = str(raw).strip()
    return values


def agree(typed: str | None, computed: float) -> str:
    """是 / 否 for a typed total against the sum of its parts (an empty total counts as 0, as it is saved blank)."""
    try:
        value = k.parse_value(typed)
    except k.CorrectionError:
        return "不是数字"
    return "是" if (value or 0.0) == computed else "否"


def main() -> None:
    """Render the page."""
    st.title("手工录入")
    c.require_page_role("manual_entry", "手工录入")
    user = login.current_user()
    if msg := st.session_state.pop("me_done", None):
        st.success(msg)
    st.write("用于读取程序无法读取的报告（扫描件、纸质件、不支持的格式）：选择单位、年度和格式版本，按原件逐格录入。"
             "未填写的格按“空白”保存。录入的每个数字都记入更正记录。")
    v = view()  # the scope bar's scope and year (the app draws the bar; a page run alone draws it here)
    agencies = c.agencies()
    if v.scope.region:
        agencies = agencies[agencies["region"].isin(sc.RegionTree.load().below(v.scope.region))]
    if v.scope.kinds:
        agencies = agencies[agencies["kind"].isin(v.scope.kinds)]
    if v.scope.agency_ids:
        agencies = agencies[agencies["agency_id"].isin(v.scope.agency_ids)]
    if agencies.empty:
        c.no_data(f"所选范围（{v.label}）的名录中没有单位。")
    top = st.columns([3, 1, 2])
    ids = [int(a) for a in agencies["agency_id"]]
    names = dict(zip(ids, agencies["name"], strict=True))
    agency = top[0].selectbox("单位", ids, format_func=names.get, key="w_me_agency")
    year = int(top[1].number_input("年度", 2008, 2100, v.year or v.due_through, key="w_me_year"))
    template = top[2].radio("格式版本", list(VERSIONS), format_func=VERSIONS.get, key="w_me_template")
    layout = template
    source = st.file_uploader("原件（可选，扫描件或照片随报告保存）", key="w_me_source")

    empty = pd.DataFrame(columns=["tbl", "row_code", "col_code", "value"])
    for tbl in TABLES:
        text, _keys = g.grid(empty, tbl, template, layout)
        st.markdown(f"**{TABLE_ZH[tbl]}**")
        config = {col: st.column_config.TextColumn(col, width="small") for col in text.columns}
        config[ROW_COL] = st.column_config.TextColumn(ROW_COL, width="medium")
        shown = text.copy()
        shown.insert(0, ROW_COL, list(text.index))  # row labels read-only: an editable index could be typed over
        edited = st.data_editor(shown.reset_index(drop=True), key=f"w_me_grid_{tbl}_{template}", width="stretch",
                                column_config=config, hide_index=True, disabled=[ROW_COL],
                                height=min(36 * (len(text) + 1) + 4, 900))
        st.session_state[f"w_me_result_{tbl}"] = edited.drop(columns=[ROW_COL])

    values = typed_values(template, layout)
    st.subheader("合计核对（随录入更新）")
    problems, bad = k.live_checks(values, template, layout)
    for b in bad:
        st.error(b)
    totals = k.computed_totals(values, template, layout)
    shown = pd.DataFrame({"合计/总计格": [t[0] for t in totals], "已填": [t[1] or "" for t in totals],
                          "按各项计算": [g.number_text(t[2]) or "0" for t in totals]})
    shown["一致"] = [agree(t[1], t[2]) for t in totals]
    st.dataframe(shown, hide_index=True, width="stretch")
    if problems:
        for p in problems:
            st.warning(p)
    elif values:
        st.success("R1–R4 勾稽关系均相符。")

    with st.form("me_save"):
        reason = st.text_input("录入说明（必填，例如：扫描件，按原件第2–4页录入）", key="w_me_reason")
        ok = st.form_submit_button("保存为新报告", type="primary")
    if ok:
        try:
            rid, result = k.create_manual_report(
                user, agency, year, template, values, reason,
                source=(source.name, source.getvalue()) if source is not None else None, layout=layout,
                db=c.db_version()[0])
        except (k.CorrectionError, users.PermissionDenied) as exc:
            st.error(str(exc))
            return
        st.session_state["me_done"] = (f"已保存：{names[agency]} {year} 年度报告（编号 {rid}，录入 "
                                       f"{len(result.correction_ids)} 个格）。可在“单位详情”和“校对”页查看。")
        st.rerun()


main()
