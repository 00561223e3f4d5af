"""R1: for every column of table 三, new + carried_in = total + carried_over."""

from __future__ import annotations

from dashboard.catalogue.codes import APPLICATION_COLUMNS
from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, values

RULE = "R1"


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One error per column whose first two rows do not add up to the last two."""
    out: list[Finding] = []
    for col in APPLICATION_COLUMNS:
        keys = [f"applications.{r}.{col}" for r in ("new", "carried_in", "total", "carried_over")]
        v = values(report, keys)
        if v is None:
            continue
        left, right = v[0] + v[1], v[2] + v[3]
        if left != right:
            out.append(Finding(
                RULE, "error",
                f"勾稽关系不符（第一项加第二项应等于第三项加第四项）：{describe(keys[0], report)} + "
                f"{describe(keys[1], report)} = {fmt_number(left)}，而 {describe(keys[2], report)} + "
                f"{describe(keys[3], report)} = {fmt_number(right)}。",
                keys, f"R1 fails in column {col}: new + carried_in = {left:g} but total + carried_over = {right:g}"))
    return out
