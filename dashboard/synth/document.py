"""A report as a sequence of printed blocks (title, headings, paragraphs, table grids), shared by every writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard.synth.layout import (
    APPEAL_LABELS,
    APPLICANT_COLS,
    NOT_PROCESSED,
    OTHER_2021,
    R1_NOTE,
    SECTION_TITLES,
    UNAVAILABLE,
    WITHHELD,
    disclosure_layout,
)


@dataclass
class Cell:
    """A printed cell: text and the rows/columns it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """A table as origin cells row by row (HTML-style), plus its full width."""

    rows: list[list[Cell]]
    width: int
    code: str = ""

    def matrix(self) -> list[list[tuple[str, str]]]:
        """Every position as (text, role): role 'origin', 'row_copy' (below an origin) or 'col_copy' (right of one)."""
        out: dict[tuple[int, int], tuple[str, str]] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in out:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        role = "origin" if not (dr or dc) else ("col_copy" if dc else "row_copy")
                        out[(r + dr, c + dc)] = (cell.text, role)
                c += cell.colspan
        return [[out.get((r, c), ("", "origin")) for c in range(self.width)] for r in range(len(self.rows))]


@dataclass
class Block:
    """One printed block: kind is 'title', 'heading', 'para' or 'table'."""

    kind: str
    text: str = ""
    grid: Grid | None = None


@dataclass
class PrintedReport:
    """What a writer needs: the file stem, the title and the blocks."""

    stem: str
    title: str
    blocks: list[Block] = field(default_factory=list)


def fmt_number(value: float | int | None) -> str:
    """A number as printed: integers bare, decimals without trailing zeros, None blank."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(int(value))


def disclosure_grid(rep: dict, unit_style: str) -> Grid:
    """Section 二 as four-column blocks, captions and single-value columns spanning the width."""
    rows: list[list[Cell]] = []
    unit = rep.get("units", {}).get("disclosure.procurement.amount", "")
    for caption, items, cols in disclosure_layout(rep["template"]):
        rows.append([Cell(caption, colspan=4)])
        header = [Cell("信息内容")]
        for i, (code, label) in enumerate(cols):
            if code == "amount" and unit and unit_style == "header":
                label = f"{label}（{unit}）"
            header.append(Cell(label, colspan=4 - len(cols) if i == len(cols) - 1 else 1))
        rows.append(header)
        for row_code, label in items:
            line = [Cell(label)]
            for i, (code, _) in enumerate(cols):
                text = fmt_number(rep["disclosure"][row_code][code])
                if code == "amount" and unit and unit_style == "cell" and text:
                    text += unit
                line.append(Cell(text, colspan=4 - len(cols) if i == len(cols) - 1 else 1))
            rows.append(line)
    return Grid(rows, 4, "disclosure")


def _wrap(text: str, wrap: bool) -> str:
    """A narrow header cell as some offices type it: two characters a line (商业\n企业)."""
    if not wrap or len(text) < 4:
        return text
    return "\n".join(text[i:i + 2] for i in range(0, len(text), 2))


def applications_grid(rep: dict, wrap: bool = False) -> Grid:
    """Section 三 as printed: three label columns, seven applicant columns, nested row labels."""
    apps = rep["applications"]

    def values(code: str) -> list[Cell]:
        return [Cell(fmt_number(apps[code][c])) for c in APPLICANT_COLS]

    layout_2019 = "other" in apps
    rows: list[list[Cell]] = [
        [Cell(R1_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(_wrap(t, wrap)) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3), *values("new")],
        [Cell("二、上年结转政府信息公开申请数量", colspan=3), *values("carried_in")],
    ]
    span = 2 + len(WITHHELD) + len(UNAVAILABLE) + len(NOT_PROCESSED) + (1 if layout_2019 else len(OTHER_2021)) + 1
    rows.append([Cell("三、本年度办理结果", rowspan=span), Cell("（一）予以公开", colspan=2), *values("granted")])
    rows.append([Cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2), *values("partial")])
    groups = [("（三）不予公开", WITHHELD), ("（四）无法提供", UNAVAILABLE), ("（五）不予处理", NOT_PROCESSED)]
    if not layout_2019:
        groups.append(("（六）其他处理", OTHER_2021))
    for head, subrows in groups:
        for i, (code, label) in enumerate(subrows):
            lead = [Cell(head, rowspan=len(subrows))] if i == 0 else []
            rows.append([*lead, Cell(label), *values(code)])
    if layout_2019:
        rows.append([Cell("（六）其他处理", colspan=2), *values("other")])
    rows.append([Cell("（七）总计", colspan=2), *values("total")])
    rows.append([Cell("四、结转下年度继续办理", colspan=3), *values("carried_over")])
    return Grid(rows, 10, "applications")


def appeals_grid(rep: dict, wrap: bool = False) -> Grid:
    """Section 四: 复议 and the two 诉讼 groups, five columns each."""
    labels = [_wrap(t, wrap) for t in APPEAL_LABELS.values()]
    rows = [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(Cell(t, rowspan=2) for t in labels), Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(t) for t in labels * 2],
        [Cell(fmt_number(rep["appeals"][g][c])) for g in ("reconsideration", "litigation_direct", "litigation_after")
         for c in APPEAL_LABELS],
    ]
    return Grid(rows, 15, "appeals")


def printed_report(rep: dict, unit_style: str = "header", stem: str = "", wrap: bool = False) -> PrintedReport:
    """The blocks of a report in the national order: title, 一 … 六."""
    title = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    basis = "国办公开办函〔2019〕60号" if rep["template"] == "2019" else "国办公开办函〔2021〕30号"
    blocks = [
        Block("title", title),
        Block("para", f"本报告根据《中华人民共和国政府信息公开条例》和《{basis}》要求编制。本报告所列数据的统计期限自"
                      f"{rep['year']}年1月1日起至{rep['year']}年12月31日止。"),
        Block("heading", SECTION_TITLES["overview"]),
        *(Block("para", p) for p in rep["sections"]["overview"].split("\n")),
        Block("heading", SECTION_TITLES["disclosure"]),
        Block("table", grid=disclosure_grid(rep, unit_style)),
        Block("heading", SECTION_TITLES["applications"]),
        Block("table", grid=applications_grid(rep, wrap)),
        Block("heading", SECTION_TITLES["appeals"]),
        Block("table", grid=appeals_grid(rep, wrap)),
        Block("heading", SECTION_TITLES["problems"]),
        *(Block("para", p) for p in rep["sections"]["problems"].split("\n")),
        Block("heading", SECTION_TITLES["other_matters"]),
        *(Block("para", p) for p in rep["sections"]["other_matters"].split("\n")),
    ]
    return PrintedReport(stem or f"{rep['agency']}-{rep['year']}", title, blocks)
