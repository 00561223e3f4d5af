"""Read the three tables from the items: rows by their labels, columns by their header labels.

A value is placed only when its row label and column are known. Where the text lost them (PDF converters that
move a wrapped label out of the table), value rows without a label are placed by the format's row order between
two labelled rows — only when the count of such rows equals the count of missing rows there — and flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from dashboard.catalogue import codes
from dashboard.parse.items import Item
from dashboard.parse.normalize import CellValue, normalize_label, strip_numbering
from dashboard.parse.result import Builder, rows_zh
from dashboard.parse.rows import Row, header_matches, row_from_cells, row_from_line

TABLE_SECTIONS = ("disclosure", "applications", "appeals")
_APP_ALL = codes.compile_patterns(dict(codes.APPLICATION_ROWS["2019"] + codes.APPLICATION_ROWS["2021"]))
_APP_GROUPS = [re.compile(p) for p in codes.APPLICATION_GROUPS]
_DISC_PATTERNS = codes.compile_patterns(codes.DISCLOSURE_ROWS)
_APPEAL_GROUP_PATTERNS = codes.compile_patterns(codes.APPEAL_GROUP_LABELS)
_HEADERS = {
    "applications": {c: re.compile(p) for c, p in codes.APPLICATION_HEADERS.items()},
    "disclosure": {c: re.compile(p) for c, p in codes.DISCLOSURE_HEADERS.items()},
}
_UNIT_IN_HEADER = re.compile(r"(万元|元)")
_APPEAL_CELLS = len(codes.APPEAL_GROUPS) * len(codes.APPEAL_COLUMNS)
_FUZZY_MIN = 80  # and the runner-up far behind: a typo'd label, not a different row


@dataclass(slots=True)
class Claim:
    """A row placed on a canonical row code."""

    code: str
    row: Row
    header: dict[int, str]  # shared by the claims read under one header: read, never changed
    how: str = "label"  # "label" | "fuzzy_label" | "placed_by_order"


@dataclass
class Scan:
    """What a pass over the items found, per table."""

    app_events: list[tuple[str, Claim | Row]] = field(default_factory=list)  # ("anchor", Claim) | ("orphan", Row)
    disc_orphans: list[tuple[int, Row]] = field(default_factory=list)  # (index in disclosure, label-less value row)
    disclosure: list[Claim] = field(default_factory=list)
    appeals: list[Row] = field(default_factory=list)
    # Every label printed in each table section, numbers or not: what the version and header checks read.
    labels: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s in TABLE_SECTIONS})
    header_units: dict[str, str] = field(default_factory=dict)


def match_application_row(row: Row, fuzzy: bool = True) -> tuple[str, str] | None:
    """(row code, how) for a row of section 三, from its most specific label cell leftwards."""
    for label in reversed(row.labels):
        if code := _application_label(label):
            return code, "label"
    for label in reversed(row.labels if fuzzy else []):
        if code := _application_label_fuzzy(label):
            return code, "fuzzy_label"
    return None


# A label says the same row in every report: matched once per distinct label (the labels of a county's reports
# repeat), not once per row of every report.
@lru_cache(maxsize=4096)
def _application_label(label: str) -> str | None:
    for g in _APP_GROUPS:
        label = g.sub("", label)
    label = strip_numbering(label)
    if not label:
        return None
    hits = [(p.code, m.end() - m.start()) for p in _APP_ALL if (m := p.regex.search(label))]
    return max(hits, key=lambda h: h[1])[0] if hits else None


@lru_cache(maxsize=4096)
def _application_label_fuzzy(label: str) -> str | None:
    if len(label) < 4:
        return None
    ranked = sorted(((fuzz.ratio(label, canon), code) for code, canon in _CANON_APP.items()), reverse=True)
    if ranked[0][0] >= _FUZZY_MIN and ranked[0][0] - ranked[1][0] >= 30:
        return ranked[0][1]
    return None


_CANON_APP = {
    "new": "本年新收政府信息公开申请数量", "carried_in": "上年结转政府信息公开申请数量",
    "withheld_state_secret": "属于国家秘密", "withheld_third_party": "保护第三方合法权益",
    "not_processed_repeat": "重复申请", "carried_over": "结转下年度继续办理",
    "other_no_correction": "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
    "other_no_fee": "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
    "withheld_prohibited": "其他法律行政法规禁止公开", "withheld_security": "危及三安全一稳定",
    "withheld_internal": "属于三类内部事务信息", "withheld_process": "属于四类过程性信息",
    "withheld_enforcement": "属于行政执法案卷", "withheld_inquiry": "属于行政查询事项",
    "unavailable_not_held": "本机关不掌握相关政府信息", "unavailable_needs_creation": "没有现成信息需要另行制作",
    "unavailable_unclear": "补正后申请内容仍不明确", "not_processed_petition": "信访举报投诉类申请",
    "not_processed_publication": "要求提供公开出版物", "not_processed_excessive": "无正当理由大量反复申请",
    "not_processed_confirmation": "要求行政机关确认或重新出具已获取信息",
}


def match_disclosure_row(row: Row) -> str | None:
    """Row code of section 二 from a label cell (labels there are short and start with the item's name)."""
    for label in reversed(row.labels):
        if len(label) <= 16 and (code := _disclosure_label(label)):
            return code
    return None


@lru_cache(maxsize=4096)
def _disclosure_label(label: str) -> str | None:
    return next((p.code for p in _DISC_PATTERNS if p.regex.search(label)), None)


def match_appeal_group(row: Row) -> str | None:
    """Group code when section 四 is printed with one row per group."""
    for label in reversed(row.labels):
        for p in _APPEAL_GROUP_PATTERNS:
            if p.regex.search(label):
                return p.code
    return None


_NUMBERS_ONLY = re.compile(r"^[\d\s.,+\-—/]+$")


def _numbers_follow(items: list[Item], i: int) -> bool:
    """True when the next item is a line of numbers only (what a label pushed its numbers onto)."""
    nxt = items[i + 1] if i + 1 < len(items) else None
    return nxt is not None and nxt.kind == "line" and bool(_NUMBERS_ONLY.match(nxt.text))


def scan(items: list[Item]) -> Scan:
    """One pass in reading order: header rows set the column map of their block; data rows become claims."""
    out = Scan()
    headers: dict[str, dict[int, str]] = {"applications": {}, "disclosure": {}}
    prev_header: dict[str, int] = {"applications": -2, "disclosure": -2}
    block = -1
    any_sections = any(it.section in TABLE_SECTIONS for it in items)
    for i, item in enumerate(items):
        if item.block != block:
            block = item.block
            headers = {"applications": {}, "disclosure": {}}
        in_table_section = item.section in TABLE_SECTIONS
        if item.kind == "line":
            if not in_table_section or item.heading:
                continue
            row = row_from_line(i, item)
            out.labels[item.section].append(normalize_label(item.text))
            if row is None:
                # A short label line without numbers may be a row whose numbers were pushed to the next line.
                if item.section == "appeals" or len(item.text) > 40 or not _numbers_follow(items, i):
                    continue
                norm = normalize_label(item.text)
                row = Row(i, item.section, "line", item.block, [strip_numbering(norm)], [norm], 0)
        else:
            if item.heading:
                continue
            row = row_from_cells(i, item)
            if in_table_section:
                out.labels[item.section].extend(row.raw_labels)
            elif not any_sections:  # no headings at all: any table's labels may tell the version of section 二
                out.labels["disclosure"].extend(row.raw_labels)
        kinds = [item.section] if in_table_section else (["applications", "disclosure"] if not any_sections or
                                                          item.kind == "row" else [])
        if item.kind == "row" and not row.has_numbers and _take_header(item, row, kinds, headers, prev_header, i, out):
            continue
        _classify(row, kinds, headers, out)
    return out


def _take_header(item: Item, row: Row, kinds: list[str], headers: dict[str, dict[int, str]],
                 prev_header: dict[str, int], i: int, out: Scan) -> bool:
    for kind in kinds:
        if kind not in headers:
            continue
        hm = _header_row(kind, tuple(item.cells), tuple(item.copies))
        distinct = set(hm.values())
        is_header = len(distinct) >= 2 or (kind == "disclosure" and distinct and any("信息内容" in x for x in row.labels))
        if not is_header:
            continue
        # A new dict, never an update: the claims made so far keep the header they were read under.
        headers[kind] = {**headers[kind], **hm} if prev_header[kind] == i - 1 else hm
        prev_header[kind] = i
        for pos, code in hm.items():
            if code in ("amount", "amount_wan") and (m := _UNIT_IN_HEADER.search(normalize_label(item.cells[pos]))):
                out.header_units[code] = m.group(1)
        return True
    return False


@lru_cache(maxsize=4096)  # the header rows of a table are the same in every report of its format
def _header_row(kind: str, cells: tuple[str, ...], copies: tuple[bool, ...]) -> dict[int, str]:
    return header_matches(list(cells), _HEADERS[kind], list(copies))


def _classify(row: Row, kinds: list[str], headers: dict[str, dict[int, str]], out: Scan) -> None:
    for kind in kinds:
        if kind == "applications":
            # A label line without numbers counts only when its label is plainly a row's (no approximate match):
            # most such lines in section 三 are fragments of wrapped labels and headers.
            hit = match_application_row(row, fuzzy=row.has_numbers or row.source != "line") if row.labels else None
            if hit:
                out.app_events.append(("anchor", Claim(hit[0], row, headers["applications"], hit[1])))
                return
        elif kind == "disclosure":
            code = match_disclosure_row(row)
            if code:
                out.disclosure.append(Claim(code, row, headers["disclosure"]))
                return
            if row.has_numbers and not row.labels and kinds == ["disclosure"]:
                out.disc_orphans.append((len(out.disclosure), row))
                return
        elif kind == "appeals":
            if row.has_numbers:
                out.appeals.append(row)
            return
    if row.has_numbers and "applications" in kinds and not row.labels and len(row.written()) == _APPEAL_CELLS:
        out.appeals.append(row)  # fifteen numbers: section 四's row, whatever heading (or none) came before
    elif row.has_numbers and "applications" in kinds and (row.source == "table" or not row.labels):
        out.app_events.append(("orphan", row))


def join_rows(first: Row, rest: list[Row]) -> Row:
    """One row from a labelled row and the label-less lines or table rows that continue its numbers."""
    values = list(first.written())
    for r in rest:
        values += r.written()
    return Row(first.item_index, first.section, first.source, first.block, first.labels, first.raw_labels,
               first.last_label if first.values else 0, list(enumerate(values, 1)))


def continuation(row: Row, following: list[Row], width: int) -> int:
    """How many of the following label-less rows complete `row` to exactly `width` numbers (0: none do).

    Lines (text) and table rows alike — OCR markdown puts a row's numbers in several table rows — but a table row
    continues only rows of its own table.
    """
    have = len(row.written())
    if have >= width:
        return 0
    for n, nxt in enumerate(following, 1):
        if nxt.labels or nxt.source != row.source or (row.source == "table" and nxt.block != row.block):
            return 0
        have += len(nxt.written())
        if have == width:
            return n
        if have > width:
            return 0
    return 0


def values_for(claim: Claim, columns: list[str]) -> list[CellValue] | None:
    """The row's value cells for `columns`: by header position when the header fits, else by printed order."""
    row, header = claim.row, claim.header
    plan = _header_plan(tuple(header.items()), tuple(columns)) if header else None
    if plan is not None:
        positions, wanted, first, single = plan
        if first > row.last_label and not any(v.value is not None for p, v in row.values if p not in wanted):
            cells = dict(row.values)
            if single:  # one position per column (most headers): its cell, which is never None
                return [cells.get(p, _BLANK) for p in single]
            out = [_one_value([cells.get(p, _BLANK) for p in ps]) for ps in positions]
            if all(v is not None for v in out):
                return out  # type: ignore[return-value]
    return row.trimmed(len(columns))


@lru_cache(maxsize=1024)  # a table's header is one of a few; its plan is worked out once
def _header_plan(header: tuple[tuple[int, str], ...], columns: tuple[str, ...]
                 ) -> tuple[list[list[int]], frozenset[int], int, tuple[int, ...]] | None:
    """Per column the grid positions its header names, all of them, the first, and (when every column has one
    position only) those positions in column order; None when a column has none."""
    by_code: dict[str, list[int]] = {}
    for pos, code in sorted(header):
        by_code.setdefault(code, []).append(pos)
    if not all(c in by_code for c in columns):
        return None
    positions = [by_code[c] for c in columns]
    wanted = frozenset(p for ps in positions for p in ps)
    single = tuple(ps[0] for ps in positions) if all(len(ps) == 1 for ps in positions) else ()
    return positions, wanted, min(wanted), single


_BLANK = CellValue(None, "", "blank")  # frozen: one instance serves every absent cell


def _one_value(cells: list[CellValue]) -> CellValue | None:
    # A converter that repeats a merged cell's text repeats its header and its number alike: the same number
    # under the same repeated header is one cell; different numbers there cannot be told apart.
    if len(cells) == 1:
        return cells[0]
    written = [c for c in cells if c.flag not in ("blank", "merged")]
    if not written:
        return cells[0]
    return written[0] if all(c.value == written[0].value for c in written) else None


_VERSION_MARKERS = {v: [re.compile(p) for p in ps] for v, ps in codes.VERSION_MARKERS.items()}


def detect_version(labels: list[str]) -> tuple[str | None, dict[str, int]]:
    """Format version of section 二 from its labels (never from the year)."""
    text = "|".join(labels)
    score = {v: sum(1 for rx in rxs if rx.search(text)) for v, rxs in _VERSION_MARKERS.items()}
    if score["2019"] == score["2021"]:
        return None, score
    return ("2019" if score["2019"] > score["2021"] else "2021"), score


def fill_disclosure(found: Scan, version: str, b: Builder) -> None:
    """Section 二: every row of the version, each cell by its column label."""
    expected = codes.DISCLOSURE_COLUMNS[version]
    seen: dict[str, Claim] = {}
    orphans: dict[int, list[Row]] = {}
    for at, row in found.disc_orphans:
        orphans.setdefault(at, []).append(row)
    for k, claim in enumerate(found.disclosure):
        # Numbers pushed below their label (a wrapped label, pdftotext -layout): joined when the count fits exactly.
        following = orphans.get(k + 1, [])
        n = continuation(claim.row, following, len(expected.get(claim.code, [])))
        if n:
            claim.row = join_rows(claim.row, following[:n])
            del following[:n]
            b.problem("rows_joined", "info", f"第二部分“{claim.row.label_text}”的数字在下一行，按列数合并",
                      f"section 二 row '{claim.row.label_text}': its numbers continue on the next line; joined")
    for claim in found.disclosure:
        if claim.code not in expected:
            b.problem("row_not_in_version", "warning",
                      f"第二部分的“{claim.row.label_text}”不属于{version}版格式，未读取",
                      f"section 二 row '{claim.row.label_text}' is not part of the {version} format; not read")
            continue
        if claim.code in seen:
            if not seen[claim.code].row.has_numbers and claim.row.has_numbers:
                seen[claim.code] = claim
            elif claim.row.has_numbers:
                b.problem("duplicate_row", "warning", f"第二部分“{claim.row.label_text}”出现两次，取第一次",
                          f"section 二 row '{claim.row.label_text}' appears twice; the first is kept")
            continue
        seen[claim.code] = claim
    for code, columns in expected.items():
        keys = [f"disclosure.{code}.{c}" for c in columns]
        claim = seen.get(code)
        cells = values_for(claim, columns) if claim else None
        if claim and cells is None:
            n = len(claim.row.values)
            b.problem("row_unreadable", "error",
                      f"第二部分“{claim.row.label_text}”有 {n} 个数值格，应为 {len(columns)} 个，无法确定各列",
                      f"section 二 row '{claim.row.label_text}' has {n} value cells, expected {len(columns)}; columns unknown",
                      keys)
        if cells:
            b.put_row("disclosure", code, columns, cells)
        else:
            b.put_unread("disclosure", code, columns, "unreadable" if claim else "missing")
        for col, key, cell in zip(columns, keys, cells or [None] * len(columns), strict=True):
            if (code, col) in codes.AMOUNT_COLUMNS:
                _set_unit(b, key, col, cell, found.header_units)
    missing = [code for code in expected if code not in seen]
    if missing:
        b.problem("rows_missing", "warning" if len(missing) < len(expected) else "error",
                  f"第二部分缺少以下行：{rows_zh('disclosure', missing)}", f"section 二 rows not found: {', '.join(missing)}",
                  [f"disclosure.{c}" for c in missing])


def _set_unit(b: Builder, key: str, col: str, cell: CellValue | None, header_units: dict[str, str]) -> None:
    header = header_units.get(col) or ("万元" if col == "amount_wan" else None)
    unit = cell.unit if cell and cell.unit else header
    b.units[key] = unit
    if cell and cell.unit and header and cell.unit != header:
        b.problem("unit_conflict", "warning", f"{key} 单元格写明单位“{cell.unit}”，表头为“{header}”，按单元格保留",
                  f"{key}: the cell says '{cell.unit}', the header '{header}'; kept as in the cell", [key])
    elif unit is None and cell is not None and cell.value not in (None, 0):
        b.problem("unit_missing", "info", f"{key} 未注明金额单位", f"{key}: the amount's unit is not stated", [key])
