"""Nothing outlives `nianbao serve`: its Streamlit child dies with it, and a port still held is refused by pid.

Real processes throughout: `nianbao serve` on a free loopback port, killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e_server import free_port, running

from dashboard.ingest.pipeline import ingest_paths
from dashboard.serve_process import GRACE_S, PARENT_ENV, WATCH_S, port_free, port_holder

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "n.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md"], db=path)
    return path


def serve_command(db: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_serve_killed_with_sigkill_leaves_no_child_and_its_port_is_free_within_five_seconds(db: Path) -> None:
    port = free_port()
    with running(serve_command(db, port), env(), port) as (_url, proc):
        child = port_holder(port)
        assert child is not None and child.pid != proc.pid  # the Streamlit child holds the port, not serve
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while not port_free("127.0.0.1", port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert port_free("127.0.0.1", port), f"port {port} still held by {port_holder(port)}"
        while alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child.pid)


def test_serve_refuses_a_port_an_earlier_child_still_holds_and_names_its_pid(db: Path) -> None:
    port = free_port()
    # the Streamlit child alone, as a serve killed before this fix would have left it
    orphan = [sys.executable, "-m", "dashboard.serve", "run", str(ROOT / "dashboard" / "web_app.py"),
              "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    with running(orphan, {**env(), "NIANBAO_DB": str(db)}, port) as (_url, proc):
        out = subprocess.run(serve_command(db, port), env=env(), cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 2
        assert f"端口 {port} 已被进程 {proc.pid} 占用" in out.stderr and f"held by pid {proc.pid}" in out.stderr
        assert "上一次启动" in out.stderr and "Traceback" not in out.stderr
        assert proc.poll() is None  # the refusal leaves the holder alone


def test_the_child_ends_itself_when_its_parent_vanishes_even_without_the_kernel_signal() -> None:
    # the fallback: a parent that set no parent-death signal, only NIANBAO_SERVE_PARENT for the child's watch
    child_code = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"  # a hung graceful stop
                  "from dashboard.serve_process import watch_parent_from_env; watch_parent_from_env(); time.sleep(60)")
    parent_code = ("import os, subprocess, sys, time;"
                   f"p = subprocess.Popen([sys.executable, '-c', {child_code!r}],"
                   f" env={{**os.environ, {PARENT_ENV!r}: str(os.getpid())}});"
                   "print(p.pid, flush=True); time.sleep(60)")
    parent = subprocess.Popen([sys.executable, "-c", parent_code], env=env(), cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    child_pid = int(parent.stdout.readline())
    time.sleep(1)
    assert alive(child_pid)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + WATCH_S + GRACE_S + 2
    while alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child_pid)
