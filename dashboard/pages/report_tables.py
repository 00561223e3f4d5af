"""A stored report's cells laid out as the printed tables (rows and columns in the format's order, Chinese labels).

Used by 单位详情; kept apart from the page so the layout can be tested without Streamlit.
"""

from __future__ import annotations

import pandas as pd

from dashboard.catalogue.codes import (
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    DISCLOSURE_COLUMNS,
)
from dashboard.catalogue.labels import COL_ZH, ROW_ZH

FLAG_ZH = {"blank": "（空白）", "placeholder": "（占位符）", "placed_by_order": "按行序放入", "uncertain": "不确定",
           "placed_by_rules": "按勾稽关系确定"}
MARK_STYLE = "background-color: #fde2e1; color: #8b1a1a; font-weight: 600"


def cell_text(value: float | None, printed: str | None, unit: str | None) -> str:
    """A cell as the reader should see it: the number, or what the source printed instead (blank ≠ 0)."""
    printed = None if printed is None or pd.isna(printed) else str(printed)
    unit = None if unit is None or pd.isna(unit) else str(unit)
    if value is None or pd.isna(value):
        return (printed or "").strip() or "（空白）"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if float(value) != int(value) else f"{int(value):,}"
    return f"{text}{unit}" if unit and unit not in ("万元",) else text


def _layout(tbl: str, template: str, layout: str) -> tuple[list[str], dict[str, list[str]]]:
    if tbl == "disclosure":
        cols = DISCLOSURE_COLUMNS.get(template, DISCLOSURE_COLUMNS["2021"])
        return list(cols), cols
    if tbl == "applications":
        rows = [code for code, _ in APPLICATION_ROWS.get(layout, APPLICATION_ROWS["2021"])]
        return rows, {r: APPLICATION_COLUMNS for r in rows}
    return APPEAL_GROUPS, {g: APPEAL_COLUMNS for g in APPEAL_GROUPS}


def marked_cells(findings: pd.DataFrame) -> dict[str, list[str]]:
    """Cell key ('applications.new.total' or a whole row 'applications.partial') → the rules pointing at it."""
    out: dict[str, list[str]] = {}
    for rule, cells in zip(findings.get("rule", []), findings.get("cells", []), strict=False):
        for key in list(cells) if cells is not None else []:
            if key.count(".") >= 1:
                out.setdefault(key, []).append(str(rule))
    return out


def report_table(cells: pd.DataFrame, tbl: str, template: str, layout: str,
                 marks: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(text grid, mark grid) of one table: rows and columns by Chinese label; mark = rules on that cell or ''."""
    rows, columns = _layout(tbl, template, layout or template)
    extra_rows = sorted(set(cells.loc[cells["tbl"] == tbl, "row_code"]) - set(rows))
    rows = rows + extra_rows  # a stored row the format does not list is shown, not hidden
    all_cols = list(dict.fromkeys(c for r in rows for c in columns.get(r, [])))
    extra_cols = sorted(set(cells.loc[cells["tbl"] == tbl, "col_code"]) - set(all_cols))
    all_cols += extra_cols
    by_key = {(r.row_code, r.col_code): r for r in cells[cells["tbl"] == tbl].itertuples()}
    text, mark = [], []
    for row in rows:
        t_row, m_row = [], []
        for col in all_cols:
            cell = by_key.get((row, col))
            if cell is None:
                t_row.append("" if col not in columns.get(row, all_cols) else "（未读到）")
            else:
                t_row.append(cell_text(cell.value, cell.printed, cell.unit))
            rules = marks.get(f"{tbl}.{row}.{col}", []) + marks.get(f"{tbl}.{row}", [])
            m_row.append("、".join(dict.fromkeys(rules)))
        text.append(t_row)
        mark.append(m_row)
    index = [ROW_ZH.get(tbl, {}).get(r, r) for r in rows]
    header = [COL_ZH.get(tbl, {}).get(c, c) for c in all_cols]
    return pd.DataFrame(text, index=index, columns=header), pd.DataFrame(mark, index=index, columns=header)


def styled(text: pd.DataFrame, mark: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The text grid with every cell a finding points at highlighted."""
    return text.style.apply(lambda _: mark.map(lambda m: MARK_STYLE if m else ""), axis=None)
