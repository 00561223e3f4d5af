"""Harmonized and derived indicators: the ONE place where each is defined (name, unit, definition, formula).

Each entry gives the cells it reads, per version of the format (indicator × version → cells: the
`indicator_cells` table). `series` tells where a trend may be drawn: 'all' when both versions ask the same or
nearly the same question (one line over 2019–2025; where the wording changed, `versions_zh` names the column of
each version and the chart marks the year the county's reports switched), else the one version that asks it
('2019'/'2021'): years of the other version are gaps, never 0. Sums count blank cells as 0 (spec) but are NULL when every cell is blank; ratios are NULL when the
denominator is 0 or NULL.
"""

from __future__ import annotations

from typing import Any

WITHHELD = ["withheld_state_secret", "withheld_prohibited", "withheld_security", "withheld_third_party",
            "withheld_internal", "withheld_process", "withheld_enforcement", "withheld_inquiry"]
UNAVAILABLE = ["unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear"]
NOT_PROCESSED = ["not_processed_petition", "not_processed_repeat", "not_processed_publication",
                 "not_processed_excessive", "not_processed_confirmation"]
OTHER = ["other", "other_no_correction", "other_no_fee", "other_misc"]


def _app(code: str, name: str, rows: list[str], definition: str) -> dict[str, Any]:
    return {"indicator": code, "name_zh": name, "unit": "件", "tbl": "applications", "rows": rows, "col": "total",
            "templates": ["2019", "2021"], "series": "all", "definition_zh": definition}


INDICATORS: list[dict[str, Any]] = [
    _app("applications_new", "本年新收申请", ["new"], "三、本年新收政府信息公开申请数量（总计列）"),
    _app("applications_carried_in", "上年结转申请", ["carried_in"], "三、上年结转政府信息公开申请数量（总计列）"),
    _app("applications_total_handled", "办理结果总计", ["total"], "三、（七）总计（总计列）"),
    _app("applications_carried_over", "结转下年度", ["carried_over"], "三、四、结转下年度继续办理（总计列）"),
    _app("granted", "予以公开", ["granted"], "三、（一）予以公开（总计列）"),
    _app("partial", "部分公开", ["partial"], "三、（二）部分公开（总计列）"),
    _app("withheld", "不予公开", WITHHELD, "三、（三）不予公开 1–8 项之和（总计列）"),
    _app("unavailable", "无法提供", UNAVAILABLE, "三、（四）无法提供 1–3 项之和（总计列）"),
    _app("not_processed", "不予处理", NOT_PROCESSED, "三、（五）不予处理 1–5 项之和（总计列）"),
    {**_app("other_handling", "其他处理", OTHER, "三、（六）其他处理之和（总计列）"),
     "series_note_zh": "2019年版为一行，2021年版为三行之和；口径相同，可跨版本比较。"},
    {"indicator": "disclosure_rate", "name_zh": "实质公开率", "unit": "比率", "ratio": (["granted", "partial"],
     "applications_total_handled"), "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "实质公开率 =（予以公开 + 部分公开）/ 办理结果总计；总计为0或空时不计算。",
     "formula": "(granted + partial) / applications_total_handled"},
    {"indicator": "reconsideration_total", "name_zh": "行政复议总计", "unit": "件", "tbl": "appeals",
     "rows": ["reconsideration"], "col": "total", "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "四、行政复议 总计（按报告所印）"},
    {"indicator": "reconsideration_corrected", "name_zh": "行政复议结果纠正", "unit": "件", "tbl": "appeals",
     "rows": ["reconsideration"], "col": "corrected", "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "四、行政复议 结果纠正"},
    {"indicator": "reconsideration_correction_rate", "name_zh": "复议纠错率", "unit": "比率",
     "ratio": (["reconsideration_corrected"], "reconsideration_total"), "templates": ["2019", "2021"],
     "series": "all", "definition_zh": "复议纠错率 = 行政复议结果纠正 / 行政复议总计；总计为0或空时不计算。",
     "formula": "reconsideration_corrected / reconsideration_total"},
    {"indicator": "litigation_total", "name_zh": "行政诉讼总计", "unit": "件", "tbl": "appeals",
     "rows": ["litigation_direct", "litigation_after"], "col": "total", "templates": ["2019", "2021"],
     "series": "all", "definition_zh": "四、行政诉讼 未经复议直接起诉总计 + 复议后起诉总计"},
    {"indicator": "litigation_corrected", "name_zh": "行政诉讼结果纠正", "unit": "件", "tbl": "appeals",
     "rows": ["litigation_direct", "litigation_after"], "col": "corrected", "templates": ["2019", "2021"],
     "series": "all", "definition_zh": "四、行政诉讼 两类起诉的结果纠正之和"},
    {"indicator": "normative_docs_issued", "name_zh": "规范性文件制发", "unit": "件", "tbl": "disclosure",
     "rows": ["normative_docs"], "col": {"2019": "made", "2021": "issued"}, "templates": ["2019", "2021"],
     "series": "all", "definition_zh": "二、规范性文件：2019年版“本年新制作数量”，2021年版“本年制发件数”",
     "versions_zh": {"2019": "本年新制作数量", "2021": "本年制发件数"},
     "series_note_zh": "两版问法相近（新制作 / 制发），连成一条线；2021年版起口径改为“本年制发件数”，图中标出。"},
    {"indicator": "normative_docs_in_force", "name_zh": "现行有效规范性文件", "unit": "件", "tbl": "disclosure",
     "rows": ["normative_docs"], "col": "in_force", "templates": ["2021"], "series": "2021",
     "definition_zh": "二、规范性文件 现行有效件数（仅2021年版）",
     "series_note_zh": "2019年版没有此项：2021年以前为空缺，不是0。"},
    {"indicator": "normative_docs_published", "name_zh": "规范性文件本年新公开", "unit": "件", "tbl": "disclosure",
     "rows": ["normative_docs"], "col": "published", "templates": ["2019"], "series": "2019",
     "definition_zh": "二、规范性文件 本年新公开数量（仅2019年版）",
     "series_note_zh": "2021年版不再填报：2021年起为空缺，不是降为0。"},
    {"indicator": "rules_issued", "name_zh": "规章制发", "unit": "件", "tbl": "disclosure", "rows": ["rules"],
     "col": {"2019": "made", "2021": "issued"}, "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "二、规章：2019年版“本年新制作数量”，2021年版“本年制发件数”",
     "versions_zh": {"2019": "本年新制作数量", "2021": "本年制发件数"},
     "series_note_zh": "两版问法相近，连成一条线；2021年版起口径改为“本年制发件数”，图中标出。"},
    {"indicator": "rules_published", "name_zh": "规章本年新公开", "unit": "件", "tbl": "disclosure",
     "rows": ["rules"], "col": "published", "templates": ["2019"], "series": "2019",
     "definition_zh": "二、规章 本年新公开数量（仅2019年版）",
     "series_note_zh": "2021年版不再填报：2021年起为空缺，不是降为0。"},
    {"indicator": "licensing_decisions", "name_zh": "行政许可处理决定", "unit": "件", "tbl": "disclosure",
     "rows": ["licensing"], "col": "decisions", "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "二、行政许可 处理决定数量"},
    {"indicator": "penalty_decisions", "name_zh": "行政处罚处理决定", "unit": "件", "tbl": "disclosure",
     "rows": ["penalty"], "col": "decisions", "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "二、行政处罚 处理决定数量"},
    {"indicator": "coercion_decisions", "name_zh": "行政强制处理决定", "unit": "件", "tbl": "disclosure",
     "rows": ["coercion"], "col": "decisions", "templates": ["2019", "2021"], "series": "all",
     "definition_zh": "二、行政强制 处理决定数量"},
    {"indicator": "fees_amount_wan", "name_zh": "行政事业性收费金额", "unit": "万元", "tbl": "disclosure",
     "rows": ["fees"], "col": "amount_wan", "templates": ["2021"], "series": "2021",
     "definition_zh": "二、行政事业性收费 本年收费金额（万元，仅2021年版）"},
    {"indicator": "procurement_projects", "name_zh": "政府集中采购项目数", "unit": "个", "tbl": "disclosure",
     "rows": ["procurement"], "col": "projects", "templates": ["2019"], "series": "2019",
     "definition_zh": "二、政府集中采购 采购项目数量（仅2019年版）"},
    {"indicator": "procurement_amount", "name_zh": "政府集中采购金额", "unit": "按原件", "tbl": "disclosure",
     "rows": ["procurement"], "col": "amount", "templates": ["2019"], "series": "2019",
     "definition_zh": "二、政府集中采购 采购总金额，按原件数字（单位见 cells.unit，常未注明；不作换算）",
     "series_note_zh": "2021年版不再填报，2021年起不是降为0而是序列中断。"},
]


def indicator_cell_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(indicator, tbl, row_code, col_code, template, series) for every cell a plain indicator sums."""
    out = []
    for d in INDICATORS:
        if "ratio" in d:
            continue
        cols = d["col"] if isinstance(d["col"], dict) else {t: d["col"] for t in d["templates"]}
        for template, col in cols.items():
            for row in d["rows"]:
                out.append((d["indicator"], d["tbl"], row, col, template, d["series"]))
    return out


def indicator_ratio_rows() -> list[tuple[str, list[str], str, list[str], str]]:
    """(indicator, numerator indicators, denominator indicator, templates, series) for every ratio."""
    return [(d["indicator"], d["ratio"][0], d["ratio"][1], d["templates"], d["series"]) for d in INDICATORS
            if "ratio" in d]


# The `indicators` table holds one row per (current report, indicator); it is filled when a report is stored and
# its rows are removed when the report is superseded — computing it from cells at read time took tens of seconds
# on a province's data. `{ids}` is a relation of report_ids to (re)compute, all between `{lo}` and `{hi}` (integer
# literals): every table is read only in that range — a batch's new reports are the newest ids, so the scan of cells
# is pruned to the batch's own files / row groups and a batch costs the same in a store of 10k or 100k reports.
# It reads current values (parsed cells with the active corrections applied, as the view effective_cells — kept
# in step with it by tests/test_queries_* comparing both), so a correction moves every indicator and total.
FILL_INDICATORS_SQL = """
insert into indicators (agency_id, year, report_id, template, indicator, value, series)
with r as (
  select agency_id, year, report_id, template from reports
  where report_id between {lo} and {hi} and superseded_by is null and draft is not true
    and report_id in (select report_id from {ids} where report_id between {lo} and {hi})
),
c as (
  select report_id, tbl, row_code, col_code, value from cells
  where report_id between {lo} and {hi} and report_id in (select report_id from r)
),
a as (
  select report_id, tbl, row_code, col_code, correction_id, value_after from corrections
  where status = 'active' and report_id between {lo} and {hi} and report_id in (select report_id from r)
),
v as (
  select c.report_id, c.tbl, c.row_code, c.col_code,
         case when a.correction_id is null then c.value else a.value_after end as value
  from c left join a on a.report_id = c.report_id and a.tbl = c.tbl and a.row_code = c.row_code
                        and a.col_code = c.col_code
  union all
  select a.report_id, a.tbl, a.row_code, a.col_code, a.value_after from a
  where not exists (select 1 from c where c.report_id = a.report_id and c.tbl = a.tbl and c.row_code = a.row_code
                    and c.col_code = a.col_code)
),
base as (
  select r.agency_id, r.year, r.report_id, r.template, m.indicator, sum(v.value) as value,
         case when m.series = 'template' then r.template else m.series end as series
  from r
  join indicator_cells m on m.template = r.template
  left join v on v.report_id = r.report_id and v.tbl = m.tbl and v.row_code = m.row_code
                   and v.col_code = m.col_code
  group by all
),
ratios as (
  select b.agency_id, b.year, b.report_id, b.template, q.indicator,
         coalesce(sum(b.value) filter (where list_contains(q.numerators, b.indicator)), 0)
           / nullif(max(b.value) filter (where b.indicator = q.denominator), 0) as value,
         case when q.series = 'template' then b.template else q.series end as series
  from base b join indicator_ratios q on list_contains(q.templates, b.template)
  group by all
)
select * from base union all select * from ratios
"""


IndicatorValue = tuple[str, str, float | None, str]  # (template, indicator, value, series)
_PLAIN: dict[str, list[tuple[str, str, str, str, str]]] = {}  # template -> (indicator, tbl, row, col, series)
for _ind, _tbl, _row, _col, _template, _series in indicator_cell_rows():
    _PLAIN.setdefault(_template, []).append((_ind, _tbl, _row, _col, _series))
_RATIOS = indicator_ratio_rows()


def indicator_values(template: str | None, cells: dict[str, list]) -> list[IndicatorValue]:
    """A report's indicator rows from its own cell rows (`records.cell_rows` columns), as FILL_INDICATORS_SQL
    computes them for a report without corrections: sums NULL when no cell is a number, ratios NULL when the
    denominator is 0 or NULL. Computed where the report was parsed, so a batch's indicators are written from the
    batch, never by joining against the store (tests/test_ingest_batch_rows.py compares both)."""
    if template not in _PLAIN:
        return []
    values = {(t, r, c): v for t, r, c, v in zip(cells["tbl"], cells["row_code"], cells["col_code"], cells["value"],
                                                 strict=True)}
    sums: dict[tuple[str, str], list[float]] = {}
    for ind, tbl, row, col, series in _PLAIN[template]:
        found = sums.setdefault((ind, template if series == "template" else series), [])
        v = values.get((tbl, row, col))
        if v is not None:
            found.append(v)
    out: list[IndicatorValue] = []
    base: dict[str, list[float | None]] = {}
    for (ind, series), found in sums.items():
        total = _sum(found)
        out.append((template, ind, total, series))
        base.setdefault(ind, []).append(total)
    for ind, numerators, denominator, templates, series in _RATIOS:
        if template not in templates:
            continue
        num = _sum([v for n in numerators for v in base.get(n, []) if v is not None]) or 0.0
        dens = [v for v in base.get(denominator, []) if v is not None]
        den = max(dens) if dens else None
        out.append((template, ind, num / den if den else None, template if series == "template" else series))
    return out


def _sum(values: list[float]) -> float | None:
    if not values:
        return None
    total = 0.0
    for v in values:
        total += v
    return total
