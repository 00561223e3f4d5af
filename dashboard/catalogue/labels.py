"""The one catalogue of reader-facing Chinese names: rules, cells, rows, columns, sections, formats, statuses.

Every layer that shows something to a person (pages, the CLI's human output, every export) names a code through
this module, so an internal key (`applications.partial`, `R1`, `md`, section `overview`) never reaches a reader.
Row and column names are the labels printed in the national format (../shared/spec/report-format.md); a cell is
named as printed: "三、（三）不予公开 4.保护第三方合法权益 · 自然人". `humanize` rewrites a message that still
carries internal keys (stored parser problems, older findings) into these names.

Importable from any layer: it imports nothing of the project.
"""

from __future__ import annotations

import re

# ---- rules (codes of dashboard/checks) ----
RULE_ZH: dict[str, str] = {
    "PARSE": "表格读取存疑", "UNKNOWN_AGENCY": "单位不在名录中", "VERSION_YEAR": "格式版本与年度不符",
    "HYBRID": "新旧格式混用", "SECTION_MISSING": "缺少必备章节",
    "R1": "申请结转关系不平", "R2": "申请人合计不符", "R3": "办理结果合计不符", "R4": "复议诉讼合计不符",
    "R5": "数值超出合理范围", "BLANK_TOTAL": "总计栏空白", "UNIT": "金额单位缺失或存疑",
    "TEXT_TABLE": "正文数字与表格不符", "X1": "上年结转与上年报告不符", "X2": "现行有效件数前后不符",
    "X3": "上一年项目数前后不符", "SAME_TEXT": "内容与上年雷同", "HELD": "待核对版本（未替换现行版）",
    "CORRECTION_STALE": "人工更正待复核",
    "SECTION_ORDER": "章节顺序或标题不规范", "ROWS_COMPLETE": "表格行列不全", "PROBLEMS_MEASURES": "问题与改进未写全",
    "FEE_REPORT": "未报告信息处理费", "TITLE": "标题未写明单位或年度", "LATE": "逾期发布",
}
RULE_EXPLAIN_ZH: dict[str, str] = {
    "PARSE": "读取报告时有格子无法确定位置或内容，需对照原件核对。",
    "HELD": "同一单位同一年度的新文件读取有误或不如现行版完整，暂存待核对，未替换现行版。",
    "UNKNOWN_AGENCY": "报告单位不在单位名录中，不计入任何单位。",
    "VERSION_YEAR": "报告所用表格版本不是该年度应使用的版本。",
    "HYBRID": "第二部分与第三部分的表格来自不同版本的格式。",
    "SECTION_MISSING": "报告缺少规定的六个部分之一。",
    "R1": "第三部分每列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理。",
    "R2": "第三部分每行：总计 = 自然人 + 各类法人或其他组织。",
    "R3": "第三部分每列：办理结果总计 = 各项办理结果之和。",
    "R4": "第四部分每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。",
    "R5": "件数应为不小于0的整数，金额不小于0。",
    "BLANK_TOTAL": "总计栏空白或为占位符，汇总按0计，但应填写。",
    "UNIT": "金额未注明单位，或数值按所注单位明显不合理（常见为元、万元混填）。",
    "TEXT_TABLE": "“总体情况”正文所述数字与表格不一致。",
    "X1": "本年“上年结转”应等于上年报告的“结转下年度继续办理”。",
    "X2": "现行有效件数应等于上年现行有效 + 本年制发 − 本年废止。",
    "X3": "本年“上一年项目数量”应等于上年的项目数加增减。",
    "SAME_TEXT": "正文与同一单位上年报告、或与其他单位同年度报告几乎相同。",
    "SECTION_ORDER": "报告应依次包括一至六部分，并使用格式规定的标题和序号。",
    "ROWS_COMPLETE": "第二、三、四部分的表格应列出所用版本的全部行和列；缺行不等于填0。",
    "PROBLEMS_MEASURES": "“五、存在的主要问题及改进情况”应既写存在的问题，也写改进措施。",
    "FEE_REPORT": "2021年版格式要求在“六、其他需要报告的事项”中报告信息处理费的收取情况，未收取也应写明。",
    "TITLE": "标题应写明报告单位和年度，如“××2024年政府信息公开工作年度报告”。",
    "LATE": "部门和乡镇（街道）应于次年1月31日前、县级以上人民政府应于次年3月31日前公布上一年度报告。",
}
# The clause each rule rests on (条例 article or the format's 说明), for a reviewer's opinion.
RULE_BASIS_ZH: dict[str, str] = {
    "R1": "国办公开办函〔2021〕30号年度报告格式第三部分表头说明（第一项加第二项之和，等于第三项加第四项之和）",
    "R2": "国办公开办函〔2021〕30号年度报告格式第三部分（申请人情况：总计为各类申请人之和）",
    "R3": "国办公开办函〔2021〕30号年度报告格式第三部分（本年度办理结果：总计为各项之和）",
    "R4": "国办公开办函〔2021〕30号年度报告格式第四部分（行政复议、行政诉讼：总计为各项结果之和）",
    "R5": "国办公开办函〔2021〕30号年度报告格式（件数为非负整数）",
    "TEXT_TABLE": "国办公开办函〔2021〕30号说明（发布内容不准确不全面的，依照《条例》第四十七条处理）",
    "VERSION_YEAR": "国办公开办函〔2021〕30号（2021年度起使用新版年度报告格式）",
    "HYBRID": "国办公开办函〔2021〕30号年度报告格式",
    "SECTION_MISSING": "《中华人民共和国政府信息公开条例》第五十条",
    "SECTION_ORDER": "《中华人民共和国政府信息公开条例》第五十条；国办公开办函〔2021〕30号年度报告格式",
    "ROWS_COMPLETE": "国办公开办函〔2021〕30号年度报告格式及说明（发布内容不准确不全面）",
    "PROBLEMS_MEASURES": "《中华人民共和国政府信息公开条例》第五十条（存在的主要问题及改进情况）",
    "FEE_REPORT": "国办公开办函〔2021〕30号年度报告格式第六部分；《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
    "TITLE": "《中华人民共和国政府信息公开条例》第四十九条；国办公开办函〔2021〕30号年度报告格式",
    "LATE": "《中华人民共和国政府信息公开条例》第四十九条",
    "SAME_TEXT": "国办公开办函〔2021〕30号说明（内容雷同、敷衍塞责的，依照《条例》第四十七条处理）",
    "X1": "国办公开办函〔2021〕30号年度报告格式第三部分（上年结转与上年报告的结转下年度继续办理一致）",
    "X2": "国办公开办函〔2021〕30号年度报告格式第二部分（现行有效件数）",
    "X3": "国办公开办函〔2019〕60号年度报告格式第二部分（上一年项目数量）",
    "UNIT": "国办公开办函〔2021〕30号年度报告格式第二部分（收费金额单位：万元）",
    "BLANK_TOTAL": "国办公开办函〔2021〕30号年度报告格式",
}
SEVERITY_ZH = {"error": "错误", "warning": "提醒", "info": "提示"}
FINDING_STATUS_ZH = {"open": "待核实", "confirmed": "已确认", "dismissed": "已排除", "resolved": "已因更正关闭"}


def rule_name(code: str) -> str:
    """The Chinese name of a check rule ('R1' → '申请结转关系不平'); an unknown code reads '其他问题'."""
    return RULE_ZH.get(str(code), "其他问题")


def rule_basis(code: str) -> str:
    """The clause a rule rests on ('LATE' → '《中华人民共和国政府信息公开条例》第四十九条'); '' for a rule without one."""
    return RULE_BASIS_ZH.get(str(code), "")


def severity_name(code: str) -> str:
    """错误 / 提醒 / 提示."""
    return SEVERITY_ZH.get(str(code), "提示")


# ---- report files, formats, statuses ----
FORMAT_ZH = {"md": "文本（Markdown）", "txt": "文本", "text": "文本", "html": "网页（HTML）", "htm": "网页（HTML）",
             "pdf": "PDF 文件", "docx": "Word 文档", "doc": "Word 文档（旧版）", "wps": "WPS 文字文档",
             "manual": "手工录入"}
TEMPLATE_ZH = {"2019": "2019年版格式", "2021": "2021年版格式"}
SERIES_ZH = {"all": "两版一致", "2019": "2019年版口径", "2021": "2021年版口径", "template": "随版本变化"}
COVERAGE_STATUS_ZH = {"published": "已公开", "superseded": "已公开（有更正版）", "missing": "缺报", "not_due": "未到期"}


def format_name(code: str | None) -> str:
    """'md' → '文本（Markdown）'."""
    return FORMAT_ZH.get(str(code or "").lower().lstrip("."), "其他格式")


def template_name(code: str | None) -> str:
    """'2021' → '2021年版格式'; unknown → '格式未识别'."""
    return TEMPLATE_ZH.get(str(code), "格式未识别")


# ---- sections, tables, rows, columns (as printed) ----
SECTION_ZH = {"overview": "一、总体情况", "disclosure": "二、主动公开政府信息情况",
              "applications": "三、收到和处理政府信息公开申请情况", "appeals": "四、政府信息公开行政复议、行政诉讼情况",
              "problems": "五、存在的主要问题及改进情况", "other_matters": "六、其他需要报告的事项"}
TABLE_ZH = {"disclosure": "二、主动公开", "applications": "三、依申请公开", "appeals": "四、复议诉讼"}

ROW_PRINTED_ZH: dict[str, dict[str, str]] = {
    "disclosure": {
        "rules": "规章", "normative_docs": "规范性文件", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
        "penalty": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费", "procurement": "政府集中采购",
    },
    "applications": {
        "new": "一、本年新收政府信息公开申请数量", "carried_in": "二、上年结转政府信息公开申请数量",
        "granted": "三、（一）予以公开", "partial": "三、（二）部分公开",
        "withheld_state_secret": "三、（三）不予公开 1.属于国家秘密",
        "withheld_prohibited": "三、（三）不予公开 2.其他法律行政法规禁止公开",
        "withheld_security": "三、（三）不予公开 3.危及“三安全一稳定”",
        "withheld_third_party": "三、（三）不予公开 4.保护第三方合法权益",
        "withheld_internal": "三、（三）不予公开 5.属于三类内部事务信息",
        "withheld_process": "三、（三）不予公开 6.属于四类过程性信息",
        "withheld_enforcement": "三、（三）不予公开 7.属于行政执法案卷",
        "withheld_inquiry": "三、（三）不予公开 8.属于行政查询事项",
        "unavailable_not_held": "三、（四）无法提供 1.本机关不掌握相关政府信息",
        "unavailable_needs_creation": "三、（四）无法提供 2.没有现成信息需要另行制作",
        "unavailable_unclear": "三、（四）无法提供 3.补正后申请内容仍不明确",
        "not_processed_petition": "三、（五）不予处理 1.信访举报投诉类申请",
        "not_processed_repeat": "三、（五）不予处理 2.重复申请",
        "not_processed_publication": "三、（五）不予处理 3.要求提供公开出版物",
        "not_processed_excessive": "三、（五）不予处理 4.无正当理由大量反复申请",
        "not_processed_confirmation": "三、（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
        "other": "三、（六）其他处理",
        "other_no_correction": "三、（六）其他处理 1.申请人逾期不补正",
        "other_no_fee": "三、（六）其他处理 2.申请人逾期未缴纳费用",
        "other_misc": "三、（六）其他处理 3.其他", "total": "三、（七）总计", "carried_over": "四、结转下年度继续办理",
    },
    "appeals": {"reconsideration": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
                "litigation_after": "行政诉讼（复议后起诉）"},
}
# Short row names for narrow places (a terminal table, a page's table, a chart legend).
ROW_ZH: dict[str, dict[str, str]] = {
    "disclosure": ROW_PRINTED_ZH["disclosure"],
    "applications": {
        "new": "本年新收申请", "carried_in": "上年结转申请", "granted": "予以公开", "partial": "部分公开",
        "withheld_state_secret": "不予公开·国家秘密", "withheld_prohibited": "不予公开·法律行政法规禁止公开",
        "withheld_security": "不予公开·危及“三安全一稳定”", "withheld_third_party": "不予公开·保护第三方合法权益",
        "withheld_internal": "不予公开·三类内部事务信息", "withheld_process": "不予公开·四类过程性信息",
        "withheld_enforcement": "不予公开·行政执法案卷", "withheld_inquiry": "不予公开·行政查询事项",
        "unavailable_not_held": "无法提供·本机关不掌握", "unavailable_needs_creation": "无法提供·需另行制作",
        "unavailable_unclear": "无法提供·补正后仍不明确", "not_processed_petition": "不予处理·信访举报投诉类",
        "not_processed_repeat": "不予处理·重复申请", "not_processed_publication": "不予处理·公开出版物",
        "not_processed_excessive": "不予处理·无正当理由大量反复申请",
        "not_processed_confirmation": "不予处理·要求确认或重新出具", "other": "其他处理",
        "other_no_correction": "其他处理·逾期不补正", "other_no_fee": "其他处理·逾期未缴费",
        "other_misc": "其他处理·其他", "total": "总计", "carried_over": "结转下年度继续办理",
    },
    "appeals": {"reconsideration": "行政复议", "litigation_direct": "行政诉讼·未经复议直接起诉",
                "litigation_after": "行政诉讼·复议后起诉"},
}
ROW_SHORT_ZH = ROW_ZH
COL_SHORT_ZH = {"applications": {"natural": "自然人", "commercial": "商业企业", "research": "科研机构",
                                 "social": "公益组织", "legal": "法律服务", "other_org": "其他组织", "total": "总计"}}

COL_ZH: dict[str, dict[str, str]] = {
    "disclosure": {
        "made": "本年新制作数量", "published": "本年新公开数量", "public_total": "对外公开总数量",
        "prev_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量", "projects": "采购项目数量",
        "amount": "采购总金额", "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
        "amount_wan": "本年收费金额（万元）",
    },
    "applications": {"natural": "自然人", "commercial": "商业企业", "research": "科研机构", "social": "社会公益组织",
                     "legal": "法律服务机构", "other_org": "其他", "total": "总计"},
    "appeals": {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"},
}
FIELD_ZH = {"unit": "单元格所注单位", "value": "数值", "printed": "原文", "flag": "读取标记"}


# Where a column's printed label alone is ambiguous in a cell's name (其他 sits under 法人或其他组织).
COL_PRINTED_ZH = {"applications": {"other_org": "法人或其他组织·其他"}}


def row_label(table: str, row: str) -> str:
    """A row as printed in its table ('applications', 'partial' → '三、（二）部分公开')."""
    return ROW_PRINTED_ZH.get(table, {}).get(row) or _unknown(row)


def row_short_label(table: str, row: str) -> str:
    """A row's short name for narrow places ('applications', 'withheld_third_party' → '不予公开·保护第三方合法权益')."""
    return ROW_SHORT_ZH.get(table, {}).get(row) or row_label(table, row)


def column_short_label(table: str, col: str) -> str:
    """A column's short name for narrow places ('applications', 'social' → '公益组织')."""
    return COL_SHORT_ZH.get(table, {}).get(col) or column_label(table, col)


def column_label(table: str, col: str) -> str:
    """A column as printed ('applications', 'natural' → '自然人'; 'other_org' → '法人或其他组织·其他')."""
    return COL_PRINTED_ZH.get(table, {}).get(col) or COL_ZH.get(table, {}).get(col) or _unknown(col)


def section_label(code: str) -> str:
    """One of the six sections by its printed title ('overview' → '一、总体情况')."""
    return SECTION_ZH.get(code) or _unknown(code)


def _unknown(code: str) -> str:
    # A code this catalogue does not know is not shown as it is (it would be an internal key): say so instead.
    return "（未命名项）" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(code)) else str(code)


def cell_label(key: str) -> str:
    """A cell named as printed: 'applications.withheld_third_party.natural' → '三、（三）不予公开 4.保护第三方合法权益 · 自然人'.

    Also takes a row key ('applications.partial'), a section key ('sections.overview' or 'overview') and
    'cells.unit'-style field keys.
    """
    parts = str(key).split(".")
    if parts[0] == "sections" and len(parts) == 2:
        return section_label(parts[1])
    if parts[0] == "cells" and len(parts) == 2:
        return FIELD_ZH.get(parts[1], _unknown(parts[1]))
    if len(parts) == 1:
        return SECTION_ZH.get(parts[0]) or TABLE_ZH.get(parts[0]) or _unknown(parts[0])
    tbl, row = parts[0], parts[1]
    label = row_label(tbl, row)
    if tbl == "disclosure":
        label = f"{TABLE_ZH['disclosure']} {label}"
    elif tbl == "appeals":
        label = f"{TABLE_ZH['appeals']} {label}"
    if len(parts) >= 3:
        label += f" · {column_label(tbl, parts[2])}"
    return label


# ---- rewriting messages ----
_KEY = re.compile(r"(?<![A-Za-z0-9_.])((?:disclosure|applications|appeals)(?:\.[a-z_]+){1,2}|sections\.[a-z_]+"
                  r"|cells\.[a-z_]+)(?![A-Za-z0-9_])")
_WORD = re.compile(r"(?<![A-Za-z0-9_.])([a-z][a-z0-9_]*)(?![A-Za-z0-9_])")
_RULE = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(RULE_ZH, key=len, reverse=True)) + r")(?![A-Za-z0-9_])")


def _bare(code: str) -> str | None:
    """A bare code as a reader's name: a row of table 三 first (parser messages list them), then 二, sections, columns."""
    for tbl in ("applications", "disclosure", "appeals"):
        if code in ROW_PRINTED_ZH[tbl]:
            label = ROW_PRINTED_ZH[tbl][code]
            return label if tbl != "disclosure" else f"{TABLE_ZH['disclosure']} {label}"
    if code in SECTION_ZH:
        return SECTION_ZH[code]
    for tbl in ("applications", "appeals", "disclosure"):
        if code in COL_ZH[tbl]:
            return COL_ZH[tbl][code]
    if code in FORMAT_ZH:
        return FORMAT_ZH[code]
    return None


def humanize(message: object) -> str:
    """A message with every internal key rewritten to its Chinese name (cell keys, row/section/column codes, rule codes).

    Used on stored messages (parser problems and findings written before their producers named cells in Chinese);
    an empty or missing message becomes ''.
    """
    if message is None or (isinstance(message, float) and message != message):
        return ""
    text = _KEY.sub(lambda m: cell_label(m.group(1)), str(message))
    text = _WORD.sub(lambda m: _bare(m.group(1)) or m.group(1), text)
    return _RULE.sub(lambda m: f"“{RULE_ZH[m.group(1)]}”", text)


def internal_codes() -> set[str]:
    """Every internal code a reader must never see: rows, columns, sections, tables, rules, formats, statuses."""
    words = set(RULE_ZH) | set(SECTION_ZH) | set(TABLE_ZH) | {"sections", "cells"}
    for rows in ROW_PRINTED_ZH.values():
        words |= set(rows)
    for cols in COL_ZH.values():
        words |= set(cols)
    words |= set(FORMAT_ZH) | set(SEVERITY_ZH) | set(FINDING_STATUS_ZH) | set(COVERAGE_STATUS_ZH) | {"all"}
    return words


# ---- rankings: what a rank, its change and a missing figure mean (issue 20: one wording everywhere) ----
# A unit's status in a year's ranking (queries/compare_ranking.sql, column status).
RANK_STATUS_ZH = {"ranked": "", "held": "存疑未计", "blank": "未填此项", "uncomputable": "无法计算", "missing": "未报"}
RANK_STATUS_EXPLAIN_ZH = {
    "held": "数值被核对规则判为存疑，未参加排名（可在侧栏打开“含存疑数值”）",
    "blank": "报告未填写此项",
    "uncomputable": "分母为0（如没有办结的申请），比率无法计算",
    "missing": "应报而未报，列在最后",
}
# Why a unit has no rank the year before (column previous_status): 名次变化 compares two ranks only.
PREVIOUS_STATUS_ZH = {"not_expected": "新", "missing": "上年未报", "held": "上年存疑", "blank": "上年未填",
                      "uncomputable": "上年无法计算"}
PREVIOUS_STATUS_EXPLAIN_ZH = {
    "not_expected": "新：上年不在应报范围（名录中的应报起始年度晚于上年）",
    "missing": "上年未报：上年应报而没有报告",
    "held": "上年存疑：上年数值存疑，未计入",
    "blank": "上年未填：上年报告未填此项",
    "uncomputable": "上年无法计算：上年分母为0",
}
RATE_CHANGE_UNIT = "个百分点"


def _absent(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) in ("<NA>", "nan")


def rank_change_label(rank: object, previous_rank: object, previous_status: object) -> str:
    """名次变化: ↑3 / ↓2 / 持平 where both ranks exist; else why there is no comparison (新 / 上年未报 / 上年存疑 /
    上年未填 / 上年无法计算); — when the unit has no rank this year."""
    if _absent(rank):
        return "—"
    if _absent(previous_rank):
        return PREVIOUS_STATUS_ZH.get(str(previous_status), "—")
    d = int(previous_rank) - int(rank)  # type: ignore[call-overload]
    return f"↑{d}" if d > 0 else f"↓{-d}" if d < 0 else "持平"


def value_change_label(change: object, unit: str) -> str:
    """变化 of a value: '+3' for counts, '+1.25' for 万元, '+16.7个百分点' for a rate (a rate's change is never a %);
    — when either year has no value."""
    if _absent(change):
        return "—"
    x = float(change)  # type: ignore[arg-type]
    if unit == "比率":
        return f"{x * 100:+.1f}{RATE_CHANGE_UNIT}"
    if unit in ("万元", "按原件"):
        return f"{x:+,.2f}"
    return f"{x:+,.0f}"


def top_bottom(n_ranked: int, n: int) -> tuple[int, int]:
    """How many to list first and last so that the two lists never share a unit: (n, n) when at least 2n are
    ranked, else (all of them, 0) — one list."""
    return (n, n) if n_ranked >= 2 * n else (n_ranked, 0)


# ---- due dates: a year not yet due is never a fall ----
def not_due_text(deadline_zh: str, received: int) -> str:
    """What a page and the pack say of a year whose deadline has not passed: '尚未到期（截止 2026年1月31日）；已收到 3 份'."""
    return f"尚未到期（截止 {deadline_zh}）；已收到 {received} 份"


COVERAGE_COUNT_HELP_ZH = ("报送情况按“单位·年”计：{span}每个应报单位的每一年计一次（一个单位缺报两年计2）；"
                          "缺报名单只列所选年度。")
MISSING_COUNT_HELP_ZH = "缺报：应报（在名录的应报年度内）、报送期限已过而未收到报告的单位数；只计所选年度。"


# ---- a page the user's role does not open (reached by a link or a typed address) ----
FORBIDDEN_PAGE_ZH = ("“{title}”页需要「{role}」或更高角色；{who}，因此不能打开。"
                     "请联系管理员调整角色，或从左侧导航选择其他页面。")


def forbidden_page_text(title: str, role: str, user_name: str | None, user_role: str | None) -> str:
    """Why a page does not open for this user: the role it needs and the user's."""
    who = f"当前用户“{user_name}”为「{user_role}」角色" if user_name else "当前未登录"
    return FORBIDDEN_PAGE_ZH.format(title=title, role=role, who=who)


# ---- the command line's tables (nianbao reports / history / agencies): Chinese headers and values ----
CLI_HEADERS_ZH = {"report_id": "报告编号", "agency": "单位", "year": "年度", "template": "格式版本", "format": "文件格式",
                  "source_name": "文件", "errors": "错误", "warnings": "提醒", "current": "现行版",
                  "ingested_at": "入库时间", "status": "状态", "superseded_by": "被替换为", "held_reason": "待核对原因",
                  "sha256": "内容指纹", "agency_id": "单位编号", "name": "名称", "kind": "类型", "region": "地区",
                  "in_registry": "名录中", "reports": "报告数", "first_year": "最早年度", "last_year": "最近年度"}


def cli_header(column: str) -> str:
    """A column of a CLI table by its Chinese header ('report_id' → '报告编号')."""
    return CLI_HEADERS_ZH.get(column, _unknown(column))


def cli_value(column: str, value: object) -> str:
    """A value of a CLI table as a reader reads it: 是/否, '2021年版格式', 'PDF 文件', '' for none."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("<NA>", "NaT", "nan"):
        return ""
    if isinstance(value, bool) or column in ("current", "in_registry"):
        return "是" if bool(value) else "否"
    if column == "template":
        return template_name(str(value))
    if column == "format":
        return format_name(str(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
