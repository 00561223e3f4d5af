"""LATE: the report was published after its deadline (条例 第四十九条).

Deadlines for year Y: a department of a county-level (or higher) government by 31 January of Y+1, a county-level
(or higher) government by 31 March; townships and street offices follow provincial rules, usually 31 January
(`ReviewContext.deadlines` sets another date per kind). The date is the portal page's (ReviewContext.published,
else the record's `page_date`), else the date printed under the title or at the end (`printed_date`).

An error only where it is certain: the page's own date, past a deadline the 条例 fixes for a unit whose kind the
registry states (or past 31 March, late for every kind), or past a deadline the office configured. A printed
date (read off the text), a kind guessed from the name, or a township's default date: a warning.
"""

from __future__ import annotations

import datetime as dt

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "LATE"
STATUTORY = {"部门": (1, 31), "政府": (3, 31)}  # 条例 第四十九条
PROVINCIAL_DEFAULT = {"乡": (1, 31), "镇": (1, 31), "街道": (1, 31)}  # usual provincial rule, configurable
LATEST = (3, 31)  # no unit's deadline is later


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def publication_date(report: Report, ctx: CheckContext) -> tuple[dt.date, str] | None:
    """(date, where from: 'page' | 'printed') — the page's date first."""
    page = _date(getattr(ctx, "published", None)) or _date(report.get("page_date"))
    if page:
        return page, "page"
    printed = _date(report.get("printed_date"))
    return (printed, "printed") if printed else None


def deadline(year: int, kind: str | None, configured: dict[str, tuple[int, int]]) -> tuple[dt.date, bool]:
    """(deadline for this kind, fixed: True when the 条例 or the office's configuration sets it)."""
    if kind in configured:
        m, d = configured[kind]
        return dt.date(year + 1, m, d), True
    if kind in STATUTORY:
        m, d = STATUTORY[kind]
        return dt.date(year + 1, m, d), True
    m, d = PROVINCIAL_DEFAULT.get(kind or "", LATEST)
    return dt.date(year + 1, m, d), False


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """An error or a warning when the publication date is past the unit's deadline."""
    year = report.get("year")
    found = publication_date(report, ctx)
    if not isinstance(year, int) or found is None:
        return []
    when, source = found
    if when < dt.date(year + 1, 1, 1):
        return []  # a date inside the report year is not its publication (a draft's, a page's other date)
    configured = getattr(ctx, "deadlines", None) or {}
    due, fixed = deadline(year, ctx.agency_kind, configured)
    if when <= due:
        return []
    certain_kind = ctx.agency_known or ctx.agency_kind in configured
    certain = source == "page" and (when > dt.date(year + 1, *LATEST) or (fixed and certain_kind))
    where = "网页发布日期" if source == "page" else "报告落款日期"
    basis = "《条例》第四十九条" if ctx.agency_kind in STATUTORY else "本地规定（默认1月31日）" \
        if ctx.agency_kind not in configured else "本地规定"
    return [Finding(RULE, "error" if certain else "warning",
                    f"{where}为{when.year}年{when.month}月{when.day}日，晚于{year}年度报告的公布期限"
                    f"{due.year}年{due.month}月{due.day}日（{basis}），逾期 {(when - due).days} 天。",
                    [], f"published {when.isoformat()} ({source}), due {due.isoformat()}")]
