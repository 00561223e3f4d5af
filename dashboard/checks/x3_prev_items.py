"""X3 (2019 format): 上一年项目数量(Y) = 上一年项目数量(Y−1) + 本年增/减(Y−1)."""

from __future__ import annotations

from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, known, num

RULE = "X3"
ROWS = ("licensing", "other_services", "penalty", "coercion", "fees")


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One warning per row whose 上一年项目数量 does not follow from last year's report."""
    prev = ctx.previous
    if not prev or report.get("template") != "2019" or prev.get("template") != "2019":
        return []
    out: list[Finding] = []
    for row in ROWS:
        k_prev, k_chg = f"disclosure.{row}.prev_items", f"disclosure.{row}.change"
        if not (known(report, k_prev) and known(prev, k_prev, k_chg)):
            continue
        expected = num(prev, k_prev) + num(prev, k_chg)
        if num(report, k_prev) != expected:
            out.append(Finding(
                RULE, "warning",
                f"{describe(k_prev, report)}，但上年报告的上一年项目数量 {fmt_number(num(prev, k_prev))} + "
                f"本年增/减 {fmt_number(num(prev, k_chg))} = {fmt_number(expected)}。",
                [k_prev], f"X3: prev_items {num(report, k_prev):g}, expected {expected:g} for {row}"))
    return out
