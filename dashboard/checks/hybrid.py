"""HYBRID: section 二 of one version and section 三 of the other (which （六）其他处理 rows are printed)."""

from __future__ import annotations

from dashboard.checks.model import CheckContext, Finding, Report, rows_of

RULE = "HYBRID"
ROWS_2021 = ("other_no_correction", "other_no_fee", "other_misc")


def applications_layout(report: Report) -> str | None:
    """'2019' when table 三 prints one （六） row, '2021' when it prints three, None when it has neither."""
    rows = set(rows_of(report, "applications"))
    if rows & set(ROWS_2021):
        return "2021"
    if "other" in rows:
        return "2019"
    return None


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning when the two tables come from different versions of the format."""
    template, layout = report.get("template"), applications_layout(report)
    if template not in ("2019", "2021") or layout is None or layout == template:
        return []
    rows = ["applications.other.total"] if layout == "2019" else [f"applications.{r}.total" for r in ROWS_2021]
    printed = "一行（六）其他处理" if layout == "2019" else "三行（六）其他处理"
    return [Finding(RULE, "warning",
                    f"格式混用：第二部分为{template}年版，第三部分却是{layout}年版（{printed}）。"
                    f"两部分应使用同一版本的表格。",
                    rows, f"hybrid layout: section 二 is {template}, section 三 is {layout}")]
