"""Real-world variants, made from the real sample by the transformation each variant is: same numbers out."""

from __future__ import annotations

import json
import re

import pytest
from opencc import OpenCC

from dashboard.errors import ReportError
from dashboard.parse import parse_document, parse_file
from dashboard.readers.html import parse_html
from dashboard.readers.text import parse_text
from tests.conftest import FIXTURES, SAMPLE

SEED = json.loads((FIXTURES / "seed-expected.json").read_text("utf-8"))
SAMPLE_TEXT = SAMPLE.read_text("utf-8")
PINGTAN = (FIXTURES / "pingtan-2025.html").read_bytes()


def _tables(rep: dict) -> dict:
    return {t: rep[t] for t in ("disclosure", "applications", "appeals")}


def _parse_text(text: str, name: str = "variant.md") -> dict:
    return parse_document(parse_text(text, name))


def _flatten_pipes(text: str) -> str:
    out = []
    for line in text.split("\n"):
        s = line.strip()
        if s.startswith("|"):
            if re.match(r"^\|[-| :]+\|$", s):
                continue
            out.append(" ".join(c.strip() for c in s.strip("|").split("|") if c.strip()))
        else:
            out.append(line)
    return "\n".join(out)


def test_plain_text_rows_of_label_and_numbers_read_like_the_table() -> None:
    got = parse_document(parse_text(_flatten_pipes(SAMPLE_TEXT), "plain.txt", "txt"))
    assert _tables(got) == _tables(SEED)


def test_traditional_characters_read_like_simplified() -> None:
    got = _parse_text(OpenCC("s2t").convert(SAMPLE_TEXT))
    assert _tables(got) == _tables(SEED)
    assert got["year"] == 2021


def test_full_width_digits_and_brackets_read_like_half_width() -> None:
    wide = SAMPLE_TEXT.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    got = _parse_text(wide)
    assert _tables(got) == _tables(SEED)


def test_markdown_decorated_headings_without_numbering_are_found() -> None:
    text = SAMPLE_TEXT
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"):
        text = text.replace(heading, "## **" + heading.split("、", 1)[1] + "**")
    got = _parse_text(text)
    assert _tables(got) == _tables(SEED)
    assert not [p for p in got["problems"] if p["code"] == "section_missing"]


def test_real_title_variants_of_sections_five_and_six_are_found() -> None:
    text = SAMPLE_TEXT.replace("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况")
    text = text.replace("六、其他需要报告的事项", "六、其他事项")
    got = _parse_text(text)
    assert got["sections"]["problems"].startswith("(一) 存在问题")
    assert got["sections"]["other_matters"] == "无"


def test_signed_change_and_amount_with_unit_keep_sign_and_unit() -> None:
    text = SAMPLE_TEXT.replace("| 行政许可 | 0 | 0 | 0 |", "| 行政许可 | 12 | -3 | 9 |")
    text = text.replace("| 政府集中采购 | 102 | 122852 |", "| 政府集中采购 | 102 | 12.29万元 |")
    got = _parse_text(text)
    assert got["disclosure"]["licensing"] == {"prev_items": 12, "change": -3, "decisions": 9}
    assert got["disclosure"]["procurement"]["amount"] == pytest.approx(12.29)
    assert got["units"]["disclosure.procurement.amount"] == "万元"


def test_placeholder_cell_is_null_and_flagged_distinct_from_blank() -> None:
    text = SAMPLE_TEXT.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | — | / |  |")
    got = _parse_text(text)
    assert got["disclosure"]["rules"] == {"made": None, "published": None, "public_total": None}
    flags = got["cell_flags"]
    assert flags["disclosure.rules.made"] == "placeholder"
    assert flags["disclosure.rules.published"] == "placeholder"
    assert flags["disclosure.rules.public_total"] == "blank"


def test_html_zeros_left_blank_are_null_not_zero() -> None:
    html = PINGTAN.replace(b'<p style="text-indent: 0em;">0</p>', b'<p style="text-indent: 0em;"></p>')
    got = parse_document(parse_html(html, "blank-zeros.html"))
    assert got["disclosure"]["rules"] == {"issued": None, "repealed": None, "in_force": None}
    assert got["cell_flags"]["disclosure.rules.issued"] == "blank"
    assert got["disclosure"]["normative_docs"] == {"issued": 58, "repealed": 45, "in_force": 546}


@pytest.mark.parametrize("declare", [True, False], ids=["declared-gb2312", "undeclared"])
def test_gbk_web_page_reads_like_utf8(declare: bool) -> None:
    text = PINGTAN.decode("utf-8")
    text = text.replace('charset="utf-8"', 'charset="gb2312"' if declare else "")
    gbk = text.encode("gb18030")
    got = parse_document(parse_html(gbk, "gbk.html"))
    assert _tables(got) == _tables(parse_file(FIXTURES / "pingtan-2025.html"))
    assert got["agency"] == "平潭综合实验区"


def test_report_without_section_three_is_an_explicit_partial_result() -> None:
    start = SAMPLE_TEXT.index("三、收到和处理政府信息公开申请情况")
    end = SAMPLE_TEXT.index("四、政府信息公开行政复议")
    got = _parse_text(SAMPLE_TEXT[:start] + SAMPLE_TEXT[end:])
    assert all(v is None for cols in got["applications"].values() for v in cols.values())
    assert got["cell_flags"]["applications.new.total"] == "missing"
    codes = {p["code"] for p in got["problems"]}
    assert {"section_missing", "rows_missing"} <= codes
    assert got["disclosure"]["normative_docs"]["made"] == 15


def test_blank_template_says_no_figures_instead_of_zeros() -> None:
    got = parse_file(FIXTURES / "template-2021-blank.docx")
    assert got["figures"] == 0
    assert all(v is None for t in ("disclosure", "applications", "appeals")
               for cols in got[t].values() for v in cols.values())
    assert any(p["code"] == "no_figures" for p in got["problems"])


def test_empty_file_is_a_clear_error(tmp_path) -> None:
    f = tmp_path / "空.md"
    f.write_bytes(b"")
    with pytest.raises(ReportError) as exc:
        parse_file(f)
    assert exc.value.code == "empty" and exc.value.source == "空.md"


def test_binary_file_is_a_clear_error(tmp_path) -> None:
    f = tmp_path / "report.txt"
    f.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ReportError) as exc:
        parse_file(f)
    assert exc.value.code == "binary"
    assert "二进制" in exc.value.reason_zh


def test_html_without_tables_or_sections_is_not_a_report(tmp_path) -> None:
    f = tmp_path / "news.html"
    f.write_text("<html><head><title>新闻</title></head><body><p>今天天气很好。</p></body></html>", "utf-8")
    with pytest.raises(ReportError) as exc:
        parse_file(f)
    assert exc.value.code == "not_a_report"


def test_unsupported_format_names_the_file(tmp_path) -> None:
    f = tmp_path / "chart.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(ReportError) as exc:
        parse_file(f)
    assert exc.value.source == "chart.png"


def test_subsection_named_like_a_section_inside_the_overview_does_not_end_it() -> None:
    text = SAMPLE_TEXT.replace("（二）增强公开实效。", "（二）主动公开政府信息情况\n增强公开实效。")
    got = _parse_text(text)
    assert "增强公开实效" in got["sections"]["overview"]
    assert _tables(got) == _tables(SEED)


@pytest.mark.parametrize(("title", "agency", "year"), [
    ("红崖子沟乡人民政府 2021 年 信息公开工作年度报告", "红崖子沟乡人民政府", 2021),
    ("2021年红崖子沟乡人民政府信息公开工作年度报告", "红崖子沟乡人民政府", 2021),
    ("互助县教育局二〇二一年政府信息公开工作年度报告", "互助县教育局", 2021),
    ("城关镇人民政府政府信息公开工作年度报告（2022年度）", "城关镇人民政府", 2022),
    ("2021年度互助县财政局政务公开工作年度报告", "互助县财政局", 2021),
    ("威远镇人民政府关于2021年度政府信息公开工作年度报告", "威远镇人民政府", 2021),
    ("2020年南门峡鎮人民政府資訊公開工作年度報告".replace("資訊", "信息"), "南门峡镇人民政府", 2020),
])
def test_agency_and_year_are_read_from_real_title_variants(title: str, agency: str, year: int) -> None:
    first = SAMPLE_TEXT.strip().split("\n", 1)[0]
    got = _parse_text(SAMPLE_TEXT.replace(first, title, 1))
    assert (got["agency"], got["year"]) == (agency, year)


def test_report_without_a_title_says_agency_unknown() -> None:
    first = SAMPLE_TEXT.strip().split("\n", 1)[0]
    got = _parse_text(SAMPLE_TEXT.replace(first, "", 1))
    assert got["agency"] is None
    assert any(p["code"] == "agency_unknown" for p in got["problems"])
    assert got["year"] == 2021  # still known from the statistics period in the overview


def test_page_laid_out_in_tables_reads_like_the_plain_page() -> None:
    # Older government sites put the whole page, menus and article, inside layout tables.
    html = PINGTAN.decode("utf-8")
    start, end = html.index("<body"), html.index("</body>")
    body_open = html.index(">", start) + 1
    wrapped = (html[:body_open] + "<table><tr><td><a href='/'>首页</a> | <a>政务公开</a></td></tr><tr><td>"
               + html[body_open:end] + "</td></tr></table>" + html[end:])
    got = parse_document(parse_html(wrapped.encode("utf-8"), "layout-tables.html"))
    assert _tables(got) == _tables(parse_file(FIXTURES / "pingtan-2025.html"))
    assert got["agency"] == "平潭综合实验区"


def test_word_report_boxed_in_a_frame_table_reads_like_the_plain_one(tmp_path) -> None:
    # Some templates box the whole report in a one-cell table; the report's own tables are then nested in it.
    import copy

    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    src = docx.Document(str(FIXTURES / "pingtan-2025.docx"))
    framed = docx.Document()
    cell = framed.add_table(rows=1, cols=1).rows[0].cells[0]._tc
    for p in list(cell):
        if p.tag == qn("w:p"):
            cell.remove(p)
    for child in src.element.body:
        if child.tag != qn("w:sectPr"):
            cell.append(copy.deepcopy(child))
    cell.append(OxmlElement("w:p"))
    framed.save(str(tmp_path / "framed.docx"))
    got = parse_file(tmp_path / "framed.docx")
    assert _tables(got) == _tables(parse_file(FIXTURES / "pingtan-2025.docx"))
    assert got["agency"] == "平潭综合实验区"  # from the body: the new file has no title property


def test_a_sentence_naming_the_report_is_not_taken_for_its_title() -> None:
    first = SAMPLE_TEXT.strip().split("\n", 1)[0]
    intro = "根据《条例》要求，互助县教育局编制了2021年度政务公开工作报告，报告全文包括总体情况等六部分。"
    got = _parse_text(SAMPLE_TEXT.replace(first, first + "\n" + intro, 1))
    assert got["agency"] == "红崖子沟乡人民政府"
