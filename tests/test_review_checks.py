"""The office's review rules (issue 22): each with a true positive and a true negative, on real corpus reports
(and real reports edited the way a unit's draft goes wrong), and no error of them on the corpus."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from dashboard.catalogue.labels import RULE_EXPLAIN_ZH, internal_codes, rule_basis, rule_name
from dashboard.checks import (
    CheckContext,
    ReviewContext,
    fee_report,
    late,
    problems_measures,
    rows_complete,
    rule_codes,
    run_checks,
    same_text,
    section_order,
    text_table,
    title_names,
)
from dashboard.checks.review_batch import Entry, check_batch
from dashboard.parse import parse_file
from dashboard.parse.review_facts import date_of_line, page_date_of
from dashboard.registry import default_registry

FIXTURES = Path(__file__).parent / "fixtures"
# The corpus reports with a text layer (the two scans of 洪泽区 2023 are measured by bench/review_false_alarms.py).
CORPUS = {"000_7180246cedc2b1d8.txt": ("乡", True), "hongze-2023.pdf": ("政府", True),
          "pingtan-2025.html": ("政府", False), "pingtan-2025.docx": ("政府", False),
          "shanghai-kewei-2024.md": ("部门", False)}
REVIEW_RULES = {"SECTION_ORDER", "ROWS_COMPLETE", "PROBLEMS_MEASURES", "FEE_REPORT", "TITLE", "LATE"}


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    """The corpus reports as the parser reads them, with their review facts (title, headings, dates)."""
    return {name: parse_file(FIXTURES / name, default_registry()) for name in CORPUS}


def _rules(found: list) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in found]


# ---- the corpus ----

def test_the_corpus_raises_no_error_of_the_review_rules(parsed: dict[str, dict]) -> None:
    entries = [Entry(copy.deepcopy(rep), *CORPUS[name], extra={"file": name}) for name, rep in parsed.items()]
    findings = check_batch(entries)
    errors = {e.extra["file"]: [f.message for f in found if f.rule in REVIEW_RULES | {"SAME_TEXT", "TEXT_TABLE"}
                                and f.severity == "error"] for e, found in zip(entries, findings, strict=True)}
    assert {k: v for k, v in errors.items() if v} == {}
    assert len(entries) == 5


def test_the_review_facts_of_the_corpus_are_read(parsed: dict[str, dict]) -> None:
    assert parsed["hongze-2023.pdf"]["title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert parsed["pingtan-2025.html"]["page_date"] == "2026-03-10"  # "时间：2026-03-10 12:56" in the page
    assert [h["section"] for h in parsed["pingtan-2025.html"]["headings"]] == list(section_order.ORDER)
    assert "page_date" not in parsed["000_7180246cedc2b1d8.txt"]


def test_a_date_line_is_read_in_digits_and_in_chinese_numerals() -> None:
    assert date_of_line("2026年1月20日") == dt.date(2026, 1, 20)
    assert date_of_line("二〇二六年一月二十日") == dt.date(2026, 1, 20)
    assert date_of_line("2026年1月20日召开会议") is None


def test_a_page_date_is_read_from_a_byline_only() -> None:
    assert page_date_of(["来源：平潭综合实验区管委会办公室 时间：2026-03-10 12:56"]) == dt.date(2026, 3, 10)
    assert page_date_of(["依申请公开办理时间：2026-02-01"]) is None  # inside the report, not the page's date
    assert page_date_of(["发布时间：2026-01-20", "发布日期：2026-01-21"]) is None  # two dates: which one is a guess


# ---- SECTION_ORDER ----

def test_shifted_section_numbers_are_reported(parsed: dict[str, dict]) -> None:
    found = section_order.check(parsed["shanghai-kewei-2024.md"], CheckContext())
    assert _rules(found) == [("SECTION_ORDER", "warning"), ("SECTION_ORDER", "info")]
    assert "“一、主动公开政府信息情况”（应为“二、”）" in found[0].message


def test_sections_out_of_order_are_reported(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    h = rep["headings"]
    h[4], h[5] = h[5], h[4]  # 六 printed before 五
    found = section_order.check(rep, CheckContext())
    assert found[0].severity == "warning" and "顺序" in found[0].message
    assert found[0].cells[-2:] == ["sections.other_matters", "sections.problems"]


def test_markdown_bold_around_a_heading_is_not_a_different_title() -> None:
    rep = parse_file(FIXTURES / "variants" / "hongyazigou-2019-bold-headings-padded-columns.md", default_registry())
    assert rep["headings"][0]["text"] == "一、总体情况"
    assert section_order.check(rep, CheckContext()) == []


def test_a_breadcrumb_above_the_title_is_not_the_title() -> None:
    rep = parse_file(FIXTURES / "variants" / "hongyazigou-2019-breadcrumb-above-title.txt", default_registry())
    assert rep["title"] == "红崖子沟乡人民政府2021年政府信息公开工作年度报告"
    assert title_names.check(rep, CheckContext()) == []


def test_six_sections_in_order_under_their_titles_raise_nothing(parsed: dict[str, dict]) -> None:
    for name in ("pingtan-2025.html", "hongze-2023.pdf", "000_7180246cedc2b1d8.txt"):
        assert section_order.check(parsed[name], CheckContext()) == []


def test_a_record_without_headings_says_nothing_of_order() -> None:
    assert section_order.check({"year": 2024}, CheckContext()) == []


# ---- ROWS_COMPLETE ----

def test_a_row_left_out_of_table_three_is_reported_not_read_as_zeros(tmp_path: Path) -> None:
    text = (FIXTURES / "000_7180246cedc2b1d8.txt").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if "4.保护第三方合法权益" not in ln]
    draft = tmp_path / "红崖子沟乡-2021-draft.txt"
    draft.write_text("\n".join(lines), "utf-8")
    rep = parse_file(draft, default_registry())
    found = run_checks(rep, CheckContext(agency_kind="乡"))
    complete = [f for f in found if f.rule == "ROWS_COMPLETE"]
    assert [f.cells for f in complete] == [["applications.withheld_third_party"]]
    assert "「三、（三）不予公开 4.保护第三方合法权益」" in complete[0].message and "缺行不等于填0" in complete[0].message
    # the parser's own "rows missing" problem is shown once, by this rule
    assert not any(f.rule == "PARSE" and "缺少以下行" in f.message for f in found)


def test_a_table_the_parser_could_not_read_is_a_reading_error_not_an_incomplete_report() -> None:
    # pdftotext's raw output scatters table 三 of 洪泽区 2023: most rows cannot be placed (the parser's error)
    rep = parse_file(FIXTURES / "variants" / "hongze-2023-pdftotext-raw.txt", default_registry())
    found = run_checks(rep, CheckContext(agency_kind="政府"))
    assert not [f for f in found if f.rule == "ROWS_COMPLETE" and f.cells[0].startswith("applications")]
    assert any(f.rule == "PARSE" and f.severity == "error" and "第三部分缺少以下行" in f.message for f in found)
    assert all(f.severity == "warning" for f in found if f.rule == "ROWS_COMPLETE")


def test_a_missing_column_of_a_row_is_reported(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["hongze-2023.pdf"])
    del rep["appeals"]["litigation_after"]["pending"]
    found = rows_complete.check(rep, CheckContext())
    assert [f.cells for f in found] == [["appeals.litigation_after.pending"]]


def test_every_corpus_table_is_complete(parsed: dict[str, dict]) -> None:
    assert {n: rows_complete.check(r, CheckContext()) for n, r in parsed.items()} == {n: [] for n in parsed}


# ---- PROBLEMS_MEASURES ----

@pytest.mark.parametrize(("text", "says"), [
    ("无", "只写了“无”"),
    ("本年度政务公开工作存在信息更新不够及时、政策解读形式单一等问题。", "未说明改进措施"),
    ("下一步，我们将加强培训，完善制度，提升公开质量。", "未说明存在的主要问题"),
])
def test_a_section_five_without_problems_or_measures_is_reported(parsed: dict[str, dict], text: str, says: str) -> None:
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    rep["sections"]["problems"] = text
    found = problems_measures.check(rep, CheckContext())
    assert _rules(found) == [("PROBLEMS_MEASURES", "warning")] and says in found[0].message


def test_the_corpus_states_problems_and_measures(parsed: dict[str, dict]) -> None:
    assert {n: problems_measures.check(r, CheckContext()) for n, r in parsed.items()} == {n: [] for n in parsed}


# ---- FEE_REPORT ----

def test_a_section_six_of_only_none_does_not_report_the_fee(parsed: dict[str, dict]) -> None:
    found = fee_report.check(parsed["000_7180246cedc2b1d8.txt"], CheckContext())  # 2021 report, 六: "无"
    assert _rules(found) == [("FEE_REPORT", "warning")] and "只写了“无”" in found[0].message


def test_no_fee_while_table_three_counts_unpaid_fee_notices_is_a_warning(parsed: dict[str, dict]) -> None:
    # 平潭 2025: 六 "无收取信息处理费情况", table 三 （六）2.逾期未缴纳费用 = 2 (notices were sent)
    found = fee_report.check(parsed["pingtan-2025.html"], CheckContext())
    assert _rules(found) == [("FEE_REPORT", "warning")]
    assert found[0].cells == ["sections.other_matters", "applications.other_no_fee.total"]


def test_a_section_six_reporting_the_fee_raises_nothing(parsed: dict[str, dict]) -> None:
    assert fee_report.check(parsed["hongze-2023.pdf"], CheckContext()) == []  # "收取…信息处理费0元"
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    rep["sections"]["other_matters"] = "2025年发出信息处理费收费通知2件，申请人逾期未缴纳，实际收取信息处理费0元。"
    assert fee_report.check(rep, CheckContext()) == []


# ---- TITLE ----

def test_a_title_without_unit_or_year_is_reported(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["hongze-2023.pdf"])
    rep["title"] = "政府信息公开工作年度报告"
    found = title_names.check(rep, CheckContext())
    assert [f.message_en for f in found] == ["the title names no year", "the title does not name the agency"]
    rep["title"] = "洪泽区人民政府2022年政府信息公开工作年度报告"
    assert [f.message_en for f in title_names.check(rep, CheckContext())] == [
        "the title names 2022, the report is for 2023"]


def test_the_corpus_titles_name_unit_and_year(parsed: dict[str, dict]) -> None:
    assert {n: title_names.check(r, CheckContext()) for n, r in parsed.items()} == {n: [] for n in parsed}


# ---- LATE ----

def test_a_page_dated_after_march_is_late_for_every_unit(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    rep["page_date"] = "2026-04-02"
    found = late.check(rep, CheckContext(agency_kind="政府", agency_known=False))
    assert _rules(found) == [("LATE", "error")] and "逾期 2 天" in found[0].message


def test_a_department_page_dated_in_february_is_late(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["shanghai-kewei-2024.md"])
    ctx = ReviewContext(agency_kind="部门", agency_known=True, published=dt.date(2025, 2, 10))
    assert _rules(late.check(rep, ctx)) == [("LATE", "error")]
    ctx.agency_known = False  # the kind was only read off the name: not certain
    assert _rules(late.check(rep, ctx)) == [("LATE", "warning")]


def test_a_township_deadline_is_certain_only_when_configured(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["000_7180246cedc2b1d8.txt"])
    rep["printed_date"] = "2022-02-15"
    assert _rules(late.check(rep, CheckContext(agency_kind="乡"))) == [("LATE", "warning")]
    rep.pop("printed_date")
    rep["page_date"] = "2022-02-15"
    assert _rules(late.check(rep, ReviewContext(agency_kind="乡"))) == [("LATE", "warning")]
    assert _rules(late.check(rep, ReviewContext(agency_kind="乡", deadlines={"乡": (1, 31)}))) == [("LATE", "error")]
    assert late.check(rep, ReviewContext(agency_kind="乡", deadlines={"乡": (2, 28)})) == []


def test_a_government_page_dated_in_march_is_on_time(parsed: dict[str, dict]) -> None:
    assert late.check(parsed["pingtan-2025.html"], CheckContext(agency_kind="政府")) == []  # 2026-03-10


# ---- SAME_TEXT across units ----

def _neighbour(rep: dict, name: str) -> dict:
    other = copy.deepcopy(rep)
    other["agency"] = name
    for code in ("overview", "problems"):
        other["sections"][code] = other["sections"][code].replace("洪泽区", "示例区").replace("区政府", "示例区政府")
    return other


def test_a_narrative_copied_from_another_unit_of_the_same_year_is_reported(parsed: dict[str, dict]) -> None:
    rep = parsed["hongze-2023.pdf"]
    ctx = ReviewContext(peers=[_neighbour(rep, "示例区人民政府"), parsed["pingtan-2025.html"]])
    found = same_text.check(rep, ctx)
    assert [f.cells for f in found] == [["sections.overview"], ["sections.problems"]]
    assert "示例区人民政府同年度（2023年度）报告内容雷同" in found[0].message
    assert "相似度" in found[0].message and "相同段落：「" in found[0].message


def test_other_units_reports_of_other_years_or_other_texts_are_not_alike(parsed: dict[str, dict]) -> None:
    rep = parsed["hongze-2023.pdf"]
    other_year = _neighbour(rep, "示例区人民政府")
    other_year["year"] = 2022
    pingtan = copy.deepcopy(parsed["pingtan-2025.html"])
    pingtan["year"] = 2023
    assert same_text.check(rep, ReviewContext(peers=[other_year, pingtan])) == []


def test_the_shared_passages_are_the_sentences_both_texts_print() -> None:
    a = "2024年，本乡认真贯彻落实政府信息公开条例，持续推进决策、执行、管理、服务、结果公开。全年收到申请3件。"
    b = "2024年，本镇认真贯彻落实政府信息公开条例，持续推进决策、执行、管理、服务、结果公开。全年收到申请5件。"
    assert same_text.shared_passages(a, b) == []  # 本乡/本镇 differ: not the same sentence
    b = b.replace("本镇", "本乡")
    assert same_text.shared_passages(a, b) == ["2024年，本乡认真贯彻落实政府信息公开条例，持续推进决策、执行、管理、服务、结果公开。"]


# ---- TEXT_TABLE, extended to 办结 and 结转 ----

def test_closed_and_carried_over_figures_of_the_text_are_read(parsed: dict[str, dict]) -> None:
    quotes = {c.quote: c.value for c in text_table.claims(parsed["pingtan-2025.html"], "政府")}
    assert quotes["办结148件"] == 148 and quotes["结转至2026年6件"] == 6
    assert text_table.check(parsed["pingtan-2025.html"], CheckContext(agency_kind="政府")) == []


def test_a_carried_over_cell_that_contradicts_the_text_is_reported(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    rep["applications"]["carried_over"]["total"] = 5
    found = text_table.check(rep, CheckContext(agency_kind="政府"))
    assert [f.cells for f in found] == [["applications.carried_over.total"]]
    assert "结转至2026年6件" in found[0].message


def test_a_blank_total_is_left_to_blank_total_not_contradicted_by_the_text(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    rep["applications"]["total"]["total"] = None
    assert text_table.check(rep, CheckContext(agency_kind="政府")) == []


# ---- registration ----

def test_every_review_rule_is_registered_named_explained_and_grounded() -> None:
    assert REVIEW_RULES <= set(rule_codes())
    for code in REVIEW_RULES | {"SAME_TEXT", "TEXT_TABLE", "VERSION_YEAR"}:
        assert rule_name(code) != "其他问题" and RULE_EXPLAIN_ZH[code]
        assert "条例" in rule_basis(code) or "国办" in rule_basis(code)
    assert REVIEW_RULES <= internal_codes()
