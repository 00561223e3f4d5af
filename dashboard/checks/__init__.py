"""Checks: small named rules over the canonical report dict; each returns findings and never changes a number.

`run_checks(report, ctx)` runs every rule of RULES. A rule is a module with `RULE` (its code in the findings
table) and `check(report, ctx) -> list[Finding]`. Cross-year rules (X1–X3, SAME_TEXT) read `ctx.previous`,
the same agency's stored report of the previous year; SAME_TEXT across units and LATE also read a ReviewContext
(checks/review_context.py: same-year peers, the page's date, configured deadlines) when given one.
"""

from __future__ import annotations

from types import ModuleType

from dashboard.catalogue.labels import rule_name
from dashboard.checks import (
    blank_total,
    fee_report,
    hybrid,
    late,
    parse_problems,
    problems_measures,
    r1_carry_balance,
    r2_applicant_total,
    r3_outcome_total,
    r4_appeal_total,
    r5_value_range,
    rows_complete,
    same_text,
    section_missing,
    section_order,
    text_table,
    title_names,
    unit,
    unknown_agency,
    version_year,
    x1_carried_in,
    x2_in_force,
    x3_prev_items,
)
from dashboard.checks.model import CheckContext, Finding, Report, flattened_reports
from dashboard.checks.review_context import ReviewContext

__all__ = ["RULES", "CheckContext", "Finding", "ReviewContext", "run_checks", "rule_codes"]

RULES: list[ModuleType] = [
    parse_problems, unknown_agency, version_year, hybrid, section_missing,
    r1_carry_balance, r2_applicant_total, r3_outcome_total, r4_appeal_total, r5_value_range,
    blank_total, unit, text_table, x1_carried_in, x2_in_force, x3_prev_items, same_text,
    # the office's review (issue 22): complete, on time, titled, not perfunctory
    section_order, rows_complete, problems_measures, fee_report, title_names, late,
]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def rule_codes() -> list[str]:
    """The code of every rule, in the order they run."""
    return [m.RULE for m in RULES]


def run_checks(report: Report, ctx: CheckContext | None = None, rules: list[str] | None = None) -> list[Finding]:
    """All findings of one report (optionally only some rules), errors first."""
    ctx = ctx or CheckContext()
    out: list[Finding] = []
    with flattened_reports():
        for module in RULES:
            if rules is None or module.RULE in rules:
                try:
                    out.extend(module.check(report, ctx))
                except Exception as exc:  # a record of an unforeseen shape must not stop the other rules or reports
                    out.append(Finding(module.RULE, "error",
                                       f"“{rule_name(module.RULE)}”核对未能完成（程序内部错误），请人工核对。", [],
                                       f"check {module.RULE} could not run: {exc!r}"))
    return sorted(out, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
