"""`nianbao serve`: the dashboard on the database (dashboard/serve.py starts and watches the Streamlit server)."""

from __future__ import annotations

from pathlib import Path

import typer

from dashboard.serve import DEFAULT_HOST, serve


def register(app: typer.Typer) -> None:
    """Add `nianbao serve` to the command line."""

    @app.command("serve")
    def serve_command(
        db: Path | None = typer.Option(None, "--db", help="DuckDB 数据库文件（默认 $NIANBAO_DB 或 data/nianbao.duckdb）"),
        port: int = typer.Option(8501, "--port", help="端口"),
        headless: bool = typer.Option(True, "--headless/--open-browser", help="不自动打开浏览器"),
        host: str = typer.Option(DEFAULT_HOST, "--host",
                                 help="监听地址（默认仅本机 127.0.0.1；其他地址须先 nianbao user add 添加用户）"),
    ) -> None:
        """启动统计看板 / Serve the dashboard."""
        raise typer.Exit(code=serve(db, port, headless, host))
