"""The readable summary `nianbao parse FILE` prints: identity, the three tables, problems."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from dashboard.catalogue import codes
from dashboard.catalogue.labels import column_label, column_short_label, humanize, row_label, row_short_label

_SEVERITY = {"error": "[red]错误[/red]", "warning": "[yellow]警告[/yellow]", "info": "[cyan]提示[/cyan]"}


def _fmt(v: object) -> str:
    return "—" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))


def print_summary(rep: dict, console: Console) -> None:
    """Print one parsed report for a person."""
    console.rule(f"[bold]{rep.get('source')}")
    console.print(f"单位 agency: [bold]{rep.get('agency') or '（未识别）'}[/bold]   年度 year: {rep.get('year') or '（未识别）'}"
                  f"   格式 template: {rep.get('template')}年版（第三部分 {rep.get('applications_layout')}年版）"
                  f"   数字 figures: {rep.get('figures')}")
    t = RichTable(title="二、主动公开 disclosure", show_lines=False)
    t.add_column("项目")
    t.add_column("数字")
    for row, cols in rep["disclosure"].items():
        cells = "  ".join(f"{column_label('disclosure', c)} {_fmt(v)}" + (rep["units"].get(f"disclosure.{row}.{c}") or "")
                          for c, v in cols.items())
        t.add_row(row_label("disclosure", row), cells)
    console.print(t)
    t = RichTable(title="三、依申请公开 applications")
    t.add_column("项目", no_wrap=True)
    for c in codes.APPLICATION_COLUMNS:
        t.add_column(column_short_label("applications", c), justify="right")
    for row, cols in rep["applications"].items():
        t.add_row(row_short_label("applications", row), *[_fmt(cols.get(c)) for c in codes.APPLICATION_COLUMNS])
    console.print(t)
    t = RichTable(title="四、复议诉讼 appeals")
    t.add_column("类别")
    for c in codes.APPEAL_COLUMNS:
        t.add_column(column_label("appeals", c), justify="right")
    for g, cols in rep["appeals"].items():
        t.add_row(row_label("appeals", g), *[_fmt(cols.get(c)) for c in codes.APPEAL_COLUMNS])
    console.print(t)
    if rep["problems"]:
        console.print("[bold]问题 problems[/bold]")
        for p in rep["problems"]:
            console.print(f"  {_SEVERITY.get(p['severity'], p['severity'])} {humanize(p['message_zh'])}  ({p['message_en']})")
    else:
        console.print("问题 problems: 无 none")
