"""ROWS_COMPLETE: every row and column of the version's tables is printed (a missing row is not a row of zeros).

The 2021 format's instructions hold 发布内容不全面 against a report (国办公开办函〔2021〕30号); the tables of
each version are fixed (report-format.md). A table the report lacks altogether is SECTION_MISSING's. Table 三's
rows are the ones of the layout it prints (a hybrid report's one （六） row is HYBRID's remark, not a gap).
A cell the parser found but could not read is not missing. Always a warning: the rule cannot tell a row the unit
left out from one the reader missed. The parser's own `rows_missing` warning is reported here (not twice); where
the parser could not place most rows of a table (its error), that table is a reading problem (PARSE), not judged.
"""

from __future__ import annotations

from dashboard.catalogue.codes import (
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICATION_COLUMNS,
    DISCLOSURE_COLUMNS,
    application_rows,
)
from dashboard.catalogue.labels import column_label, row_label
from dashboard.checks.hybrid import applications_layout
from dashboard.checks.model import CheckContext, Finding, Report

RULE = "ROWS_COMPLETE"
TABLE_TITLES = {"disclosure": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
                "appeals": "四、政府信息公开行政复议、行政诉讼情况"}


def expected_cells(report: Report) -> dict[str, dict[str, list[str]]]:
    """table → row → columns the report's version prints; {} for a table whose version is unknown."""
    out: dict[str, dict[str, list[str]]] = {}
    template = report.get("template")
    if template in DISCLOSURE_COLUMNS:
        out["disclosure"] = {r: list(cols) for r, cols in DISCLOSURE_COLUMNS[template].items()}
    layout = applications_layout(report) or (template if template in ("2019", "2021") else None)
    if layout:
        out["applications"] = {r: list(APPLICATION_COLUMNS) for r in application_rows(layout)}
    out["appeals"] = {g: list(APPEAL_COLUMNS) for g in APPEAL_GROUPS}
    return out


def _parser_missing_rows(report: Report) -> set[str]:
    """'table.row' of every row the parser said it could not find (its `rows_missing` problem)."""
    return {str(c) for p in report.get("problems") or [] if isinstance(p, dict) and p.get("code") == "rows_missing"
            for c in p.get("cells") or [] if str(c).count(".") == 1}


def gaps(report: Report) -> dict[str, tuple[list[str], list[str]]]:
    """table → (rows absent, 'row.col' cells absent in rows that are there), for the tables the report has."""
    flags = report.get("cell_flags") or {}
    said = _parser_missing_rows(report)
    out: dict[str, tuple[list[str], list[str]]] = {}
    for tbl, rows in expected_cells(report).items():
        have = report.get(tbl)
        if not isinstance(have, dict) or not have:
            continue  # the whole table is absent: SECTION_MISSING
        missing_rows, missing_cells = [], []
        for row, cols in rows.items():
            got = have.get(row)
            absent = [c for c in cols if not isinstance(got, dict) or c not in got
                      or flags.get(f"{tbl}.{row}.{c}") == "missing"]
            if len(absent) == len(cols) or f"{tbl}.{row}" in said:
                missing_rows.append(row)
            else:
                missing_cells += [f"{row}.{c}" for c in absent]
        if missing_rows or missing_cells:
            out[tbl] = (missing_rows, missing_cells)
    return out


def _unread_tables(report: Report) -> set[str]:
    """Tables the parser could not place most rows of (its `rows_missing` error): not judged complete or not."""
    return {str(c).split(".")[0] for p in report.get("problems") or [] if isinstance(p, dict)
            and p.get("code") == "rows_missing" and p.get("severity") == "error" for c in p.get("cells") or []}


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One finding per table naming the rows and cells the version prints and the report lacks."""
    out: list[Finding] = []
    unread = _unread_tables(report)
    for tbl, (rows, cells) in gaps(report).items():
        if tbl in unread:
            continue
        parts = []
        if rows:
            parts.append("缺少行：" + "、".join(f"「{row_label(tbl, r)}」" for r in rows))
        if cells:
            named = [f"「{row_label(tbl, k.split('.')[0])} · {column_label(tbl, k.split('.')[1])}」" for k in cells]
            parts.append("缺少单元格：" + "、".join(named[:8]) + (f"等 {len(named)} 个" if len(named) > 8 else ""))
        keys = [f"{tbl}.{r}" for r in rows] + [f"{tbl}.{k}" for k in cells]
        out.append(Finding(RULE, "warning",
                           f"“{TABLE_TITLES[tbl]}”表格不完整，{'；'.join(parts)}。缺行不等于填0，应按格式列出全部行和列"
                           f"（如原件确有此行，请在“校对”页核对读取结果）。", keys,
                           f"table {tbl} lacks rows {rows} and cells {cells}"))
    return out
