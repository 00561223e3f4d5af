"""年报质量评分: the default sheet from the spec's four headings, every deduction traceable to its finding, an item
never below 0, a sheet kept as data (a changed TOML changes the score)."""

from __future__ import annotations

from pathlib import Path

from dashboard.review.scoring import load_sheet, score

FEE = {"finding_id": 7, "rule": "FEE_REPORT", "severity": "warning", "message": "六未报告信息处理费"}
R1 = {"finding_id": 8, "rule": "R1", "severity": "error", "message": "结转关系不平"}
COPY = {"finding_id": 9, "rule": "SAME_TEXT", "severity": "warning", "message": "与上年雷同"}


def test_the_default_sheet_has_the_four_headings_of_the_spec_and_100_points() -> None:
    sheet = load_sheet()
    assert [i.name for i in sheet.items] == ["按时", "完整", "准确", "不雷同"]
    assert sheet.full == 100
    assert sheet.kind_of("LATE") == "按时" and sheet.kind_of("ROWS_COMPLETE") == "完整"
    assert sheet.kind_of("TEXT_TABLE") == "准确" and sheet.kind_of("SAME_TEXT") == "不雷同"
    assert sheet.kind_of("PARSE") == "其他"


def test_each_deduction_names_the_finding_it_comes_from() -> None:
    s = score([FEE, R1, COPY], load_sheet())
    assert s.total == 100 - 5 - 10 - 8
    assert {(d.item, d.finding_id, d.points) for d in s.deductions} == {("完整", 7, 5), ("准确", 8, 10), ("不雷同", 9, 8)}


def test_an_item_never_goes_below_zero_and_overdue_is_a_reason_not_a_finding() -> None:
    s = score([COPY, {**COPY, "finding_id": 10}, {**COPY, "finding_id": 11}], load_sheet(), overdue=True)
    assert s.by_item["不雷同"] == 0 and s.by_item["按时"] == 0
    overdue = [d for d in s.deductions if d.finding_id is None]
    assert [(d.item, d.reason) for d in overdue] == [("按时", "到公布期限仍未公布")]


def test_a_changed_sheet_changes_the_score(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.toml"
    sheet.write_text('title = "测试评分"\n[[items]]\nname = "完整"\npoints = 10\nrules = ["FEE_REPORT"]\n'
                     'deduct = { warning = 4 }\n', encoding="utf-8")
    s = score([FEE, R1], load_sheet(sheet))
    assert (s.total, s.full) == (6, 10)


def test_the_meeting_pack_says_how_many_published_on_time_and_which_problems_in_one_sentence(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from dashboard.export import takeaways as tk
    from dashboard.export.data import PackScope, load_pack_data
    from dashboard.ingest.pipeline import ingest_prepared
    from dashboard.ingest.prepare import prepare_file
    from dashboard.review.rounds import year_scores
    from dashboard.synth import round_plant as plant
    from tests.round_county import draft, fresh_db, make_county, write

    monkeypatch.setenv("NIANBAO_AS_OF", "2026-04-01")  # 2025 is due
    county = make_county(tmp_path / "county")
    db = fresh_db(county, tmp_path / "n.duckdb")
    no_fee = write(tmp_path / "no_fee.md", plant.without_fee(draft(county, 0).read_text(encoding="utf-8")))
    ingest_prepared([prepare_file(no_fee), prepare_file(draft(county, 1))], db, registry=county["registry"])
    region = county["agencies"][0].region
    scores = year_scores(2025, db, regions=[region], with_round=False)
    assert list(scores["评分"]) == [100, 95]
    assert "问题" in scores.iloc[1]["扣分明细"] and "未报告信息处理费" in scores.iloc[1]["扣分明细"]
    data = load_pack_data(2025, None, db, PackScope(region=region))
    sentence = tk.quality_sentence(data)
    assert "按时发布 2/3" in sentence and "1 个单位内容或表格不完整" in sentence
