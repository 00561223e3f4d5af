"""PARSE: what the parser itself noticed while reading the file (its `problems` list), shown as findings."""

from __future__ import annotations

from dashboard.catalogue.labels import humanize
from dashboard.checks.model import SEVERITIES, CheckContext, Finding, Report

RULE = "PARSE"
# Parser problems that a dedicated rule reports in full (with the agency's context); shown once, by that rule.
COVERED = {"hybrid": "HYBRID", "unit_missing": "UNIT"}
NARRATIVE = {"overview", "problems", "other_matters"}


def covered(problem: dict) -> bool:
    """True when a dedicated rule already reports this problem."""
    code = problem.get("code")
    if code in COVERED:
        return True
    if code == "rows_missing" and problem.get("severity") != "error":
        return True  # ROWS_COMPLETE names the rows; a table the parser could not read at all stays a reading error
    return code == "section_missing" and bool(problem.get("cells")) and set(problem["cells"]) <= NARRATIVE


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One finding per parser problem, with its cells and Chinese message."""
    out: list[Finding] = []
    for p in report.get("problems") or []:
        if not isinstance(p, dict) or covered(p):
            continue
        sev = p.get("severity") if p.get("severity") in SEVERITIES else "warning"
        code = p.get("code") or "parse"
        # The parser's message may name rows by code (placed_by_order lists them): readers get the printed labels.
        msg = humanize(p.get("message_zh")) or "读取时有格子需要核对"
        out.append(Finding(RULE, sev, f"读取时发现：{msg}", list(p.get("cells") or []),
                           f"[{code}] {p.get('message_en') or ''}".strip()))
    return out
