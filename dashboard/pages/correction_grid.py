"""Editable grids for 校对 and 手工录入, and the 人工更正 marks of 单位详情 — layout only, no SQL, no Streamlit calls
except `show_corrections` (a small display block other pages call).

A grid is a DataFrame of text laid out as printed (rows and columns by Chinese label); a parallel DataFrame holds
each position's cell key ('' where the format has no cell), so edits map back to cell codes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.catalogue.labels import COL_ZH, ROW_ZH, cell_label
from dashboard.pages.report_tables import _layout

FLAG_REASON = {"uncertain": "读取不确定", "placed_by_order": "按行序放入（标签与数字分离）", "unreadable": "未能读出",
               "missing": "未读到"}
MARK_COLORS = {"focus": "background-color: #ffe08a; font-weight: 700", "flag": "background-color: #fff3cd",
               "finding": "background-color: #fde2e1; color: #8b1a1a", "corrected": "background-color: #dff0d8"}


def number_text(value: Any) -> str:
    """A value as typed in the grid: 12 not 12.0, '' for blank/none."""
    if value is None or (isinstance(value, float) and value != value) or pd.isna(value):
        return ""
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def grid(cells: pd.DataFrame, tbl: str, template: str, layout: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(text grid of current values, key grid) of one table laid out as printed; a blank cell is ''."""
    rows, columns = _layout(tbl, template, layout or template)
    all_cols = list(dict.fromkeys(c for r in rows for c in columns.get(r, [])))
    mine = cells[cells["tbl"] == tbl] if not cells.empty else cells
    by_key = {(r.row_code, r.col_code): r.value for r in mine.itertuples()} if not mine.empty else {}
    text, keys = [], []
    for row in rows:
        t_row, k_row = [], []
        for col in all_cols:
            if col in columns.get(row, []):
                t_row.append(number_text(by_key.get((row, col))))
                k_row.append(f"{tbl}.{row}.{col}")
            else:
                t_row.append("")
                k_row.append("")
        text.append(t_row)
        keys.append(k_row)
    index = [ROW_ZH.get(tbl, {}).get(r, r) for r in rows]
    header = [COL_ZH.get(tbl, {}).get(c, c) for c in all_cols]
    return pd.DataFrame(text, index=index, columns=header), pd.DataFrame(keys, index=index, columns=header)


def changes(original: pd.DataFrame, edited: pd.DataFrame, keys: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """({cell key: new text} of the edited positions, labels of edits where the format has no cell)."""
    out, ignored = {}, []
    for i in range(len(original)):
        for j in range(original.shape[1]):
            old = "" if original.iat[i, j] is None else str(original.iat[i, j]).strip()
            new_raw = edited.iat[i, j]
            new = "" if new_raw is None or (isinstance(new_raw, float) and new_raw != new_raw) else str(new_raw).strip()
            if old == new:
                continue
            key = keys.iat[i, j]
            if key:
                out[key] = new
            else:
                ignored.append(f"{original.index[i]}·{original.columns[j]}")
    return out, ignored


def cell_marks(cells: pd.DataFrame, findings: pd.DataFrame, focus: str | None = None) -> dict[str, list[str]]:
    """Cell key → reasons to look at it: the focus of the link, an unsure reading, an open finding, a correction."""
    out: dict[str, list[str]] = {}
    if focus:
        out.setdefault(focus, []).append("从链接定位的格")
    for r in cells.itertuples():
        key = f"{r.tbl}.{r.row_code}.{r.col_code}"
        flag = r.flag if isinstance(r.flag, str) else None
        if flag in FLAG_REASON:
            out.setdefault(key, []).append(FLAG_REASON[flag])
        if bool(getattr(r, "corrected", False)):
            out.setdefault(key, []).append(f"人工更正（{r.corrected_by}：{r.correction_reason}）")
    if not findings.empty:
        from dashboard.pages.common import rule_name

        for f in findings[findings["status"] == "open"].itertuples():
            for key in list(f.cells) if f.cells is not None else []:
                if key.count(".") == 2:
                    out.setdefault(key, []).append(f"{rule_name(f.rule)}：{f.message}")
    return out


def mark_kind(reasons: list[str]) -> str:
    """Which colour a cell's reasons call for (focus first, then finding, unsure reading, correction)."""
    if any(r.startswith("从链接") for r in reasons):
        return "focus"
    if any("：" in r and not r.startswith("人工更正") for r in reasons):
        return "finding"
    if any(r in FLAG_REASON.values() for r in reasons):
        return "flag"
    return "corrected" if reasons else ""


def style_grid(text: pd.DataFrame, keys: pd.DataFrame, marks: dict[str, list[str]]):  # noqa: ANN201
    """The grid as a Styler: each marked cell coloured by its kind of reason."""
    def colours(_: pd.DataFrame) -> pd.DataFrame:
        return keys.map(lambda k: MARK_COLORS.get(mark_kind(marks.get(k, [])), "") if k else "color: #bbb")
    return text.style.apply(colours, axis=None)


def reasons_table(marks: dict[str, list[str]], tbl: str | None = None) -> pd.DataFrame:
    """The marked cells of a table with their reasons, for reading beside the grid."""
    rows = [{"位置": cell_label(k), "原因": "；".join(dict.fromkeys(v))} for k, v in marks.items()
            if tbl is None or k.startswith(tbl + ".")]
    return pd.DataFrame(rows, columns=["位置", "原因"])


def corrections_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The corrected cells of a report (人工更正): where, value read, value now, who, when, why."""
    if cells.empty or "corrected" not in cells:
        return pd.DataFrame(columns=["位置", "原读数", "更正为", "更正人", "时间", "理由"])
    fixed = cells[cells["corrected"].fillna(False).astype(bool)]
    return pd.DataFrame({
        "位置": [cell_label(f"{r.tbl}.{r.row_code}.{r.col_code}") for r in fixed.itertuples()],
        "原读数": [number_text(r.correction_before) or "空白/未读到" for r in fixed.itertuples()],
        "更正为": [number_text(r.value) or "空白" for r in fixed.itertuples()],
        "更正人": fixed["corrected_by"].astype(str).tolist(),
        "时间": [str(t)[:16] for t in fixed["corrected_at"]],
        "理由": fixed["correction_reason"].astype(str).tolist(),
    })


def show_corrections(cells: pd.DataFrame) -> None:
    """The 人工更正 block of a report (单位详情): each corrected cell with who, when, why and the value it replaced."""
    import streamlit as st

    table = corrections_table(cells)
    if table.empty:
        return
    st.markdown("**人工更正**")
    st.caption(f"以下 {len(table)} 个格的数字经人工更正（原读数保留在版本记录中）；上表显示的是更正后的数字。")
    st.dataframe(table, hide_index=True, width="stretch")


PROOFREAD_PAGE = "proofread.py"


def proofread_link(report_id: int, cell: str | None = None, label: str = "在“校对”页打开") -> None:
    """A link to 校对 for this report (and cell) for an editor; nothing for a viewer. A link inside the app keeps
    the login (a new browser load would start a new session)."""
    from pathlib import Path

    import streamlit as st
    from streamlit.errors import StreamlitAPIException

    from dashboard.pages import login
    from dashboard.review import users

    if not users.allows(login.current_user(), "编辑"):
        return
    params = {"report": str(int(report_id)), **({"cell": cell} if cell else {})}
    try:
        st.page_link(Path(__file__).with_name(PROOFREAD_PAGE), label=label, icon=":material/edit_note:",
                     query_params=params)
    except StreamlitAPIException:
        pass  # the page runs on its own (no navigation): there is nowhere to link to


def finding_links(findings: pd.DataFrame) -> None:
    """数据质量: pick a finding and open its report on 校对 at its first cell (editors only)."""
    import streamlit as st

    from dashboard.pages import login
    from dashboard.review import users

    if findings.empty or not users.allows(login.current_user(), "编辑"):
        return
    rows = {int(f.finding_id): f for f in findings.itertuples()}
    fid = st.selectbox("去校对：选择一条问题", list(rows), key="w_pr_link_finding",
                       format_func=lambda i: f"{rows[i].year}年 {rows[i].short_name} · {rows[i].message[:50]}")
    f = rows[int(fid)]
    cells = [x for x in (list(f.cells) if f.cells is not None else []) if x.count(".") == 2]
    proofread_link(int(f.report_id), cells[0] if cells else None, "在“校对”页打开这条问题的格")
