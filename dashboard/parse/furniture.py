"""Page furniture around a report: a portal's 'label：value' lines (标题/来源/发布时间/索引号/栏目 …) and site names.

A saved page puts the article's metadata above the report ("标题: 平潭综合实验区2019年度…", "来源:昌图县人民政府办公室
时间:2024-01-31") and the site's name in its header ("XX县人民政府 The People's Government of …"). These words are
labels, never part of an agency's name: they are split off here, once, and their values kept as evidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Labels of a portal's article metadata. The value runs to the next label or the end of the line.
_LABELS = (
    "文章标题|信息名称|标题|题名|名称|"
    "发布机构|发布单位|发文机关|发布机关|信息来源|文章来源|来源单位|来源|发布者|"
    "公开责任部门|责任部门|主办单位|主办|承办单位|承办|版权所有|主管单位|主管|"
    "发布时间|发布日期|成文日期|生成日期|公开日期|发文日期|更新时间|时间|日期|"
    "索引号|文号|发文字号|栏目|所属栏目|主题分类|体裁分类|组配分类|服务对象|信息分类|分类|关键词|关键字|"
    "公开方式|公开范围|公开时限|公开形式|有效性|浏览次数|点击数|访问量|阅读次数|字号|作者|责任编辑|编辑|打印|关闭"
)
_LABEL = re.compile(rf"(?:^|(?<=[\s|丨/]))(?P<label>{_LABELS})\s*[:：]\s*")
TITLE_LABELS = {"文章标题", "信息名称", "标题", "题名", "名称"}
PUBLISHER_LABELS = {"发布机构", "发布单位", "发文机关", "发布机关", "信息来源", "文章来源", "来源单位", "来源", "发布者",
                    "公开责任部门", "责任部门"}
HOST_LABELS = {"主办单位", "主办", "承办单位", "承办", "版权所有", "主管单位", "主管"}
DATE_LABELS = {"发布时间", "发布日期", "成文日期", "生成日期", "公开日期", "发文日期", "更新时间", "时间", "日期"}
# A site's English name after its Chinese one: "XX县人民政府 The People's Government of XX County".
_ENGLISH_TAIL = re.compile(r"\s*(?:The\s+People|People's|Government\s+of|[A-Za-z][A-Za-z'’.\-]*(?:\s+[A-Za-z'’.\-]+){2,}).*$")
_LATIN = re.compile(r"[A-Za-z]")
# Words a portal prints, never an agency's: an agency that contains one was glued to furniture.
FURNITURE_WORDS = ("标题", "发布", "来源", "索引号", "时间", "栏目")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_BREADCRUMB = re.compile(r"^(?:当前位置|您当前的位置|您现在的位置|您的位置|所在位置|位置)\s*[:：]|^首页\s*[>›»/]")


@dataclass(frozen=True)  # shared by every caller of a line's fields (cached): read, never changed
class Field:
    """One 'label：value' of a page's metadata."""

    label: str
    value: str


# The caches below serve the lines of one report (its preamble, header and footer are asked for several times);
# small, as a page's lines seldom recur in another report and the longest are narrative paragraphs.
@lru_cache(maxsize=1024)  # a preamble line is asked for its fields, breadcrumb and site name, several times a report
def _normalized(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip()


def fields(line: str) -> list[Field]:
    """The 'label：value' pairs of a metadata line ('来源:昌图县人民政府办公室 时间:2024-01-31' → two); [] for prose."""
    return list(_fields(line))


@lru_cache(maxsize=1024)
def _fields(line: str) -> tuple[Field, ...]:
    s = _normalized(line)
    if not _LABEL.match(s):
        return ()  # a label must open the line: "……现将发布时间：" inside a sentence is not metadata
    marks = list(_LABEL.finditer(s))
    out = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(s)
        out.append(Field(m.group("label"), s[m.end():end].strip(" |丨/")))
    return tuple(out)


@lru_cache(maxsize=1024)  # a line of the preamble is asked as a title line and as a header line
def without_furniture(line: str) -> str:
    """The line as a reader sees the report in it: a title's value without its '标题：' label; '' for a metadata,
    breadcrumb or site-name line that names no title."""
    got = fields(line)
    if got:
        return " ".join(f.value for f in got if f.label in TITLE_LABELS)
    if _BREADCRUMB.search(_normalized(line)) or site_name(line):
        return ""  # a site's name is the header's, never the first line of a wrapped title
    return line


@lru_cache(maxsize=1024)  # the English-tail search runs over the whole line: once a line
def site_name(line: str) -> str | None:
    """The Chinese name of a site's header line followed by its English name ('XX县人民政府 The People's …')."""
    s = _normalized(line)
    if not _LATIN.search(s):
        return None  # every English tail has a Latin letter: most lines have none, and need no search from each place
    m = _ENGLISH_TAIL.search(s)
    if not m or m.start() == 0:
        return None
    head = s[:m.start()].strip()
    return head if re.fullmatch(r"[\u4e00-\u9fff]{2,30}", head) else None


def publication_date(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date value ('2024-01-31 10:20', '2024年1月31日')."""
    m = _DATE.search(value)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def has_furniture_word(name: str | None) -> bool:
    """True when an agency name contains a word of page furniture (标题, 发布, 来源, 索引号, 时间, 栏目)."""
    return bool(name) and any(w in name for w in FURNITURE_WORDS)
