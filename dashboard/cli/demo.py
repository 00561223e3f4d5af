"""`nianbao synth` (simulated report files with truth) and `nianbao demo` (demo database, then the dashboard)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dashboard.settings import ROOT

console = Console()


def _print_counts(counts: dict, title: str) -> None:
    table = Table(title=title)
    table.add_column("项目 / item")
    table.add_column("数量 / count", justify="right")
    table.add_row("机关 agencies", str(counts["agencies"]))
    table.add_row("报告 reports", str(counts["reports"]))
    for fmt, n in sorted(counts["formats"].items()):
        table.add_row(f"  格式 {fmt}", str(n))
    for kind, n in sorted(counts["defects"].items()):
        table.add_row(f"  预置问题 defect {kind}", str(n))
    for kind, n in sorted(counts["patterns"].items()):
        table.add_row(f"  格式现象 pattern {kind}", str(n))
    console.print(table)


def _serve(db: Path, port: int) -> int:
    """dashboard.serve.serve when that module exists, else `streamlit run dashboard/app.py`."""
    try:
        serve_module = importlib.import_module("dashboard.serve")
    except ModuleNotFoundError:
        serve_module = None
    if serve_module is not None and hasattr(serve_module, "serve"):
        return serve_module.serve(db, port)
    import os

    env = {**os.environ, "NIANBAO_DB": str(db.resolve())}
    return subprocess.call([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
                            "--server.port", str(port)], env=env, cwd=ROOT)


def register(app: typer.Typer) -> None:
    """Add `nianbao synth` and `nianbao demo` to the command line."""

    @app.command("synth")
    def synth_command(
        agencies: int = typer.Option(30, "--agencies", min=1, help="模拟机关数量（每县约30个）"),
        years: str = typer.Option("2019-2024", "--years", help="报告年度范围，如 2019-2024"),
        out: Path = typer.Option(..., "--out", help="输出文件夹（reports/ 报告文件，truth/ 真值，manifest.json）"),
        formats: str = typer.Option("html,pdf,docx,md", "--formats", help="文件格式，逗号分隔：html,pdf,docx,md"),
        seed: int = typer.Option(0, "--seed", help="随机种子（相同种子生成相同文件）"),
        rate: float = typer.Option(0.015, "--defect-rate", min=0.0, max=0.2, help="每类预置问题占报告的比例"),
    ) -> None:
        """生成模拟年报文件及真值 / Generate simulated report files with their truth."""
        from dashboard.synth.generate import parse_years, synthesize

        try:
            year_list = parse_years(years)
            fmts = [f.strip().lower() for f in formats.split(",") if f.strip()]
            result = synthesize(out, agencies, year_list, fmts, seed=seed, rate=rate)
        except ValueError as exc:
            console.print(f"[red]错误[/red] {exc}")
            raise typer.Exit(code=2) from exc
        _print_counts(result.counts(), f"已生成 {out}")

    @app.command("demo")
    def demo_command(
        db: Path | None = typer.Option(None, "--db", help="演示数据库文件（默认 data/demo.duckdb，每次重建）"),
        no_serve: bool = typer.Option(False, "--no-serve", help="只建库，不启动看板"),
        port: int = typer.Option(8501, "--port", help="看板端口"),
        seed: int = typer.Option(2024, "--seed", help="模拟县的随机种子"),
        force: bool = typer.Option(False, "--force", help="允许覆盖已存在的非默认数据库文件"),
    ) -> None:
        """建立演示数据库（真实年报 + 模拟县「示例县（模拟）」）并启动看板 / Build the demo database and serve it."""
        from dashboard.synth.demo import DEMO_DB, build_demo

        target = db or DEMO_DB
        if target.exists() and target.resolve() != DEMO_DB.resolve() and not force:
            console.print(f"[red]错误[/red] {target}: 文件已存在，演示会重建数据库；如确要覆盖请加 --force"
                          f"（the file exists and the demo rebuilds it; add --force to overwrite）")
            raise typer.Exit(code=2)
        summary = build_demo(target, seed=seed)
        _print_counts(summary.synth.counts(), "模拟县「示例县（模拟）」")
        counts = summary.ingest.counts()
        console.print(f"入库 / stored: {counts}；用时 / seconds: "
                      + "，".join(f"{k} {v:.1f}s" for k, v in summary.seconds.items()))
        for o in summary.ingest.failed():
            console.print(f"[yellow]未入库[/yellow] {o.source}: {o.reason_zh}（{o.reason_en}）")
        console.print(f"数据库 / database: {target}")
        if not no_serve:
            raise typer.Exit(code=_serve(target, port))
