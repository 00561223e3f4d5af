"""R2: for every row of table 三, the 总计 column = the sum of the six applicant columns."""

from __future__ import annotations

from dashboard.catalogue.codes import APPLICATION_COLUMNS
from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, rows_of, values

RULE = "R2"
PARTS = [c for c in APPLICATION_COLUMNS if c != "total"]


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One error per row whose 总计 differs from 自然人 + 法人或其他组织 columns."""
    out: list[Finding] = []
    for row in rows_of(report, "applications"):
        parts = [f"applications.{row}.{c}" for c in PARTS]
        total = f"applications.{row}.total"
        v = values(report, [total, *parts])
        if v is None:
            continue
        s = sum(v[1:])
        if s != v[0]:
            out.append(Finding(
                RULE, "error",
                f"{describe(total, report)}，但该行自然人与法人或其他组织各列之和为 {fmt_number(s)}。",
                [total, *parts], f"R2 fails in row {row}: total {v[0]:g} but columns add up to {s:g}"))
    return out
