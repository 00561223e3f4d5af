"""The pack's tables with Chinese headers: one builder per table, shared by the deck, the brief and the workbook."""

from __future__ import annotations

import pandas as pd

from dashboard.catalogue.labels import (
    COVERAGE_STATUS_ZH,
    FINDING_STATUS_ZH,
    RANK_STATUS_ZH,
    SERIES_ZH,
    cell_label,
    format_name,
    humanize,
    rank_change_label,
    rule_name,
    severity_name,
    template_name,
)
from dashboard.export import takeaways as tk
from dashboard.export.data import RANKED, PackData, ranking_table
from dashboard.export.figures import Chart

STATUS_ZH = COVERAGE_STATUS_ZH
RATE_COLUMNS_SUFFIX = "（%）"  # a header ending so marks a ratio column (stored as a fraction, shown as percent)
POINTS_SUFFIX = "（个百分点）"  # a change of a rate, stored in percentage points
INTEGER_HEADERS = ("排名", "名次", "上年名次", "序号", "年度", "最近一次报告")  # whole numbers, never "1,234"
RANKING_HEADERS = ("类别", "名次", "上年名次", "名次变化", "单位", "类型")  # the ranking's own columns, as 对比 shows them


def cell_text(value: object, header: str) -> str:
    """A table value as printed in the deck and the brief: rates as percent, changes signed, blanks as —."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—"  # a rank the query left empty is pd.NA (nullable integers), never printed as "<NA>"
    if isinstance(value, float | int) and header.endswith(RATE_COLUMNS_SUFFIX):
        return f"{value:.1%}"
    if isinstance(value, float | int) and header.endswith(POINTS_SUFFIX):
        return f"{value:+.1f}"
    if isinstance(value, float | int) and header in INTEGER_HEADERS:
        return f"{value:.0f}"
    if isinstance(value, float | int):
        if header.startswith("变化") and round(value) != 0:
            return f"{value:+,.0f}"
        return f"{value:,.0f}"
    return str(value)


def _header(data: PackData, code: str) -> str:
    unit = data.unit(code)
    return data.name(code) + (RATE_COLUMNS_SUFFIX if unit == "比率" else f"（{unit}）")


def key_figures_table(data: PackData) -> pd.DataFrame:
    """关键指标: this year, last year, change, for the headline indicators."""
    rows = []
    for k in tk.key_figures(data):
        change = None if k["value"] is None or k["previous"] is None else k["value"] - k["previous"]
        rate = k["unit"] == "比率"
        rows.append({"指标": k["name_zh"], "单位": "%" if rate else k["unit"], f"{data.year}年": k["value"],
                     f"{data.year - 1}年": k["previous"], "变化": change * 100 if rate and change is not None else change,
                     "变化单位": "个百分点" if rate else k["unit"], "说明": k["change_text"]})
    return pd.DataFrame(rows)


def trend_table(data: PackData) -> pd.DataFrame:
    """年度数据: every indicator's total per year and series (series kept: a change of series is not a trend)."""
    t = data.totals[data.totals["year"] <= data.year].copy()
    t["name"] = t["indicator"].map(lambda c: data.name(c) if c in data.defs.index else c)
    t["unit"] = t["indicator"].map(lambda c: data.unit(c) if c in data.defs.index else "")
    order = {c: i for i, c in enumerate(data.defs.index)}
    t = t.sort_values(["indicator", "year", "series"], key=lambda s: s.map(order) if s.name == "indicator" else s)
    return pd.DataFrame({"指标": t["name"], "单位": t["unit"].replace({"比率": "%"}), "年度": t["year"].astype(int),
                         "口径": t["series"].map(lambda s: SERIES_ZH.get(str(s), "两版一致")), "数值": t["value"],
                         "报告份数": t["reports"].where(t["unit"] != "比率")}).reset_index(drop=True)


def ranking_zh(data: PackData) -> pd.DataFrame:
    """单位排名: like units ranked by 本年新收申请 (类别 乡镇 / 街道 / 部门 / 政府, as 对比 ranks them), with 上年名次,
    名次变化 in 对比's words (↑2 / 新 / 上年未报 / 上年存疑 …), last year's figure and its change, 状态 (未报 /
    存疑未计 / 未填此项) and the other ranked indicators."""
    r = ranking_table(data)
    first = RANKED[0]
    unit = data.unit(first)
    out = pd.DataFrame({"类别": r["group"], "名次": r["rank"], "上年名次": r["previous_rank"],
                        "名次变化": [rank_change_label(a, b, s) for a, b, s in
                                 zip(r["rank"], r["previous_rank"], r["previous_status"], strict=True)],
                        "单位": r["short_name"], "类型": r["kind"],
                        _header(data, first): r["value"], f"上年{data.name(first).removeprefix('本年')}（{unit}）": r["previous"],
                        f"变化（{unit}）": r["change"], "状态": r["status"].map(RANK_STATUS_ZH).fillna("")})
    for code in RANKED[1:]:
        out[_header(data, code)] = r[code]
    return out


def charts_table(charts: list[Chart]) -> pd.DataFrame:
    """图表要点: every chart's title and its takeaway (for whoever writes the speech)."""
    return pd.DataFrame({"序号": range(1, len(charts) + 1), "图表": [c.title for c in charts],
                         "要点": [c.takeaway for c in charts]})


def reports_table(data: PackData) -> pd.DataFrame:
    """报告清单: the year's current reports and their findings."""
    r = data.reports
    return pd.DataFrame({"单位": r["short_name"], "类型": r["kind"], "格式版本": r["template"].map(template_name),
                         "文件格式": r["format"].map(format_name), "文件名": r["source_name"], "错误（条）": r["errors"],
                         "提醒（条）": r["warnings"]})


def findings_table(data: PackData) -> pd.DataFrame:
    """数据问题: every open or confirmed finding of the year."""
    f = data.findings
    return pd.DataFrame({"单位": f["short_name"], "问题类型": f["rule"].map(rule_name),
                         "严重程度": f["severity"].map(severity_name),
                         "状态": f["status"].map(lambda s: FINDING_STATUS_ZH.get(s, "待核实")),
                         "说明": f["message"].map(humanize),
                         "涉及单元格": f["cells"].map(lambda c: "；".join(cell_label(k) for k in c) if c is not None else "")})


def findings_by_rule_zh(data: PackData) -> pd.DataFrame:
    """数据问题按类型: counts per rule and severity."""
    t = tk.findings_by_rule(data)
    return pd.DataFrame({"问题类型": t["rule_zh"], "错误": t["error"], "提醒": t["warning"],
                         "提示": t["info"], "合计": t["total"]})


def non_reporters_table(data: PackData) -> pd.DataFrame:
    """缺报名单: unit, type, years missed in a row, last report received."""
    nr = data.non_reporters
    return pd.DataFrame({"单位": nr["short_name"], "类型": nr["kind"], "连续未报（年）": nr["years_missed"],
                         "最近一次报告": nr["last_report"].map(lambda y: f"{int(y)}年" if pd.notna(y) else "从未报送")})


def coverage_table(data: PackData) -> pd.DataFrame:
    """报告公开情况: agency × year publication status."""
    c = data.coverage[data.coverage["status"].notna()]
    wide = c.pivot_table(index=["short_name", "kind"], columns="year", values="status", aggfunc="first")
    wide = wide.map(lambda s: STATUS_ZH.get(s, "") if isinstance(s, str) else "")
    wide.columns = [f"{y}年" for y in wide.columns]
    return wide.reset_index().rename(columns={"short_name": "单位", "kind": "类型"})


def definitions_table(data: PackData) -> pd.DataFrame:
    """指标说明: every indicator's name, unit, definition and series note (dashboard/store/indicators.py)."""
    d = data.defs.reset_index()
    return pd.DataFrame({"指标": d["name_zh"], "单位": d["unit"].replace({"比率": "%"}),
                         "定义": d["definition_zh"].map(humanize), "口径说明": d["series_note_zh"].map(humanize)})
