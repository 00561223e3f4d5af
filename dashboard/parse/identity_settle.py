"""Whose report and which year, settled from the readings identity_sources.py gathers — or held, never guessed.

The title, a web page's own title and a sentence that names the report are strong readings: the first one names the
unit, and any other that names a different unit (or year) holds the report for a person to decide. The page's
header, signature, file name and publication date are weak: they settle only what no strong reading states, and
only when they agree. A publisher or host line ("来源:…办公室", "主办:…") says who posted the page, so it never
settles a unit on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dashboard.parse import furniture
from dashboard.parse.identity import agency_shape_ok, period_year, registry_agency, registry_near
from dashboard.parse.identity_sources import SOURCE_ZH, STRONG, Evidence, gather
from dashboard.parse.items import Item
from dashboard.parse.result import Builder
from dashboard.readers.model import Document

_REGION_PREFIX = re.compile(r".{1,12}?(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗)")
_SETTLING_WEAK = ("signature", "header", "file name", "container title")  # a publisher or host line never settles
_KIND_ENDS = {"镇": ("镇",), "乡": ("乡",), "街道": ("街道",), "局": ("局",), "委": ("委", "委员会"),
              "办": ("办", "办公室")}


@dataclass
class Identity:
    """The settled agency and year (None where held), where they were read, and every reading with its fate."""

    agency: str | None
    year: int | None
    where: str
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def held(self) -> bool:
        """True when a person must say whose report it is, or which year."""
        return self.agency is None or self.year is None


def _key(name: str) -> str:
    from dashboard.parse.names import name_key  # the registry's own normalisation, one place

    return name_key(name)


def _region_prefixed(long: str, short: str) -> bool:
    """'昌图县七家子镇' is '七家子镇' with its county in front; '石家庄市教育局' is '市教育局' with its city's name."""
    if len(short) < 2 or long == short or not long.endswith(short[1:]):
        return False
    if long.endswith(short) and _REGION_PREFIX.fullmatch(long[:-len(short)]):
        return True
    # "市教育局": the level word stands for the name before it
    return len(short) >= 3 and short[0] in "省市县区旗" and bool(_REGION_PREFIX.fullmatch(long[:len(long) - len(short) + 1]))


def registry_resolve(name: str, registry: Any) -> str | None:
    """The registry's name for a printed name: by name, alias or one look-alike character, or with the county
    prefix added or dropped ('昌图县七家子镇' ↔ '七家子镇') when exactly one entry fits."""
    if registry is None or not name:
        return None
    hit, _ = registry_agency(name, registry)
    if hit:
        return hit
    key = _key(name)
    hits = set()
    for a in registry.agencies:
        for k in a.keys():
            if _region_prefixed(k, key) or (_region_prefixed(key, k) and _region_fits(key[:-len(k)], a.region)):
                hits.add(a.name)
    return hits.pop() if len(hits) == 1 else None


def _region_fits(prefix: str, region: str) -> bool:
    # A printed county that is not the registry entry's county names another township of the same name.
    return not region or prefix.endswith(_key(region)) or _key(region).endswith(prefix)


def same_agency(a: str, b: str, registry: Any) -> bool:
    """True when two readings name one unit: the same registry entry, or the same name with or without its county."""
    ra, rb = registry_resolve(a, registry), registry_resolve(b, registry)
    if ra and rb:
        return ra == rb
    ka, kb = _key(a), _key(b)
    return ka == kb or _region_prefixed(ka, kb) or _region_prefixed(kb, ka)


def establish_agency(agency: str | None, rejected: str | None, registry: Any, b: Builder,
                     scanned: bool = False) -> str | None:
    """The agency as read, checked against the shape of a name and the registry; None (held for review) if neither."""
    if agency is None and rejected is None:
        b.problem("agency_unknown", "error", "未能从标题中读出单位名称，报告待人工核对",
                  "the agency name could not be read from the title; held for review")
        return None
    if registry is not None:
        hit, exact = registry_agency(agency or rejected or "", registry)
        if hit is None and rejected and "关于" in rejected:
            # "X人民政府关于公布…报告的通知": X is the issuer; taken only when the registry knows it by that name.
            head = rejected.split("关于", 1)[0]
            hit, exact = registry_agency(head, registry) if agency_shape_ok(head) else (None, False)
            exact = exact and hit is not None
        if hit and exact:
            return agency or hit
        if hit:
            b.problem("agency_from_registry", "warning",
                      f"标题中的单位名称“{agency or rejected}”与名录中的“{hit}”仅差一个易混字（如识别错误），按名录读取，请核对",
                      f"the printed agency '{agency or rejected}' is one confusable character from the registry's "
                      f"'{hit}'; read as the registry's name")
            return hit
        prefixed = registry_resolve(agency, registry) if agency is not None else None
        if prefixed:
            b.problem("agency_county_prefix", "info",
                      f"单位名称“{agency}”与名录中的“{prefixed}”只差县（市、区）名前缀，按名录读取",
                      f"'{agency}' is the registry's '{prefixed}' with or without its county prefix")
            return prefixed
    near = registry_near(agency, registry) if agency is not None and registry is not None else None
    if near and scanned:
        # OCR misreads characters: a scanned name one character from a registry name is that agency or another
        # one — a person decides, nothing is filed under a possible misreading.
        b.problem("agency_unknown", "error",
                  f"识别出的单位名称“{agency}”与名录中的“{near}”只差一个字，无法确定是否识别错误，未采用，报告待人工核对",
                  f"the scanned agency '{agency}' is one character from the registry's '{near}'; held for review")
        return None
    if agency is not None and agency_shape_ok(agency):
        if near:
            b.problem("agency_near_registry", "warning",
                      f"单位名称“{agency}”不在名录中，与名录中的“{near}”只差一个字：如为同一单位请核对原文或在名录中加别名",
                      f"'{agency}' is not in the registry and one character from '{near}'; please check")
        return agency
    b.problem("agency_unknown", "error",
              f"读出的单位名称“{agency or rejected}”不像机关名称（可能是句子的片段），未采用，报告待人工核对",
              f"'{agency or rejected}' does not read as an agency's name (a fragment of a sentence?); not used, "
              "held for review")
    return None


def _fits_kind(name: str, kind: Evidence | None) -> bool:
    return kind is None or _key(name).endswith(_KIND_ENDS[str(kind.value)])


def _said(e: Evidence) -> str:
    return f"{SOURCE_ZH.get(e.source, e.source)}“{e.value}{'年' if e.field == 'year' else ''}”"


def _settle_agency(ev: list[Evidence], registry: Any, b: Builder, scanned: bool) -> tuple[str | None, str]:
    agencies = [e for e in ev if e.field == "agency"]
    kind = next((e for e in ev if e.field == "kind"), None)
    strong = [e for e in agencies if e.strength == STRONG and e.note != "rejected"]
    rejected = next((e for e in agencies if e.note == "rejected"), None)
    if rejected is not None:
        scratch = Builder()
        got = establish_agency(None, str(rejected.value), registry, scratch, scanned)
        if got or not strong:
            b.problems += scratch.problems
            rejected.used, rejected.note = got is not None, "" if got else "不像机关名称（句子的片段），未采用"
            return got, rejected.source
        rejected.note = "不像机关名称（句子的片段），未采用"
    if strong:
        first = strong[0]
        got = establish_agency(str(first.value), None, registry, b, scanned)
        first.used = got is not None
        against = [e for e in strong[1:] if not same_agency(str(first.value), str(e.value), registry)]
        for e in strong[1:]:
            e.used = e not in against
            e.note = f"与{_said(first)}不一致" if e in against else "与标题一致"
        if against and got is not None:
            others = "、".join(_said(e) for e in against)
            b.problem("identity_conflict", "error",
                      f"{_said(first)}与{others}所写单位不一致，无法确定是哪个单位的报告，未采用，报告待人工认定",
                      f"the readings of the agency disagree ({first.value} / "
                      f"{', '.join(str(e.value) for e in against)}); held for review")
            first.used, first.note = False, "与其他读数不一致"
            return None, first.source
        _set_aside(agencies, strong, "标题已写明单位，未采用")
        return got, first.source
    return _settle_agency_weak(agencies, kind, registry, b, scanned)


def _set_aside(agencies: list[Evidence], kept: list[Evidence], why: str) -> None:
    for e in agencies:
        if e not in kept and not e.note:
            e.note = why


def _settle_agency_weak(agencies: list[Evidence], kind: Evidence | None, registry: Any, b: Builder,
                        scanned: bool) -> tuple[str | None, str]:
    fitting = []
    for e in agencies:
        if not _fits_kind(str(e.value), kind):
            e.note = f"正文自称“我{kind.value}”，与此单位类别不符，未采用" if kind else ""
        elif e.source in _SETTLING_WEAK:
            fitting.append(e)
        else:
            e.note = "只说明谁发布了网页，不一定是报告单位，未单独采用"
    names: list[Evidence] = []
    for e in fitting:
        if not any(same_agency(str(e.value), str(n.value), registry) for n in names):
            names.append(e)
    if len(names) > 1:
        said = "、".join(_said(e) for e in names)
        for e in fitting:
            e.note = "各处所写单位不一致"
        b.problem("identity_conflict", "error", f"标题未写明单位，{said}所写单位不一致，未采用，报告待人工认定",
                  f"no title names the agency and the page's readings disagree ({', '.join(str(e.value) for e in names)});"
                  " held for review")
        return None, ""
    if not names:
        if agencies:
            seen = "；".join(f"{_said(e)}（{e.note or '未采用'}）" for e in agencies)
            b.problem("agency_unknown", "error", f"标题未写明单位。页面上的候选：{seen}。均未采用，报告待人工认定",
                      "no title names the agency; the page's other readings do not settle it; held for review")
            return None, ""
        return establish_agency(None, None, registry, b, scanned), ""
    first = names[0]
    got = establish_agency(str(first.value), None, registry, b, scanned)
    if got is not None:
        for e in fitting:
            e.used = True
        b.problem("agency_from_page", "warning",
                  f"标题未写明单位，按{_said(first)}读取为“{got}”，请核对"
                  + (f"（正文自称“我{kind.value}”）" if kind else ""),
                  f"no title names the agency; read as '{got}' from the {first.source}")
    return got, first.source


def _settle_year(ev: list[Evidence], lines: list[str], b: Builder) -> tuple[int | None, str]:
    years = [e for e in ev if e.field == "year"]
    strong = [e for e in years if e.strength == STRONG]
    py = period_year(lines[:80])
    if strong:
        first = strong[0]
        first.used = True
        against = [e for e in strong[1:] if e.value != first.value]
        for e in strong[1:]:
            e.used = e not in against
            e.note = f"与{_said(first)}不一致" if e in against else "与标题一致"
        if against:
            first.used = False
            b.problem("identity_conflict", "error",
                      f"{_said(first)}与{'、'.join(_said(e) for e in against)}所写年度不一致，未采用，报告待人工认定",
                      f"the readings of the year disagree ({first.value} / "
                      f"{', '.join(str(e.value) for e in against)}); held for review")
            return None, first.source
        _set_aside(years, strong, "标题已写明年度，未采用")
        if py and py != first.value:
            b.problem("year_conflict", "warning", f"标题年度 {first.value} 与统计期限年度 {py} 不一致",
                      f"title year {first.value} differs from the statistics period year {py}")
        return int(first.value), first.source
    if py:
        _set_aside(years, [], "统计期限已写明年度，未采用")
        ev.append(Evidence("year", py, "statistics period", "统计期限：自某年1月1日起", "", STRONG, used=True))
        b.problem("year_from_period", "info", f"标题中没有年度，按统计期限取 {py} 年",
                  f"no year in the title; {py} taken from the statistics period")
        return py, "statistics period"
    if not years:
        b.problem("year_unknown", "error", "未能从标题中读出报告年度", "the report year could not be read from the title")
        return None, ""
    values = sorted({int(e.value) for e in years})
    if len(values) > 1:
        for e in years:
            e.note = "各处所写年度不一致"
        b.problem("identity_conflict", "error",
                  f"标题未写明年度，{'、'.join(_said(e) for e in years)}不一致，未采用，报告待人工认定",
                  f"no title states the year and the page's readings disagree ({values}); held for review")
        return None, ""
    for e in years:
        e.used = True
    first = years[0]
    b.problem("year_from_page", "warning", f"标题和正文中没有年度，按{SOURCE_ZH.get(first.source, first.source)}取 "
              f"{first.value} 年（{first.rule}），请核对", f"no year stated; {first.value} taken from the {first.source}")
    return int(first.value), first.source


def settle_identity(doc: Document, items: list[Item], registry: Any, b: Builder) -> Identity:
    """The report's agency and year from every reading of them, against the registry; held where they disagree."""
    ev = gather(doc, items)
    agency, where = _settle_agency(ev, registry, b, scanned=doc.format == "scan")
    if agency is not None and furniture.has_furniture_word(agency):
        b.problem("agency_unknown", "error", f"读出的单位名称“{agency}”含有网页栏目文字，未采用，报告待人工认定",
                  f"'{agency}' contains words of the page's furniture; held for review")
        agency = None
    year, year_where = _settle_year(ev, [it.text for it in items if it.kind == "line"], b)
    return Identity(agency, year, where or year_where, ev)
