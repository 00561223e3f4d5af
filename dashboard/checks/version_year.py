"""VERSION_YEAR: the format version does not fit the report year (2019 format for 2021 on, or 2021 format before)."""

from __future__ import annotations

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "VERSION_YEAR"
FIRST_YEAR_2021_FORMAT = 2021  # 国办公开办函〔2021〕30号 applies from the 2021 reports on


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """A warning when section 二's version is not the one prescribed for the report year."""
    year, template = report.get("year"), report.get("template")
    if not isinstance(year, int) or template not in ("2019", "2021"):
        return []
    if template == "2019" and year >= FIRST_YEAR_2021_FORMAT:
        return [Finding(RULE, "warning",
                        f"{year}年度报告使用了2019年版格式（国办公开办函〔2019〕60号，本年新制作数量/上一年项目数量/"
                        f"政府集中采购）；{FIRST_YEAR_2021_FORMAT}年度起应使用2021年版格式（国办公开办函〔2021〕30号）。",
                        [], f"2019 format used for a {year} report")]
    if template == "2021" and year < FIRST_YEAR_2021_FORMAT:
        return [Finding(RULE, "warning",
                        f"{year}年度报告使用了2021年版格式，而该格式自{FIRST_YEAR_2021_FORMAT}年度起才适用；请核对报告年度。",
                        [], f"2021 format used for a {year} report: check the year")]
    return []
