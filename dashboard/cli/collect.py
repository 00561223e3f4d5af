"""`nianbao collect SOURCES.csv`: fetch each unit's report page and attachments from the portal, ingest what is new or
changed, and list what could not be fetched and why (dashboard/ingest/collect.py)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dashboard.cli.common import DB_OPTION
from dashboard.store.location import db_path
from dashboard.text import shown


def collect_command(
    sources: Path = typer.Argument(..., help="采集清单 CSV：每行一个单位，列 unit（单位）与 url（年报页面或文件的网址）"),
    allow: list[str] = typer.Option([], "--allow", help="本次额外允许采集的网站（主机名，可多次；长期名单见 data/settings.toml 的 collect_allow）"),
    db: Path = DB_OPTION,
    delay: float | None = typer.Option(None, "--delay", min=0.0, help="同一网站两次请求之间的间隔（秒，默认 1）"),
    timeout: float | None = typer.Option(None, "--timeout", min=0.1, help="等待网站响应的时间上限（秒，默认 20）"),
    max_mb: float | None = typer.Option(None, "--max-mb", min=0.001, help="单个页面或文件的大小上限（MB，默认 50）"),
    workers: int | None = typer.Option(None, "--workers", min=1, help="读取文件的工作进程数（默认：本机核数）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON（每个页面或文件一行记录）"),
) -> None:
    """从门户网站采集各单位的年报页面及附件并入库 / Collect report pages and attachments from the portal.

    只访问允许名单中的网站（data/settings.toml 的 collect_allow，加上 --allow），不执行网页脚本；按内容去重，
    已入库的文件记为未变化。退出码：0 全部采集并入库（或未变化）；2 有页面或文件未能采集或读取（已列出原因）；
    1 无法运行（清单无法读取、允许名单为空、数据库不可用）。
    """
    from dashboard.ingest.collect import SourceListError, collect, collect_policy, read_sources

    err = Console(stderr=True)
    try:
        listed = read_sources(sources)
    except SourceListError as exc:
        err.print(f"[red]无法采集[/red]：{shown(exc.reason_zh)}（{shown(exc.reason_en)}）")
        raise typer.Exit(code=1) from None
    policy = collect_policy(allow, delay_s=delay, timeout_s=timeout,
                            max_bytes=int(max_mb * 1024 * 1024) if max_mb else None)
    if not policy.allow:
        err.print("[red]无法采集[/red]：允许采集的网站名单为空——在 data/settings.toml 中设置 collect_allow = [\"网站主机名\"]，"
                  "或用 --allow 主机名（the allow-list is empty: set collect_allow or pass --allow HOST）")
        raise typer.Exit(code=1)
    target = db_path(db)
    try:
        run = collect(listed, db=target, policy=policy, workers=workers)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 — the run itself could not proceed (database, lock): exit 1
        err.print(f"[red]无法采集[/red]：{shown(str(exc))[:300]}（the collect run could not proceed）")
        raise typer.Exit(code=1) from None
    if as_json:
        rows = [{k: v for k, v in vars(r).items() if k != "scripted"} for r in run.rows]
        typer.echo(json.dumps({"run_id": run.run_id, "rows": rows}, ensure_ascii=False, default=str))
    else:
        _print_run(run, target)
    if run.problems():
        raise typer.Exit(code=2)


def _print_run(run, target: Path) -> None:  # noqa: ANN001 — a CollectRun
    from dashboard.ingest.collect import STATUS_ZH

    console = Console()
    table = Table(title=f"采集结果（批次 {run.run_id}）")
    for col in ("单位", "类型", "文件", "年度", "发布日期", "结果", "说明"):
        table.add_column(col)
    for r in run.rows:
        what = "页面" if r.kind == "page" else "附件"
        result = STATUS_ZH.get(r.status, r.status)
        if r.report_id and r.status in ("ingested", "superseded", "unchanged", "held", "unidentified"):
            result += f" #{r.report_id}"
        note = r.error_zh or r.note_zh
        table.add_row(shown(r.unit), what, shown(r.file_name or r.url), str(r.year or ""),
                      r.published.isoformat() if r.published else "", result, shown(note))
    console.print(table)
    counts = run.counts()
    console.print("  ".join(f"{STATUS_ZH.get(k, k)} {v}" for k, v in sorted(counts.items()))
                  + f"  （数据库 {shown(str(target))}）")
    have, lack = run.units_with_report()
    console.print(f"采集到年报的单位 {len(have)}/{len(have) + len(lack)}"
                  + (f"；未采集到：{'、'.join(shown(u) for u in lack)}" if lack else ""))
    problems = run.problems()
    if problems:
        console.print(f"[red]未能采集或读取 {len(problems)} 项[/red]（could not be fetched or read）：")
        for r in problems:
            console.print(f"  {shown(r.unit)}  {shown(r.final_url or r.url)}：{shown(r.error_zh)}（{shown(r.error_en)}）")


def register(app: typer.Typer) -> None:
    """Add `collect` to the `nianbao` app."""
    app.command(name="collect")(collect_command)
