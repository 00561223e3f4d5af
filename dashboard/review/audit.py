"""The audit trail: one audit_log row per import, correction, manual entry, finding decision, user change, export.

audit_log keeps its four columns ("at", who, action, details); the common fields live in `details` as `object`,
`before` and `after` (the view `audit_entries` shows them as columns). Keeping the table's shape means every
existing positional insert (ingest, check) goes on working.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import duckdb

ACTION_ZH = {
    "ingest": "导入", "import": "导入", "check": "重新核对", "correction": "更正", "correction_revert": "撤销更正",
    "correction_carried": "更正沿用到新版", "correction_stale": "更正待复核（新版数值已变）",
    "stale_reapplied": "复核：重新应用更正", "stale_dropped": "复核：放弃更正", "manual_entry": "手工录入报告",
    "finding_confirmed": "确认问题", "finding_dismissed": "排除问题", "finding_open": "恢复为待核实",
    "finding_resolved": "问题因更正而关闭", "user_add": "新增用户", "user_passwd": "修改密码/角色", "user_remove": "删除用户",
    "export": "导出", "login_failed": "登录失败", "supersede": "替换为新版本", "promote": "启用待核对版本",
    "identity_assign": "认定单位和年度",
    "round_open": "开启审核轮次", "round_submit": "接收报送稿", "round_returned": "退回修改", "round_passed": "审核通过",
    "round_published": "标记已公布",
}


def action_label(action: str) -> str:
    """The Chinese name of an audit action (unknown ones as they are)."""
    return ACTION_ZH.get(str(action), str(action))


def cli_who() -> str:
    """The operating-system user running the command line: the "who" of every CLI write."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still never blank
        return "命令行用户"


def details_json(obj: str, before: Any = None, after: Any = None, **extra: Any) -> str:
    """The details JSON of an audit row: object, before, after and any other detail."""
    return json.dumps({"object": obj, "before": before, "after": after, **extra}, ensure_ascii=False, default=str)


def log(con: duckdb.DuckDBPyConnection, who: str, action: str, obj: str, before: Any = None, after: Any = None,
        **extra: Any) -> None:
    """Write one audit row inside an open writer connection (the same transaction as the change it records)."""
    con.execute("""insert into audit_log ("at", who, action, details) values (now()::timestamp, ?, ?, ?::json)""",
                [who, action, details_json(obj, before, after, **extra)])


def log_event(who: str, action: str, obj: str, before: Any = None, after: Any = None, db: Path | None = None,
              **extra: Any) -> None:
    """Write one audit row on its own (an export, which changes nothing else), through the copy-and-swap writer."""
    from dashboard.store.named import run_writes

    run_writes([("audit_insert", {"who": who, "action": action,
                                  "details": details_json(obj, before, after, **extra)})], db)


def export_done(who: str | None, year: int, agency_ids: list[int] | None, files: dict, db: Path | None = None) -> None:
    """The audit row of one meeting-pack export (CLI: the OS user; dashboard: the logged-in user)."""
    log_event(who or cli_who(), "export", f"{year} 年度会议材料", None,
              {"files": {str(k): str(v) for k, v in files.items()}}, db=db, year=year, agency_ids=agency_ids)
