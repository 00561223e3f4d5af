"""Where a report says whose it is: every reading of its agency and year, with the line and the rule that gave it.

A person reading a saved page sees the unit and the year in the title (even with its words out of order or split
over lines), in a sentence ("现向社会公布2021年石家庄市教育局政府信息公开工作年度报告"), in the page's header and
footer, in the signature (落款) above the date, in the file's name and in the publication date. Each of these is
gathered here as Evidence; identity_settle.py decides what they settle.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from dashboard.parse import furniture
from dashboard.parse.identity import PUBLISH_WORDS, _clean, _clean_agency, agency_shape_ok, find_title, title_reading
from dashboard.parse.items import Item
from dashboard.readers.model import Document, Paragraph

# Strong readings say whose report it is; weak ones say who posted it or where it sits (used only when no strong
# reading names the unit, and then never against each other).
STRONG = "strong"
WEAK = "weak"
SOURCE_ZH = {"title": "标题", "container title": "网页或文件属性中的标题", "page title field": "网页“标题”栏",
             "sentence": "正文句子", "statistics period": "统计期限", "header": "页眉", "footer": "页脚",
             "publisher": "发布机构或来源", "signature": "落款", "file name": "文件名", "address": "网址",
             "publication date": "发布日期", "signature date": "落款日期", "self reference": "正文自称"}


@dataclass
class Evidence:
    """One reading of the agency or the year: its value, where it was read, by which rule, from which line."""

    field: str  # "agency" | "year" | "kind" (the report's self-reference: 我镇 → 镇)
    value: str | int
    source: str  # a key of SOURCE_ZH
    rule: str  # in Chinese, as a reviewer reads it
    line: str
    strength: str = STRONG
    used: bool = False
    note: str = ""  # why it was not used, or what it stood against

    def as_dict(self) -> dict:
        """JSON form (the record's identity_evidence): the fields in their order, as dataclasses.asdict gives them
        (every value is a str, int or bool: nothing to copy deeply, so none of asdict's recursion)."""
        return {"field": self.field, "value": self.value, "source": self.source, "rule": self.rule, "line": self.line,
                "strength": self.strength, "used": self.used, "note": self.note}


# "现将/现向社会公布 …（年度）…（单位）政府信息公开工作年度报告"
_SENTENCE = re.compile(
    r"(?:现将|现向社会公布|现予以?公布|现予发布|现公布|现发布|特发布|特公布|现印发|现将本)(?P<mid>[^。；！？]{0,60}?)"
    r"(?P<tail>(?:的)?(?:政府|政务)?(?:信息|政务)公开(?:工作)?(?:年度)?(?:报告|年报))")
_SELF = re.compile(r"(?:我|本)(镇|乡|街道|局|委|办)(?![\u4e00-\u9fff]{0,1}(?:人民政府|政府))")
_SELF_WORD = re.compile(r"^(?:我|本|全|该|各|贵)")
_DATE_LINE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")
_SIGNATURE = re.compile(r"^(?P<name>[\u4e00-\u9fff（）()]{3,40}?)(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)?$")
_FILE_NAME = re.compile(r"^(?P<a>[\u4e00-\u9fff（）()]{3,40}?)[-_ ]*(?P<y>(?:19|20)\d{2})(?:年度?)?$")
_ADDRESS_DATE = re.compile(r"(?:/|\bt|_)(20\d{2})[-/]?(0[1-9]|1[0-2])[-/]?(\d{2})?(?:[/_]|\b)")


def _agency_value(text: str) -> str | None:
    name = _clean_agency(_clean(text))
    if not name or _SELF_WORD.match(name) or furniture.has_furniture_word(name) or not agency_shape_ok(name):
        return None
    if name.endswith(("网站", "网", "门户", "平台")):
        return None  # a site, not a unit
    return name


def _title_evidence(doc: Document, preamble: list[str]) -> list[Evidence]:
    html = doc.format == "html"
    first = find_title(doc.title, preamble, prefer_title=html)
    out: list[Evidence] = []
    if first.agency or first.rejected:
        out.append(Evidence("agency", first.agency or first.rejected or "", first.where, _rule_zh(first.rule),
                            first.line or first.year_line, STRONG if first.where == "title" or html else WEAK,
                            note="" if first.agency else "rejected"))
    if first.year:
        out.append(Evidence("year", first.year, first.where, _rule_zh(first.rule), first.year_line,
                            STRONG if first.where == "title" or html else WEAK))
    # A web page's own title and the title printed on it are two readings: both are read, so they can disagree.
    other = find_title(None, preamble) if first.where == "container title" and html else (
        find_title(doc.title, [], prefer_title=True) if html and doc.title else None)
    if other is not None:
        if other.agency:
            out.append(Evidence("agency", other.agency, other.where, _rule_zh(other.rule), other.line, STRONG))
        if other.year:
            out.append(Evidence("year", other.year, other.where, _rule_zh(other.rule), other.year_line, STRONG))
    if not html and doc.title and first.where != "container title":
        # A document's stored title is often last year's template: weak, never against the printed title.
        a, y, rule = title_reading(doc.title)
        if a and agency_shape_ok(a):
            out.append(Evidence("agency", a, "container title", _rule_zh(rule), doc.title, WEAK))
        if y:
            out.append(Evidence("year", y, "container title", _rule_zh(rule), doc.title, WEAK))
    return out


def _rule_zh(rule: str) -> str:
    return {"title": "标题：单位＋年度＋政府信息公开工作年度报告", "title with the year after": "标题：单位＋报告名＋（年度）",
            "title words out of order": "标题：报告名的字序颠倒，字相同，按标题读取",
            "title without year": "标题：单位＋政府信息公开工作年度报告（未写年度）"}.get(rule, rule or "标题")


def _sentence_evidence(lines: list[str]) -> list[Evidence]:
    out: list[Evidence] = []
    for i, line in enumerate(lines):
        if ("现" not in line and "特" not in line) or not PUBLISH_WORDS.search(line):
            continue  # every publishing word starts with 现 or 特: most lines need no regex search
        text = line if "报" in line else line + (lines[i + 1] if i + 1 < len(lines) else "")  # a wrapped sentence
        m = _SENTENCE.search(_clean(text))
        if not m:
            continue
        a, y, _ = title_reading(m.group("mid") + "政府信息公开工作年度报告")
        rule = "正文句子：现将/现向社会公布＋年度＋单位＋政府信息公开工作年度报告"
        if a and not _SELF_WORD.match(a) and agency_shape_ok(a) and not furniture.has_furniture_word(a):
            out.append(Evidence("agency", a, "sentence", rule, line))
        if y:
            out.append(Evidence("year", y, "sentence", rule, line))
        if out:
            break  # the first such sentence is the report's own; later ones may quote another year's report
    return out


def _field_evidence(lines: list[str], where: str) -> list[Evidence]:
    """Metadata fields of a header, preamble or footer line: a title field, the publisher, the host, the date."""
    out: list[Evidence] = []
    for line in lines:
        for f in furniture.fields(line):
            if f.label in furniture.TITLE_LABELS and where != "preamble":
                a, y, rule = title_reading(f.value)
                if a and agency_shape_ok(a):
                    out.append(Evidence("agency", a, "page title field", _rule_zh(rule), line))
                if y:
                    out.append(Evidence("year", y, "page title field", _rule_zh(rule), line))
            elif f.label in furniture.PUBLISHER_LABELS | furniture.HOST_LABELS:
                name = _agency_value(re.split(r"\s", f.value.strip())[0] if f.value.strip() else "")
                if name:
                    source = "publisher" if f.label in furniture.PUBLISHER_LABELS else "footer"
                    out.append(Evidence("agency", name, source, f"“{f.label}”栏：发布或主办网页的单位，不一定是报告单位",
                                        line, WEAK))
            elif f.label in furniture.DATE_LABELS:
                date = furniture.publication_date(f.value)
                if date:
                    out.append(Evidence("year", date[0] - 1, "publication date",
                                        f"“{f.label}”{date[0]}-{date[1]:02d}-{date[2]:02d}：年度报告于次年发布，取前一年",
                                        line, WEAK))
    return out


def _header_evidence(lines: list[str], alone: int | None = None) -> list[Evidence]:
    """Site names ('XX镇人民政府 The People's Government of …') and, among the first `alone` lines, a unit's name
    standing alone; a row of menu links ('国务院 省政府 省人大') is not a name."""
    out: list[Evidence] = []
    for i, line in enumerate(lines):
        site = furniture.site_name(line)
        bare = furniture.without_furniture(line).strip()
        single = (alone is None or i < alone) and bare and len(bare) <= 30 and not re.search(r"\s|\d|报告|公开", bare)
        name = _agency_value(site) if site else (_agency_value(bare) if single else None)
        if name:
            out.append(Evidence("agency", name, "header", "页眉：网站或单位名称" if site else "页眉：单独一行的单位名称",
                                line, WEAK))
    return out


def _running_header_evidence(doc: Document) -> list[Evidence]:
    """A unit's name at the top or foot of two pages or more (a PDF's running header or footer)."""
    pages: dict[int, list[str]] = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph) and block.page is not None:
            pages.setdefault(block.page, []).append(block.text.strip())
    if not pages:
        return []  # no page numbers (text, markdown, HTML): no running header to look for
    counts = Counter(t for texts in pages.values() for t in {*texts[:2], *texts[-2:]} if len(t) <= 30)
    out = []
    for line, n in counts.items():
        if n >= 2 and not re.search(r"\d|报告|公开", line) and (name := _agency_value(line)):
            out.append(Evidence("agency", name, "header", f"页眉或页脚：{n} 页重复的单位名称", line, WEAK))
    return out


def _signature_evidence(tail: list[str]) -> list[Evidence]:
    """The signature (落款): a unit's name alone on a line at the end, with the date on it or next to it."""
    out: list[Evidence] = []
    clean = [_clean(t) for t in tail]
    for i, text in enumerate(clean):
        m = _SIGNATURE.match(text)
        if not m:
            continue
        date = m.group("date") or next((c for c in clean[i + 1:i + 2] if _DATE_LINE.fullmatch(c)), None)
        name = _agency_value(m.group("name"))
        if name and date:
            out.append(Evidence("agency", name, "signature", "落款：报告末尾的单位名称和日期", tail[i], WEAK))
            y = int(date[:4])
            out.append(Evidence("year", y - 1, "signature date", f"落款日期{y}年：年度报告于次年发布，取前一年", tail[i], WEAK))
    return out[-2:]


def _file_evidence(doc: Document) -> list[Evidence]:
    out: list[Evidence] = []
    stem = PurePath(doc.source or "").stem
    if re.search(r"[\ud800-\udfff]", stem):
        stem = ""  # a name in undecodable bytes (a zip made on Windows) says nothing a reader can see
    a, y, rule = title_reading(stem)
    if not y:
        m = _FILE_NAME.match(_clean(stem))
        a, y = (m.group("a"), int(m.group("y"))) if m else (None, None)
    if a and (a := _agency_value(a)):
        out.append(Evidence("agency", a, "file name", "文件名中的单位名称", stem, WEAK))
    if y:
        out.append(Evidence("year", y, "file name", "文件名中的年度", stem, WEAK))
    address = doc.meta.get("address", "")
    m = _ADDRESS_DATE.search(address)
    if m:
        out.append(Evidence("year", int(m.group(1)) - 1, "address", f"网址中的发布日期{m.group(1)}年：取前一年", address, WEAK))
    return out


def self_kind(lines: list[str]) -> Evidence | None:
    """How the report names itself (我镇 / 本乡 / 我局): the kind of unit it is, when it says so."""
    # One search over the lines joined: a match never spans a line break (its words are Chinese characters), and at
    # a line's end the break stops the look-ahead for 政府 as the end of the line does.
    counts = Counter(m.group(1) for m in _SELF.finditer("\n".join(lines)))
    if not counts:
        return None
    kind, n = counts.most_common(1)[0]
    line = next(line for line in lines if f"我{kind}" in line or f"本{kind}" in line)
    return Evidence("kind", kind, "self reference", f"正文自称“我{kind}/本{kind}”（{n} 处）", line[:80], WEAK)


def gather(doc: Document, items: list[Item]) -> list[Evidence]:
    """Every reading of the report's agency and year, in order of strength."""
    lines = [it.text for it in items if it.kind == "line"]
    raw_preamble = [it.text for it in items if it.kind == "line" and it.section == "preamble"]
    preamble = [t for t in (furniture.without_furniture(x) for x in raw_preamble) if t.strip()]
    header = [x for x in doc.meta.get("page_header", "").split("\n") if x.strip()]
    footer = [x for x in doc.meta.get("page_footer", "").split("\n") if x.strip()]
    found = _title_evidence(doc, preamble)
    found += _sentence_evidence(lines[:150])
    found += _field_evidence(header, "header") + _field_evidence(raw_preamble, "preamble")
    found += _field_evidence(footer + lines[-15:], "footer")
    found += _header_evidence(header, alone=3) + _header_evidence(_before_title(raw_preamble))
    found += _running_header_evidence(doc)
    found += _signature_evidence(lines[-12:])
    found += _file_evidence(doc)
    pub = doc.meta.get("published")
    if pub and (date := furniture.publication_date(pub)):
        found.append(Evidence("year", date[0] - 1, "publication date", f"网页发布日期{pub[:10]}：年度报告于次年发布，取前一年",
                              pub, WEAK))
    if doc.meta.get("content_source") and (name := _agency_value(doc.meta["content_source"])):
        found.append(Evidence("agency", name, "publisher", "网页属性中的信息来源：发布网页的单位，不一定是报告单位",
                              doc.meta["content_source"], WEAK))
    if doc.meta.get("site_name"):
        found += [Evidence(e.field, e.value, "header", "网页属性中的网站名称", doc.meta["site_name"], WEAK)
                  for e in _header_evidence([doc.meta["site_name"]])]
    kind = self_kind(lines[:200])
    if kind:
        found.append(kind)
    seen: set[tuple] = set()
    return [e for e in found if (k := (e.field, e.value, e.source, e.line)) not in seen and not seen.add(k)]


def _before_title(preamble: list[str]) -> list[str]:
    """Preamble lines above the first line that names the report (the page's header)."""
    out = []
    for line in preamble:
        if "报告" in line or "年报" in line:
            break
        out.append(line)
    return out[-10:]
