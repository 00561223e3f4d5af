"""Each check rule on real expected reports (tests/fixtures/expected), changed one cell at a time."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dashboard.checks import (
    CheckContext,
    blank_total,
    hybrid,
    parse_problems,
    r1_carry_balance,
    r2_applicant_total,
    r3_outcome_total,
    r4_appeal_total,
    r5_value_range,
    rule_codes,
    run_checks,
    section_missing,
    unit,
    unknown_agency,
    version_year,
    x1_carried_in,
    x2_in_force,
    x3_prev_items,
)

EXPECTED = Path(__file__).parent / "fixtures" / "expected"


def load(name: str) -> dict:
    return json.loads((EXPECTED / f"{name}.json").read_text("utf-8"))


@pytest.fixture()
def pingtan() -> dict:
    """平潭 2025: a 2021-format report whose figures satisfy R1–R5."""
    return load("pingtan-2025")


@pytest.fixture()
def seed() -> dict:
    """红崖子沟乡 2021 in the 2019 format."""
    return load("000_7180246cedc2b1d8")


CTX = CheckContext()


def test_a_consistent_report_has_no_table_findings(pingtan: dict) -> None:
    findings = run_checks(pingtan, CheckContext(agency_kind="政府"))
    assert [f.rule for f in findings] == []


def test_r1_names_the_four_cells_of_the_column_that_does_not_balance(pingtan: dict) -> None:
    pingtan["applications"]["new"]["natural"] += 1
    found = r1_carry_balance.check(pingtan, CTX)
    assert [f.cells for f in found] == [["applications.new.natural", "applications.carried_in.natural",
                                         "applications.total.natural", "applications.carried_over.natural"]]
    assert "自然人" in found[0].message and found[0].severity == "error"


def test_r2_flags_a_row_whose_total_is_not_the_sum_of_applicants(pingtan: dict) -> None:
    pingtan["applications"]["granted"]["total"] += 2
    found = r2_applicant_total.check(pingtan, CTX)
    assert [f.cells[0] for f in found] == ["applications.granted.total"]
    assert "予以公开" in found[0].message


def test_r3_flags_a_total_row_that_differs_from_the_outcomes(pingtan: dict) -> None:
    pingtan["applications"]["withheld_process"]["legal"] += 1
    found = r3_outcome_total.check(pingtan, CTX)
    assert [f.cells[0] for f in found] == ["applications.total.legal"]


def test_r3_sums_the_single_other_row_of_a_hybrid_layout() -> None:
    hongze = load("hongze-2023")
    assert r3_outcome_total.check(hongze, CTX) == []
    assert "applications.other.total" in r3_outcome_total.check(_bump(hongze, "applications.other.total"), CTX)[0].cells


def _bump(report: dict, key: str) -> dict:
    rep = copy.deepcopy(report)
    tbl, row, col = key.split(".")
    rep[tbl][row][col] = (rep[tbl][row][col] or 0) + 1
    return rep


def test_r4_points_at_the_printed_totals_of_hongze_2023() -> None:
    found = r4_appeal_total.check(load("hongze-2023"), CTX)
    assert [f.cells[0] for f in found] == ["appeals.reconsideration.total", "appeals.litigation_after.total"]
    assert "总计0" in found[0].message and "= 11" in found[0].message


def test_blank_cells_count_as_zero_in_sums(pingtan: dict) -> None:
    rep = copy.deepcopy(pingtan)
    for col in rep["appeals"]["reconsideration"]:
        rep["appeals"]["reconsideration"][col] = None
    assert r4_appeal_total.check(rep, CTX) == []
    rep["appeals"]["reconsideration"]["upheld"] = 3
    assert len(r4_appeal_total.check(rep, CTX)) == 1


def test_a_cell_the_parser_could_not_read_silences_the_sum_that_needs_it(pingtan: dict) -> None:
    pingtan["appeals"]["reconsideration"]["upheld"] += 5
    assert r4_appeal_total.check(pingtan, CTX)
    pingtan["cell_flags"] = {"appeals.reconsideration.upheld": "missing"}
    pingtan["appeals"]["reconsideration"]["upheld"] = None
    assert r4_appeal_total.check(pingtan, CTX) == []


def test_a_partial_report_is_checked_only_where_cells_are_known() -> None:
    shanghai = load("shanghai-kewei-2024")  # five cells left out as uncertain
    assert r1_carry_balance.check(shanghai, CTX) == []
    assert r2_applicant_total.check(shanghai, CTX) == []


def test_r5_rejects_negative_counts_and_fractions_but_not_a_negative_change(seed: dict) -> None:
    seed["disclosure"]["licensing"]["change"] = -3
    assert r5_value_range.check(seed, CTX) == []
    seed["applications"]["new"]["natural"] = -1
    seed["disclosure"]["penalty"]["decisions"] = 2.5
    seed["disclosure"]["procurement"]["amount"] = 12.5
    assert sorted(f.cells[0] for f in r5_value_range.check(seed, CTX)) == [
        "applications.new.natural", "disclosure.penalty.decisions"]


def test_x1_compares_carried_in_with_last_years_carried_over(pingtan: dict) -> None:
    prev = copy.deepcopy(pingtan)
    prev["year"] = 2024
    prev["applications"]["carried_over"] = dict(pingtan["applications"]["carried_in"])
    assert x1_carried_in.check(pingtan, CheckContext(previous=prev)) == []
    prev["applications"]["carried_over"]["total"] += 4
    found = x1_carried_in.check(pingtan, CheckContext(previous=prev))
    assert [f.cells for f in found] == [["applications.carried_in.total"]]
    assert found[0].severity == "warning"


def test_x2_checks_the_stock_of_normative_documents_within_the_2021_format(pingtan: dict) -> None:
    prev = copy.deepcopy(pingtan)
    prev["year"] = 2024
    nd = pingtan["disclosure"]["normative_docs"]
    prev["disclosure"]["normative_docs"]["in_force"] = nd["in_force"] - nd["issued"] + nd["repealed"]
    prev["disclosure"]["rules"]["in_force"] = pingtan["disclosure"]["rules"]["in_force"] - \
        pingtan["disclosure"]["rules"]["issued"] + pingtan["disclosure"]["rules"]["repealed"]
    assert x2_in_force.check(pingtan, CheckContext(previous=prev)) == []
    prev["disclosure"]["normative_docs"]["in_force"] += 1
    assert [f.cells[0] for f in x2_in_force.check(pingtan, CheckContext(previous=prev))] == [
        "disclosure.normative_docs.in_force"]


def test_x2_does_not_compare_across_the_change_of_format(pingtan: dict, seed: dict) -> None:
    assert x2_in_force.check(pingtan, CheckContext(previous=seed)) == []


def test_x3_follows_prev_items_from_one_2019_report_to_the_next(seed: dict) -> None:
    nxt = copy.deepcopy(seed)
    nxt["year"] = 2022
    seed["disclosure"]["licensing"]["change"] = 2
    nxt["disclosure"]["licensing"]["prev_items"] = seed["disclosure"]["licensing"]["prev_items"] + 2
    assert x3_prev_items.check(nxt, CheckContext(previous=seed)) == []
    nxt["disclosure"]["licensing"]["prev_items"] += 1
    assert [f.cells for f in x3_prev_items.check(nxt, CheckContext(previous=seed))] == [
        ["disclosure.licensing.prev_items"]]


def test_the_sample_report_is_told_it_used_the_2019_format_for_2021(seed: dict) -> None:
    found = version_year.check(seed, CTX)
    assert [f.rule for f in found] == ["VERSION_YEAR"]
    assert found[0].message_en == "2019 format used for a 2021 report"
    assert "2019年版格式" in found[0].message


def test_the_2021_format_for_2021_on_is_no_finding(pingtan: dict) -> None:
    assert version_year.check(pingtan, CTX) == []


def test_hybrid_layout_is_reported_for_hongze_2023() -> None:
    found = hybrid.check(load("hongze-2023"), CTX)
    assert [f.cells for f in found] == [["applications.other.total"]]
    assert hybrid.applications_layout(load("pingtan-2025")) == "2021"


def test_a_missing_table_or_empty_narrative_is_reported(pingtan: dict) -> None:
    del pingtan["appeals"]
    pingtan["sections"] = {"overview": "2025年……", "problems": "", "other_matters": "无。"}
    found = section_missing.check(pingtan, CTX)
    assert sorted((f.severity, tuple(f.cells)) for f in found) == [("error", ()), ("warning", ("sections.problems",))]


def test_a_record_without_narrative_says_nothing_about_sections(pingtan: dict) -> None:
    assert section_missing.check(pingtan, CTX) == []


def test_blank_total_cells_are_listed(pingtan: dict) -> None:
    pingtan["applications"]["granted"]["total"] = None
    pingtan["cell_flags"] = {"applications.granted.total": "placeholder"}
    pingtan["appeals"]["litigation_direct"]["total"] = None
    found = blank_total.check(pingtan, CTX)
    assert found[0].cells == ["applications.granted.total", "appeals.litigation_direct.total"]
    assert "占位符" in found[0].message


def test_a_township_procurement_amount_without_unit_reads_as_yuan(seed: dict) -> None:
    found = unit.check(seed, CheckContext(agency_kind="乡"))
    assert [f.cells for f in found] == [["disclosure.procurement.amount"]]
    assert "122852" in found[0].message and "元" in found[0].message and "12.29" in found[0].message
    assert seed["disclosure"]["procurement"]["amount"] == 122852  # never converted


def test_an_amount_with_a_plausible_unit_is_no_finding(seed: dict) -> None:
    seed["units"] = {"disclosure.procurement.amount": "元"}
    assert unit.check(seed, CheckContext(agency_kind="乡")) == []


def test_a_fee_written_in_yuan_under_the_wan_header_is_reported(pingtan: dict) -> None:
    pingtan["disclosure"]["fees"]["amount_wan"] = 251000
    pingtan["units"] = {"disclosure.fees.amount_wan": "元"}
    assert [f.cells for f in unit.check(pingtan, CheckContext(agency_kind="镇"))] == [["disclosure.fees.amount_wan"]]


def test_parser_problems_become_parse_findings_except_those_a_rule_reports(pingtan: dict) -> None:
    pingtan["problems"] = [
        {"code": "placed_by_order", "severity": "warning", "message_zh": "按行序放入：partial", "message_en": "x",
         "cells": ["applications.partial"]},
        {"code": "hybrid", "severity": "info", "message_zh": "混合格式", "message_en": "hybrid", "cells": []},
    ]
    found = parse_problems.check(pingtan, CTX)
    assert [(f.rule, f.cells) for f in found] == [("PARSE", ["applications.partial"])]


def test_an_unknown_agency_gets_a_suggestion_never_a_match(pingtan: dict) -> None:
    found = unknown_agency.check(pingtan, CheckContext(agency_known=False, agency_suggestion="平潭综合实验区管委会"))
    assert "平潭综合实验区管委会" in found[0].message and "不会自动归并" in found[0].message


def test_checks_never_change_the_report(pingtan: dict) -> None:
    before = copy.deepcopy(pingtan)
    run_checks(pingtan, CheckContext(previous=copy.deepcopy(pingtan)))
    assert pingtan == before


def test_every_rule_has_a_code_of_the_schema_contract() -> None:
    contract = {"R1", "R2", "R3", "R4", "R5", "X1", "X2", "X3", "VERSION_YEAR", "HYBRID", "SECTION_MISSING",
                "BLANK_TOTAL", "UNIT", "TEXT_TABLE", "SAME_TEXT", "UNKNOWN_AGENCY", "PARSE",
                "SECTION_ORDER", "ROWS_COMPLETE", "PROBLEMS_MEASURES", "FEE_REPORT", "TITLE", "LATE"}
    assert set(rule_codes()) == contract


def test_a_record_of_an_odd_shape_gets_a_finding_not_a_crash(pingtan: dict) -> None:
    pingtan["sections"] = {"overview": 12345}  # not text
    pingtan["applications"]["new"] = "garbled"
    found = run_checks(pingtan, CheckContext())
    assert any(f.rule == "TEXT_TABLE" and "未能完成" in f.message for f in found)
