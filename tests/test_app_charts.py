"""The meeting charts (dashboard/charts.py): titles, source note, CJK font, series breaks, gaps, 3× PNG."""

from __future__ import annotations

import struct

import pandas as pd

from dashboard import charts


def normative_trend() -> pd.DataFrame:
    """规范性文件 as trend_indicator returns it: the 2019 series to 2021 (a late adopter), the 2021 series from 2021."""
    return pd.DataFrame({
        "scope": ["合计"] * 6,
        "year": [2019, 2020, 2021, 2021, 2022, 2024],
        "series": ["2019", "2019", "2019", "2021", "2021", "2021"],
        "value": [4.0, 6.0, 15.0, 40.0, 38.0, 41.0],
    })


def test_trend_draws_each_series_as_its_own_trace_and_marks_the_break() -> None:
    fig = charts.trend_figure(normative_trend(), "规范性文件制发 · 2019—2024年 · 全部单位", "件", "两版口径不同")
    assert len(fig.data) == 2
    spans = [(min(t.x), max(t.x)) for t in fig.data]
    assert spans == [(2019, 2021), (2021, 2024)]
    assert [s.x0 for s in fig.layout.shapes] == [2020.5]
    assert any("两版口径不同" in a.text for a in fig.layout.annotations)


def test_a_missing_year_is_a_gap_not_zero_and_not_joined() -> None:
    fig = charts.trend_figure(normative_trend(), "t", "件")
    later = fig.data[1]
    assert list(later.x) == [2021, 2022, 2023, 2024]
    assert later.y[2] is None and later.connectgaps is False


def test_every_chart_carries_its_title_the_source_note_and_the_cjk_font() -> None:
    grid = pd.DataFrame({"short_name": ["甲镇", "乙乡", "甲镇"], "year": [2022, 2022, 2023],
                         "series": ["all"] * 3, "value": [3.0, None, 5.0]})
    figs = [
        charts.trend_figure(normative_trend(), "标题一", "件"),
        charts.ranking_figure(grid.assign(value=[3.0, 1.0, 5.0]), "标题二", "件"),
        charts.heatmap_figure(grid, "标题三", "件"),
        charts.small_multiples_figure(grid, "标题四", "件"),
        charts.outcome_mix_figure({"予以公开": 3, "部分公开": None}, "标题五"),
        charts.coverage_figure(grid.assign(status=["published", "missing", "superseded"]), "标题六"),
        charts.bar_figure(["结转平衡"], [2], "标题七"),
    ]
    for fig, title in zip(figs, ["标题一", "标题二", "标题三", "标题四", "标题五", "标题六", "标题七"], strict=True):
        assert fig.layout.title.text == title
        assert any(a.text == charts.SOURCE_NOTE for a in fig.layout.annotations)
        assert "WenQuanYi Micro Hei" in fig.layout.font.family


def test_heatmap_leaves_a_cell_without_a_figure_empty() -> None:
    grid = pd.DataFrame({"short_name": ["甲镇", "乙乡"], "year": [2022, 2022], "series": ["all"] * 2,
                         "value": [3.0, None]})
    z = charts.heatmap_figure(grid, "t", "件").data[0].z
    assert sorted(map(str, z)) == ["[3.0]", "[None]"]


def test_chart_title_names_indicator_years_and_scope() -> None:
    assert charts.chart_title("本年新收申请", [2019, 2024, 2021], "乡、镇") == "本年新收申请 · 2019—2024年 · 乡、镇"
    assert charts.png_file_name("本年新收申请 · 2019—2024年 · 乡、镇") == "本年新收申请_2019—2024年_乡、镇.png"


def test_png_export_is_rendered_at_three_times_the_size() -> None:
    png = charts.to_png(charts.trend_figure(normative_trend(), "规范性文件制发", "件"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1100 * 3, 480 * 3)
