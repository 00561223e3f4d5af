"""Agency name and report year from the title, the container's title and the preamble."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dashboard.parse.normalize import _SPACE, _T2S

_TITLE = re.compile(
    r"(?P<a>.{0,60}?)(?<!\d)(?P<y>(?:19|20)\d{2})年度?(?P<b>[^\d]{0,60}?)(?:的)?(?:政府|政务)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:报告|年报)"
)
# "XX镇政府信息公开工作年度报告（2021年度）": the year after the title.
_TITLE_YEAR_AFTER = re.compile(
    r"(?P<a>[^\d]{2,60}?)(?:的)?(?:政府|政务)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:报告|年报)[(（]?(?P<y>(?:19|20)\d{2})年?度?[)）]?"
)
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
_CN_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=年)")
_PERIOD = re.compile(r"((?:19|20)\d{2})年1月1日(?:起)?(?:至|到|-|—)")
_NOISE_PREFIX = re.compile(r"^(?:正文|首页|当前位置|您当前的位置|关于印发|关于公布|关于|印发)[:：>]*")
_REGION_END = ("区", "县", "市", "乡", "镇", "旗", "人民")


@lru_cache(maxsize=8192)  # a report's lines are cleaned by several readings (title, signature, period)
def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _T2S.convert(s)
    s = _SPACE.sub("", s)
    return _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), s)  # 二〇二一年 → 2021年


_DATE_JUNK = re.compile(r"^.*?(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|(?:发布|来源|日期|时间)[:：])")


def _clean_agency(name: str) -> str:
    while (trimmed := _DATE_JUNK.sub("", name, count=1)) != name:
        name = trimmed
    name = re.sub(r"[《》〈〉<>\"“”【】\[\]()（）:：,，。_|>\-#*]+", "", name)
    prev = None
    while prev != name:
        prev = name
        name = _NOISE_PREFIX.sub("", name)
    name = name.removesuffix("的").removesuffix("关于")
    return name


_TITLE_END = re.compile(r"^[\s》」』”\"'）)]*(?:$|[_|\-—–·]|[(（]?(?:19|20)\d{2}年?度?[)）]?$|.{0,6}$)")


def _ends_title(clean: str, end: int) -> bool:
    # A title ends at 报告 (maybe a year in brackets, or a site name after a separator); a sentence that says
    # "市科委编制了2024年度政务公开工作报告，报告全文包括……" goes on.
    return bool(_TITLE_END.match(clean[end:]))


# The words of a title's end, in any order: a PDF's text layer may give "政府信息公开工作告年度报" for the printed
# "政府信息公开工作年度报告" — a reader sees the same title, so does this check (the same characters, each once).
_TITLE_TAILS = ("政府信息公开工作年度报告", "政务信息公开工作年度报告", "政府信息公开年度报告", "信息公开工作年度报告",
                "政务公开工作年度报告", "政府信息公开工作报告", "政府信息公开工作年报", "政务公开年度报告")
_YEAR_TOKEN = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})年度?")
_SITE_AFTER = re.compile(r"[_|\-—–·].{0,30}$")


def _scrambled(clean: str) -> tuple[str | None, int | None]:
    """(agency, year) of a title whose closing words came out of order, else (None, None)."""
    clean = _SITE_AFTER.sub("", clean)
    m = _YEAR_TOKEN.search(clean)
    if not m or len(clean) > 80:
        return None, None
    rest = clean[:m.start()] + clean[m.end():]
    for tail in _TITLE_TAILS:
        end = rest[-len(tail):]
        if end != tail and sorted(end) == sorted(tail):
            name = _clean_agency(rest[:-len(tail)])
            return name or None, int(m.group("y"))
    return None, None


# "七家子镇政府信息公开工作年度报告" with no year at all (the page's date or header says it): the whole line is a title.
_TITLE_NO_YEAR = re.compile(
    r"^(?!政府|政务|人民政府|信息公开)(?P<a>[^\d]{2,40}?)(?P<gov>人民政府|政府)?(?:的)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:报告|年报)$")


def _no_year(clean: str) -> str | None:
    m = _TITLE_NO_YEAR.match(_SITE_AFTER.sub("", clean))
    if not m:
        return None
    name = _clean_agency(m.group("a"))
    return (name + "人民政府" if m.group("gov") == "人民政府" else name) or None


def _from_title(text: str) -> tuple[str | None, int | None]:
    agency, year, _ = title_reading(text)
    return agency, year


@lru_cache(maxsize=8192)  # pure: the same window (a boilerplate line, a county's title) reads the same
def title_reading(text: str) -> tuple[str | None, int | None, str]:
    """(agency, year, rule) of one title-like text; rule names the form that read it ('' when none did)."""
    clean = _clean(text)
    m = _TITLE.search(clean)
    if m and not _ends_title(clean, m.end()):
        m = None
    if not m:
        m2 = _TITLE_YEAR_AFTER.search(clean)
        if not m2 or not _ends_title(clean, m2.end()):
            a, y = _scrambled(clean)
            if y:
                return a, y, "title words out of order"
            a = _no_year(clean)
            return a, None, "title without year" if a else ""
        name = _clean_agency(m2.group("a"))
        return (name + "政府" if name.endswith(_REGION_END) and not name.endswith("人民") else name) or None, \
            int(m2.group("y")), "title with the year after"
    year = int(m.group("y"))
    a, b = _clean_agency(m.group("a")), _clean_agency(m.group("b"))
    agency = b or a
    if agency and b and agency.endswith(_REGION_END):
        agency += "政府"  # "2021年XX镇人民政府信息公开…": the lazy match left 政府 to the optional group
    return (agency or None), year, "title"


PUBLISH_WORDS = re.compile(r"现将|现向社会|现予|现公布|现发布|特发布|特公布|现印发")


@dataclass
class TitleReading:
    """What the report's title says: agency, year, where (title / container title), the line it was read from."""

    agency: str | None = None
    year: int | None = None
    where: str = ""
    rejected: str | None = None  # the first candidate rejected as not an agency's name
    line: str = ""
    rule: str = ""
    year_line: str = ""


def find_identity(title: str | None, preamble: list[str], prefer_title: bool = False
                  ) -> tuple[str | None, int | None, str, str | None]:
    """(agency, year, where found, first candidate rejected as not an agency's name); see find_title."""
    r = find_title(title, preamble, prefer_title)
    return r.agency, r.year, r.where, r.rejected


def find_title(title: str | None, preamble: list[str], prefer_title: bool = False) -> TitleReading:
    """The title's reading. Tries windows of 1–3 preamble lines and the container title.

    A web page's own title comes first (its chrome may list other reports); elsewhere the printed title does.
    """
    candidates: list[tuple[str, str]] = []
    if title and prefer_title:
        candidates.append((title, "container title"))
    # One line before two, two before three: a breadcrumb or the county's name on the line above the title
    # must not be glued onto the agency; a title wrapped over two lines still is found. Within each, the lines
    # nearest the report's first heading come first: a saved page may list links to other reports above it.
    head = preamble[-40:]
    for n in (1, 2, 3):
        for i in reversed(range(len(head) - n + 1)):
            candidates.append(("".join(head[i:i + n]), "title"))
    if title and not prefer_title:
        candidates.append((title, "container title"))
    out = TitleReading()
    for text, source in candidates:
        if "报" not in text and "報" not in text:
            continue  # every title form ends in 报告 or 年报: a window without it cannot be one (and is not cleaned)
        if PUBLISH_WORDS.search(text):
            continue  # "现将…报告公布如下" is a sentence, read by its own rule (identity_sources.py)
        a, y, rule = title_reading(text)
        if y and out.year is None:
            out.year, out.where, out.year_line, out.rule = y, source, text, rule
        if a and out.agency is None and (y or rule == "title without year"):
            if not agency_shape_ok(a):
                out.rejected = out.rejected or a  # a fragment of a sentence: look further, never file under it
                continue
            out.agency, out.where, out.line, out.rule = a, source, text, rule
            if y:  # the year of the line that names the unit, not of a sentence quoting another year's report
                out.year, out.year_line = y, text
        if out.agency and out.year:
            break
    if out.agency:
        out.rejected = None
    return out


def period_year(lines: list[str]) -> int | None:
    """The year named by '统计期限自 YYYY 年 1 月 1 日起…', if any line says it."""
    for line in lines:
        s = _clean(line)
        m = _PERIOD.search(s) if "年1月1日" in s else None  # the pattern's fixed middle: no regex on other lines
        if m:
            return int(m.group(1))
    return None


# ---- is it an agency's name? (issue 14 part 3: identity never garbage) ----
_AGENCY_END = re.compile(
    r"(?:人民政府|政府|办事处|街道|管委会|管理委员会|委员会|实验区|开发区|新区|局|委|办公室|办|中心|院|所|站|队|馆|署|厅|部|"
    r"会|社|处|公司|集团|乡|镇|区|县|市|场|关|台|校|学|协|狱|行|厂|团|室|园|所)$")
# Words of a sentence around a title, never of a name: "…关于编制公布人民政府" is a fragment, not an agency.
_SENTENCE_WORDS = re.compile(r"关于|编制|公布|根据|按照|现将|印发|发布|本报告|要求|以下|如下|年度|报告|[，,。；;：:！？、]")
# Characters an OCR engine or a typist confuses (沭阳 read as 沐阳): one of these swapped is the same name.
_CONFUSABLE = [set(g) for g in ("沭沐", "己已巳", "未末", "土士", "日曰", "人入八", "大太犬", "天夭", "王玉主", "千干于",
                                  "戊戌戍", "汩汨", "候侯", "徽微", "崖涯", "泽译择", "区匹", "县具", "街衔", "办为",
                                  "宁字", "洪拱", "沟钩", "乡多", "镇慎", "渠棐", "鸟乌", "兔免", "盲肓", "折拆")]


def agency_shape_ok(name: str) -> bool:
    """True when a candidate reads as an agency's name (ends like one, no sentence words), not a title fragment."""
    return 2 <= len(name) <= 40 and bool(_AGENCY_END.search(name)) and not _SENTENCE_WORDS.search(name)


def _confusable(a: str, b: str) -> bool:
    return any(a in g and b in g for g in _CONFUSABLE)


def _one_confusion(a: str, b: str) -> bool:
    diff = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    return len(a) == len(b) and len(diff) == 1 and _confusable(*diff[0])


def registry_agency(name: str, registry: Any) -> tuple[str | None, bool]:
    """(registry name, exact) for a printed name: by name or alias, else one OCR-confusable character away.

    Two townships whose names differ by one ordinary character are different townships: only a confusable pair
    (沭/沐) counts, and only when exactly one registry entry is that close.
    """
    m = registry.match(name)
    if m.agency is not None:
        return m.agency.name, True
    from dashboard.parse.names import name_key  # the registry's own normalisation, one place

    key = name_key(name)
    hits = {a.name for a in registry.agencies for k in a.keys() if _one_confusion(key, k)}
    return (hits.pop(), False) if len(hits) == 1 else (None, False)


def registry_near(name: str, registry: Any) -> str | None:
    """The one registry name (or alias) exactly one character away from a printed name that the registry lacks."""
    from rapidfuzz.distance import Levenshtein

    from dashboard.parse.names import name_key

    key = name_key(name)
    if registry.match(name).agency is not None:
        return None
    hits = {a.name for a in registry.agencies for k in a.keys() if Levenshtein.distance(key, k, score_cutoff=1) == 1}
    return hits.pop() if len(hits) == 1 else None
