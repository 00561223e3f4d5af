"""CLI of the exports: `nianbao export --year Y [--agencies …] [--db FILE] --out DIR` (会议材料)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from dashboard.errors import ReportError
from dashboard.review import audit
from dashboard.store.location import db_path

KIND_ZH = {"pptx": "演示文稿", "docx": "会议材料（Word）", "xlsx": "数据表（Excel）", "images": "图表图片"}


def export(
    year: int = typer.Option(..., "--year", help="报告年度，如 2024"),
    agencies: list[str] = typer.Option(None, "--agencies", help="单位（全称、简称或编号；可重复，或用逗号分隔；默认全部单位）"),
    region: str = typer.Option(None, "--region", help="地区，如 示例县（模拟）；默认本县，“全部地区”为不限地区"),
    kinds: str = typer.Option(None, "--kinds", help="单位类型：乡、镇、街道、部门、政府（逗号分隔；默认全部类型）"),
    include_suspect: bool = typer.Option(False, "--include-suspect", help="合计中包含存疑数值（默认不含）"),
    db: Path = typer.Option(None, "--db", help="DuckDB 文件（默认 $NIANBAO_DB 或 data/nianbao.duckdb）"),
    out: Path = typer.Option(..., "--out", help="输出文件夹"),
    formats: str = typer.Option("png", "--images", help="图表图片格式：png、svg、pdf（逗号分隔；演示文稿和Word内嵌PNG）"),
) -> None:
    """生成会议材料：PPT 演示文稿、Word 材料、Excel 数据表和图表图片 / Build the meeting pack for a year."""
    from dashboard.export.data import EmptyPackError, PackScope, home_region, resolve_agencies
    from dashboard.export.images import FORMATS, RenderError, cjk_font_warning
    from dashboard.export.pack import build_pack
    from dashboard.scope import ALL_REGIONS
    from dashboard.text import shown

    console, err = Console(), Console(stderr=True)
    target = db_path(db)
    if not target.exists():
        err.print(f"[red]错误[/red] 数据库不存在：{target}（database not found; 先运行 nianbao ingest）")
        raise typer.Exit(code=2)
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad:
        err.print(f"[red]错误[/red] 不支持的图片格式：{'、'.join(bad)}（可选 {', '.join(FORMATS)}）")
        raise typer.Exit(code=2)
    warning = cjk_font_warning()
    if warning:
        err.print(f"[yellow]警告[/yellow] {warning}")
    names = [n for item in (agencies or []) for n in item.split(",") if n.strip()]
    if region == ALL_REGIONS:
        region = None
    elif region is None and not names:  # every figure belongs to a scope: the home county unless asked otherwise
        region, source = home_region(target)
        if region:
            err.print(f"范围：本县 {shown(region)}（{source}；其他地区用 --region）")
    try:
        ids = resolve_agencies(names, target)
        wanted_kinds = tuple(k.strip() for k in (kinds or "").replace("，", ",").split(",") if k.strip()) or None
        scope = PackScope(region=region, kinds=wanted_kinds, agency_ids=tuple(ids) if ids else None,
                          include_suspect=include_suspect)
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                      TimeElapsedColumn(), console=err, transient=False) as bar:
            task = bar.add_task("会议材料", total=1.0)
            files = build_pack(year, ids, target, out, lambda f, m: bar.update(task, completed=f, description=m),
                               formats=("png", *[f for f in wanted if f != "png"]), scope=scope)
    except EmptyPackError as exc:
        err.print(f"[red]未生成[/red] {exc.reason_zh}。")
        raise typer.Exit(code=3) from None
    except ReportError as exc:
        err.print(f"[red]错误[/red] {exc.source}: {exc.reason_zh}（{exc.reason_en}）")
        raise typer.Exit(code=2) from None
    except RenderError as exc:
        err.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(code=2) from None
    audit.export_done(None, year, ids, files, target)  # audit row (OS user)
    for kind, path in files.items():
        console.print(f"{KIND_ZH.get(kind, kind)}：{path}")


def register(app: typer.Typer) -> None:
    """Add `export` to the nianbao CLI."""
    app.command("export")(export)
