"""`nianbao parse`: read report files and print the canonical record or a summary (nothing is stored)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from dashboard.errors import reason_for
from dashboard.ingest.prepare import display_name
from dashboard.limits import bounded, check_file
from dashboard.parse import parse_file
from dashboard.parse.summary import print_summary
from dashboard.registry import default_registry
from dashboard.store.records import clean_report
from dashboard.text import shown

err = Console(stderr=True)


def parse(
    files: list[Path] = typer.Argument(..., help="报告文件（PDF / Word / 网页 / 文本）"),
    as_json: bool = typer.Option(False, "--json", help="输出规范 JSON（一个文件为对象，多个为数组）"),
) -> None:
    """读取报告并输出规范化结果 / Parse report files into the canonical record.

    退出码非零：某个文件无法读取，或读不出单位、年度或任何数字。
    """
    results: list[dict] = []
    failed = 0
    for f in files:
        name = shown(display_name(f.name))
        try:
            check_file(f)  # size and pages before any work (dashboard/limits.py: the limits of every path)
            with bounded():  # the memory and time a worker would have
                rep = clean_report(parse_file(f, default_registry()))
        except Exception as exc:  # noqa: BLE001 — every failure is this file's reason, never a traceback
            failed += 1
            zh, en, _ = reason_for(exc)
            err.print(f"[red]错误[/red] {name}: {shown(zh)}（{shown(en)}）")
            continue
        results.append(rep)
        missing = [zh for zh, bad in (("单位", not (rep.get("agency") or "").strip()),
                                      ("年度", not isinstance(rep.get("year"), int)),
                                      ("数字", not rep.get("figures"))) if bad]
        if missing and not rep.get("held_for_review"):  # a held report is said below, with its own exit code
            failed += 1
            err.print(f"[red]错误[/red] {name}: 未能读出{'、'.join(missing)}，不是可用的年度报告"
                      "（agency, year or figures could not be read）")
        elif (bad := unreadable_share(rep)) is not None:
            failed += 1  # most cells unreadable: not a report that can be used as read
            err.print(f"[red]错误[/red] {name}: {bad[0]} 个格中有 {bad[1]} 个读不出（见 problems），须人工核对或手工录入"
                      f"（{bad[1]} of {bad[0]} cells unreadable）")
    if as_json:
        payload = results[0] if len(files) == 1 and results else results
        if results or len(files) > 1:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        console = Console()
        for rep in results:
            # names and titles come from the file: escape them, or "[…]" in a name is read as Rich markup
            safe = {**rep, "source": shown(rep.get("source") or ""),
                    "agency": shown(rep["agency"]) if rep.get("agency") else rep.get("agency")}
            print_summary(safe, console)
    held = [r for r in results if r.get("held_for_review")]
    for r in held:
        what = "；".join(f"{zh}无法确认" for zh, bad in (("单位名称", not r.get("agency")),
                                                         ("年度", not isinstance(r.get("year"), int))) if bad)
        err.print(f"[yellow]待核对[/yellow] {shown(r.get('source') or '')}：{what or '单位名称无法确认'}，未归入任何"
                  "单位或年度 (the agency or year could not be established)")
    if failed:
        raise typer.Exit(code=2)
    if held:
        raise typer.Exit(code=3)


def unreadable_share(rep: dict) -> tuple[int, int] | None:
    """(cells, unreadable cells) when at least half of a report's table cells could not be read, else None."""
    cells = sum(len(row) for t in ("disclosure", "applications", "appeals") for row in (rep.get(t) or {}).values()
                if isinstance(row, dict))
    unreadable = sum(1 for flag in (rep.get("cell_flags") or {}).values() if flag == "unreadable")
    return (cells, unreadable) if cells and unreadable * 2 >= cells else None


def register(app: typer.Typer) -> None:
    """Add `nianbao parse` to the command line."""
    app.command(name="parse")(parse)
