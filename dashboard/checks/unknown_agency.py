"""UNKNOWN_AGENCY: the printed agency is not in the registry (data/agencies.csv); a close name is only suggested."""

from __future__ import annotations

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "UNKNOWN_AGENCY"


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning naming the unknown agency and, if any, the closest registry entry to check by hand."""
    if ctx.agency_known:
        return []
    name = report.get("agency") or "（未读出机关名称）"
    hint = f"名录中最接近的是“{ctx.agency_suggestion}”，如为同一机关请在名录中加为别名；" if ctx.agency_suggestion else ""
    return [Finding(RULE, "warning",
                    f"单位“{name}”不在单位名录中。{hint}未经确认不会自动归并。",
                    [], f"agency {name!r} is not in the registry"
                    + (f"; closest: {ctx.agency_suggestion!r}" if ctx.agency_suggestion else ""))]
