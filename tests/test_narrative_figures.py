"""主动公开政府信息 N 条 read from the report's own words, with its sentence; never a table cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.parse import parse_document
from dashboard.parse.narrative_figures import proactive_items
from dashboard.readers import read_document

FIXTURES = Path(__file__).parent / "fixtures"


def overview(name: str) -> tuple[str, int]:
    report = parse_document(read_document(FIXTURES / name))
    return report["sections"].get("overview") or "", int(report["year"])


@pytest.mark.parametrize(("name", "value", "approximate"), [
    ("hongze-2023.pdf", 1136, False),
    ("pingtan-2025.html", 7700, True),  # 累计主动公开政府信息7700余条
    ("000_7180246cedc2b1d8.txt", None, None),  # does not say it
    ("shanghai-kewei-2024.md", None, None),
])
def test_the_real_reports_figure_is_read_where_it_is_stated_and_only_there(name: str, value: int | None,
                                                                          approximate: bool | None) -> None:
    text, year = overview(name)
    fig = proactive_items(text, year)
    if value is None:
        assert fig is None
    else:
        assert fig is not None and fig.value == value and fig.approximate is approximate
        assert "主动公开" in fig.sentence and str(value) in fig.sentence


@pytest.mark.parametrize(("text", "value"), [
    ("全年主动公开各类政府信息一千二百条。", 1200),
    ("本年度主动公开政府信息1,234条，较上年增加10%。", 1234),
    ("主动公开政府信息２３４条", 234),
    ("全年共主动公开文件58条", 58),
])
def test_written_forms_of_the_number_are_read(text: str, value: int) -> None:
    fig = proactive_items(text, 2024)
    assert fig is not None and fig.value == value


@pytest.mark.parametrize("text", [
    "主动公开目录编制不够细化，部分栏目更新不及时。",
    "2022年主动公开政府信息1000条。",  # last year's figure in a 2023 report
    "主动公开工作中，其中3条信息更新不及时。",
    "全年收到政府信息公开申请12件。",
])
def test_sentences_that_do_not_state_this_years_figure_give_nothing(text: str) -> None:
    assert proactive_items(text, 2023) is None
