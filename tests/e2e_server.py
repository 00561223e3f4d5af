"""The browser tests' server: a dashboard process on a free loopback port, up once its health check answers."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(command: list[str], env: dict[str, str], port: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `command` (a dashboard serving on `port`), wait up to 90 s for its health check, stop it (SIGTERM)."""
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the dashboard did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.5)
        yield url, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def wait_for_login_cookie(tab, timeout_s: float = 60.0) -> None:  # noqa: ANN001 — a Playwright page
    """Wait until the browser holds the session cookie a login sets. The login page writes it from a zero-height
    component's script, which runs a moment after the page shows the user as logged in; a reload before then (seen
    under load in CI) finds no cookie and shows the login form again."""
    from dashboard.review.users import COOKIE

    deadline = time.monotonic() + timeout_s
    while not any(c["name"] == COOKIE and c["value"] for c in tab.context.cookies()):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {COOKIE} cookie {timeout_s:.0f} s after the login")
        time.sleep(0.2)
