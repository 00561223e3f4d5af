"""`nianbao serve`: run the Streamlit dashboard on a database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from dashboard.settings import ROOT, db_path

APP = Path(__file__).resolve().parent / "app.py"


def streamlit_command(port: int = 8501, headless: bool = True) -> list[str]:
    """The `streamlit run dashboard/app.py` command line for a port (through `python -m dashboard.serve run`)."""
    return [sys.executable, "-m", "dashboard.serve", "run", str(APP), "--server.port", str(port),
            "--server.headless", "true" if headless else "false", "--browser.gatherUsageStats", "false"]


def run_streamlit(argv: list[str]) -> None:
    """`streamlit <argv>` in this process, with the app's st.navigation always in charge of the pages.

    Streamlit treats a folder named `pages` beside the entry script as the old multipage layout and then runs a
    page file directly for its URL, without app.py (no navigation, no page titles). The flag is set false when
    app.py first calls st.navigation, which it may never get to do; setting it before the server starts is what
    st.navigation itself does.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", *argv]
    cli.main()


def serve(db: Path | None, port: int = 8501, headless: bool = True) -> int:
    """Run the dashboard on the database (NIANBAO_DB for the app) until it stops; returns its exit code."""
    env = {**os.environ, "NIANBAO_DB": str(db_path(db).resolve())}
    # cwd = project root so that Streamlit finds .streamlit/config.toml (theme, headless, no usage stats).
    return subprocess.call(streamlit_command(port, headless), env=env, cwd=ROOT)


def register(app: typer.Typer) -> None:
    """Add `nianbao serve` to the command line."""

    @app.command("serve")
    def serve_command(
        db: Path | None = typer.Option(None, "--db", help="DuckDB 数据库文件（默认 $NIANBAO_DB 或 data/nianbao.duckdb）"),
        port: int = typer.Option(8501, "--port", help="端口"),
        headless: bool = typer.Option(True, "--headless/--open-browser", help="不自动打开浏览器"),
    ) -> None:
        """启动统计看板 / Serve the dashboard."""
        raise typer.Exit(code=serve(db, port, headless))


if __name__ == "__main__":
    run_streamlit(sys.argv[1:])
