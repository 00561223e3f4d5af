"""The `nianbao` command line: one thin module per group (parse, store, review, users, export, serve, demo), each
with `register(app)`, calling the rooms below it and holding no logic of its own."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(help="nianbao（年报）：政府信息公开工作年度报告的读取、核对、存储与展示。", no_args_is_help=True,
                  add_completion=False)

@app.callback()
def _root() -> None:
    """nianbao（年报）：政府信息公开工作年度报告的读取、核对、存储与展示。"""
    from dashboard.limits import cap_malloc_arenas

    cap_malloc_arenas()  # a long ingest's memory stays flat, whatever the number of files (issue 23)


# Command groups; each module has `register(app)`.
COMMAND_MODULES = [
    "dashboard.cli.parse",   # parse
    "dashboard.cli.store",   # ingest, reports, history, agencies, check, migrate-store
    "dashboard.cli.demo",    # synth, demo
    "dashboard.cli.serve",   # serve
    "dashboard.cli.export",  # export
    "dashboard.cli.review",  # correct
    "dashboard.cli.users",   # user add/passwd/list/remove
    "dashboard.cli.collect", # collect
    "dashboard.cli.review_round",  # review open/submit/status/decide/opinions
    "dashboard.cli.cluster", # cluster scheduler/worker (Dask)
]


_registered = False


def _register_all() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)


def main() -> None:
    """Entry point of the console script and `python -m dashboard`: a fault of the database or its file store is
    one Chinese sentence and exit code 1, never a traceback."""
    import sys

    from dashboard.store.faults import store_fault

    _register_all()
    try:
        app()  # usage errors, --help and a command's exit code end here as SystemExit, as always
    except Exception as exc:  # noqa: BLE001 — the store's faults are said in Chinese; anything else is re-raised
        message = store_fault(exc, _db_argument(sys.argv))
        if message is None:
            raise
        sys.stderr.write(f"错误：{message}\n")
        sys.exit(1)


def _db_argument(argv: list[str]) -> str | None:
    """The --db of this command line, for naming the database in a fault message."""
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--db="):
            return arg[5:]
    return None


