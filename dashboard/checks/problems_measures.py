"""PROBLEMS_MEASURES: 五、存在的主要问题及改进情况 states the problems *and* what is done about them (条例 第五十条).

A section that names no problem (问题、不足、差距 …) or no measure (改进、整改、下一步、加强 …) is perfunctory — one of
the faults the 2021 format's instructions name (内容雷同、敷衍塞责). Word lists decide, so the finding is a
warning; an empty section is SECTION_MISSING's.
"""

from __future__ import annotations

import re
import unicodedata

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "PROBLEMS_MEASURES"
TITLE = "五、存在的主要问题及改进情况"
PROBLEM_WORDS = re.compile(r"问题|不足|差距|短板|薄弱|欠缺|有待|不够|不强|不高|不到位|不完善|不平衡|不规范|滞后|仍需|尚需|需要进一步")
MEASURE_WORDS = re.compile(r"改进|整改|措施|下一步|今后|将[^，。；]{0,6}(?:加强|进一步|继续|持续|推进|完善|提升|强化|做好|加大)|"
                           r"加强|完善|提升|强化|推进|加大|健全|优化|规范|落实")
_EMPTY = re.compile(r"^(?:无|暂无|没有|无。|/|—+|-+)$")


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning when 五 names no problem, or no measure."""
    text = unicodedata.normalize("NFKC", ((report.get("sections") or {}).get("problems") or "")).strip()
    if not text:
        return []
    if _EMPTY.match(re.sub(r"\s+", "", text)):
        return [Finding(RULE, "warning", f"“{TITLE}”只写了“{text}”，未说明存在的主要问题及改进措施。",
                        ["sections.problems"], "section 五 says only that there is nothing")]
    lacks = [what for what, rx in (("存在的主要问题", PROBLEM_WORDS), ("改进措施", MEASURE_WORDS)) if not rx.search(text)]
    if not lacks:
        return []
    return [Finding(RULE, "warning", f"“{TITLE}”未说明{'和'.join(lacks)}，应既写问题也写改进情况。",
                    ["sections.problems"], "section 五 lacks " + " and ".join(
                        "problems" if w == "存在的主要问题" else "measures" for w in lacks))]
