"""操作记录 as sentences: who did what to which unit, year and cell, from what to what (issue 20). Never JSON, rule
codes or escapes; the raw record stays behind the page's 详情 expander. Kept apart from the page to be tested
without Streamlit."""

from __future__ import annotations

import json
import re
from typing import Any

from dashboard.catalogue.labels import FINDING_STATUS_ZH, cell_label, humanize, rule_name
from dashboard.review.audit import action_label

_REPORT = re.compile(r"报告 (\d+)")


def _value(v: Any) -> str:
    if isinstance(v, dict):
        v = v.get("value")
    if v is None:
        return "空白"
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{int(x):,}" if x.is_integer() else f"{x:,.2f}"


def _details(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        out = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def sentence(who: str, action: str, raw: Any, reports: dict[int, tuple[str, int]]) -> str:
    """One audit entry as a Chinese sentence. reports: report_id → (unit, year)."""
    d = _details(raw)

    def report(rid: Any) -> str:
        try:
            unit, year = reports[int(rid)]
            return f"{unit}{int(year)}年报告"
        except (KeyError, TypeError, ValueError):
            return f"编号{rid}的报告" if rid is not None else "一份报告"

    def named(text: Any) -> str:  # "报告 59 三、（七）总计 · 总计" → "西营镇2021年报告 三、（七）总计 · 总计"
        return humanize(_REPORT.sub(lambda m: report(m.group(1)), str(text or "")))

    reason = f"（理由：{d['reason']}）" if d.get("reason") else ""
    if action == "correction":
        return (f"{who}将{report(d.get('report_id'))}的“{cell_label(d.get('cell', ''))}”由{_value(d.get('before'))}"
                f"改为{_value(d.get('after'))}{reason}")
    if action == "correction_revert":
        return f"{who}撤销了更正：{named(d.get('object'))}（{_value(d.get('before'))}不再生效，恢复为读取值）{reason}"
    if action == "finding_resolved":
        return f"{report(d.get('report_id'))}的问题“{rule_name(d.get('rule', ''))}”因{who}的更正而关闭"
    if action in ("finding_confirmed", "finding_dismissed", "finding_open"):
        status = FINDING_STATUS_ZH.get(d.get("status") or action.split("_", 1)[1], "")
        note = f"（说明：{d['note']}）" if d.get("note") else ""
        return f"{who}将{report(d.get('report_id'))}的问题“{rule_name(d.get('rule', ''))}”标为{status}{note}"
    if action == "manual_entry":
        after = d.get("after") or {}
        return (f"{who}手工录入了{report(d.get('report_id'))}（{after.get('cells', '')}个格，"
                f"{after.get('template', '')}年版格式）{reason}")
    if action in ("ingest", "import"):
        counts = d.get("counts") or {}
        words = {"ingested": "新入库", "superseded": "替换旧版", "unchanged": "未变化", "failed": "失败", "held": "待核对"}
        parts = "，".join(f"{words.get(k, '其他')} {v}" for k, v in counts.items())
        return f"{who}导入了 {len(d.get('files') or [])} 个文件" + (f"（{parts}）" if parts else "")
    if action in ("user_add", "user_passwd", "user_remove"):
        role = (d.get("after") or {}).get("role") if isinstance(d.get("after"), dict) else None
        return f"{who}{action_label(action)}：{named(d.get('object'))}" + (f"（角色：{role}）" if role else "")
    obj = named(d.get("object"))
    return f"{who}{action_label(action)}" + (f"：{obj}" if obj else "")
