"""One-sentence takeaways computed from the data (e.g. "本年新收申请较上年增长 23%，增量主要来自 XX镇").

Each sentence states what the numbers show and nothing more: no comparison across a break of series, no growth
rate from a zero or missing base, and a caveat when the two years were reported by different numbers of agencies.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard.catalogue.labels import (
    PREVIOUS_STATUS_EXPLAIN_ZH,
    PREVIOUS_STATUS_ZH,
    RANK_STATUS_ZH,
    SEVERITY_ZH,
    rule_name,
)
from dashboard.export.data import PackData, agency_values, coverage_of_year

MIN_CHANGE = 5  # a change smaller than this (in 件) is not a headline, however large its percentage


def fmt_value(value: float | None, unit: str) -> str:
    """A number as a meeting reads it: '1,234件', '56.7%', '12.50万元', '—' when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "比率":
        return f"{value:.1%}"
    if unit == "万元":
        return f"{value:,.2f}万元"
    if unit == "按原件":
        return f"{value:,.2f}"
    return f"{value:,.0f}{unit}"


def in_year(year: int, name: str) -> str:
    """'2024年新收申请' for '本年新收申请' (never '2024年本年…'), '2024年实质公开率' otherwise."""
    return f"{year}年{name.removeprefix('本年')}"


def change_phrase(cur: float | None, prev: float | None, unit: str) -> str | None:
    """'较上年增长 23.0%' / '较上年下降 4 件' / '与上年持平'; None when there is nothing to compare."""
    if cur is None or prev is None:
        return None
    if unit == "比率":
        d = (cur - prev) * 100
        return "与上年持平" if abs(d) < 0.05 else f"较上年{'提高' if d > 0 else '下降'} {abs(d):.1f} 个百分点"
    if cur == prev:
        return "与上年持平"
    if prev == 0:
        return f"较上年增加 {fmt_value(cur - prev, unit)}（上年为0）"
    pct = (cur - prev) / prev * 100
    return f"较上年{'增长' if pct > 0 else '下降'} {abs(pct):.1f}%"


def reporting_agencies(data: PackData, year: int) -> set[int]:
    """Agencies with a current report in a year (quality_coverage: published or superseded)."""
    return data.reporting(year)


def compare_years(data: PackData, code: str) -> tuple[float | None, float | None, str]:
    """(this year, last year or None, caveat) of one indicator's total.

    Last year is None for a year not yet due (a total of the few reports received early is not a fall, as 总览
    says it), across a break of series and when no agency reported in both years; when the two years' agencies
    differ, the caveat says so.
    """
    cur, series, _, _ = data.year_value(code, data.year)
    if data.not_due:
        return cur, None, "（本年度报告尚未到期，合计只含已收到的报告，不与上年比较）"
    prev, series_prev, _, _ = data.year_value(code, data.year - 1)
    if prev is None or cur is None:
        return cur, None, ""
    if series != series_prev:
        return cur, None, "（上年为另一版格式，口径不同，不作比较）"
    now, before = reporting_agencies(data, data.year), reporting_agencies(data, data.year - 1)
    both = now & before
    if not both:
        return cur, None, "（上年报告单位与本年完全不同，不作比较）"
    if now != before:
        return cur, prev, (f"（本年 {len(now)} 个单位、上年 {len(before)} 个单位报告，其中 {len(both)} 个两年均有，"
                           "口径不完全可比）")
    return cur, prev, ""


def main_contributor(data: PackData, code: str, rising: bool) -> tuple[str, float, str] | None:
    """The agency whose change contributes most to the total's rise (or fall): name, change, and why when it
    reported in only one of the two years (a unit that stopped reporting takes its whole figure out of the total)."""
    cur = agency_values(data, code, data.year).set_index("agency_id")
    prev = agency_values(data, code, data.year - 1).set_index("agency_id")
    both = cur.join(prev[["short_name", "value", "series"]].add_suffix("_prev"), how="outer")
    same = both["series"].isna() | both["series_prev"].isna() | (both["series"] == both["series_prev"])
    both = both[same & (both["value"].notna() | both["value_prev"].notna())]
    if both.empty:
        return None
    delta = both["value"].fillna(0) - both["value_prev"].fillna(0)
    best = delta.idxmax() if rising else delta.idxmin()
    if (rising and delta[best] <= 0) or (not rising and delta[best] >= 0):
        return None
    row = both.loc[best]
    name = row["short_name"] if isinstance(row["short_name"], str) else row["short_name_prev"]
    why = ""
    if pd.isna(row["value"]):
        why = "，本年无此数据" if best in data.reporting(data.year) else "，本年无报告"
    elif pd.isna(row["value_prev"]):
        why = "，上年无此数据" if best in data.reporting(data.year - 1) else "，上年无报告"
    return str(name), float(delta[best]), why


def comparability_note(data: PackData) -> str:
    """'' when the same agencies reported in both years, else a note on how the two years' agencies differ."""
    now, before = reporting_agencies(data, data.year), reporting_agencies(data, data.year - 1)
    if not before or now == before:
        return ""
    both = now & before
    if not both:
        return f"注：{data.year - 1}年与{data.year}年的报告单位完全不同，不作同比。"
    return (f"注：本年 {len(now)} 个单位、上年 {len(before)} 个单位报告，其中 {len(both)} 个两年均有；"
            "同比增减含报告单位变化的影响。")


def total_sentence(data: PackData, code: str, caveat: bool = True) -> str:
    """The year's total of a summed indicator, its change and the agency that drove it (caveat: add the note)."""
    name, unit = data.name(code), data.unit(code)
    cur, prev, note = compare_years(data, code)
    note = note if caveat or prev is None else ""
    if cur is None:
        return f"{data.year}年各报告均未填报{name}。"
    text = f"{in_year(data.year, name)}{fmt_value(cur, unit)}"
    phrase = change_phrase(cur, prev, unit)
    if phrase is None:
        return text + (note or "，上年无可比数据") + "。"
    text += "，" + phrase
    if prev is not None and cur != prev and len(data.agency_ids or [0, 0]) > 1:
        who = main_contributor(data, code, rising=cur > prev)
        if who:
            text += f"，{'增量' if cur > prev else '减量'}主要来自{who[0]}（{who[1]:+,.0f}{unit}{who[2]}）"
    return text + note + "。"


def ratio_sentence(data: PackData, code: str) -> str:
    """A ratio's value this year and its change in percentage points."""
    name, unit = data.name(code), data.unit(code)
    cur, prev, note = compare_years(data, code)
    if cur is None:
        return f"{data.year}年{name}无法计算（分母为0或未填报）。"
    text = f"{data.year}年{name}为{fmt_value(cur, unit)}"
    phrase = change_phrase(cur, prev, unit)
    return text + ("，" + phrase if phrase else (note or "，上年无可比数据")) + "。"


def _group_words(group: str) -> tuple[str, str]:
    """How a sentence names the units it speaks of: ('各乡镇', '乡镇中') for a group of like units, ('各单位', '')
    for all of them."""
    return (f"各{group}", f"{group}中") if group else ("各单位", "")


def _who(rows: pd.DataFrame, value: float, unit: str) -> str:
    """The units of `rows` that have this value, named: 'A（5件）', or 'A、B（各5件）' when several share it (at most
    three named, then '等 n 个单位')."""
    names = list(rows.loc[rows["value"] == value, "short_name"].astype(str))
    if len(names) == 1:
        return f"{names[0]}（{fmt_value(value, unit)}）"
    shown = "、".join(names[:3]) + (f"等 {len(names)} 个单位" if len(names) > 3 else "")
    return f"{shown}（各{fmt_value(value, unit)}）"


def ratio_spread_sentence(data: PackData, code: str, rows: pd.DataFrame | None = None, group: str = "") -> str:
    """The highest and lowest agency of a ratio this year, and how many agencies it cannot be computed for — among
    `rows` of agency_values (one group of like units, named `group`) when given, else every agency."""
    name, unit = data.name(code), data.unit(code)
    per = agency_values(data, code, data.year) if rows is None else rows
    known = per.dropna(subset=["value"])
    among, within = _group_words(group)
    if known.empty:
        return f"{data.year}年{among}{name}均无法计算（分母为0或未填报）。"
    hi, lo = known["value"].max(), known["value"].min()
    text = within + (
        f"{name}均为{fmt_value(hi, unit)}" if hi == lo else
        f"{name}最高为{_who(known, hi, unit)}，最低为{_who(known, lo, unit)}")
    if len(per) > len(known):
        text += f"；{len(per) - len(known)} 个单位无法计算（分母为0或未填报）"
    return text + "。"


def top_sentence(data: PackData, code: str, rows: pd.DataFrame | None = None, group: str = "") -> str:
    """Which agency has the most of an indicator this year (all of them when several share the most), and its share
    of the total — of `rows` of agency_values (one group of like units, named `group`) when given, else of every
    agency."""
    name, unit = data.name(code), data.unit(code)
    per = (agency_values(data, code, data.year) if rows is None else rows).dropna(subset=["value"])
    total = per["value"].sum()
    among, within = _group_words(group)
    if per.empty or total <= 0:
        return f"{data.year}年{among}{name}均为0或未填报。"
    most = per["value"].max()
    tied = int((per["value"] == most).sum())
    share = most * tied / total
    n_zero = int((per["value"] == 0).sum())
    text = within + f"{name}最多的是{_who(per, most, unit)}，" + \
        f"{'合' if tied > 1 else ''}占{f'{group}合计' if group else '全部'}的 {share:.0%}"
    if n_zero:
        text += f"；{n_zero} 个单位为0"
    return text + "。"


def ranking_sentence(data: PackData, group: str, rows: pd.DataFrame) -> str:
    """One group of a ranking (rows of data.ranking): how many units, how many ranked, and the rest by status, as
    对比 counts them ('乡镇 17 个单位按本年新收申请排名，15 个有名次；2 个未报，列在最后。')."""
    name = data.name("applications_new")
    ranked = int((rows["status"] == "ranked").sum())
    text = f"{group} {len(rows)} 个单位按{name}排名（同类单位相比），{ranked} 个有名次"
    others = [f"{int((rows['status'] == s).sum())} 个{RANK_STATUS_ZH[s]}" for s in ("held", "blank", "uncomputable")
              if (rows["status"] == s).any()]
    missing = int((rows["status"] == "missing").sum())
    if missing:
        others.append(f"{missing} 个应报未报，列在最后")
    return text + ("；" + "；".join(others) if others else "") + "。"


def ranking_words_note(rows: pd.DataFrame) -> str:
    """What the words in 名次变化 mean, for those a group uses (as 对比's caption says them); '' when none."""
    shown = [s for s in PREVIOUS_STATUS_ZH if ((rows["previous_status"] == s) & rows["rank"].notna()).any()]
    if not shown:
        return ""
    return "名次变化只比较两年都有名次的单位；" + "；".join(PREVIOUS_STATUS_EXPLAIN_ZH[s] for s in shown) + "。"


def outcome_sentence(data: PackData) -> str:
    """How the year's applications were answered: the largest outcome and its share."""
    values = {k: data.year_value(k, data.year)[0] for k in ("granted", "partial", "withheld", "unavailable",
                                                                    "not_processed", "other_handling")}
    known = {k: v for k, v in values.items() if v is not None}
    total = sum(known.values())
    if not known or total <= 0:
        return f"{data.year}年无申请办理结果数据。"
    top = max(known, key=lambda k: known[k])
    return (f"{data.year}年办理结果中占比最大的是“{data.name(top)}”（{fmt_value(known[top], '件')}，"
            f"占 {known[top] / total:.0%}），实质公开率为"
            f"{fmt_value(data.year_value('disclosure_rate', data.year)[0], '比率')}。")


def appeals_sentence(data: PackData) -> str:
    """The year's reconsiderations and lawsuits, with their change."""
    parts = []
    for code in ("reconsideration_total", "litigation_total"):
        cur, prev, _ = compare_years(data, code)
        phrase = change_phrase(cur, prev, "件")
        parts.append(f"{data.name(code)}{fmt_value(cur, '件')}" + (f"，{phrase}" if phrase else ""))
    rate = data.year_value("reconsideration_correction_rate", data.year)[0]
    tail = f"；复议纠错率 {fmt_value(rate, '比率')}" if rate is not None else ""
    return f"{data.year}年" + "；".join(parts) + tail + "。"


def coverage_text(data: PackData) -> str:
    """'收到 28 / 应报 30' — the coverage every title states."""
    return f"收到 {data.received} / 应报 {data.expected}"


def is_partial(data: PackData) -> bool:
    """True when fewer reports arrived than were due (a year not yet due is not partial: see data.not_due)."""
    return data.received < data.expected and not data.not_due


def coverage_sentence(data: PackData) -> str:
    """Expected, received and missing reports of the year."""
    c = coverage_of_year(data, data.year)
    if data.not_due:
        return f"{data.year}年度报告{data.not_due}，未到期的单位不计缺报。"
    text = f"{data.year}年应报 {c['expected']} 个单位，已收到 {c['received']} 份报告"
    missing = c["missing"]
    if missing:
        names = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        return text + f"，缺报 {len(missing)} 个：{names}。"
    return text + "，全部按时报送，无缺报。"


def suspect_sentence(data: PackData) -> str:
    """What was done with values flagged as suspect (held back from totals, or included and named)."""
    n = data.suspect_values
    if not n:
        return "本年报告中没有被标为错误的存疑数值。"
    if data.suspect_held_back:
        return f"另有 {n} 个存疑数值未计入合计（见数据问题）。"
    return f"有 {n} 个数值所在单元格被核对规则标为错误（见数据问题），目前仍计入合计，使用时请留意。"


def non_reporter_sentence(data: PackData) -> str:
    """The 缺报名单 in one sentence: who, and who has missed more than one year in a row."""
    nr = data.non_reporters
    if nr.empty:
        return coverage_sentence(data)
    names = "、".join(nr["short_name"].astype(str).head(6)) + ("等" if len(nr) > 6 else "")
    text = f"{data.year}年应报 {data.expected} 个单位，缺报 {len(nr)} 个：{names}"
    long = nr[nr["years_missed"] > 1]
    if not long.empty:
        text += "；其中" + "、".join(f"{r.short_name}连续 {r.years_missed} 年未报" for r in long.head(3).itertuples())
    return text + "。"


def _changes(data: PackData) -> list[tuple[float, str]]:
    """(size of change, indicator) of the summed key figures that can be compared with last year, largest first."""
    out = []
    for k in key_figures(data):
        cur, prev = k["value"], k["previous"]
        if k["unit"] == "比率" or cur is None or prev is None or cur == prev:
            continue
        delta = cur - prev
        if abs(delta) < MIN_CHANGE:
            continue
        out.append((abs(delta) / max(abs(prev), 1.0), k["indicator"]))
    return sorted(out, reverse=True)


def key_points(data: PackData) -> list[str]:
    """3–5 findings from the data, in a fixed order: coverage if partial, the two largest changes with their
    drivers, the disclosure rate, non-reporters, open data problems. Deterministic templates, no guessing."""
    points: list[str] = []
    if data.not_due:
        points.append(f"{data.year}年度报告{data.not_due}，以下合计只含已收到的报告。")
    elif is_partial(data):
        points.append(f"本年数据不全：{coverage_text(data)}，以下合计只含已收到的报告。")
    differ = "（两年的报告单位不完全相同）" if comparability_note(data) else ""
    for _, code in _changes(data)[:2]:
        points.append(total_sentence(data, code, caveat=False).removesuffix("。") + differ + "。")
    if data.year_value("disclosure_rate", data.year)[0] is not None:
        points.append(ratio_sentence(data, "disclosure_rate"))
    points.append(non_reporter_sentence(data))
    points.append(findings_sentence(data))
    if len(points) < 3:
        points.append(total_sentence(data, "applications_new", caveat=False))
    return points[:5]


def findings_sentence(data: PackData) -> str:
    """How many open or confirmed findings, by severity, and the most frequent rule."""
    f = data.findings
    closed = "；".join(x for x in (f"{data.dismissed} 条经核实已排除（不是问题）" if data.dismissed else "",
                                  f"{data.resolved} 条已因更正关闭" if data.resolved else "") if x)
    if f.empty:
        return f"{data.year}年报告未发现" + (f"待处理的数据问题（{closed}）" if closed else "数据问题") + "。"
    by_sev = f["severity"].value_counts()
    sev = "、".join(f"{SEVERITY_ZH.get(s, s)} {int(n)} 条" for s, n in by_sev.items())
    top_rule = f["rule"].value_counts().idxmax()
    n_reports = f["report_id"].nunique()
    text = (f"{data.year}年 {n_reports} 份报告共有数据问题 {len(f)} 条（{sev}），最多的是"
            f"“{rule_name(top_rule)}”（{int((f['rule'] == top_rule).sum())} 条）")
    if closed:
        text += f"；另有 {closed}，未计入"
    return text + "。"


def findings_by_rule(data: PackData) -> pd.DataFrame:
    """Findings counted by rule and severity (open and confirmed), most frequent first."""
    f = data.findings
    if f.empty:
        return pd.DataFrame(columns=["rule", "rule_zh", "error", "warning", "info", "total"])
    t = f.pivot_table(index="rule", columns="severity", values="finding_id", aggfunc="count", fill_value=0)
    for s in ("error", "warning", "info"):
        if s not in t.columns:
            t[s] = 0
    t = t[["error", "warning", "info"]].astype(int)
    t["total"] = t.sum(axis=1)
    t = t.sort_values("total", ascending=False).reset_index()
    t.insert(1, "rule_zh", t["rule"].map(rule_name))
    return t


KEY_FIGURES = ["applications_new", "applications_total_handled", "disclosure_rate", "applications_carried_over",
               "reconsideration_total", "reconsideration_correction_rate", "litigation_total", "licensing_decisions",
               "penalty_decisions", "normative_docs_issued"]


def key_figures(data: PackData) -> list[dict]:
    """The headline figures of the year: indicator, name, unit, value, last year (None across a break), change text."""
    return data.memo("key_figures", lambda: _key_figures(data))


def _key_figures(data: PackData) -> list[dict]:
    out = []
    for code in KEY_FIGURES:
        cur, prev, caveat = compare_years(data, code)
        unit = data.unit(code)
        out.append({"indicator": code, "name_zh": data.name(code), "unit": unit, "value": cur, "previous": prev,
                    "value_text": fmt_value(cur, unit), "change_text": change_phrase(cur, prev, unit) or
                    (caveat.strip("（）") or "上年无可比数据"), "caveat": caveat})
    return out


def quality_sentence(data: PackData) -> str:
    """年报质量评分 in one sentence: "按时发布 27/30；3 个单位存在数据不一致…" ('' when no report was scored)."""
    from dashboard.review.scoring import load_sheet

    q = data.quality
    if q is None or q.empty:
        return ""
    sheet = load_sheet()
    points = {i.name: i.points for i in sheet.items}

    def short(item: str) -> int:
        return int((q[item] < points[item]).sum()) if item in q else 0

    due = data.expected or len(q)
    parts = [f"按时发布 {len(q) - short('按时')}/{due}"]
    for item, what in (("准确", "存在数据不一致或填报错误"), ("完整", "内容或表格不完整"), ("不雷同", "内容与上年或其他单位雷同")):
        n = short(item)
        if n:
            parts.append(f"{n} 个单位{what}")
    lowest = q.sort_values("评分").iloc[0]
    spread = (f"均为 {lowest['评分']:g} 分" if q["评分"].nunique() == 1 else
              f"平均 {q['评分'].mean():.1f} 分，最低为{lowest['单位']} {lowest['评分']:g} 分")
    return f"{sheet.title}（满分 {sheet.full:g} 分）：{len(q)} 份报告{spread}；" + "；".join(parts) + "。"
