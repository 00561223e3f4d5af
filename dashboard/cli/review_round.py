"""`nianbao review …`: the office's yearly review round from the command line — open a round, receive drafts, show
the board, decide, write the 审核意见书 and the summary (dashboard/review/rounds.py, dashboard/export/opinions.py).

The command line acts as the operating-system user with 管理 rights (dashboard.review.users.cli_user)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

from dashboard.cli.common import DB_OPTION, JSON_OPTION, resolve_agency, table_out
from dashboard.store.location import db_path

review_app = typer.Typer(help="年报审核轮次：开启、接收报送稿、审核进度、审核意见书。", no_args_is_help=True)
err = Console(stderr=True)
BOARD_COLUMNS = ["单位", "类别", "状态", "进度", "期限", "报送次数", "最近报送", "最近审核意见", "错误", "提醒", "评分"]


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]错误[/red] {what}应为 YYYY-MM-DD：{text}")
        raise typer.Exit(code=1) from None


@review_app.command("open")
def open_cmd(year: int = typer.Option(..., "--year", help="报告年度"),
             draft_deadline: str | None = typer.Option(None, "--draft-deadline", help="报送稿截止日期 YYYY-MM-DD"),
             region: str | None = typer.Option(None, "--region", help="本轮审核的县（区），默认本县"),
             deadline: list[str] | None = typer.Option(None, "--deadline", help="某类单位的公布期限：类别=YYYY-MM-DD（可多次）"),
             db: Path = DB_OPTION) -> None:
    """开启（或修改）某年度的审核轮次 / Open the review round of a year."""
    from dashboard.review.rounds import open_round
    from dashboard.review.users import cli_user

    extra = {}
    for item in deadline or []:
        kind, _, day = item.partition("=")
        extra[kind.strip()] = _date(day.strip(), f"{kind}的公布期限")
    target = db_path(db)
    if region is None:
        from dashboard.scope import data_home_county

        region = data_home_county(target)
    rnd = open_round(cli_user(), year, _date(draft_deadline, "报送稿截止日期"), extra, region=region, db=target)
    Console().print(f"已开启“{rnd.title}”（范围：{rnd.region or '全部'}；报送稿截止："
                    f"{rnd.draft_deadline or '未设'}）。")


@review_app.command("submit")
def submit_cmd(files: list[Path] = typer.Argument(..., help="报送稿文件"),
               db: Path = DB_OPTION) -> None:
    """接收单位报送稿（存为草稿版本，不计入总览） / Receive drafts."""
    from dashboard.ingest.drafts import ingest_drafts
    from dashboard.review.users import cli_user

    summary = ingest_drafts(cli_user(), files, db_path(db))
    names = {"ingested": "已接收", "superseded": "已接收（替换上一稿）", "unchanged": "与已收稿相同", "failed": "失败"}
    for o in summary.outcomes:
        Console().print(f"{o.source}：{names.get(o.status, o.status)} {o.reason_zh}")
    if any(o.status == "failed" for o in summary.outcomes):
        raise typer.Exit(code=2)


@review_app.command("status")
def status_cmd(year: int = typer.Option(..., "--year", help="报告年度"), db: Path = DB_OPTION,
               as_json: bool = JSON_OPTION) -> None:
    """审核进度：每个单位的状态、期限、问题数和评分 / The round's board."""
    from dashboard.review.rounds import board, board_frame
    from dashboard.scope import data_as_of

    target = db_path(db)
    rnd, units = board(year, target, today=data_as_of(target))
    if rnd is None:
        err.print(f"{year} 年度还没有开启审核轮次（nianbao review open --year {year}）。")
        raise typer.Exit(code=1)
    frame = board_frame(units)
    table_out(frame, as_json, f"{rnd.title}（{rnd.region or '全部'}）", BOARD_COLUMNS)
    if not as_json:
        counts = frame["状态"].value_counts()
        Console().print("；".join(f"{k} {counts.get(k, 0)}" for k in ("未提交", "待审核", "需修改", "已通过", "已公布",
                                                                    "逾期")))


@review_app.command("decide")
def decide_cmd(agency: str = typer.Argument(..., help="单位名称或简称"),
               action: str = typer.Argument(..., help="退回修改 / 通过 / 标记已公布"),
               year: int = typer.Option(..., "--year", help="报告年度"),
               opinion: str | None = typer.Option(None, "--opinion", help="退回修改的意见"),
               db: Path = DB_OPTION) -> None:
    """对单位最新报送稿作出审核决定 / Decide on a unit's latest submission."""
    from dashboard.review.rounds import ACTION_ZH, RoundError, decide
    from dashboard.review.users import cli_user

    codes = {v: k for k, v in ACTION_ZH.items()} | {"通过": "passed", "退回": "returned", "已公布": "published"}
    if action not in codes:
        err.print(f"[red]错误[/red] 审核决定应为：{'、'.join(ACTION_ZH.values())}")
        raise typer.Exit(code=1)
    target = db_path(db)
    agency_id, name = resolve_agency(agency, target)
    try:
        decide(cli_user(), year, agency_id, codes[action], opinion, target)
    except RoundError as exc:
        err.print(f"[red]错误[/red] {exc}")
        raise typer.Exit(code=1) from None
    Console().print(f"{name}：{ACTION_ZH[codes[action]]}。")


@review_app.command("opinions")
def opinions_cmd(year: int = typer.Option(..., "--year", help="报告年度"),
                 out: Path = typer.Option(..., "--out", help="输出文件夹"),
                 zip_file: bool = typer.Option(False, "--zip", help="另存一个 ZIP（每个单位一个文件）"),
                 db: Path = DB_OPTION) -> None:
    """为有问题的单位各写一份审核意见书（DOCX），并写审核汇总表（XLSX） / Write the opinions and the summary."""
    from dashboard.export.opinions import opinions_zip, summary_xlsx, write_opinions
    from dashboard.review.rounds import load_round

    target = db_path(db)
    if load_round(year, target) is None:
        err.print(f"{year} 年度还没有开启审核轮次（nianbao review open --year {year}）。")
        raise typer.Exit(code=1)
    files = write_opinions(year, out, target)
    summary = out / f"{year}年度年报审核汇总.xlsx"
    summary_xlsx(year, summary, target)
    if zip_file:
        (out / f"{year}年度年报审核意见书.zip").write_bytes(opinions_zip(year, target))
    for f in files:
        Console().print(f"已写出 {f}")
    Console().print(f"共 {len(files)} 份审核意见书；汇总表 {summary}")


def register(app: typer.Typer) -> None:
    """Add `nianbao review …` to the command line."""
    app.add_typer(review_app, name="review")
