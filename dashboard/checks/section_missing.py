"""SECTION_MISSING: one of the six sections is absent (a table of 二/三/四 or a narrative of 一/五/六 is empty)."""

from __future__ import annotations

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "SECTION_MISSING"
TABLE_SECTIONS = {"disclosure": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
                  "appeals": "四、政府信息公开行政复议、行政诉讼情况"}
NARRATIVE_SECTIONS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况",
                      "other_matters": "六、其他需要报告的事项"}


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """An error per missing table section, a warning per empty narrative section."""
    out: list[Finding] = []
    for tbl, title in TABLE_SECTIONS.items():
        if not report.get(tbl):
            out.append(Finding(RULE, "error", f"报告缺少“{title}”的表格。", [], f"table section {tbl} is missing"))
    # A report dict without `sections` at all (hand-entered figures) says nothing about the narrative.
    sections = report.get("sections")
    if isinstance(sections, dict):
        for code, title in NARRATIVE_SECTIONS.items():
            if not (sections.get(code) or "").strip():
                out.append(Finding(RULE, "warning", f"报告缺少“{title}”部分（未找到正文）。", [f"sections.{code}"],
                                   f"narrative section {code} is missing"))
    return out
