"""R3: for every column of table 三, the （七）总计 row = the sum of all outcome rows of the report's layout."""

from __future__ import annotations

from dashboard.catalogue.codes import APPLICATION_COLUMNS
from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, rows_of, values

RULE = "R3"
OUTCOME_PREFIXES = ("granted", "partial", "withheld_", "unavailable_", "not_processed_", "other")


def outcome_rows(report: Report) -> list[str]:
    """The 办理结果 rows the report prints: （一）…（六）, whichever （六） layout it uses."""
    return [r for r in rows_of(report, "applications") if r.startswith(OUTCOME_PREFIXES)]


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One error per column whose 总计 row differs from the sum of the outcome rows."""
    rows = outcome_rows(report)
    if not rows:
        return []
    out: list[Finding] = []
    for col in APPLICATION_COLUMNS:
        total = f"applications.total.{col}"
        parts = [f"applications.{r}.{col}" for r in rows]
        v = values(report, [total, *parts])
        if v is None:
            continue
        s = sum(v[1:])
        if s != v[0]:
            out.append(Finding(
                RULE, "error",
                f"{describe(total, report)}，但（一）至（六）各项办理结果之和为 {fmt_number(s)}。",
                [total, *parts], f"R3 fails in column {col}: total row {v[0]:g}, outcomes add up to {s:g}"))
    return out
