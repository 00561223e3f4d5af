"""`nianbao correct`: corrections from the command line (dashboard/review/corrections.py does the work).

The command line acts as the operating-system user (the "who" of its audit rows) with 管理 rights: whoever can
run it can already write the database file.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from dashboard.cli.common import DB_OPTION, resolve_agency
from dashboard.store.location import db_path

err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {message}")
    raise typer.Exit(code=1)


def correct(
    agency: str | None = typer.Argument(None, help="单位名称或简称"),
    year: int | None = typer.Argument(None, help="报告年度"),
    assignments: list[str] | None = typer.Argument(None, help="格=值，格用代码（applications.new.total）或表/行/列（三/本年新收申请/总计）；值留空为空白"),
    reason: str | None = typer.Option(None, "--reason", help="更正理由（必填）"),
    from_csv: Path | None = typer.Option(None, "--from", help="批量更正 CSV：agency, year, cell, value, reason"),
    db: Path = DB_OPTION,
) -> None:
    """更正已入库报告的数字（原读数保留，更正另行记录并重新核对） / Correct cells of stored reports."""
    from dashboard.review.corrections import CorrectionError, correct_many, read_bulk_csv
    from dashboard.review.users import cli_user

    target = db_path(db)
    user = cli_user()
    try:
        if from_csv:
            if agency or assignments:
                _fail("--from 与“单位 年度 格=值”不能同时使用")
            items = read_bulk_csv(from_csv, lambda name: _agency_id(name, target), db=target)
        else:
            if not (agency and year and assignments):
                _fail("用法：nianbao correct 单位 年度 格=值 … --reason 理由，或 nianbao correct --from 文件.csv")
            if not (reason or "").strip():
                _fail("请用 --reason 说明更正理由")
            changes = {}
            for a in assignments or []:
                if "=" not in a:
                    _fail(f"「{a}」不是 格=值 的形式")
                cell, _, value = a.partition("=")
                changes[cell.strip()] = value
            from dashboard.queries import run_query

            agency_id, name = resolve_agency(agency, target)
            hit = run_query("corrections_current_report", db=target, agency_id=int(agency_id), year=int(year))
            if hit.empty:
                _fail(f"{name} {year} 年度没有入库的报告")
            items = [(int(hit.iloc[0]["report_id"]), changes, str(reason))]
        result = correct_many(user, items, db=target)
    except CorrectionError as exc:
        _fail(f"{exc}（未做任何更改）")
    console = Console()
    console.print(f"已记录 {len(result.correction_ids)} 处更正（报告 {', '.join(map(str, result.report_ids))}），"
                  f"更正人 {user.name}；因更正而关闭的问题 {len(result.resolved_findings)} 条。")
    if result.unchanged:
        console.print(f"未变化（已是该值）：{len(result.unchanged)} 处")


def _agency_id(name: str, db: Path) -> int:
    """The agency id of a name, or CorrectionError (a CSV row must not exit the program half way)."""
    from dashboard.queries import agency_named
    from dashboard.review.corrections import CorrectionError

    hit = agency_named(name, db)
    if hit is None:
        raise CorrectionError(f"未找到单位「{name}」")
    return hit[0]


def register(app: typer.Typer) -> None:
    """Add `nianbao correct` to the command line."""
    app.command(name="correct")(correct)
