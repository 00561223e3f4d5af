"""FEE_REPORT: 六、其他需要报告的事项 reports the 信息处理费 (2021 format; 国办函〔2020〕109号 from 2021 on).

The 2021 format asks section 六 to report the fees charged under 《政府信息公开信息处理费管理办法》. Section 六 that
does not mention the fee, or says only "无", is incomplete (advice: a warning). Where table 三 counts applications
dropped because the applicant did not pay a fee notice (（六）2.逾期未缴纳费用), fees were asked for: 六 saying no fee
was charged may still be true (the notices went unpaid), so that too is a warning to check, never an error.
An empty section 六 is SECTION_MISSING's.
"""

from __future__ import annotations

import re
import unicodedata

from dashboard.checks.model import CheckContext, Finding, Report, known, num

RULE = "FEE_REPORT"
TITLE = "六、其他需要报告的事项"
FIRST_YEAR = 2021  # 国办函〔2020〕109号 applies from 1 January 2021; the 2021 format asks for it in 六
FEE_WORDS = re.compile(r"信息处理费|处理费|收费|收取费用|费用")
NONE_WORDS = re.compile(r"(?:未|没有|无|不)(?:发生|产生|涉及)?[^，。；]{0,12}?(?:收取|收费|处理费)|收取[^，。；]{0,10}?(?:0|零)元"
                        r"|处理费[^，。；]{0,6}?(?:0|零)元|^无$")
NOTICE_WORDS = re.compile(r"收费通知|缴费通知|缴纳")  # 六 that explains the notices has reported them
FEE_NOTICE_ROW = "applications.other_no_fee.total"


def _read_for_sure(report: Report, key: str) -> bool:
    """The cell was read and placed without doubt (a figure placed by row order may belong to another row)."""
    doubtful = set(report.get("uncertain_cells") or {}) | {k for k, f in (report.get("cell_flags") or {}).items()
                                                         if f in ("placed_by_order", "fuzzy_label")}
    return known(report, key) and key not in doubtful


def _applies(report: Report) -> bool:
    year = report.get("year")
    return report.get("template") == "2021" or (isinstance(year, int) and year >= FIRST_YEAR)


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning when 六 does not report the fee, or reports none while table 三 shows fee notices."""
    text = unicodedata.normalize("NFKC", ((report.get("sections") or {}).get("other_matters") or "")).strip()
    if not text or not _applies(report):
        return []
    bare = re.sub(r"\s+", "", text)
    if not FEE_WORDS.search(bare):
        said = f"只写了“{bare}”" if len(bare) <= 10 else "未提及信息处理费"
        return [Finding(RULE, "warning",
                        f"“{TITLE}”{said}，未报告信息处理费的收取情况（2021年版格式要求报告依据《政府信息公开信息"
                        f"处理费管理办法》收取信息处理费的情况；未收取也应写明）。", ["sections.other_matters"],
                        "section 六 does not report the information processing fee")]
    if NONE_WORDS.search(bare) and not NOTICE_WORDS.search(bare) and _read_for_sure(report, FEE_NOTICE_ROW) and num(report, FEE_NOTICE_ROW) > 0:
        n = num(report, FEE_NOTICE_ROW)
        return [Finding(RULE, "warning",
                        f"“{TITLE}”称未收取信息处理费，而表三“（六）其他处理 2.申请人逾期未缴纳费用”为 {n:g} 件，说明曾发出"
                        f"收费通知；请核对是否收取过信息处理费并如实报告。", ["sections.other_matters", FEE_NOTICE_ROW],
                        "section 六 reports no fee while table 三 counts unpaid fee notices")]
    return []
