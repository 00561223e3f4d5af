"""The printed shape of a report: codes of report-format.md with the labels the writers print, per version.

Written from the spec independently of dashboard/catalogue/codes.py on purpose: the round-trip test compares what the
parser reads with what this prints, so a mistake in one vocabulary is caught by the other instead of mirrored.
"""

from __future__ import annotations

APPLICANT_COLS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
APPLICANT_LABELS = {"natural": "自然人", "commercial": "商业企业", "research": "科研机构", "social": "社会公益组织",
                    "legal": "法律服务机构", "other_org": "其他", "total": "总计"}
PARTY_COLS = APPLICANT_COLS[:-1]

WITHHELD = [
    ("withheld_state_secret", "1.属于国家秘密"),
    ("withheld_prohibited", "2.其他法律行政法规禁止公开"),
    ("withheld_security", "3.危及“三安全一稳定”"),
    ("withheld_third_party", "4.保护第三方合法权益"),
    ("withheld_internal", "5.属于三类内部事务信息"),
    ("withheld_process", "6.属于四类过程性信息"),
    ("withheld_enforcement", "7.属于行政执法案卷"),
    ("withheld_inquiry", "8.属于行政查询事项"),
]
UNAVAILABLE = [
    ("unavailable_not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"),
]
NOT_PROCESSED = [
    ("not_processed_petition", "1.信访举报投诉类申请"),
    ("not_processed_repeat", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
]
OTHER_2021 = [
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "3.其他"),
]


def application_rows(layout: str) -> list[str]:
    """Row codes of table 三 in printed order for an applications layout ('2019' or '2021')."""
    others = ["other"] if layout == "2019" else [c for c, _ in OTHER_2021]
    return (["new", "carried_in", "granted", "partial"] + [c for c, _ in WITHHELD] + [c for c, _ in UNAVAILABLE]
            + [c for c, _ in NOT_PROCESSED] + others + ["total", "carried_over"])


def outcome_rows(layout: str) -> list[str]:
    """The rows that R3 adds up to the `total` row."""
    return application_rows(layout)[2:-2]


# Section 二: (caption, [(row code, label)], [(col code, label)])
DISCLOSURE_2019 = [
    ("第二十条第（一）项", [("rules", "规章"), ("normative_docs", "规范性文件")],
     [("made", "本年新制作数量"), ("published", "本年新公开数量"), ("public_total", "对外公开总数量")]),
    ("第二十条第（五）项", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")],
     [("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")]),
    ("第二十条第（六）项", [("penalty", "行政处罚"), ("coercion", "行政强制")],
     [("prev_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")]),
    ("第二十条第（八）项", [("fees", "行政事业性收费")],
     [("prev_items", "上一年项目数量"), ("change", "本年增/减")]),
    ("第二十条第（九）项", [("procurement", "政府集中采购")],
     [("projects", "采购项目数量"), ("amount", "采购总金额")]),
]
DISCLOSURE_2021 = [
    ("第二十条第（一）项", [("rules", "规章"), ("normative_docs", "行政规范性文件")],
     [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")]),
    ("第二十条第（五）项", [("licensing", "行政许可")], [("decisions", "本年处理决定数量")]),
    ("第二十条第（六）项", [("penalty", "行政处罚"), ("coercion", "行政强制")], [("decisions", "本年处理决定数量")]),
    ("第二十条第（八）项", [("fees", "行政事业性收费")], [("amount_wan", "本年收费金额（单位：万元）")]),
]

APPEAL_GROUPS = ["reconsideration", "litigation_direct", "litigation_after"]
APPEAL_COLS = ["upheld", "corrected", "other", "pending", "total"]
APPEAL_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

SECTION_TITLES = {
    "overview": "一、总体情况",
    "disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
R1_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def disclosure_layout(template: str) -> list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]]:
    """The section 二 blocks of a version."""
    return DISCLOSURE_2019 if template == "2019" else DISCLOSURE_2021


def empty_report(template: str, layout: str) -> dict:
    """A canonical report skeleton with every cell of the version set to 0."""
    disclosure = {row: {col: 0 for col, _ in cols} for _, rows, cols in disclosure_layout(template) for row, _ in rows}
    applications = {row: {c: 0 for c in APPLICANT_COLS} for row in application_rows(layout)}
    appeals = {g: {c: 0 for c in APPEAL_COLS} for g in APPEAL_GROUPS}
    return {"disclosure": disclosure, "applications": applications, "appeals": appeals}
