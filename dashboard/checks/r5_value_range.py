"""R5: counts are integers ≥ 0; 本年增/减 may be negative; amounts are decimals ≥ 0."""

from __future__ import annotations

from dashboard.catalogue.codes import AMOUNT_COLUMNS, SIGNED_COLUMNS
from dashboard.checks.model import CheckContext, Finding, Report, cells_of, describe, split_key

RULE = "R5"


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One error per cell with a negative count or amount, or a count that is not a whole number."""
    out: list[Finding] = []
    for key, v in cells_of(report).items():
        if v is None or (type(v) is int and v >= 0):
            continue  # blank, or the common case: a count
        tbl, row, col = split_key(key)
        amount = tbl == "disclosure" and (row, col) in AMOUNT_COLUMNS
        signed = tbl == "disclosure" and col in SIGNED_COLUMNS
        if not isinstance(v, int | float) or isinstance(v, bool):
            out.append(Finding(RULE, "error", f"{describe(key)}不是数字：{v!r}。", [key], f"{key} is not a number"))
        elif v < 0 and not signed:
            out.append(Finding(RULE, "error", f"{describe(key, report)}为负数，件数和金额不能小于0。", [key],
                               f"{key} is negative"))
        elif not amount and not float(v).is_integer():
            out.append(Finding(RULE, "error", f"{describe(key, report)}不是整数，件数应为整数。", [key],
                               f"{key} is a count but not an integer"))
    return out
