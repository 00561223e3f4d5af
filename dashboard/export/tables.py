"""The pack's tables with Chinese headers: one builder per table, shared by the deck, the brief and the workbook."""

from __future__ import annotations

import pandas as pd

from dashboard.export import takeaways as tk
from dashboard.export.data import RANKED, PackData, ranking_table
from dashboard.export.figures import Chart

SERIES_ZH = {"all": "两版一致", "2019": "2019年版", "2021": "2021年版"}
STATUS_ZH = {"published": "已公开", "superseded": "已公开（有更正版）", "missing": "缺报"}
FINDING_STATUS_ZH = {"open": "待核实", "confirmed": "已确认", "dismissed": "已驳回"}
RATE_COLUMNS_SUFFIX = "（%）"  # a header ending so marks a ratio column (stored as a fraction, shown as percent)


def cell_text(value: object, header: str) -> str:
    """A table value as printed in the deck and the brief: rates as percent, changes signed, blanks as —."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float | int) and header.endswith(RATE_COLUMNS_SUFFIX):
        return f"{value:.1%}"
    if isinstance(value, float | int):
        return f"{value:+,.0f}" if header.startswith("变化") else f"{value:,.0f}"
    return str(value)


def _header(data: PackData, code: str) -> str:
    unit = data.unit(code)
    return data.name(code) + (RATE_COLUMNS_SUFFIX if unit == "比率" else f"（{unit}）")


def key_figures_table(data: PackData) -> pd.DataFrame:
    """关键指标: this year, last year, change, for the headline indicators."""
    rows = []
    for k in tk.key_figures(data):
        change = None if k["value"] is None or k["previous"] is None else k["value"] - k["previous"]
        rows.append({"指标": k["name_zh"], "单位": k["unit"], f"{data.year}年": k["value"],
                     f"{data.year - 1}年": k["previous"], "变化": change, "说明": k["change_text"]})
    return pd.DataFrame(rows)


def trend_table(data: PackData) -> pd.DataFrame:
    """年度数据: every indicator's total per year and series (series kept: a change of series is not a trend)."""
    t = data.totals[data.totals["year"] <= data.year].copy()
    t["name"] = t["indicator"].map(lambda c: data.name(c) if c in data.defs.index else c)
    t["unit"] = t["indicator"].map(lambda c: data.unit(c) if c in data.defs.index else "")
    order = {c: i for i, c in enumerate(data.defs.index)}
    t = t.sort_values(["indicator", "year", "series"], key=lambda s: s.map(order) if s.name == "indicator" else s)
    return pd.DataFrame({"指标": t["name"], "代码": t["indicator"], "单位": t["unit"], "年度": t["year"].astype(int),
                         "口径": t["series"].map(lambda s: SERIES_ZH.get(str(s), str(s))), "数值": t["value"],
                         "报告份数": t["reports"].where(t["unit"] != "比率")}).reset_index(drop=True)


def ranking_zh(data: PackData) -> pd.DataFrame:
    """单位排名: agencies ranked by 本年新收申请, with last year's figure and the other ranked indicators."""
    r = ranking_table(data)
    first = RANKED[0]
    out = pd.DataFrame({"排名": r["rank"], "单位": r["short_name"], "类型": r["kind"],
                        _header(data, first): r[first], f"上年{data.name(first)}（件）": r["previous"],
                        "变化（件）": r["change"]})
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
    return pd.DataFrame({"单位": r["short_name"], "类型": r["kind"], "格式版本": r["template"].map(lambda t: f"{t}年版"),
                         "文件格式": r["format"], "文件名": r["source_name"], "错误（条）": r["errors"],
                         "提醒（条）": r["warnings"]})


def findings_table(data: PackData) -> pd.DataFrame:
    """数据问题: every open or confirmed finding of the year."""
    f = data.findings
    return pd.DataFrame({"单位": f["short_name"], "规则": f["rule"], "问题类型": f["rule"].map(lambda r: tk.RULE_ZH.get(r, r)),
                         "严重程度": f["severity"].map(lambda s: tk.SEVERITY_ZH.get(s, s)),
                         "状态": f["status"].map(lambda s: FINDING_STATUS_ZH.get(s, s)), "说明": f["message"],
                         "涉及单元格": f["cells"].map(lambda c: "、".join(c) if c is not None else "")})


def findings_by_rule_zh(data: PackData) -> pd.DataFrame:
    """数据问题按类型: counts per rule and severity."""
    t = tk.findings_by_rule(data)
    return pd.DataFrame({"规则": t["rule"], "问题类型": t["rule_zh"], "错误": t["error"], "提醒": t["warning"],
                         "提示": t["info"], "合计": t["total"]})


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
    return pd.DataFrame({"指标": d["name_zh"], "代码": d["indicator"], "单位": d["unit"], "定义": d["definition_zh"],
                         "口径说明": d["series_note_zh"].fillna("")})
