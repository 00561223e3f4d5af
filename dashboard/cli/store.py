"""CLI of the store: ingest, reports, history, agencies, check (every command takes --db, else $NIANBAO_DB)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from dashboard.cli.common import DB_OPTION, JSON_OPTION, print_corrections, resolve_agency, table_out
from dashboard.store.location import db_path
from dashboard.text import shown

STATUS_ZH = {"ingested": "新入库", "superseded": "替换旧版", "unchanged": "未变化", "failed": "失败",
             "held": "待核对", "unidentified": "待认定"}


def ingest(paths: list[Path] = typer.Argument(..., help="报告文件或文件夹（递归）"), db: Path = DB_OPTION,
           quiet: bool = typer.Option(False, "--quiet", help="不显示进度条"),
           batch: int = typer.Option(200, "--batch", min=1, help="每批文件数（每批一次写入；数据库文件每隔几秒及结束时替换一次，见 NIANBAO_SWAP_S）"),
           workers: int | None = typer.Option(None, "--workers", min=1,
                                              help="读取文件的工作进程数（默认：本机核数）"),
           memory_mb: int = typer.Option(1024, "--memory-mb", min=64, help="每个文件读取时的内存上限（MB）"),
           time_limit: float = typer.Option(60.0, "--time-limit", min=1.0, help="每个文件读取时的时间上限（秒）"),
           follow_links: bool = typer.Option(False, "--follow-links",
                                             help="跟随指向文件夹之外的符号链接（默认不跟随）"),
           scheduler: str = typer.Option(None, "--scheduler", envvar="NIANBAO_DASK_SCHEDULER",
                                         help="在 Dask 集群上解析（如 tcp://主机:8786；文件须在各节点共享的路径上）"),
           data_path: str = typer.Option(None, "--data-path", help="DuckLake 数据文件夹或 URL（默认 $NIANBAO_DATA_PATH）"),
           agency: str | None = typer.Option(None, "--agency",
                                             help="认定单位：文件归入名录中的此单位（名称、简称或别名），记入操作记录"),
           year: int | None = typer.Option(None, "--year", help="认定年度（与 --agency 一起用于无法读出单位或年度的报告）"),
           new_agency: bool = typer.Option(False, "--new-agency", help="--agency 不在单位名录中时仍作为新单位入库"),
           ) -> None:
    """读取报告并入库（按内容去重；同一机关同一年度的新文件完整无误时替换旧版，否则存为待核对版本） / Ingest report files.

    退出码：0 全部入库或未变化；2 有文件失败（已列出）；1 无法运行（如数据库不可用）。
    """
    import os

    from dashboard.ingest.pipeline import ingest_paths
    from dashboard.ingest.workers import Limits

    if data_path:  # issue 15: where a new lake keeps its files
        os.environ["NIANBAO_DATA_PATH"] = data_path
    engine = None
    if scheduler:  # issue 15: parse on a Dask cluster, write here
        from dashboard.ingest.dask_parse import cluster_engine

        engine = cluster_engine(scheduler)
    target = db_path(db)
    console = Console()
    assign = None
    if agency is not None or year is not None:  # issue 21: the office's word on whose report it is
        from dashboard.ingest.settle import Assignment, SettleError, check_year, registry_name
        from dashboard.registry import Registry
        from dashboard.review.audit import cli_who

        try:
            name = registry_name(agency, Registry.load(), new_agency) if agency is not None else None
            assign = Assignment(name, check_year(year) if year is not None else None, cli_who(), new_agency)
        except SettleError as exc:
            Console(stderr=True).print(f"[red]未导入[/red]：{shown(str(exc))}")
            raise typer.Exit(code=1) from None
    try:
        summary = ingest_paths(list(paths), db=target, progress=not quiet, batch_files=batch, workers=workers,
                               limits=Limits(memory_mb, time_limit), follow_links=follow_links, engine=engine,
                               assign=assign)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 — the run itself could not proceed (database, lock): exit 1
        from dashboard.store.faults import store_fault

        reason = store_fault(exc, target) or shown(str(exc))[:300]
        Console(stderr=True).print(f"[red]无法入库[/red]：{reason}（the ingest could not run）")
        raise typer.Exit(code=1) from None
    counts = summary.counts()
    console.print("  ".join(f"{STATUS_ZH[k]} {v}" for k, v in counts.items())
                  + f"  （{len(summary.outcomes)} 个文件，{summary.seconds:.1f} 秒，数据库 {shown(str(target))}）")
    for o in summary.failed():
        console.print(f"[red]失败[/red] {shown(o.source)}: {shown(o.reason_zh)}（{shown(o.reason_en)}）")
    for o in summary.outcomes:
        if o.status == "superseded":
            console.print(f"[yellow]替换[/yellow] {shown(o.source)}: {shown(o.agency or '')} {o.year} "
                          f"替换了报告 #{o.supersedes}")
    for o in summary.held():
        console.print(f"[yellow]待核对[/yellow] {shown(o.source)}: {shown(o.agency or '')} {o.year} "
                      f"已保存为待核对版本 #{o.report_id}，{shown(o.reason_zh)}")
    for o in summary.unidentified():
        console.print(f"[yellow]待认定[/yellow] {shown(o.source)}: 已保存为报告 #{o.report_id}，{shown(o.reason_zh)}"
                      f"（认定：nianbao assign {o.report_id} --agency 单位 --year 年度）")
    for p in summary.passed:
        if not p.failed:
            console.print(f"[cyan]未读取[/cyan] {shown(p.path)}: {shown(p.reason_zh)}（{shown(p.reason_en)}）")
    if summary.skipped:
        console.print(f"跳过 {len(summary.skipped)} 个非报告文件（not report files）")
    if not summary.all_stored():
        raise typer.Exit(code=2)


def reports(db: Path = DB_OPTION, as_json: bool = JSON_OPTION,
            all_versions: bool = typer.Option(False, "--all", help="包括已被替换的旧版")) -> None:
    """列出已入库的报告 / List stored reports."""
    from dashboard.queries import run_query

    df = run_query("store_reports", db=db_path(db))
    if not all_versions:
        df = df[df["current"]]
    table_out(df, as_json, "已入库报告", ["report_id", "agency", "year", "template", "format", "source_name", "errors",
                                  "warnings", "current"])


def history(agency: str = typer.Argument(..., help="机关名称或简称"), year: int = typer.Argument(..., help="报告年度"),
            db: Path = DB_OPTION, as_json: bool = JSON_OPTION) -> None:
    """某机关某年度的全部入库版本（当前、已替换、待核对） / Every stored version of one agency's report for a year."""
    from dashboard.queries import run_query

    target = db_path(db)
    agency_id, name = resolve_agency(agency, target)
    df = run_query("store_history", db=target, agency_id=agency_id, year=year)
    import pandas as pd

    df["status"] = [("待核对" if h else "当前" if c else "草稿（最新）" if d and pd.isna(s) else "草稿（已被新稿替换）" if d
                     else "已替换")
                    for h, c, d, s in zip(df["held"], df["current"], df["draft"], df["superseded_by"], strict=True)]
    table_out(df, as_json, f"{name} {year} 年度报告的历史", ["report_id", "source_name", "ingested_at", "status",
                                                  "superseded_by", "held_reason", "sha256"])
    if not as_json:  # corrections of every version (dashboard/cli/review.py)

        print_corrections(agency_id, year, target)


def agencies(db: Path = DB_OPTION, as_json: bool = JSON_OPTION,
             unknown: bool = typer.Option(False, "--unknown", help="只列出不在名录中的机关")) -> None:
    """列出机关（名录中的与未知的） / List agencies, registry and unknown."""
    from dashboard.queries import run_query

    df = run_query("store_agencies", db=db_path(db))
    if unknown:
        df = df[~df["in_registry"]]
    table_out(df, as_json, "机关（“名录中”为否的是名录外的单位）",
         ["agency_id", "name", "kind", "region", "in_registry", "reports", "first_year", "last_year"])


def check(year: int | None = typer.Option(None, "--year", help="只核对该年度"),
          agency: str | None = typer.Option(None, "--agency", help="只核对该机关"),
          region: str | None = typer.Option(None, "--region", help="只列该地区；默认本县，“全部地区”为不限地区"),
          db: Path = DB_OPTION, as_json: bool = JSON_OPTION) -> None:
    """重新核对已入库报告并列出问题 / Re-run the checks on stored reports and list the findings."""
    from dashboard.queries import run_query
    from dashboard.review.findings import recheck
    from dashboard.store.db import writer

    target = db_path(db)
    agency_id = resolve_agency(agency, target)[0] if agency else None
    with writer(target) as con:
        recheck(con, year, agency_id)
    from dashboard.cli.regions import command_regions  # issue 20: the home county unless asked, as export

    regions = command_regions(region, target, agency is not None, Console(stderr=True))
    df = run_query("checks_findings", db=target, year=year, agency_id=agency_id, regions=regions)
    if as_json:
        df["cells"] = df["cells"].map(lambda v: list(v) if v is not None else [])
        typer.echo(json.dumps(df.to_dict(orient="records"), ensure_ascii=False, default=str))
        return
    from dashboard.catalogue.labels import humanize, rule_name, severity_name

    console = Console()
    colour = {"error": "red", "warning": "yellow", "info": "blue"}
    for r in df.itertuples(index=False):
        c = colour.get(r.severity, "white")
        console.print(f"#{r.report_id} {shown(r.agency)} {r.year} [{c}]{severity_name(r.severity)} {rule_name(r.rule)}[/{c}] "
                      f"{shown(humanize(r.message))}")
    console.print(f"共 {len(df)} 条（{(df['severity'] == 'error').sum()} 个错误）")


def _settled_line(out) -> str:  # noqa: ANN001 — a settle.Settled
    if out.status == "held":
        return f"报告 #{out.report_id} 已归入 {shown(out.agency)} {out.year}，仍为待核对版本：{shown(out.reason_zh)}"
    if out.status == "superseded":
        return (f"报告 #{out.report_id} 已成为 {shown(out.agency)} {out.year} 的当前版本（替换报告 #{out.replaced}）"
                + (f"：{shown(out.reason_zh)}" if out.reason_zh else ""))
    return f"报告 #{out.report_id} 已成为 {shown(out.agency)} {out.year} 的当前版本"


def assign(report_id: int = typer.Argument(..., help="待认定报告的编号（nianbao reports --all 或导入页）"),
           agency: str = typer.Option(..., "--agency", help="单位（名录中的名称、简称或别名）"),
           year: int = typer.Option(..., "--year", help="报告年度"),
           new_agency: bool = typer.Option(False, "--new-agency", help="单位不在名录中时仍作为新单位"),
           db: Path = DB_OPTION) -> None:
    """认定待认定报告的单位和年度（记入操作记录），随后按替换规则成为当前版本或待核对 / Assign unit and year."""
    from dashboard.ingest.settle import SettleError, assign_identity
    from dashboard.review.audit import cli_who

    try:
        out = assign_identity(report_id, agency, year, cli_who(), db=db_path(db), new_agency=new_agency)
    except SettleError as exc:
        Console(stderr=True).print(f"[red]未认定[/red]：{shown(str(exc))}")
        raise typer.Exit(code=1) from None
    Console().print(_settled_line(out))


def promote(report_id: int = typer.Argument(..., help="待核对版本的编号（nianbao history 单位 年度）"),
            reason: str = typer.Option(..., "--reason", help="启用此版本的理由（记入操作记录）"),
            db: Path = DB_OPTION) -> None:
    """启用待核对版本：使其成为当前版本（原当前版本保留为已替换），记入操作记录 / Promote a held version."""
    from dashboard.ingest.settle import SettleError
    from dashboard.ingest.settle import promote as do_promote
    from dashboard.review.audit import cli_who

    try:
        out = do_promote(report_id, reason, cli_who(), db=db_path(db))
    except SettleError as exc:
        Console(stderr=True).print(f"[red]未启用[/red]：{shown(str(exc))}")
        raise typer.Exit(code=1) from None
    Console().print(_settled_line(out))


def register(app: typer.Typer) -> None:
    """Add the store's commands to the `nianbao` app."""
    for fn in (ingest, reports, history, agencies, check, assign, promote):
        app.command(name=fn.__name__)(fn)
    from dashboard.store.migrate_store import migrate_store_command  # issue 15: county file → DuckLake

    app.command(name="migrate-store")(migrate_store_command)
