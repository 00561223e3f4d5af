"""SAME_TEXT (内容雷同): a narrative section nearly identical to the same agency's previous-year report."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "SAME_TEXT"
THRESHOLD = 90.0  # rapidfuzz ratio (0–100) after dropping digits and spaces
MIN_CHARS = 60  # shorter texts ("无。") are alike by nature
SECTIONS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况"}
_NOISE = re.compile(r"[\s\d０-９年月日，。、；：,.;:（）()“”\"'《》]+")


def comparable(text: str) -> str:
    """The text without digits, dates and punctuation, so that a copy with new figures still counts as a copy."""
    return _NOISE.sub("", text or "")


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One warning per narrative section whose similarity to last year's is at least THRESHOLD."""
    prev = ctx.previous
    if not prev:
        return []
    out: list[Finding] = []
    for code, title in SECTIONS.items():
        a = comparable((report.get("sections") or {}).get(code) or "")
        b = comparable((prev.get("sections") or {}).get(code) or "")
        if len(a) < MIN_CHARS or len(b) < MIN_CHARS:
            continue
        score = fuzz.ratio(a, b)
        if score >= THRESHOLD:
            out.append(Finding(RULE, "warning",
                               f"“{title}”与{prev.get('year')}年度报告内容雷同（相似度 {score:.0f}%），"
                               f"请核对是否照搬上年内容。", [f"sections.{code}"],
                               f"section {code} is {score:.0f}% similar to the previous year's"))
    return out
