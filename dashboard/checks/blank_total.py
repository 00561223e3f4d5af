"""BLANK_TOTAL: a 总计 cell left blank or filled with a placeholder (counts as 0 in sums, but should be written)."""

from __future__ import annotations

from dashboard.catalogue.codes import APPEAL_GROUPS, APPLICATION_COLUMNS
from dashboard.checks.model import CheckContext, Finding, Report, describe, raw, rows_of

RULE = "BLANK_TOTAL"
SHOWN = 6  # cells named in the message; the finding lists all of them


def total_cells(report: Report) -> list[str]:
    """Every 总计 cell of tables 三 and 四 the report has."""
    keys = [f"applications.{r}.total" for r in rows_of(report, "applications")]
    keys += [f"applications.total.{c}" for c in APPLICATION_COLUMNS if c != "total"]
    keys += [f"appeals.{g}.total" for g in APPEAL_GROUPS]
    return keys


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One warning listing the blank 总计 cells (a blank is not a written 0)."""
    blank = [k for k in total_cells(report) if raw(report, k) is None]
    if not blank:
        return []
    names = "、".join(describe(k, report) for k in blank[:SHOWN])
    more = f"等 {len(blank)} 个单元格" if len(blank) > SHOWN else ""
    return [Finding(RULE, "warning", f"总计栏未填写数字：{names}{more}。汇总时按0计，但应填写0或实际数字。",
                    blank, f"{len(blank)} total cells are blank or placeholders")]
