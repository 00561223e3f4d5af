"""X1: this year's 上年结转 = last year's 结转下年度继续办理, per column (warning: reorganizations break it)."""

from __future__ import annotations

from dashboard.catalogue.codes import APPLICATION_COLUMNS
from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, known, num

RULE = "X1"


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One warning per column where the carry-in differs from the previous report's carry-over."""
    prev = ctx.previous
    if not prev:
        return []
    out: list[Finding] = []
    for col in APPLICATION_COLUMNS:
        this_key, prev_key = f"applications.carried_in.{col}", f"applications.carried_over.{col}"
        if not (known(report, this_key) and known(prev, prev_key)):
            continue
        a, b = num(report, this_key), num(prev, prev_key)
        if a != b:
            out.append(Finding(
                RULE, "warning",
                f"{report.get('year')}年{describe(this_key, report)}，与{prev.get('year')}年报告"
                f"{describe(prev_key, prev)}不一致（相差 {fmt_number(a - b)}）。",
                [this_key], f"X1: carried_in {a:g} but previous carried_over {b:g} in column {col}"))
    return out
