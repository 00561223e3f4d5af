"""Document → canonical report (the JSON of ../shared/spec/report-format.md), with problems stated."""

from __future__ import annotations

import re

from dashboard.errors import ReportError
from dashboard.parse import codes
from dashboard.parse.appeals import fill_appeals
from dashboard.parse.applications import detect_layout, fill_applications
from dashboard.parse.identity import find_identity, period_year
from dashboard.parse.items import Item, flatten
from dashboard.parse.result import Builder
from dashboard.parse.tables import TABLE_SECTIONS, detect_version, fill_disclosure, scan
from dashboard.readers.model import Document, Table

_UNCERTAIN = {"placed_by_order", "fuzzy_label", "unreadable", "uncertain"}  # uncertain: the reader's doubt (OCR)
SECTION_NAMES = {"overview": "一、总体情况", "disclosure": "二、主动公开政府信息情况",
                 "applications": "三、收到和处理政府信息公开申请情况", "appeals": "四、行政复议、行政诉讼情况",
                 "problems": "五、存在的主要问题及改进情况", "other_matters": "六、其他需要报告的事项"}


_SENTENCE_END = tuple("。！？；：…」』”）)!?;:")
_NEW_PARAGRAPH = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、是]|\d{1,2}[.、．]|[①-⑳])")


def _join_wrapped(lines: list[str], wrapped: bool) -> str:
    # Text from a PDF keeps the page's line breaks; a line that does not end a sentence continues on the next.
    if not wrapped:
        return "\n".join(lines)
    out: list[str] = []
    for line in lines:
        prev_is_title = bool(out) and len(out[-1]) < 25 and bool(_NEW_PARAGRAPH.match(out[-1]))
        if out and not prev_is_title and not out[-1].endswith(_SENTENCE_END) and not _NEW_PARAGRAPH.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def _narratives(items: list[Item], wrapped: bool) -> dict[str, str]:
    texts: dict[str, list[str]] = {code: [] for code in codes.NARRATIVE_SECTIONS}
    for it in items:
        if it.kind == "line" and it.section in texts and not it.heading:
            texts[it.section].append(it.text)
    return {code: _join_wrapped(lines, wrapped) for code, lines in texts.items()}


def _count_figures(tables: dict) -> int:
    return sum(1 for rows in tables.values() for cols in rows.values() for v in cols.values() if v is not None)


def parse_document(doc: Document) -> dict:
    """Parse a read Document into the canonical report dict; raises ReportError when it is not a report at all."""
    items = flatten(doc)
    has_table = any(isinstance(b, Table) for b in doc.blocks)
    sections_found = {it.heading for it in items if it.heading}
    if not has_table and not (sections_found & set(TABLE_SECTIONS)):
        raise ReportError(doc.source, "文件中没有表格，也没有年度报告的章节标题，不是一份年度报告",
                          "the file has no tables and no annual-report section headings; it is not a report",
                          code="not_a_report")
    b = Builder()
    found = scan(items)
    disc_labels = found.labels["disclosure"] or [lab for c in found.disclosure for lab in c.row.raw_labels]
    version, markers = detect_version(disc_labels)
    layout = detect_layout(found, version)
    template = version or layout
    if template is None:
        template = "2021"
        b.problem("version_unknown", "error", "无法从标签判断格式版本（2019 或 2021），按 2021 版读取",
                  "the format version could not be told from the labels; read as 2021", [])
    layout = layout or template
    fill_disclosure(found, template, b)
    fill_applications(found, layout, b)
    fill_appeals(found, b)
    if template == "2021" and layout == "2019":
        b.problem("hybrid", "info", "混合格式：第二部分为 2021 版，第三部分为 2019 版（单行“（六）其他处理”）",
                  "hybrid layout: 2021 section 二 with the 2019 section 三 (one （六） row)", [])
    for code in ("overview", "disclosure", "applications", "appeals", "problems", "other_matters"):
        if code not in sections_found:
            b.problem("section_missing", "warning", f"未找到章节标题“{SECTION_NAMES[code]}”",
                      f"section heading not found: {SECTION_NAMES[code]}", [code])
    preamble = [it.text for it in items if it.kind == "line" and it.section == "preamble"]
    agency, year, where = find_identity(doc.title, preamble, prefer_title=doc.format == "html")
    if agency is None:
        b.problem("agency_unknown", "error", "未能从标题中读出单位名称", "the agency name could not be read from the title")
    py = period_year([it.text for it in items if it.kind == "line"][:80])
    if year is None and py:
        year, where = py, "statistics period"
        b.problem("year_from_period", "info", f"标题中没有年度，按统计期限取 {py} 年",
                  f"no year in the title; {py} taken from the statistics period")
    if year is None:
        b.problem("year_unknown", "error", "未能从标题中读出报告年度", "the report year could not be read from the title")
    elif py and py != year:
        b.problem("year_conflict", "warning", f"标题年度 {year} 与统计期限年度 {py} 不一致",
                  f"title year {year} differs from the statistics period year {py}")
    figures = _count_figures(b.tables)
    if figures == 0:
        b.problem("no_figures", "error", "报告中没有任何数字（空白模板或表格无法读取）",
                  "the report has no figures at all (a blank template, or tables that could not be read)", [])
    return {
        "agency": agency,
        "year": year,
        "template": template,
        "applications_layout": layout,
        **b.tables,
        "sections": _narratives(items, doc.format in ("pdf", "md", "txt")),
        "source": doc.source,
        "format": doc.format,
        **({"ocr_engine": doc.meta["ocr_engine"]} if "ocr_engine" in doc.meta else {}),
        "units": b.units,
        "cell_flags": dict(sorted(b.flags.items())),
        "uncertain_cells": {k: {"reason": v} for k, v in sorted(b.flags.items()) if v in _UNCERTAIN},
        "printed": b.printed,
        "cell_notes": b.notes,
        "identity_source": where,
        "version_markers": markers,
        "figures": figures,
        "problems": [p.as_dict() for p in b.problems],
    }
