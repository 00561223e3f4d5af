"""Agency name and report year from the title, the container's title and the preamble."""

from __future__ import annotations

import re
import unicodedata

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


def _from_title(text: str) -> tuple[str | None, int | None]:
    clean = _clean(text)
    m = _TITLE.search(clean)
    if m and not _ends_title(clean, m.end()):
        m = None
    if not m:
        m2 = _TITLE_YEAR_AFTER.search(clean)
        if not m2 or not _ends_title(clean, m2.end()):
            return None, None
        name = _clean_agency(m2.group("a"))
        return (name + "政府" if name.endswith(_REGION_END) and not name.endswith("人民") else name) or None, \
            int(m2.group("y"))
    year = int(m.group("y"))
    a, b = _clean_agency(m.group("a")), _clean_agency(m.group("b"))
    agency = b or a
    if agency and b and agency.endswith(_REGION_END):
        agency += "政府"  # "2021年XX镇人民政府信息公开…": the lazy match left 政府 to the optional group
    return (agency or None), year


def find_identity(title: str | None, preamble: list[str], prefer_title: bool = False) -> tuple[str | None, int | None, str]:
    """(agency, year, where found). Tries windows of 1–3 preamble lines and the container title.

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
    agency: str | None = None
    year: int | None = None
    where = ""
    for text, source in candidates:
        a, y = _from_title(text)
        if y and year is None:
            year, where = y, source
        if a and agency is None and y:
            agency, where = a, source
            year = year or y
        if agency and year:
            break
    return agency, year, where


def period_year(lines: list[str]) -> int | None:
    """The year named by '统计期限自 YYYY 年 1 月 1 日起…', if any line says it."""
    for line in lines:
        m = _PERIOD.search(_clean(line))
        if m:
            return int(m.group(1))
    return None
