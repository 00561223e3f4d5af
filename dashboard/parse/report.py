"""Document → canonical report (the JSON of ../shared/spec/report-format.md), with problems stated."""

from __future__ import annotations

import re
from typing import Any

from dashboard.catalogue import codes
from dashboard.errors import ReportError
from dashboard.parse import flat as flat_text
from dashboard.parse.appeals import fill_appeals
from dashboard.parse.applications import detect_layout, fill_applications
from dashboard.parse.identity_settle import settle_identity
from dashboard.parse.items import Item, flatten
from dashboard.parse.result import Builder, rows_zh, table_zh
from dashboard.parse.tables import TABLE_SECTIONS, detect_version, fill_disclosure, scan
from dashboard.readers.model import Document, Table

_UNCERTAIN = {"placed_by_order", "fuzzy_label", "unreadable", "uncertain"}  # uncertain: the reader's doubt (OCR)
_COLUMNS = {"disclosure": None, "applications": codes.APPLICATION_COLUMNS, "appeals": codes.APPEAL_COLUMNS}
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


def _row_keys(table: str, row: str, template: str) -> list[str]:
    cols = _COLUMNS[table] or codes.DISCLOSURE_COLUMNS[template].get(row, [])
    return [f"{table}.{row}.{c}" for c in cols]


def _flat_outcome(flat: flat_text.FlatRead, template: str, b: Builder) -> None:
    """Cells of a flattened page: a split the rules chose is confirmed; a split left open is named, never guessed."""
    b.problem("flattened_text", "info", "表格文字粘连成行（网页存为文本），按格式的标签顺序和勾稽关系拆分数字",
              "the tables were glued into lines of text; digits were split by the format's label order and the rules")
    for table, rows in flat.by_rules.items():
        keys = [k for row in rows for k in _row_keys(table, row, template) if b.flags.get(k) is None]
        for key in keys:
            b.flags[key] = "placed_by_rules"
        if keys:
            b.problem("placed_by_rules", "info",
                      f"{table_zh(table)}{rows_zh(table, rows)} 的数字粘连，只有一种拆分使勾稽关系全部成立，已采用",
                      f"glued digits of {', '.join(rows)} split the one way that satisfies the rules", keys)
    # A table whose glued digits stay unsplit was found: its problem is the split, not a missing table.
    b.problems = [p for p in b.problems if not (p.code == "table_missing" and set(p.cells) & set(flat.unresolved))]
    for table, rows in flat.unresolved.items():
        keys = []
        for row in rows:
            for key in _row_keys(table, row, template):
                _, r, c = key.split(".")
                b.tables[table].setdefault(r, {})[c] = None
                b.printed.pop(key, None)
                b.flags[key] = "unreadable"  # not read: the checks leave its sums alone (checks/model.py)
                keys.append(key)
        b.problem("split_ambiguous", "error",
                  f"{table_zh(table)}{rows_zh(table, rows)} 的数字粘连在一起，无法唯一拆分到各列（可能有多种拆分，或没有一种"
                  "使勾稽关系成立），未读取，请核对原文",
                  f"glued digits of {', '.join(rows)} cannot be split into columns in one way only; not read", keys)


def parse_document(doc: Document, registry: Any = None) -> dict:
    """Parse a read Document into the canonical report dict; raises ReportError when it is not a report at all.

    registry: an agency registry (dashboard.registry.Registry) to check the agency against; optional, the
    parser reads nothing itself.
    """
    return parse_document_items(doc, registry)[0]


def parse_document_items(doc: Document, registry: Any = None) -> tuple[dict, list[Item] | None]:
    """parse_document, and the document's items in reading order when they were read from `doc` itself (None when
    the text was a flattened table re-read as another document), so a caller can reuse them."""
    flat = flat_text.read_flat(doc) if flat_text.is_flattened(doc) else None
    if flat is not None:
        doc = flat.doc
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
    if flat is not None:
        _flat_outcome(flat, template, b)
    for it in items:
        if it.heading and it.approx:
            text = it.text or next((c for c in it.cells if c.strip()), "")
            b.problem("heading_approximate", "info", f"章节标题“{text}”与标准标题近似（有错字），按“{SECTION_NAMES[it.heading]}”读取",
                      f"section heading '{text}' matched '{it.heading}' approximately (a typo)", [it.heading])
    if template == "2021" and layout == "2019":
        b.problem("hybrid", "info", "混合格式：第二部分为 2021 版，第三部分为 2019 版（单行“（六）其他处理”）",
                  "hybrid layout: 2021 section 二 with the 2019 section 三 (one （六） row)", [])
    for code in ("overview", "disclosure", "applications", "appeals", "problems", "other_matters"):
        if code not in sections_found:
            b.problem("section_missing", "warning", f"未找到章节标题“{SECTION_NAMES[code]}”",
                      f"section heading not found: {SECTION_NAMES[code]}", [code])
    identity = settle_identity(doc, items, registry, b)
    agency, year = identity.agency, identity.year
    figures = _count_figures(b.tables)
    flags = dict(sorted(b.flags.items()))
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
        "cell_flags": flags,
        "uncertain_cells": {k: {"reason": v} for k, v in flags.items() if v in _UNCERTAIN},
        "printed": b.printed,
        "cell_notes": b.notes,
        "identity_source": identity.where,
        # Which line said whose report it is, by which rule; and the readings set aside, with why.
        "identity_evidence": [e.as_dict() for e in identity.evidence],
        # Nothing is filed under an agency or year that could not be established: ingest and `nianbao parse` hold it.
        "held_for_review": identity.held,
        "version_markers": markers,
        "figures": figures,
        "problems": [p.as_dict() for p in b.problems],
    }, (None if flat is not None else items)
