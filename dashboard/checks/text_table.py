"""TEXT_TABLE: a figure quoted in 一、总体情况 that contradicts the table.

Only phrases that name one figure unambiguously are read ("收到政府信息公开申请34件", "共办结148件", "结转至2026年6件",
"未发生政府信息公开行政复议").
A phrase is skipped when the last year named before it in its sentence is not the report year, when its clause
compares (同比, 较上年, 累计) or counts a subset (其中, 通过网上…), and — for a department — when it speaks of the
whole county (全县). 收到/受理 may or may not include the carried-in applications, so either reading agrees.
Better to miss a contradiction than to raise a false alarm.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from dashboard.checks.model import CheckContext, Finding, Report, describe, fmt_number, known, num, raw

RULE = "TEXT_TABLE"
NUM = r"(?P<n>\d+|[零〇一二两三四五六七八九十百]+)"
UNIT = r"(?:件|起|宗|份|个|例)"
_SENTENCE_END = re.compile(r"[。；;!！?？\n]")
_CLAUSE_END = re.compile(r"[，,]")
# A year that sets the time of what follows ("2022年，……"); not "结转至2026年", "截至", nor a range "2021-2025年".
_YEAR = re.compile(r"(?<![至到前于截\-—~～])(20\d\d)年")
_COMPARE = re.compile(r"同比|较上年|比上年|较去年|比去年|上年同期|去年|上一年度?|累计|历年|以来|近[三五十]年|分别")
_WHOLE_AREA = re.compile(r"全县|全区|全市|全州|全旗|各乡镇|各部门|各单位")
_SUBSET_BEFORE = re.compile(r"其中|通过|网上|线上|线下|现场|当面|信函|邮寄|传真|电子邮件|平台|自然人|法人|企业")
_INCLUDES_AFTER = re.compile(r"^[(（]?(?:含|包括|其中)")
_NOT_TOTAL_AFTER = re.compile(r"^[^，,]{0,8}?(?:纠错|纠正|败诉|撤销|确认违法|维持)")

APPLICATION_NEW = ("applications.new.total",)
APPLICATION_RECEIVED = ("applications.new.total", "applications.carried_in.total")
CARRIED_IN = ("applications.carried_in.total",)
RECONSIDERATION = ("appeals.reconsideration.total",)
LITIGATION = ("appeals.litigation_direct.total", "appeals.litigation_after.total")
CLOSED = ("applications.total.total",)
CARRIED_OVER = ("applications.carried_over.total",)

_APPLICATION = r"(?:政府)?(?:信息公开申请|依申请公开申请)(?:数量?)?(?:共计|共|合计|为|是)?"
_APP_COUNT = re.compile(r"(?P<verb>新收|收到|接到|接收|受理)(?:各类|的)?" + _APPLICATION + NUM + UNIT)
_APP_ZERO = re.compile(r"(?:未|没有|无)(?:收到|接到|新收|接收|受理)(?:任何|各类)?(?:政府)?(?:信息公开申请|依申请公开申请)")
_CARRIED_IN = re.compile(r"上年结转(?:的)?" + _APPLICATION + NUM + UNIT)
# "共办结148件" (the 总计 of the outcomes), "结转至2026年6件" / "结转下年度继续办理6件" (四、结转下年度继续办理).
_CLOSED_COUNT = re.compile(r"(?<!未)办结(?:各类|的)?(?:政府信息公开申请|信息公开申请|申请)?(?:共计|共|合计|为)?" + NUM + UNIT)
_CARRIED_OVER = re.compile(r"(?<!上年)结转(?:至|到)?(?:下一?年度?|20\d\d年度?)(?:继续办理|办理)?(?:的)?(?:申请)?(?:共|为)?"
                           + NUM + UNIT)
_RECON_COUNT = re.compile(r"(?<![、和及与])行政复议(?:案件|申请)?(?:数|数量)?(?:共计|共|为|是)?" + NUM + UNIT)
_LITIG_COUNT = re.compile(r"(?<!复议[、和及与])行政诉讼(?:案件)?(?:数|数量)?(?:共计|共|为|是)?" + NUM + UNIT)
_APPEAL_ZERO = re.compile(r"(?:未|没有|无)(?:发生|出现|收到|涉及|产生)?[^，,]{0,12}?(?P<a>行政复议)(?P<b>[、和及与或]行政诉讼)?")


@dataclass(frozen=True)
class Claim:
    """A figure the text states; `readings` are the cell sets (summed) any one of which may agree with it."""

    readings: tuple[tuple[str, ...], ...]
    value: float
    quote: str


def _number(text: str) -> float | None:
    if text.isdigit():
        return float(text)
    import cn2an  # a second to import: loaded when a figure in words is met, not by every command line start

    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def _clause(sentence: str, start: int, end: int) -> str:
    """The comma-delimited clause around a match."""
    a = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, start)), default=0)
    b = _CLAUSE_END.search(sentence, end)
    return sentence[a:b.start() if b else len(sentence)]


def _speaks_of(sentence: str, start: int, end: int, year: int | None, whole_area_ok: bool,
               year_before: int | None) -> bool:
    """True when the match at [start, end) is about this report's agency and year and compares nothing.

    `year_before` is the last year the overview named before this sentence: "2022年，……。全年收到申请5件" speaks of
    2022 (a narrative copied from last year's report reads exactly like this).
    """
    years = [int(y) for y in _YEAR.findall(sentence[:start])] or ([year_before] if year_before else [])
    if year is not None and years and years[-1] != year:
        return False
    clause = _clause(sentence, start, end)
    if _COMPARE.search(clause) or _SUBSET_BEFORE.search(sentence[max(0, start - 12):start]):
        return False
    return whole_area_ok or not _WHOLE_AREA.search(clause)


def sentences(text: str) -> list[str]:
    """The overview as normalized sentences (NFKC, no spaces)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return [x for x in _SENTENCE_END.split(s) if x]


def claims(report: Report, kind: str | None = None) -> list[Claim]:
    """Every unambiguous figure of 一、总体情况 with the cells it may name."""
    year = report.get("year") if isinstance(report.get("year"), int) else None
    whole_area_ok = kind == "政府"  # a county government's own figures are county-wide
    out: list[Claim] = []
    year_before: int | None = None

    def add(m: re.Match, s: str, readings: tuple, value: float | None) -> None:
        if value is not None and _speaks_of(s, m.start(), m.end(), year, whole_area_ok, year_before):
            out.append(Claim(readings, value, m.group(0)))

    for s in sentences((report.get("sections") or {}).get("overview") or ""):
        if "申请" in s or "复议" in s or "诉讼" in s:  # the only words every phrase read here contains
            _claims_of_sentence(s, add)
        named = _YEAR.findall(s)
        year_before = int(named[-1]) if named else year_before
    return out


def _claims_of_sentence(s: str, add: Callable[[re.Match, str, tuple, float | None], None]) -> None:
    """Every phrase of one sentence that names a figure, handed to `add` with the cells it may name."""
    for m in _APP_COUNT.finditer(s):
        if _INCLUDES_AFTER.search(s[m.end():]):
            continue  # "收到申请36件（含上年结转2件）": the parts follow
        readings = (APPLICATION_NEW,) if m.group("verb") == "新收" else (APPLICATION_NEW, APPLICATION_RECEIVED)
        add(m, s, readings, _number(m.group("n")))
    for m in _APP_ZERO.finditer(s):
        add(m, s, (APPLICATION_NEW,), 0)
    for m in _CARRIED_IN.finditer(s):
        add(m, s, (CARRIED_IN,), _number(m.group("n")))
    for rx, cells in ((_CLOSED_COUNT, CLOSED), (_CARRIED_OVER, CARRIED_OVER)):
        for m in rx.finditer(s):
            add(m, s, (cells,), _number(m.group("n")))
    if "信息公开" not in s:
        return  # an agency's own 行政复议 caseload is not about disclosure
    for rx, cells in ((_RECON_COUNT, RECONSIDERATION), (_LITIG_COUNT, LITIGATION)):
        for m in rx.finditer(s):
            if "各" not in s[m.end():m.end() + 2]:
                add(m, s, (cells,), _number(m.group("n")))
    for m in _APPEAL_ZERO.finditer(s):
        if _NOT_TOTAL_AFTER.search(s[m.end():]):
            continue  # "未发生行政复议被纠错": says nothing of the total
        add(m, s, (RECONSIDERATION,), 0)
        if m.group("b"):
            add(m, s, (LITIGATION,), 0)


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One warning per figure of the overview that agrees with no reading of the table."""
    out: list[Finding] = []
    seen: set[tuple] = set()
    for cl in claims(report, ctx.agency_kind):
        # A blank 总计 is BLANK_TOTAL's finding (counted as 0 it would also "contradict" every figure of the text).
        readings = [r for r in cl.readings if known(report, *r) and not all(raw(report, k) is None for k in r)]
        if not readings or (cl.readings, cl.value) in seen:
            continue
        seen.add((cl.readings, cl.value))
        if any(sum(num(report, k) for k in r) == cl.value for r in readings):
            continue
        first = readings[0]
        shown = " + ".join(describe(k, report) for k in first)
        out.append(Finding(RULE, "warning",
                           f"一、总体情况称“{cl.quote}”（{fmt_number(cl.value)}），与表格不符：{shown}。",
                           list(first), f"overview says {cl.value:g}, table says "
                           f"{sum(num(report, k) for k in first):g}"))
    return out
