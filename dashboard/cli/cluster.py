"""`nianbao cluster scheduler|worker`: a Dask cluster to parse on (`nianbao ingest --scheduler …`), started with
the settings our ingest was measured with (dashboard/ingest/dask_parse.py: WORKER_CONFIG, scheduler_command,
worker_command). The process becomes the Dask scheduler or worker: stop it as one (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import os

import typer


def _become(argv: list[str]) -> None:
    import importlib.util

    from dashboard.ingest.dask_parse import cluster_env

    if importlib.util.find_spec("distributed") is None:
        typer.echo("未安装 Dask：请先 pip install 'nianbao[scale]' / Dask is not installed: pip install "
                   "'nianbao[scale]'", err=True)
        raise typer.Exit(code=1)
    try:
        os.execve(argv[0], argv, cluster_env())
    except OSError as exc:
        typer.echo(f"无法启动 Dask（{exc}）/ cannot start Dask: {exc}", err=True)
        raise typer.Exit(code=1) from None


def register(app: typer.Typer) -> None:
    """Add `nianbao cluster scheduler` and `nianbao cluster worker` to the command line."""
    cluster = typer.Typer(help="在多台机器上解析：Dask 调度器与解析进程 / a Dask cluster to parse on",
                          no_args_is_help=True)
    app.add_typer(cluster, name="cluster")

    @cluster.command("scheduler")
    def scheduler(host: str = typer.Option("127.0.0.1", "--host",
                                           help="监听地址（默认仅本机；其他机器的解析进程须能连到它）"),
                  port: int = typer.Option(8786, "--port", help="端口")) -> None:
        """启动 Dask 调度器 / Start the Dask scheduler (nianbao ingest --scheduler tcp://HOST:PORT)."""
        from dashboard.ingest.dask_parse import scheduler_command

        _become(scheduler_command(host, port))

    @cluster.command("worker")
    def worker(address: str = typer.Argument(..., help="调度器地址，如 tcp://10.0.0.1:8786"),
               nworkers: str = typer.Option("auto", "--nworkers", help="解析进程数（auto：每个核一个）"),
               host: str = typer.Option(None, "--host", help="本机供调度器连回的地址（默认由 Dask 选择）")) -> None:
        """在本机启动解析进程 / Start parsing processes on this machine for the scheduler at ADDRESS."""
        from dashboard.ingest.dask_parse import worker_command

        _become(worker_command(address, nworkers, host))
