"""R4: for each group of table 四, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""

from __future__ import annotations

from dashboard.catalogue.codes import APPEAL_COLUMNS, APPEAL_GROUPS
from dashboard.catalogue.labels import COL_ZH, ROW_ZH
from dashboard.checks.model import MISSING, CheckContext, Finding, Report, fmt_number, raw, values

RULE = "R4"
PARTS = [c for c in APPEAL_COLUMNS if c != "total"]


def _value(report: Report, key: str) -> str:
    v = raw(report, key)
    return "（空白）" if v is None or v is MISSING else fmt_number(v)


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """One error per appeal group whose printed 总计 differs from its four parts."""
    out: list[Finding] = []
    for group in APPEAL_GROUPS:
        total = f"appeals.{group}.total"
        parts = [f"appeals.{group}.{c}" for c in PARTS]
        v = values(report, [total, *parts])
        if v is None:
            continue
        s = sum(v[1:])
        if s != v[0]:
            shown = " + ".join(f"{COL_ZH['appeals'][c]}{_value(report, f'appeals.{group}.{c}')}" for c in PARTS)
            out.append(Finding(
                RULE, "error",
                f"四、复议诉讼「{ROW_ZH['appeals'][group]}」：总计{_value(report, total)}，但 {shown} = {fmt_number(s)}。",
                [total, *parts], f"R4 fails for {group}: total {v[0]:g}, parts add up to {s:g}"))
    return out
