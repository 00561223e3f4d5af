"""UNIT: an amount's unit is missing or implausible for the agency (a township's 采购总金额 122852 is 元, not 万元).

The number is never converted: the finding says which reading is plausible and the reviewer decides.
"""

from __future__ import annotations

from dashboard.checks.model import MISSING, CheckContext, Finding, Report, describe, fmt_number, raw

RULE = "UNIT"
PROCUREMENT = "disclosure.procurement.amount"
FEES = "disclosure.fees.amount_wan"
# Largest amount in 万元 that is plausible for one year of an agency of each kind; above it the figure was most
# likely written in 元. Townships: ~25× the largest seen in magnitudes.md (190 万元); county departments: 1亿元,
# ~200× the largest seen (47 万元) — a fee typed in 元 (tens of thousands and up) lands above it.
PLAUSIBLE_MAX_WAN = {"乡": 5000, "镇": 5000, "街道": 5000, "部门": 10000, "政府": 2000000}


def _unit_of(report: Report, key: str) -> str | None:
    return (report.get("units") or {}).get(key)


def _check_procurement(report: Report, kind: str | None) -> list[Finding]:
    v = raw(report, PROCUREMENT)
    if v is None or v is MISSING or v == 0:
        return []
    unit = _unit_of(report, PROCUREMENT)
    limit = PLAUSIBLE_MAX_WAN.get(kind or "")
    if unit is None:
        hint = ""
        if limit is not None and v > limit:
            hint = (f"按万元计为 {fmt_number(v)} 万元，对{kind}级机关不合理，应是按元填报（约 "
                    f"{v / 10000:.2f} 万元）；")
        return [Finding(RULE, "warning", f"{describe(PROCUREMENT, report)}未注明单位（元或万元）。{hint}请核对原件。",
                        [PROCUREMENT], "procurement amount has no unit" + ("; 元 is plausible" if hint else ""))]
    if unit == "万元" and limit is not None and v > limit:
        return [Finding(RULE, "warning", f"{describe(PROCUREMENT, report)}万元，对{kind}级机关过大，可能按元填报。",
                        [PROCUREMENT], "procurement amount implausibly large in 万元")]
    return []


def _check_fees(report: Report, kind: str | None) -> list[Finding]:
    v = raw(report, FEES)
    if v is None or v is MISSING or v == 0:
        return []
    unit = _unit_of(report, FEES)
    if unit and unit != "万元":
        return [Finding(RULE, "warning",
                        f"{describe(FEES, report)}，单元格写明单位为“{unit}”，而该列单位为万元；数字按原样保留，请核对。",
                        [FEES], f"fee amount written in {unit}, column is in 万元")]
    limit = PLAUSIBLE_MAX_WAN.get(kind or "")
    if limit is not None and v > limit:
        return [Finding(RULE, "warning", f"{describe(FEES, report)}万元，对{kind}级机关过大，可能按元填报。",
                        [FEES], "fee amount implausibly large in 万元")]
    return []


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """Warnings for 采购总金额 without unit or implausible, and 收费金额 not in 万元 or implausible."""
    return _check_procurement(report, ctx.agency_kind) + _check_fees(report, ctx.agency_kind)
