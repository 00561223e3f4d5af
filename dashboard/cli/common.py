"""What the command groups share: the --db and --json options, printing a table, finding a stored agency by name,
printing a report's corrections."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dashboard.text import shown

DB_OPTION = typer.Option(None, "--db", help="DuckDB 文件（默认 $NIANBAO_DB 或 data/nianbao.duckdb）")
JSON_OPTION = typer.Option(False, "--json", help="输出 JSON")
CORRECTION_STATUS_ZH = {"active": "生效", "replaced": "已被后来的更正取代", "reverted": "已撤销",
                        "stale": "待复核（新版数值已变）", "reapplied": "复核后重新应用", "dropped": "复核后放弃"}
CORRECTION_KIND_ZH = {"correction": "更正", "entry": "手工录入"}


def number_text(v: float | None) -> str:
    """A value as the office writes it: 空白 for none, integers without .0."""
    if v is None or v != v:
        return "空白"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def table_out(df, as_json: bool, title: str, columns: list[str]) -> None:  # noqa: ANN001
    """A result as JSON, or as a table with Chinese headers and values (dashboard.catalogue.labels cli_header)."""
    if as_json:
        typer.echo(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        return
    from dashboard.catalogue.labels import cli_header, cli_value

    table = Table(title=title)
    for c in columns:
        table.add_column(cli_header(c))
    for row in df[columns].itertuples(index=False):
        table.add_row(*[shown(cli_value(c, v)) for c, v in zip(columns, row, strict=True)])
    Console().print(table)


def resolve_agency(text: str, db: Path) -> tuple[int, str]:
    """(id, name) of the stored agency `text` means (its id, name, short name or alias: queries.agency_named);
    exits with a message if none."""
    from dashboard.queries import agency_named

    hit = agency_named(text, db)
    if hit is None:
        Console(stderr=True).print(f"[red]未找到机关[/red] {shown(text)}（not found; 用 nianbao agencies 查看）")
        raise typer.Exit(code=1)
    return hit


def print_corrections(agency_id: int, year: int, db: Path, as_json: bool = False) -> None:
    """The corrections of every version of one agency's report for a year (called by `nianbao history`)."""
    from dashboard.catalogue.labels import cell_label
    from dashboard.review.corrections import corrections_of
    from dashboard.store.db import open_db

    con = open_db(db, read_only=True)
    try:
        rows = corrections_of(con, agency_id, year)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not rows:
        Console().print("没有人工更正。")
        return
    table = Table(title="人工更正与手工录入")
    for c in ("编号", "报告", "格", "原值", "更正为", "更正人", "时间", "理由", "状态", "类型"):
        table.add_column(c)
    for r in rows:
        key = f"{r['tbl']}.{r['row_code']}.{r['col_code']}"
        table.add_row(str(r["correction_id"]), str(r["report_id"]), cell_label(key), number_text(r["value_before"]),
                      number_text(r["value_after"]), r["who"], str(r["at"])[:19], r["reason"],
                      CORRECTION_STATUS_ZH.get(r["status"], r["status"]) + (f"（沿用自 {r['carried_from']}）" if r["carried_from"]
                                                                 else ""), CORRECTION_KIND_ZH.get(r["kind"], r["kind"]))
    Console().print(table)
