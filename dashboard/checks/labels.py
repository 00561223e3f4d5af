"""Chinese names of tables, rows and columns, for messages that point a reader at a cell of the printed report."""

from __future__ import annotations

TABLE_ZH = {"disclosure": "二、主动公开", "applications": "三、依申请公开", "appeals": "四、复议诉讼"}

ROW_ZH = {
    "disclosure": {
        "rules": "规章", "normative_docs": "规范性文件", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
        "penalty": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费", "procurement": "政府集中采购",
    },
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

COL_ZH = {
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


def cell_label(key: str) -> str:
    """'三、依申请公开「本年新收申请」行「总计」列' for 'applications.new.total'; unknown codes are shown as they are."""
    tbl, _, rest = key.partition(".")
    row, _, col = rest.partition(".")
    t = TABLE_ZH.get(tbl, tbl)
    r = ROW_ZH.get(tbl, {}).get(row, row)
    c = COL_ZH.get(tbl, {}).get(col, col)
    if tbl == "appeals":
        return f"{t}「{r}·{c}」"
    return f"{t}「{r}」行「{c}」列"
