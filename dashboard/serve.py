"""`nianbao serve`: run the Streamlit dashboard on a database file — safe by default.

It listens on 127.0.0.1 unless --host is given. On any other interface it refuses to start while no login is
configured (`nianbao user add NAME --role 管理`); on 127.0.0.1 without users the dashboard runs as one local
管理 (dashboard/review/users.py). Ctrl-C or SIGTERM stops the Streamlit child too, and so does any death of serve,
SIGKILL included (dashboard/serve_process.py); serve refuses a port some process still holds and names its pid.
It serves dashboard/web_app.py: the app behind the login check of the upload/media endpoints and with
X-Frame-Options/CSP headers (dashboard/web_guard.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from dashboard.review.read_only import ENV as READ_ONLY_ENV
from dashboard.settings import ROOT
from dashboard.store.location import db_path

APP = Path(__file__).resolve().parent / "app.py"
# What serve runs: app.py as an st.App with the upload/media guard and security headers (dashboard/web_guard.py).
WEB_APP = Path(__file__).resolve().parent / "web_app.py"


DEFAULT_HOST = "127.0.0.1"
STOP_WAIT_S = 10.0


def streamlit_command(port: int = 8501, headless: bool = True, host: str = DEFAULT_HOST) -> list[str]:
    """The `streamlit run dashboard/web_app.py` command line for a port (through `python -m dashboard.serve run`)."""
    return [sys.executable, "-m", "dashboard.serve", "run", str(WEB_APP), "--server.port", str(port),
            "--server.address", host, "--server.headless", "true" if headless else "false",
            "--browser.gatherUsageStats", "false"]


class UnsafeServe(RuntimeError):
    """Serving beyond this machine with no login configured."""


def probe_read_only(db: Path) -> str | None:
    """Why the database cannot be written (serve then starts read-only for viewing), or None; lakes: None."""
    from dashboard.review.read_only import probe
    from dashboard.store.location import is_lake

    return None if is_lake(db) else probe(db)


def check_safe(db: Path, host: str) -> None:
    """Refuse a non-loopback host while the database has no users (migrating the database first)."""
    from dashboard.review.users import ADD_USER_HINT, has_users, is_loopback
    from dashboard.store.db import writer

    if probe_read_only(db) is None:
        with writer(db):
            pass  # apply pending migrations (users, corrections) before the app reads the file
    if not is_loopback(host) and not has_users(db):
        raise UnsafeServe(f"拒绝在 {host} 上启动：还没有配置任何用户，网络上的任何人都能修改数据。{ADD_USER_HINT}"
                          f"（--db {db}）；或去掉 --host，只在本机 127.0.0.1 使用。")


def run_child(cmd: list[str], env: dict[str, str], cwd: Path) -> int:
    """Run the Streamlit child until it ends; Ctrl-C or SIGTERM on this process stops it (then kills it if it hangs).

    Whatever ends this process — SIGKILL included — ends the child too (dashboard/serve_process.py: the kernel's
    parent-death signal, and the child's own watch on this pid).
    """
    from dashboard.serve_process import PARENT_ENV, die_with_parent

    me = os.getpid()
    proc = subprocess.Popen(cmd, env={**env, PARENT_ENV: str(me)}, cwd=cwd, preexec_fn=die_with_parent(me))

    def stop(signum: int, _frame: object) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return proc.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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


def serve(db: Path | None, port: int = 8501, headless: bool = True, host: str = DEFAULT_HOST) -> int:
    """Run the dashboard on the database (NIANBAO_DB for the app) until it stops; returns its exit code."""
    path = db_path(db).resolve()
    try:
        check_safe(path, host)
    except UnsafeServe as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from dashboard.serve_process import port_busy_message, port_free, port_holder

    if not port_free(host, port):  # e.g. the child of an earlier serve still listening: say which pid
        print(port_busy_message(host, port, port_holder(port)), file=sys.stderr)
        return 2
    env = {**os.environ, "NIANBAO_DB": str(path)}
    env.pop(READ_ONLY_ENV, None)
    if why := probe_read_only(path):
        env[READ_ONLY_ENV] = why
        print(f"以只读模式启动：{why}。可以查看与导出，不能修改。\n"
              f"Starting read-only: the database cannot be written ({path}).", file=sys.stderr)
    # cwd = project root so that Streamlit finds .streamlit/config.toml (theme, headless, no usage stats).
    return run_child(streamlit_command(port, headless, host), env, ROOT)


if __name__ == "__main__":
    from dashboard.serve_process import watch_parent_from_env

    watch_parent_from_env()  # the child of serve: end when serve is gone, even if the parent-death signal was lost
    run_streamlit(sys.argv[1:])
