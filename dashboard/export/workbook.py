"""The Excel workbook: one sheet per table, Chinese headers only, a frozen header row, numbers stored as numbers.

Rates are stored as fractions and shown as percentages; a change of a rate is stored in percentage points with a
number format that says so ("+2.5个百分点"); codes never appear — rules, formats and cells by their Chinese names.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.charts import SOURCE_NOTE
from dashboard.export import takeaways as tk
from dashboard.export.data import PackData
from dashboard.export.figures import Chart
from dashboard.export.tables import (
    charts_table,
    coverage_table,
    definitions_table,
    findings_by_rule_zh,
    findings_table,
    key_figures_table,
    non_reporters_table,
    ranking_zh,
    reports_table,
    trend_table,
)

POINTS_FORMAT = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
CHANGE_FORMAT = "+#,##0;-#,##0;0"
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")
HEADER_FONT = Font(name="宋体", bold=True, color="FFFFFF")
BODY_FONT = Font(name="宋体")


def _plain(value: object) -> object:
    """A cell value openpyxl stores natively: numbers stay numbers, missing stays empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def _width(text: object) -> int:
    s = "" if text is None else str(text)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, rate_columns: set[str] | None = None) -> None:
    ws = wb.create_sheet(title)
    ws.append([str(c) for c in df.columns])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in df.itertuples(index=False):
        ws.append([_plain(v) for v in row])
    rates = {j for j, c in enumerate(df.columns, start=1) if str(c).endswith("（%）") or c in (rate_columns or set())}
    for j, col in enumerate(df.columns, start=1):
        letter = get_column_letter(j)
        longest = max([_width(col), *(_width(v) for v in df.iloc[:, j - 1].head(200))], default=8)
        ws.column_dimensions[letter].width = min(max(8, longest + 2), 60)
        plain_int = str(col) in ("年度", "排名", "名次", "上年名次", "序号", "连续未报（年）")
        for cell in ws[letter][1:]:
            cell.font = BODY_FONT
            if plain_int:
                continue
            if j in rates and isinstance(cell.value, int | float):
                cell.number_format = "0.0%"
            elif str(col).startswith("变化") and isinstance(cell.value, int | float):
                cell.number_format = POINTS_FORMAT if str(col).endswith("（个百分点）") else CHANGE_FORMAT
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
            if isinstance(cell.value, str) and len(cell.value) > 30:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def write_workbook(data: PackData, charts: list[Chart], path: Path) -> Path:
    """Write the XLSX workbook to `path` (one sheet per table of the pack)."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = [
        ("关键指标", key_figures_table(data)),
        ("图表要点", charts_table(charts)),
        ("单位排名", ranking_zh(data)),
        ("年度数据", trend_table(data)),
        ("报告清单", reports_table(data)),
        ("缺报名单", non_reporters_table(data)),
        ("数据问题", findings_table(data)),
        ("问题分类", findings_by_rule_zh(data)),
        ("质量评分", data.quality.drop(columns=["agency_id"], errors="ignore")),
        ("公开情况", coverage_table(data)),
        ("指标说明", definitions_table(data)),
    ]
    for title, df in sheets:
        _sheet(wb, title, df)
    for title in ("关键指标", "年度数据"):
        _format_ratio_rows(wb[title])
    info = wb.create_sheet("说明")
    for line in (f"{data.scope} {data.year}年 政府信息公开工作年度报告数据", SOURCE_NOTE,
                 f"报告收到 {data.received} 份 / 应报 {data.expected} 份。",
                 "数字与看板一致：由看板使用的同一组查询计算。比率以小数存储、以百分比显示；比率的变化以“个百分点”计。",
                 tk.suspect_sentence(data),
                 "空白表示报告未填报或无法计算（不是0）。"):
        info.append([line])
    info.column_dimensions["A"].width = 90
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def _format_ratio_rows(ws) -> None:  # noqa: ANN001 — openpyxl worksheet
    """In sheets with a 单位 column, show ratio rows (单位 = %) as percentages and their change in 个百分点."""
    headers = [c.value for c in ws[1]]
    if "单位" not in headers:
        return
    unit_col = headers.index("单位")
    numeric = [j for j, h in enumerate(headers) if h and (str(h).endswith("年") or h == "数值")]
    change = headers.index("变化") if "变化" in headers else None
    for row in ws.iter_rows(min_row=2):
        rate = row[unit_col].value == "%"
        for j in numeric:
            if rate and isinstance(row[j].value, int | float):
                row[j].number_format = "0.0%"
        if change is not None and isinstance(row[change].value, int | float):
            row[change].number_format = POINTS_FORMAT if rate else CHANGE_FORMAT
