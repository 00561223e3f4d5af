"""The Streamlit child of `nianbao serve` never outlives its parent, and a port still held is named with its pid.

Two layers, because either alone has a hole:

- `die_with_parent` is the child's preexec: Linux `prctl(PR_SET_PDEATHSIG, SIGTERM)`, so the kernel sends SIGTERM to
  the child the moment the parent dies — whatever killed the parent, SIGKILL included. The flag survives the exec of
  the Python interpreter. If the parent already died between fork and prctl the child exits at once.
- `watch_parent` runs inside the child (a daemon thread): it polls the parent's pid every WATCH_S; when the parent
  is gone (re-parented, or the flag could not be set: not Linux, prctl refused) it sends SIGTERM to its own process,
  and if Streamlit's graceful shutdown has not ended the process GRACE_S later (open websockets keep uvicorn
  waiting), it ends the process with os._exit — so the port is free within WATCH_S + GRACE_S in the worst case.

`port_holder` reads /proc (Linux; no psutil needed at run time) to name the process listening on a TCP port, so
serve can refuse to start with "端口 8501 已被进程 1234 占用" instead of Streamlit's English error.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PARENT_ENV = "NIANBAO_SERVE_PARENT"  # the serve parent's pid, for the child's watchdog
WATCH_S = 0.5
GRACE_S = 3.0
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's st column


def die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A `preexec_fn` for the child: SIGTERM from the kernel when the parent dies (Linux), or exit now if it has."""

    def preexec() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # not Linux: the child's watch_parent thread is the guard
        if os.getppid() != parent_pid:  # the parent died before the flag was set: nobody would signal us
            os._exit(1)

    return preexec


def watch_parent(parent_pid: int, interval_s: float = WATCH_S, grace_s: float = GRACE_S) -> threading.Thread:
    """In the child: a daemon thread that ends this process when `parent_pid` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval_s)
        os.kill(os.getpid(), signal.SIGTERM)  # Streamlit's own graceful stop first
        time.sleep(grace_s)
        os._exit(1)  # still here: a websocket or a running script holds the shutdown; the port must be freed

    thread = threading.Thread(target=watch, name="nianbao-parent-watch", daemon=True)
    thread.start()
    return thread


def watch_parent_from_env() -> threading.Thread | None:
    """Start `watch_parent` when serve passed its pid in NIANBAO_SERVE_PARENT (a child started by serve)."""
    value = os.environ.get(PARENT_ENV, "")
    if not (value.isascii() and value.isdigit()):
        return None
    return watch_parent(int(value))


def port_free(host: str, port: int) -> bool:
    """True when a server could listen on host:port now (bound with SO_REUSEADDR, as uvicorn does)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host or "0.0.0.0", port))
        except OSError as exc:
            # held: refuse; any other error (an address this machine does not have): Streamlit reports it
            return exc.errno != errno.EADDRINUSE
    return True


@dataclass(frozen=True)
class Holder:
    """A process listening on a port: its pid and command line ('' when unreadable)."""

    pid: int
    command: str


def _listening_inodes(port: int, proc: Path) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def port_holder(port: int, proc: Path = Path("/proc")) -> Holder | None:
    """The process listening on TCP `port` (any address), read from /proc; None when none is found or visible."""
    inodes = _listening_inodes(port, proc)
    if not inodes:
        return None
    wanted = {f"socket:[{i}]" for i in inodes}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target in wanted:
                try:
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                except OSError:
                    command = ""
                return Holder(int(entry.name), command.strip())
    return None


def port_busy_message(host: str, port: int, holder: Holder | None) -> str:
    """The refusal to start on a held port, in Chinese and English, naming the pid when it is known."""
    if holder is None:
        return (f"端口 {port} 已被占用（{host}），无法启动看板；请换一个端口（--port）或先结束占用它的程序。\n"
                f"Port {port} on {host} is already in use; choose another port (--port) or stop the process "
                "holding it.")
    ours = "dashboard.serve" in holder.command or "streamlit" in holder.command
    what_zh = "上一次启动、尚未退出的看板进程" if ours else "另一个程序"
    what_en = "a dashboard left running by an earlier start" if ours else "another program"
    return (f"端口 {port} 已被进程 {holder.pid} 占用（{what_zh}），无法启动看板。请先结束它：kill {holder.pid}；"
            f"或换一个端口（--port）。\n"
            f"Port {port} is held by pid {holder.pid} ({what_en}); stop it first (kill {holder.pid}) "
            "or choose another port (--port).")
