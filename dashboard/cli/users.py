"""`nianbao user add/passwd/list/remove`: the dashboard's logins (dashboard/review/users.py does the work)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dashboard.cli.common import DB_OPTION
from dashboard.store.location import db_path
from dashboard.text import shown

err = Console(stderr=True)
user_app = typer.Typer(help="管理看板登录用户（角色：查看 / 编辑 / 管理）", no_args_is_help=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误[/red] {shown(message)}")
    raise typer.Exit(code=1)


def _password(password: str | None) -> str:
    if password:
        return password
    return typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


@user_app.command("add")
def user_add(name: str = typer.Argument(..., help="用户名"),
             role: str = typer.Option("查看", "--role", help="角色：查看 / 编辑 / 管理"),
             password: str | None = typer.Option(None, "--password", help="密码（不给则提示输入，不回显）"),
             db: Path = DB_OPTION) -> None:
    """新增用户 / Add a login."""
    from dashboard.review.users import AuthError, add_user, cli_user

    try:
        add_user(cli_user(), name, role, _password(password), db=db_path(db))
    except AuthError as exc:
        _fail(str(exc))
    Console().print(f"已新增用户 {shown(name)}（{shown(role)}）。")


@user_app.command("passwd")
def user_passwd(name: str = typer.Argument(..., help="用户名"),
                role: str | None = typer.Option(None, "--role", help="同时改角色：查看 / 编辑 / 管理"),
                password: str | None = typer.Option(None, "--password", help="新密码（不给则提示输入）"),
                keep_password: bool = typer.Option(False, "--keep-password", help="只改角色，不改密码"),
                db: Path = DB_OPTION) -> None:
    """修改用户密码或角色 / Change a login's password or role."""
    from dashboard.review.users import AuthError, cli_user, set_password

    try:
        set_password(cli_user(), name, None if keep_password else _password(password), role, db=db_path(db))
    except AuthError as exc:
        _fail(str(exc))
    Console().print(f"已更新用户 {shown(name)}。")


@user_app.command("list")
def user_list(db: Path = DB_OPTION) -> None:
    """列出用户 / List logins."""
    from dashboard.review.users import list_users

    df = list_users(db_path(db))
    if df.empty:
        Console().print("还没有用户；看板只能在本机（127.0.0.1）使用。添加：nianbao user add 用户名 --role 管理")
        return
    table = Table(title="看板用户")
    for c in ("用户名", "角色", "创建时间", "更新时间"):
        table.add_column(c)
    for r in df.itertuples(index=False):
        table.add_row(shown(r.name), shown(r.role), str(r.created_at)[:19], str(r.updated_at)[:19])
    Console().print(table)


@user_app.command("remove")
def user_remove(name: str = typer.Argument(..., help="用户名"), db: Path = DB_OPTION) -> None:
    """删除用户（其操作记录保留） / Remove a login."""
    from dashboard.review.users import AuthError, cli_user, remove_user

    try:
        remove_user(cli_user(), name, db=db_path(db))
    except AuthError as exc:
        _fail(str(exc))
    Console().print(f"已删除用户 {shown(name)}。")


def register(app: typer.Typer) -> None:
    """Add `nianbao user …` to the command line."""
    app.add_typer(user_app, name="user")
