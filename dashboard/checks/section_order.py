"""SECTION_ORDER: the six sections 一 to 六 printed in order, under their titles (条例 第五十条; the 2021 format).

Reads `headings` (the section headings in printed order, dashboard/parse/review_facts.py); a record without them
says nothing. A missing section is SECTION_MISSING's, not this rule's. Out of order or numbered against their
place: a warning (a heading read from a converted file may be misplaced); a title worded unlike the format's: advice.
"""

from __future__ import annotations

import re
import unicodedata

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "SECTION_ORDER"
ORDER = ("overview", "disclosure", "applications", "appeals", "problems", "other_matters")
NUMERALS = "一二三四五六"
TITLES = {"overview": "一、总体情况", "disclosure": "二、主动公开政府信息情况",
          "applications": "三、收到和处理政府信息公开申请情况", "appeals": "四、政府信息公开行政复议、行政诉讼情况",
          "problems": "五、存在的主要问题及改进情况", "other_matters": "六、其他需要报告的事项"}
# Wordings the format's own editions and the common templates use for the same title (not worth a remark).
ACCEPTED = {"appeals": {"行政复议行政诉讼情况"}, "disclosure": {"主动公开政府信息"}}
_TOP_NUMBER = re.compile(r"^([一二三四五六七八九十]+)[、.．]")
_PUNCT = re.compile(r"[\s、，,.．。:：（）()]")


def _bare(text: str) -> str:
    """A title without its number and punctuation: '四、政府信息公开行政复议、行政诉讼情况' → '政府信息公开行政复议行政诉讼情况'."""
    s = unicodedata.normalize("NFKC", text or "")
    s = _TOP_NUMBER.sub("", s.strip())
    s = re.sub(r"^[(（][一二三四五六七八九十\d]+[)）]", "", s)
    return _PUNCT.sub("", s)


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning when the sections are out of order or misnumbered; advice when a title differs from the format's."""
    headings = report.get("headings")
    if not isinstance(headings, list) or not headings:
        return []
    first: dict[str, str] = {}
    for h in headings:
        if isinstance(h, dict) and h.get("section") in TITLES and h["section"] not in first:
            first[h["section"]] = str(h.get("text") or "")
    out: list[Finding] = []
    printed = list(first)
    expected = [c for c in ORDER if c in first]
    if printed != expected:
        shown = " → ".join(first[c] for c in printed)
        out.append(Finding(RULE, "warning", f"各部分的顺序与规定格式不一致：{shown}。应依次为一至六部分。",
                           [f"sections.{c}" for c in printed], "sections out of order: " + ", ".join(printed)))
    misnumbered = []
    for code, text in first.items():
        m = _TOP_NUMBER.match(unicodedata.normalize("NFKC", text).strip())
        if m and m.group(1) != NUMERALS[ORDER.index(code)]:
            misnumbered.append(code)
    if misnumbered:
        shown = "、".join(f"“{first[c]}”（应为“{TITLES[c][:2]}”）" for c in misnumbered)
        out.append(Finding(RULE, "warning", f"章节序号与规定格式不一致：{shown}。",
                           [f"sections.{c}" for c in misnumbered], "misnumbered sections: " + ", ".join(misnumbered)))
    renamed = [c for c, t in first.items() if _bare(t) not in {_bare(TITLES[c])} | ACCEPTED.get(c, set())]
    if renamed:
        shown = "、".join(f"“{first[c]}”（格式为“{TITLES[c]}”）" for c in renamed)
        out.append(Finding(RULE, "info", f"章节标题与规定格式的写法不同：{shown}。建议按格式原文使用标题。",
                           [f"sections.{c}" for c in renamed], "section titles worded differently: " + ", ".join(renamed)))
    return out
