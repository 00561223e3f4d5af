"""TITLE: the title names the unit and the year ("XX 2024年政府信息公开工作年度报告").

条例 第四十九条 makes each agency publish *its* report for the previous year, and the format's title carries both
names; a title without them cannot be told from another unit's or another year's. Reads `title` (the printed
title, dashboard/parse/review_facts.py); silent without it. Warnings: a title is read from the first lines and
may be cut by a converted file.
"""

from __future__ import annotations

import re
import unicodedata

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "TITLE"
_YEAR = re.compile(r"(20\d\d)\s*年|(二[〇零][一二三四五六七八九〇零]{2})\s*年")
_CN = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
       "九": "9"}
# What every title says besides the unit and the year; what is left over is the unit's name.
_BOILERPLATE = re.compile(r"关于|印发|公布|发布|的通知|本机关|本单位|我单位|度|工作|政府信息公开|政务公开|信息公开|年度报告|年报|报告"
                          r"|[\s\d（）()《》〈〉“”\"'·,，.。:：_\-—|｜]")


def unit_part(title: str) -> str:
    """What a title says besides the year and the boilerplate: the unit's name ('' when it names none)."""
    s = _YEAR.sub("", unicodedata.normalize("NFKC", title))
    return _BOILERPLATE.sub("", s)


def title_years(title: str) -> list[int]:
    """The years a title names ('二〇二四年' as 2024)."""
    out = []
    for m in _YEAR.finditer(unicodedata.normalize("NFKC", title)):
        out.append(int(m.group(1)) if m.group(1) else int("".join(_CN[c] for c in m.group(2))))
    return out


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning when the title lacks the unit's name, the year, or names another year."""
    title = report.get("title")
    if not isinstance(title, str) or not title.strip():
        return []
    out: list[Finding] = []
    years, year = title_years(title), report.get("year")
    if not years:
        out.append(Finding(RULE, "warning", f"标题“{title}”未写明报告年度，应为“××{year or '20××'}年政府信息公开工作年度报告”。",
                           [], "the title names no year"))
    elif isinstance(year, int) and year not in years:
        out.append(Finding(RULE, "warning", f"标题“{title}”所写年度（{years[0]}年）与报告年度（{year}年）不一致，请核对。",
                           [], f"the title names {years[0]}, the report is for {year}"))
    if len(unit_part(title)) < 2:
        agency = report.get("agency")
        named = f"（{agency}）" if isinstance(agency, str) and agency else ""
        out.append(Finding(RULE, "warning", f"标题“{title}”未写明单位名称{named}，应写明报告单位。",
                           [], "the title does not name the agency"))
    return out
