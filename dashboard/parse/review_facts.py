"""What a reviewer reads off a report's layout besides its figures: the title, the section headings in printed
order, the date printed under the title or at the end, and the date a web page states it was published.

`review_facts(doc)` returns keys to merge into the canonical record (`title`, `headings`, `printed_date`,
`page_date`); the review rules (dashboard/checks: SECTION_ORDER, TITLE, LATE) read them and stay silent where a
key is absent. A fact is given only when it is read unambiguously: no title line, no date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from dashboard.parse.items import flatten
from dashboard.readers.model import Document

_REPORT_WORD = re.compile(r"年度?报告|年报")
_CHROME = re.compile(r"^(?:正文|全文|附件\d*|打印|关闭|字号|大中小)$")  # page labels a converted file keeps above a title
_BREADCRUMB = re.compile(r"当前位置|您的位置|首页|[>＞»›]")  # "当前位置:首页>政务公开>政府信息公开年报" is not a title
_DECORATION = re.compile(r"^[*#_\s]+|[*#_\s]+$")  # Markdown's **bold** and ## around a heading
_CN_DIGIT = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
             "八": "8", "九": "9"}
# A line that is nothing but a date ("2026年1月20日", "二〇二六年一月二十日"), as printed under a title or a 落款.
_DATE_LINE = re.compile(r"^(?P<y>20\d\d|二〇[一二三四五六七八九〇零]{2})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
                        r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日$")
# A web page's own date label ("发布时间：2026-03-10 12:56", "时间：2026-03-10", "发布日期：2026年1月20日").
# A bare "时间：" counts only where it starts the line or follows a space, as a page's byline prints it ("来源：… 时间：…"),
# never "办理时间：" inside the report; and only on a short line (a byline, not a paragraph).
_PAGE_DATE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|(?:^|(?<=\s))时间)[:：]\s*"
                        r"(?P<y>20\d\d)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})")
BYLINE_MAX_CHARS = 100
TITLE_LINES = 3  # a title wrapped over at most three lines ("洪泽区人民政府" / "2023年政府信息公开工作年度报告")
DATE_LINES_AFTER_END = 4  # a 落款 (unit name, date) sits in the last few lines


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGIT for ch in text):
        return int("".join(_CN_DIGIT[ch] for ch in text))
    # 十, 十二, 二十, 二十一, 三十一
    tens, _, ones = text.partition("十")
    return (int(_CN_DIGIT[tens]) if tens else 1) * 10 + (int(_CN_DIGIT[ones]) if ones else 0)


def date_of_line(line: str) -> dt.date | None:
    """The date a line consists of ('2026年1月20日', '二〇二六年一月二十日'), or None."""
    m = _DATE_LINE.match(_norm(line))
    if not m:
        return None
    try:
        return dt.date(_cn_number(m["y"]), _cn_number(m["m"]), _cn_number(m["d"]))
    except (ValueError, KeyError):
        return None


def page_date_of(lines: list[str]) -> dt.date | None:
    """The publication date a web page states in its own label (发布时间：…); None when absent or not one date."""
    found = set()
    for line in lines:
        line = unicodedata.normalize("NFKC", line).strip()
        if len(line) > BYLINE_MAX_CHARS:
            continue
        for m in _PAGE_DATE.finditer(line):
            try:
                found.add(dt.date(int(m["y"]), int(m["m"]), int(m["d"])))
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None  # two different dates: which one is the report's is a guess


def title_of(doc: Document, preamble: list[str]) -> str | None:
    """The report's title: the first preamble lines up to the one naming a 年度报告 (a wrapped title joined), else
    the container's title when it names one."""
    lines = [s for s in (_DECORATION.sub("", _norm(x)) for x in preamble) if s and not _CHROME.match(s)]
    for i, line in enumerate(lines[:8]):
        if _REPORT_WORD.search(line) and len(line) <= 60 and not _BREADCRUMB.search(line):
            start = max(0, i - TITLE_LINES + 1)
            head = [x for x in lines[start:i] if len(x) <= 30 and not _REPORT_WORD.search(x) and not date_of_line(x)]
            # Only the lines right above belong to it (a unit's name printed on its own line above the title).
            keep = []
            for x in reversed(head):
                if re.search(r"[，。；：:]", x) or _BREADCRUMB.search(x):
                    break
                keep.insert(0, x)
            return "".join(keep[-(TITLE_LINES - 1):] + [line])
    container = _norm(doc.title or "")
    if _REPORT_WORD.search(container):
        return re.split(r"[_|｜]", container)[0]  # "标题_栏目_网站" as pages name themselves
    return None


def review_facts(doc: Document, page_text: str | None = None, items: list | None = None) -> dict[str, Any]:
    """title, headings ([{'section', 'text', 'exact'}] in printed order), printed_date and page_date (ISO) of a
    read document; each key only when read unambiguously. `page_text`: the web page's full text with its chrome
    (the HTML reader keeps only the report), where the page states its date."""
    items = items if items is not None else flatten(doc)  # the parser's own items, when it read this doc
    out: dict[str, Any] = {}
    preamble = [it.text for it in items if it.kind == "line" and it.section == "preamble"]
    if title := title_of(doc, preamble):
        out["title"] = title
    out["headings"] = [{"section": it.heading,
                        "text": _DECORATION.sub("", _norm(it.text or next((c for c in it.cells if c.strip()), ""))),
                        "exact": not it.approx} for it in items if it.heading]
    lines = [it.text for it in items if it.kind == "line"]
    dates = [d for d in (date_of_line(x) for x in preamble[:TITLE_LINES + 2] + lines[-DATE_LINES_AFTER_END:]) if d]
    if len(set(dates)) == 1:
        out["printed_date"] = dates[0].isoformat()
    page_lines = doc.text_lines() + (re.sub(r"<[^>]+>", "\n", page_text).splitlines() if page_text else [])
    if page := page_date_of(page_lines):
        out["page_date"] = page.isoformat()
    return out
