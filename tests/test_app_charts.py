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


def test_rates_are_drawn_on_a_percent_axis_with_room_above_100_percent() -> None:
    data = pd.DataFrame({"short_name": ["甲镇", "乙乡"], "value": [1.0, 0.25]})
    fig = charts.ranking_figure(data, "实质公开率", "比率")
    assert fig.layout.xaxis.tickformat == ".0%" and fig.layout.xaxis.range[1] > 1.0
    assert fig.data[0].texttemplate == "%{x:.1%}" and fig.data[0].cliponaxis is False


def test_counts_have_whole_number_ticks_even_when_small() -> None:
    fig = charts.trend_figure(normative_trend().assign(value=[0.0, 1.0, 2.0, 1.0, 2.0, 1.0]), "t", "件")
    assert fig.layout.yaxis.dtick >= 1 and fig.layout.yaxis.tickformat == ",d"


def test_large_numbers_are_shown_in_wan_with_the_unit_written_across_the_axis() -> None:
    frame = pd.DataFrame({"scope": ["全县"] * 3, "year": [2022, 2023, 2024], "series": ["all"] * 3,
                          "value": [120000.0, 250000.0, 400000.0]})
    fig = charts.trend_figure(frame, "t", "件")
    assert list(fig.data[0].y) == [12.0, 25.0, 40.0]
    assert any(a.text == "单位：万件" for a in fig.layout.annotations)
    assert not fig.layout.yaxis.title.text  # never a sideways axis title


def test_hover_names_the_year_once() -> None:
    fig = charts.trend_figure(normative_trend(), "t", "件")
    assert fig.data[0].customdata[0] == "2019年"
    assert "%{customdata}：" in fig.data[0].hovertemplate and "%{x}" not in fig.data[0].hovertemplate


def test_every_heatmap_row_is_labelled_and_long_matrices_split_into_pages() -> None:
    names = [f"第{i}镇" for i in range(40)]
    grid = pd.DataFrame({"short_name": names * 2, "year": [2023] * 40 + [2024] * 40, "series": ["all"] * 80,
                         "value": [float(i) for i in range(80)]})
    fig = charts.heatmap_figure(grid, "t", "件")
    assert list(fig.layout.yaxis.ticktext) == names and fig.layout.height >= 28 * 40
    pages = charts.heatmap_pages(grid, "矩阵", "件", rows_per_page=25)
    assert [len(p.data[0].y) for p in pages] == [20, 20]
    assert [p.layout.title.text for p in pages] == ["矩阵（1/2）", "矩阵（2/2）"]


def test_presentation_mode_sets_ticks_of_at_least_20_px() -> None:
    fig = charts.trend_figure(normative_trend(), "t", "件", present=True)
    assert fig.layout.xaxis.tickfont.size >= 20 and fig.layout.yaxis.tickfont.size >= 20
    assert charts.trend_figure(normative_trend(), "t", "件").layout.xaxis.tickfont.size < 20


def test_small_multiples_carry_one_unit_note_not_one_per_panel() -> None:
    grid = pd.DataFrame({"short_name": ["甲镇", "乙乡"] * 2, "year": [2023, 2023, 2024, 2024], "series": ["all"] * 4,
                         "value": [1.0, 2.0, 3.0, 4.0]})
    fig = charts.small_multiples_figure(grid, "t", "件")
    assert [a.text for a in fig.layout.annotations].count("单位：件") == 1
    assert not any(fig.layout[k].title.text for k in fig.layout if k.startswith("yaxis"))


def test_legend_reads_in_the_order_of_the_stacked_bars() -> None:
    fig = charts.outcome_mix_figure({"予以公开": 3, "部分公开": 1, "不予公开": 2}, "t")
    assert [t.name for t in fig.data] == ["予以公开", "部分公开", "不予公开"]
    assert fig.layout.legend.traceorder == "normal" and fig.layout.legend.orientation == "h"


def test_a_year_with_fewer_than_half_the_reports_is_hollow_and_says_so() -> None:
    frame = pd.DataFrame({"year": [2019, 2020, 2021, 2022], "value": [4.0, 6.0, None, 2.0],
                          "received": [30, 30, 0, 9], "expected": [30, 30, 30, 30]})
    fig = charts.coverage_trend_figure(frame, "规范性文件制发", "件", markers=[(2021, "2021年起为“本年制发件数”")])
    trace = fig.data[0]
    assert list(trace.y) == [4.0, 6.0, None, 2.0] and trace.connectgaps is False
    assert list(trace.marker.color) == [charts.NEUTRAL] * 2 + ["white"] * 2
    assert any(a.text == "数据不全（9/30）" for a in fig.layout.annotations)
    assert [s.x0 for s in fig.layout.shapes] == [2020.5]
    assert any("本年制发件数" in a.text for a in fig.layout.annotations)


def test_colours_of_categories_carry_no_judgement() -> None:
    fig = charts.outcome_mix_figure({"予以公开": 3, "部分公开": 1, "不予公开": 2, "无法提供": 4}, "t")
    reds_greens = {"#b03a48", "#e07a5f", "#2e8b57", "#81b29a"}
    assert not {t.marker.color for t in fig.data} & reds_greens


def test_plotly_config_is_chinese_with_a_reduced_modebar() -> None:
    config = charts.PLOTLY_CONFIG
    assert config["locale"] == "zh-CN" and config["displaylogo"] is False
    assert config["locales"]["zh-CN"]["dictionary"]["Download plot as a PNG"] == "下载图片（PNG）"
    assert {"lasso2d", "select2d", "pan2d"} <= set(config["modeBarButtonsToRemove"])
