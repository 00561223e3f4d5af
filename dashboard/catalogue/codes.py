"""The canonical codes of ../shared/spec/report-format.md and the label patterns that find them.

Patterns are searched in labels after normalize_label + strip_numbering; the first pattern of a row is its printed
label's distinctive core, the others are variants seen in real reports (typos, abbreviations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TABLES = ("disclosure", "applications", "appeals")

# ---- section 二 (disclosure) ----
DISCLOSURE_ROWS: dict[str, str] = {  # row code -> pattern (anchored at the start of the label)
    "rules": r"^规章",
    "normative_docs": r"^(?:行政)?规范性文件",
    "licensing": r"^行政许可",
    "other_services": r"^其他对外管理服务",
    "penalty": r"^行政处罚",
    "coercion": r"^行政强制",
    "fees": r"^行政事业性收费",
    "procurement": r"^政府集中采购",
}
DISCLOSURE_COLUMNS: dict[str, dict[str, list[str]]] = {  # version -> row code -> columns, in printed order
    "2019": {
        "rules": ["made", "published", "public_total"],
        "normative_docs": ["made", "published", "public_total"],
        "licensing": ["prev_items", "change", "decisions"],
        "other_services": ["prev_items", "change", "decisions"],
        "penalty": ["prev_items", "change", "decisions"],
        "coercion": ["prev_items", "change", "decisions"],
        "fees": ["prev_items", "change"],
        "procurement": ["projects", "amount"],
    },
    "2021": {
        "rules": ["issued", "repealed", "in_force"],
        "normative_docs": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fees": ["amount_wan"],
    },
}
DISCLOSURE_HEADERS: dict[str, str] = {  # column code -> pattern searched in a header cell
    "made": r"新制作",
    "published": r"新公开",
    "public_total": r"对外公开总",
    "prev_items": r"上一?年项目",
    "change": r"增/?减|增减",
    "decisions": r"处理决定",
    "projects": r"采购项目",
    "amount": r"采购总?金额",
    "issued": r"制发",
    "repealed": r"废止",
    "in_force": r"现行有效",
    "amount_wan": r"收费金额",
}
VERSION_MARKERS: dict[str, list[str]] = {
    "2019": [r"新制作", r"对外公开总", r"上一?年项目", r"采购项目", r"采购总?金额", r"第二十条第\(九\)项", r"增/减"],
    "2021": [r"制发件数", r"废止件数", r"现行有效", r"收费金额"],
}
# Amount columns: decimals, with a unit that the format does not fix (2019) or fixes in the header (2021).
AMOUNT_COLUMNS = {("procurement", "amount"), ("fees", "amount_wan")}
SIGNED_COLUMNS = {"change"}

# ---- section 三 (applications) ----
APPLICATION_COLUMNS = ["natural", "commercial", "research", "social", "legal", "other_org", "total"]
APPLICATION_HEADERS: dict[str, str] = {
    "natural": r"自然人",
    "commercial": r"商业企业",
    "research": r"科研机构",
    "social": r"公益组织",
    "legal": r"法律服务机构",
    "other_org": r"^其他$",
    "total": r"^总计$",
}
_APP_ROWS_COMMON_HEAD = [
    ("new", r"本年新收|新收.*申请"),
    ("carried_in", r"上年结转"),
    ("granted", r"予以公开"),
    ("partial", r"部分公开"),
    ("withheld_state_secret", r"国家秘密"),
    ("withheld_prohibited", r"禁止公开|其他法律行政|法律行政法规"),
    ("withheld_security", r"三安全一稳定|危及"),
    ("withheld_third_party", r"第三方"),
    ("withheld_internal", r"内部事务"),
    ("withheld_process", r"过程性"),
    ("withheld_enforcement", r"执法案卷"),
    ("withheld_inquiry", r"查询事项|行政查询"),
    ("unavailable_not_held", r"不掌握"),
    ("unavailable_needs_creation", r"没有现成|另行制作"),
    ("unavailable_unclear", r"补正后|仍不明确"),
    ("not_processed_petition", r"信访|举报投诉"),
    ("not_processed_repeat", r"重复申请"),
    ("not_processed_publication", r"出版物"),
    ("not_processed_excessive", r"大量反复"),
    ("not_processed_confirmation", r"重新出具|确认或"),
]
_APP_ROWS_COMMON_TAIL = [
    ("total", r"^总计$"),
    ("carried_over", r"结转下年|下年度继续|继续办理"),
]
APPLICATION_ROWS: dict[str, list[tuple[str, str]]] = {  # layout -> rows in printed order
    "2019": _APP_ROWS_COMMON_HEAD + [("other", r"^其他处理$")] + _APP_ROWS_COMMON_TAIL,
    "2021": _APP_ROWS_COMMON_HEAD + [
        ("other_no_correction", r"不补正|逾期不补"),
        ("other_no_fee", r"缴纳费用|收费通知"),
        ("other_misc", r"^其他$"),
    ] + _APP_ROWS_COMMON_TAIL,
}
# Label-only rows that group others and carry no numbers.
# Removed from a label before matching, so "三、本年度办理结果（一）予以公开" (a flattened row) still finds 予以公开.
APPLICATION_GROUPS = [r"本年度办理结果", r"不予公开", r"无法提供", r"不予处理", r"申请人情况", r"法人或其他组织"]

# ---- section 四 (appeals) ----
APPEAL_GROUPS = ["reconsideration", "litigation_direct", "litigation_after"]
APPEAL_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]
APPEAL_GROUP_LABELS = {
    "reconsideration": r"^行政复议$",
    "litigation_direct": r"未经复议|直接起诉",
    "litigation_after": r"复议后起诉",
}
APPEAL_HEADERS = {"upheld": r"维持", "corrected": r"纠正", "other": r"^其他", "pending": r"尚未|未审结", "total": r"^总计$"}

# ---- sections ----
SECTION_HEADINGS: list[tuple[str, str]] = [
    ("overview", r"^总体情况"),
    ("disclosure", r"^主动公开政府信息(?:情况|公开情况)?$"),
    ("applications", r"^收到和处理政府信息公开申请"),
    ("appeals", r"^(?:政府信息公开行政复议[、和及与,，]?行政诉讼|行政复议[、和及与,，]?行政诉讼(?:情况|$))"),
    ("problems", r"^(?:存在的?主要问题|主要问题及改进|存在问题及改进|主要问题$|存在的?问题$)"),
    ("other_matters", r"^其他(?:需要报告的)?事项"),
]
NARRATIVE_SECTIONS = ("overview", "problems", "other_matters")


@dataclass(frozen=True)
class Pattern:
    """A compiled label pattern for one code."""

    code: str
    regex: re.Pattern[str]


def compile_patterns(pairs: list[tuple[str, str]] | dict[str, str]) -> list[Pattern]:
    """Compile (code, pattern) pairs in order."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [Pattern(code, re.compile(p)) for code, p in items]


def application_rows(layout: str) -> list[str]:
    """Row codes of section 三 for a layout ('2019': one （六） row, '2021': three)."""
    return [code for code, _ in APPLICATION_ROWS[layout]]
