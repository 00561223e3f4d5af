"""Flattened text: a page saved as text with every table cell glued into one line ('…申请数量5100006二、上年结转…').

The label sequence of each table is fixed by the format, so the value text between two labels belongs to one row.
A row's glued digits are cut into its cells only where the layout (count, R5) and the rules (R2 for the row, then
R1–R4 for the table) leave exactly one reading; otherwise the row's cells are named uncertain. The result is an
ordinary Document (headings, narrative paragraphs, one table per section) so the rest of the parser is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dashboard.catalogue import codes
from dashboard.parse import checksum
from dashboard.parse.tables import detect_version
from dashboard.readers.model import Document, Paragraph, Table

# Full-width forms → ASCII, one character for one, so positions in the matching text are positions in the source.
_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20, 0xFF0E: 0x2E}
_HEADINGS = [
    ("overview", r"[一1][、.]?总体情况"),
    ("disclosure", r"[二2][、.]?主动公开政府信息(?:情况)?"),
    ("applications", r"[三3][、.]?收到和处理政府信息公开申请(?:情况)?"),
    ("appeals", r"[四4][、.]?(?:政府信息公开)?行政复议[、和及与,]?(?:和)?行政诉讼(?:情况)?"),
    ("problems", r"[五5][、.]?(?:政府信息公开工作)?(?:存在的?主要问题|主要问题|存在的?问题)(?:及|和)?(?:改进情况|改进措施)?"),
    ("other_matters", r"[六6][、.]?其他(?:需要报告的)?事项"),
]
_HEADING_RX = [(code, re.compile(p)) for code, p in _HEADINGS]
_DISC_CORES = {"rules": "规章", "normative_docs": "规范性文件", "licensing": "行政许可", "other_services": "其他对外管理服务",
               "penalty": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费", "procurement": "政府集中采购"}
_APP_CORES = {
    "new": "本年新收", "carried_in": "上年结转", "granted": "予以公开", "partial": "部分公开",
    "withheld_state_secret": "国家秘密", "withheld_prohibited": "禁止公开|其他法律行政|法律行政法规", "withheld_security": "三安全一稳定|危及",
    "withheld_third_party": "第三方", "withheld_internal": "内部事务", "withheld_process": "过程性",
    "withheld_enforcement": "执法案卷", "withheld_inquiry": "查询事项", "unavailable_not_held": "不掌握",
    "unavailable_needs_creation": "没有现成|另行制作", "unavailable_unclear": "补正后|仍不明确",
    "not_processed_petition": "信访|举报投诉", "not_processed_repeat": "重复申请", "not_processed_publication": "出版物",
    "not_processed_excessive": "大量反复", "not_processed_confirmation": "确认或|重新出具", "other": "其他处理",
    "other_no_correction": "不补正", "other_no_fee": "缴纳费用|收费通知", "other_misc": "其他",
    "total": "总计", "carried_over": "结转下年|下年度继续",
}
# The rows' labels as printed where the short core would not say which table they belong to (a page without the
# heading of 三 is recognised by its first row).
_APP_LABELS = {"new": "本年新收政府信息公开申请数量", "carried_in": "上年结转政府信息公开申请数量"}
_CORE_RX = {code: re.compile(p) for code, p in {**_DISC_CORES, **_APP_CORES}.items()}
# Read on the text as printed (\d is any digit, full-width too; ．and ％ are the full-width . and %): no translation
# of every long line first.
_GLUED_ROW = re.compile(
    r"(?:本年新收|上年结转|予以公开|部分公开|国家秘密|规章|行政许可|行政处罚|行政强制)[^\d\n]{0,40}?\d+(?![\d.．件条项次个起人万元%％])")
_RUN = re.compile(r"[\d.\s—/\-]*")
_VALUE_START = re.compile(r"[\d—/]")
_PAGE_NUMBER = re.compile(r"-\s?\d{1,3}\s?-")
_TITLE_END = re.compile(r"(?:年度报告|年报)(?:[(（]\d{4}年?度?[)）])?")
_CJK = re.compile(r"[\u4e00-\u9fff、（(]")


@dataclass
class FlatRead:
    """A flattened page read back into blocks, with what the split could not establish."""

    doc: Document
    unresolved: dict[str, list[str]] = field(default_factory=dict)  # table → row codes whose split stays open
    by_rules: dict[str, list[str]] = field(default_factory=dict)  # table → row codes split by the rules


def is_flattened(doc: Document) -> bool:
    """True for a text document whose tables were glued into lines ('规章000行政规范性文件055…')."""
    if doc.format not in ("md", "txt"):
        return False
    # Both signs below are on a long line: a text of short lines (most text, the pdftotext of a report) is not
    # flattened, and costs no more than this one pass.
    long: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Table):
            return False
        if len(b.text) >= 60:  # no line of a shorter paragraph is long
            long += [line for line in b.text.split("\n") if len(line) >= 60]
    if not long:
        return False
    # Section titles glued into one long line: the page was flattened, whatever its tables look like.
    if any(len(line) >= 200 and len(_headings(line)) >= 3 for line in long):
        return True
    # A table's header words (信息内容|申请人情况|结果维持), looked for in the whole text at once, as substrings.
    text = "\n".join(b.text for b in doc.blocks)  # type: ignore[union-attr]
    if "信息内容" not in text and "申请人情况" not in text and "结果维持" not in text:
        return False
    # A line of glued rows: labels with digits glued on, no unit after them — a narrative sentence
    # ('受理行政许可5000件，行政处罚30件…') counts its figures in 件.
    return any(len(_GLUED_ROW.findall(line)) >= 3 for line in long)


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of the six numbered section titles, in order; a title not found is left out."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for code, rx in _HEADING_RX:
        m = rx.search(text, pos)
        if m:
            out.append((m.start(), m.end(), code))
            pos = m.end()
    return out


def _labels(text: str, start: int, end: int, order: list[str]) -> list[tuple[str, int, int]]:
    """(code, label start, label end) of the rows found in order between start and end."""
    out = []
    pos = start
    for code in order:
        m = _CORE_RX[code].search(text, pos, end)
        if m:
            out.append((code, m.start(), m.end()))
            pos = m.end()
    return out


def _run_after(text: str, pos: int, end: int) -> tuple[str, int]:
    """The value text that starts after a label's tail at pos (and where it ends), '' when there is none."""
    m = _VALUE_START.search(text, pos, end)
    if not m:
        return "", pos
    run = _RUN.match(text, m.start(), end)
    assert run is not None
    s, stop = run.group().rstrip(), run.start() + len(run.group().rstrip())
    nxt = text[stop:stop + 1]
    # '…0000000' + '2.其他法律…': the last digit is the next label's numbering, not a value.
    numbering = re.search(r"\d\.?$", s)
    if numbering and _CJK.match(nxt) and (s.endswith(".") or nxt == "、"):
        s = s[:numbering.start()].rstrip()
    return s, stop


def _one_per_cell(run: str, n: int) -> bool:
    # Only when each printed digit (or placeholder) is a cell of its own does the count alone place them; a longer
    # run cut the one way a number can be printed still needs the rules to agree.
    return len(re.findall(r"\d|[—/]+", run)) == n


def _header_text(text: str, start: int, end: int) -> str:
    return re.sub(r"[\d\s]+", "", text[start:end])


def _disclosure(text: str, start: int, end: int, out: FlatRead) -> list[list[str]]:
    version = detect_version([text[start:end]])[0] or "2021"
    columns = codes.DISCLOSURE_COLUMNS[version]
    rows: list[list[str]] = [[_header_text(text, start, end)]]
    for code, _, lab_end in _labels(text, start, end, list(columns)):
        kinds = ["signed" if c in codes.SIGNED_COLUMNS else "amount" if (code, c) in codes.AMOUNT_COLUMNS else "count"
                 for c in columns[code]]
        run, _ = _run_after(text, lab_end, end)
        found = checksum.splits(run, kinds)
        if len(found) == 1:
            rows.append([_DISC_CORES[code], *(c.printed for c in found[0])])
        else:
            rows.append([_DISC_CORES[code], *[""] * len(kinds)])
            out.unresolved.setdefault("disclosure", []).append(code)
    return rows


def _applications(text: str, start: int, end: int, out: FlatRead) -> tuple[list[list[str]], int]:
    region = text[start:end]
    layout = "2021" if re.search(r"不补正|缴纳费用|收费通知", region) else "2019"
    order = codes.application_rows(layout)
    cols = codes.APPLICATION_COLUMNS
    found = _labels(text, start, end, order)
    fixed: dict[str, checksum.Cells] = {}
    choices: dict[str, list[checksum.Cells]] = {}
    unknown: list[str] = [c for c in order if c not in {f[0] for f in found}]
    last_stop = start
    bounds = [f[1] for f in found[1:]] + [end]
    for (code, _, lab_end), bound in zip(found, bounds, strict=True):
        run, stop = _run_after(text, lab_end, bound)
        last_stop = max(last_stop, stop)
        one_each = _one_per_cell(run, len(cols))
        readings = checksum.splits(run, ["count"] * len(cols)) if one_each or not run.isdigit() else []
        if len(readings) == 1 and one_each:
            fixed[code] = readings[0]  # every digit is a cell: printed as it is, right or wrong
            continue
        quick = checksum.total_splits(run, len(cols), len(cols))
        good = [r for r in (readings if quick is None else quick) if checksum.row_total_holds(r, cols)]
        if good:
            choices[code] = good
        else:
            unknown.append(code)
    chosen = checksum.choose(fixed, choices, cols, "applications", unknown) if choices else {}
    if chosen is None:
        unknown += list(choices)
        chosen = {}
    elif chosen:
        out.by_rules["applications"] = list(chosen)  # each had several readings; R2 and the table's rules chose
    rows: list[list[str]] = []
    for code in order:
        cells = fixed.get(code) or chosen.get(code)
        label = _APP_LABELS.get(code) or _APP_CORES[code].split("|")[0]
        rows.append([label, *(c.printed for c in cells)] if cells else [label, *[""] * len(cols)])
    if unknown:
        out.unresolved["applications"] = [c for c in order if c in unknown]
    return rows, last_stop


def _appeals(text: str, start: int, end: int, out: FlatRead) -> list[list[str]]:
    totals = [m.end() for m in re.finditer("总计", text[start:end])]
    head_end = start + (totals[-1] if totals else 0)
    run, _ = _run_after(text, head_end, end)
    n = len(codes.APPEAL_GROUPS) * len(codes.APPEAL_COLUMNS)
    rows: list[list[str]] = [[_header_text(text, start, head_end)]]
    if _one_per_cell(run, n) and len(readings := checksum.splits(run, ["count"] * n)) == 1:
        return [*rows, [c.printed for c in readings[0]]]
    quick = checksum.total_splits(run, n, len(codes.APPEAL_COLUMNS))
    readings = quick if quick is not None else checksum.splits(run, ["count"] * n)
    per_group = len(codes.APPEAL_COLUMNS)

    def as_groups(r: checksum.Cells) -> dict[str, checksum.Cells]:
        return {g: r[i * per_group:(i + 1) * per_group] for i, g in enumerate(codes.APPEAL_GROUPS)}

    good = [as_groups(r) for r in readings
            if checksum.rules_hold(None, {g: dict(zip(codes.APPEAL_COLUMNS, (c.value for c in cells), strict=True))
                                          for g, cells in as_groups(r).items()})]
    chosen = checksum.unique(good)
    if chosen is None:
        out.unresolved["appeals"] = list(codes.APPEAL_GROUPS)
        return [*rows, [""] * n]
    out.by_rules["appeals"] = list(codes.APPEAL_GROUPS)
    return [*rows, [c.printed for g in codes.APPEAL_GROUPS for c in chosen[g]]]


def read_flat(doc: Document) -> FlatRead:
    """Blocks rebuilt from a flattened text: title lines, section headings, narratives and one table per section."""
    source = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    # Page numbers printed between dashes ('-3-') are the page's, not the table's: blanked, positions kept.
    text = _PAGE_NUMBER.sub(lambda m: " " * len(m.group()), source.translate(_WIDTH))
    heads = _headings(text)
    at = {code: (s, e) for s, e, code in heads}
    out = FlatRead(Document(doc.source, doc.format, [], doc.title, dict(doc.meta)))
    blocks = out.doc.blocks
    # Where each table's rows begin and end: after its heading, else where its first labels are.
    app_start = at["applications"][1] if "applications" in at else (
        m.start() if (m := re.search(r"申请人情况|本年新收", text)) else len(text))
    ends = sorted([s for s, _, _ in heads] + [len(text)])

    def next_heading(pos: int) -> int:
        return next((s for s in ends if s > pos), len(text))

    disc_start = at["disclosure"][1] if "disclosure" in at else at.get("overview", (0, 0))[1]
    disc_end = min(next_heading(disc_start), app_start)
    app_end = at["appeals"][0] if "appeals" in at else next_heading(app_start)
    first = heads[0][0] if heads else disc_start
    preamble = source[:first].strip()
    m = _TITLE_END.search(preamble, 0, 120)
    # The title glued to the first sentence ('…年度报告本报告由…'): the title is a line of its own.
    blocks += [Paragraph(preamble[:m.end()]), Paragraph(preamble[m.end():])] if m else [Paragraph(preamble)]
    narrative_bounds = {code: (e, next_heading(e)) for s, e, code in heads if code in codes.NARRATIVE_SECTIONS}
    titles = dict(zip(("overview", "disclosure", "applications", "appeals", "problems", "other_matters"),
                      ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                       "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
                      strict=True))
    for code in ("overview", "disclosure", "applications", "appeals", "problems", "other_matters"):
        if code in at:
            blocks.append(Paragraph(source[at[code][0]:at[code][1]].strip() or titles[code]))
        if code in narrative_bounds:
            s, e = narrative_bounds[code]
            blocks.append(Paragraph(source[s:e].strip()))
        elif code == "disclosure" and disc_end > disc_start:
            blocks.append(Table(_disclosure(text, disc_start, disc_end, out)))
        elif code == "applications" and app_start < len(text):
            rows, stop = _applications(text, app_start, app_end, out)
            blocks.append(Table(rows))
            if "appeals" not in at:  # no heading: the appeals table is what follows the last row of 三
                blocks.append(Table(_appeals(text, stop, next_heading(stop), out)))
        elif code == "appeals" and code in at:
            blocks.append(Table(_appeals(text, at[code][1], next_heading(at[code][1]), out)))
    blocks[:] = [b for b in blocks if not isinstance(b, Paragraph) or b.text]
    return out
