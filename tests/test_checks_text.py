"""TEXT_TABLE (figures of 一、总体情况 against table 三/四) and SAME_TEXT (内容雷同) on real report texts."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dashboard.checks import CheckContext, same_text, text_table
from dashboard.parse import parse_file

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = {"000_7180246cedc2b1d8.txt": "乡", "hongze-2023.pdf": "政府", "pingtan-2025.html": "政府",
          "pingtan-2025.docx": "政府", "shanghai-kewei-2024.md": "部门"}


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    """The corpus reports as the parser reads them (with their narrative)."""
    return {name: parse_file(FIXTURES / name) for name in CORPUS}


def test_the_corpus_texts_raise_no_false_alarm(parsed: dict[str, dict]) -> None:
    # The corpus tables are right (hand-checked) and their texts agree with them: every finding would be false.
    claims = {name: text_table.claims(rep, CORPUS[name]) for name, rep in parsed.items()}
    alarms = {name: text_table.check(rep, CheckContext(agency_kind=CORPUS[name])) for name, rep in parsed.items()}
    assert sum(len(c) for c in claims.values()) >= 9  # the check does read figures from these texts
    assert {n: a for n, a in alarms.items() if a} == {}


def test_the_new_applications_of_shanghai_are_read_from_its_text(parsed: dict[str, dict]) -> None:
    quotes = {c.quote: c.value for c in text_table.claims(parsed["shanghai-kewei-2024.md"], "部门")}
    assert quotes["收到政府信息公开申请34件"] == 34
    assert quotes["上年结转政府信息公开申请2件"] == 2


def test_a_changed_table_cell_contradicts_the_text(parsed: dict[str, dict]) -> None:
    rep = copy.deepcopy(parsed["pingtan-2025.html"])
    rep["appeals"]["reconsideration"]["total"] = 35
    found = text_table.check(rep, CheckContext(agency_kind="政府"))
    assert [f.cells for f in found] == [["appeals.reconsideration.total"]]
    assert "行政复议36起" in found[0].message and "35" in found[0].message


def _with_overview(text: str, year: int = 2023, new: int = 5, carried_in: int = 0) -> dict:
    rep = json.loads((FIXTURES / "expected" / "hongze-2023.json").read_text("utf-8"))
    rep["year"] = year
    rep["applications"]["new"]["total"] = new
    rep["applications"]["carried_in"]["total"] = carried_in
    rep["sections"] = {"overview": text}
    return rep


@pytest.mark.parametrize("text", [
    "2022年收到政府信息公开申请9件。",                      # another year
    "比上年多收到政府信息公开申请9件。",                      # a comparison
    "通过网上平台收到政府信息公开申请9件。",                  # a channel, a subset
    "共收到政府信息公开申请9件（含上年结转4件）。",            # the parts follow
    "县司法局全年办理行政复议案件9件。",                      # not about disclosure
    "全县各部门收到政府信息公开申请9件。",                    # the whole county, for a department
    "2022年，本局扎实推进政务公开。全年收到政府信息公开申请9件。",  # a narrative about last year (copied)
])
def test_ambiguous_phrases_are_not_read(text: str) -> None:
    assert text_table.check(_with_overview(text), CheckContext(agency_kind="部门")) == []


def test_received_may_include_the_carried_in_applications() -> None:
    rep = _with_overview("全年受理政府信息公开申请9件，均已按时答复。", new=5, carried_in=4)
    assert text_table.check(rep, CheckContext(agency_kind="部门")) == []


def test_a_stated_count_that_differs_is_reported() -> None:
    rep = _with_overview("2023年，本机关收到政府信息公开申请9件，均已按时答复。", new=5)
    assert [f.cells for f in text_table.check(rep, CheckContext(agency_kind="部门"))] == [["applications.new.total"]]


def test_no_applications_received_contradicts_a_table_with_some() -> None:
    rep = _with_overview("本年度未收到政府信息公开申请。", new=2)
    assert len(text_table.check(rep, CheckContext(agency_kind="乡"))) == 1


def test_no_appeal_claim_is_read_from_a_phrase_about_corrections() -> None:
    rep = _with_overview("未发生政府信息公开行政复议被纠错的情况。")  # hongze has 11 reconsiderations
    assert text_table.check(rep, CheckContext(agency_kind="政府")) == []


def test_chinese_numerals_are_read() -> None:
    rep = _with_overview("收到政府信息公开申请三件。", new=3)
    assert text_table.claims(rep)[0].value == 3
    assert text_table.check(rep, CheckContext()) == []


def test_a_narrative_copied_from_last_year_is_reported(parsed: dict[str, dict]) -> None:
    this = copy.deepcopy(parsed["hongze-2023.pdf"])
    prev = copy.deepcopy(this)
    prev["year"] = 2022
    prev["sections"]["overview"] = prev["sections"]["overview"].replace("2023", "2022").replace("1136", "1020")
    found = same_text.check(this, CheckContext(previous=prev))
    assert [f.cells for f in found] == [["sections.overview"], ["sections.problems"]]
    assert "雷同" in found[0].message


def test_different_narratives_are_not_alike(parsed: dict[str, dict]) -> None:
    prev = copy.deepcopy(parsed["pingtan-2025.html"])
    prev["year"] = 2022
    assert same_text.check(parsed["hongze-2023.pdf"], CheckContext(previous=prev)) == []


def test_simulated_narratives_agree_with_their_tables(tmp_path: Path) -> None:
    # The generator writes each overview from the report's own (final) figures: every alarm would be false.
    from dashboard.synth import synthesize

    res = synthesize(tmp_path, 8, [2021, 2022, 2023], ["md"], seed=3)
    claims = alarms = 0
    for path, truth in zip(res.files, res.truths, strict=True):
        rep, kind = parse_file(path), truth["synth"]["kind"]
        claims += len(text_table.claims(rep, kind))
        alarms += len(text_table.check(rep, CheckContext(agency_kind=kind)))
    assert claims >= 2 * len(res.files) and alarms == 0
