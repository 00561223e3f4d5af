"""Label normalization and cell reading: properties that must hold for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from opencc import OpenCC

from dashboard.catalogue.codes import APPLICATION_ROWS
from dashboard.parse.normalize import normalize_label, read_number, strip_numbering
from dashboard.parse.rows import Row
from dashboard.parse.tables import match_application_row

LABELS = ["本年新收政府信息公开申请数量", "部分公开（区分处理的，只计这一情形，不计其他情形）", "危及“三安全一稳定”",
          "属于三类内部事务信息", "没有现成信息需要另行制作", "要求行政机关确认或重新出具已获取信息", "结转下年度继续办理",
          "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "行政规范性文件", "其他对外管理服务事项"]
SPACES = st.sampled_from([" ", "\u3000", "\u00a0", "\n", "\t", "\u200b"])
_T = OpenCC("s2t")


@given(st.sampled_from(LABELS), st.lists(st.tuples(st.integers(0, 60), SPACES), max_size=6))
def test_spaces_and_line_breaks_inside_a_label_do_not_change_it(label: str, inserts) -> None:
    spaced = label
    for pos, sp in inserts:
        pos = min(pos, len(spaced))
        spaced = spaced[:pos] + sp + spaced[pos:]
    assert normalize_label(spaced) == normalize_label(label)


@given(st.text(max_size=40))
def test_normalizing_twice_is_normalizing_once(text: str) -> None:
    once = normalize_label(text)
    assert normalize_label(once) == once


@given(st.sampled_from(LABELS))
def test_traditional_characters_normalize_to_the_simplified_label(label: str) -> None:
    assert normalize_label(_T.convert(label)) == normalize_label(label)


@given(st.sampled_from(LABELS), st.sampled_from(["一、", "（三）", "(六)", "2.", "3、", "① ", "（七） "]))
def test_numbering_in_front_of_a_label_is_stripped(label: str, numbering: str) -> None:
    assert strip_numbering(normalize_label(numbering + label)) == strip_numbering(normalize_label(label))


def test_full_width_brackets_and_quotes_normalize_like_half_width() -> None:
    assert normalize_label("危及\"三安全一稳定\"") == normalize_label("危及“三安全一稳定”")
    assert normalize_label("（一）予以公开") == normalize_label("(一)予以公开")


@given(st.integers(min_value=0, max_value=10**9))
def test_a_written_integer_reads_back_as_itself(n: int) -> None:
    cell = read_number(str(n))
    assert cell is not None and cell.value == n and cell.flag is None


@given(st.integers(min_value=1000, max_value=10**9))
def test_thousands_separators_are_read(n: int) -> None:
    cell = read_number(f"{n:,}")
    assert cell is not None and cell.value == n


@given(st.sampled_from(["", " ", "\u3000"]))
def test_blank_cell_is_null_not_zero(text: str) -> None:
    cell = read_number(text)
    assert cell is not None and cell.value is None and cell.flag == "blank"


@given(st.sampled_from(["—", "-", "/", "无", "——", "／"]))
def test_placeholder_cell_is_null_and_not_blank(text: str) -> None:
    cell = read_number(text)
    assert cell is not None and cell.value is None and cell.flag == "placeholder"


def test_cell_with_note_keeps_number_and_note() -> None:
    cell = read_number("22（其中修订 16 件）")
    assert cell is not None and cell.value == 22 and cell.note == "其中修订16件"


def test_row_number_label_is_not_read_as_a_value() -> None:
    assert read_number("1.属于国家秘密") is None
    assert read_number("一") is None


def test_every_printed_application_label_matches_its_own_row() -> None:
    printed = {
        "new": "一、本年新收政府信息公开申请数量", "carried_in": "二、上年结转政府信息公开申请数量",
        "granted": "（一）予以公开", "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "withheld_state_secret": "1.属于国家秘密", "withheld_prohibited": "2.其他法律行政法规禁止公开",
        "withheld_security": "3.危及“三安全一稳定”", "withheld_third_party": "4.保护第三方合法权益",
        "withheld_internal": "5.属于三类内部事务信息", "withheld_process": "6.属于四类过程性信息",
        "withheld_enforcement": "7.属于行政执法案卷", "withheld_inquiry": "8.属于行政查询事项",
        "unavailable_not_held": "1.本机关不掌握相关政府信息", "unavailable_needs_creation": "2.没有现成信息需要另行制作",
        "unavailable_unclear": "3.补正后申请内容仍不明确", "not_processed_petition": "1.信访举报投诉类申请",
        "not_processed_repeat": "2.重复申请", "not_processed_publication": "3.要求提供公开出版物",
        "not_processed_excessive": "4.无正当理由大量反复申请",
        "not_processed_confirmation": "5.要求行政机关确认或重新出具已获取信息", "other": "（六）其他处理",
        "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other_misc": "3.其他", "total": "（七）总计", "carried_over": "四、结转下年度继续办理",
    }
    assert set(printed) == {c for rows in APPLICATION_ROWS.values() for c, _ in rows}
    for code, label in printed.items():
        norm = normalize_label(label)
        row = Row(0, "applications", "table", 0, [strip_numbering(norm)], [norm], 0)
        assert match_application_row(row) == (code, "label"), label


def test_typo_in_a_label_still_matches_approximately() -> None:
    norm = normalize_label("2.其他法律法规禁上公开")
    row = Row(0, "applications", "table", 0, [strip_numbering(norm)], [norm], 0)
    hit = match_application_row(row)
    assert hit is not None and hit[0] == "withheld_prohibited"
