"""X2 (2021 format): 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y), for 规章 and 规范性文件."""

from __future__ import annotations

from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, known, num

RULE = "X2"
ROWS = ("rules", "normative_docs")


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One warning per row whose stock does not follow from last year's stock and this year's flow."""
    prev = ctx.previous
    # Only within the 2021 format: the 2019 format has no 现行有效, so 2020→2021 is no comparison.
    if not prev or report.get("template") != "2021" or prev.get("template") != "2021":
        return []
    out: list[Finding] = []
    for row in ROWS:
        k_in, k_iss, k_rep = (f"disclosure.{row}.{c}" for c in ("in_force", "issued", "repealed"))
        if not (known(report, k_in, k_iss, k_rep) and known(prev, k_in)):
            continue
        expected = num(prev, k_in) + num(report, k_iss) - num(report, k_rep)
        if num(report, k_in) != expected:
            out.append(Finding(
                RULE, "warning",
                f"{describe(k_in, report)}，但上年现行有效 {fmt_number(num(prev, k_in))} + "
                f"{describe(k_iss, report)} − {describe(k_rep, report)} = {fmt_number(expected)}。",
                [k_in, k_iss, k_rep], f"X2: in_force {num(report, k_in):g}, expected {expected:g} for {row}"))
    return out
