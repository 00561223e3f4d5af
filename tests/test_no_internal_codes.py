"""No internal code reaches a reader: every file of a demo pack is walked for codes, "None"/"nan" and "年年".

The list of forbidden words is built from the codes themselves (parse/codes.py, the rules, the indicators, the
formats and statuses of checks/labels.py), so a new code is covered the day it is added.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from dashboard.catalogue import codes
from dashboard.catalogue.labels import cell_label, humanize, internal_codes
from dashboard.checks import rule_codes
from dashboard.export import build_pack
from dashboard.export.data import PackScope, load_pack_data
from dashboard.export.figures import pack_charts
from dashboard.store.indicators import INDICATORS
from dashboard.synth.demo import build_demo

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PARSER_PROBLEMS = ["placed_by_order", "rows_missing", "unit_missing", "unit_conflict", "fuzzy_label",
                   "section_missing", "row_unreadable", "unplaced_rows", "stray_numbers", "duplicate_row"]
# Columns that hold a user's own text (a file name like 教育局-2021.md), not ours.
USER_TEXT_COLUMNS = {"文件名"}


def forbidden_words() -> set[str]:
    """Every internal code: rows, columns, sections, tables, rules, indicators, formats, statuses, parser problems."""
    words = set(internal_codes()) | set(rule_codes()) | {d["indicator"] for d in INDICATORS}
    words |= set(codes.TABLES) | set(codes.DISCLOSURE_ROWS) | set(codes.DISCLOSURE_HEADERS)
    words |= set(codes.APPLICATION_COLUMNS) | set(codes.APPEAL_GROUPS) | set(codes.APPEAL_COLUMNS)
    words |= {c for layout in ("2019", "2021") for c in codes.application_rows(layout)}
    words |= {c for c, _ in codes.SECTION_HEADINGS} | set(PARSER_PROBLEMS)
    return words


FORBIDDEN = forbidden_words()


def offences(text: str) -> list[str]:
    """The internal codes, None/nan and 年年 in one reader-facing text."""
    found = [w for w in WORD.findall(text) if w in FORBIDDEN or w in ("None", "nan", "NaN")]
    return found + (["年年"] if "年年" in text else [])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (real bundled reports + the simulated 示例县（模拟）)."""
    root = tmp_path_factory.mktemp("demo")
    build_demo(root / "demo.duckdb", work_dir=root / "work")
    return root / "demo.duckdb"


# 2024 of every region: the real 上海市 report's parser problems name rows by code in the store.
# 2023 of 示例县（模拟）: two units did not report, and planted errors.
PACKS = [(2024, PackScope()), (2023, PackScope(region="示例县（模拟）"))]


@pytest.fixture(scope="module", params=PACKS, ids=["2024-all", "2023-county"])
def pack(request: pytest.FixtureRequest, demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One demo pack, and the charts it was built from."""
    year, scope = request.param
    files = build_pack(year, None, demo_db, tmp_path_factory.mktemp("pack"), scope=scope)
    files["charts"] = pack_charts(load_pack_data(year, None, demo_db, scope))
    return files


def deck_texts(path: Path) -> list[str]:
    """Every text of a deck: text boxes, table cells, chart categories and series names."""
    out = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
            if shape.has_table:
                out += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                for plot in shape.chart.plots:
                    out += [str(c) for c in plot.categories]
                    out += [s.name for s in plot.series]
                    out += [str(v) for s in plot.series for v in s.values]
    return out


def brief_texts(path: Path) -> list[str]:
    """Every text of a brief: paragraphs, table cells, footers."""
    doc = Document(str(path))
    out = [p.text for p in doc.paragraphs]
    out += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    out += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return out


def workbook_texts(path: Path) -> list[str]:
    """Every cell of every sheet and the sheet names, less the columns that hold a user's own file names."""
    wb = load_workbook(path)
    out = list(wb.sheetnames)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows():
            out += [str(c.value) for c, h in zip(row, header, strict=False)
                    if c.value is not None and h not in USER_TEXT_COLUMNS]
    return out


def figure_texts(fig) -> list[str]:  # noqa: ANN001 — a plotly figure
    """What a rendered chart shows: title, annotations, tick labels, trace names and cell texts."""
    out = [fig.layout.title.text or ""] + [a.text or "" for a in fig.layout.annotations]
    for axis in ("xaxis", "yaxis"):
        ax = fig.layout[axis]
        out += [str(t) for t in (ax.ticktext or [])] + [ax.title.text or ""]
    for trace in fig.data:
        out.append(trace.name or "")
        for attr in ("x", "y", "text"):
            values = getattr(trace, attr, None)
            if values is not None and not isinstance(values, str):
                out += [str(v) for v in (values if not hasattr(values[0], "__iter__") or isinstance(values[0], str)
                                         else [x for row in values for x in row])]
    return out


def test_the_deck_has_no_internal_code_none_or_doubled_year(pack: dict) -> None:
    bad = {t: offences(t) for t in deck_texts(pack["pptx"]) if offences(t)}
    assert not bad


def test_the_brief_has_no_internal_code_none_or_doubled_year(pack: dict) -> None:
    bad = {t: offences(t) for t in brief_texts(pack["docx"]) if offences(t)}
    assert not bad


def test_the_workbook_has_no_internal_code_none_or_doubled_year(pack: dict) -> None:
    bad = {t: offences(t) for t in workbook_texts(pack["xlsx"]) if offences(t)}
    assert not bad


def test_the_chart_images_and_their_names_have_no_internal_code(pack: dict) -> None:
    names = [p.stem for p in pack["images"].iterdir()]
    texts = names + [t for c in pack["charts"] for f in c.figures for t in figure_texts(f)]
    bad = {t: offences(t) for t in texts if offences(t)}
    assert not bad


def test_the_walk_catches_a_code_none_and_a_doubled_year() -> None:
    assert offences("按表格行序放入：partial（请核对）") == ["partial"]
    assert offences("规则 R1，名次 None") == ["R1", "None"]
    assert offences("2022年年：58") == ["年年"]
    assert offences("格式：PDF 文件，网页（HTML）") == []


def test_stored_parser_messages_are_rewritten_with_printed_labels() -> None:
    message = "第三部分有 2 行数字与其标签分离，按表格行序放入：partial、withheld_prohibited（请核对）"
    assert humanize(message) == ("第三部分有 2 行数字与其标签分离，按表格行序放入：三、（二）部分公开、"
                                 "三、（三）不予公开 2.其他法律行政法规禁止公开（请核对）")
    assert humanize("disclosure.procurement.amount 未注明金额单位").startswith("二、主动公开 政府集中采购 · 采购总金额")
    assert offences(humanize("未找到章节 overview；单位见 cells.unit")) == []


def test_a_cell_is_named_as_printed() -> None:
    assert cell_label("applications.withheld_third_party.natural") == "三、（三）不予公开 4.保护第三方合法权益 · 自然人"
    assert cell_label("appeals.reconsideration.corrected") == "四、复议诉讼 行政复议 · 结果纠正"
