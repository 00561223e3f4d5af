"""Benchmark of the door (dashboard/web_guard.py): what unauthenticated uploads cost the web server, with the
guard (what `nianbao serve` runs: dashboard/web_app.py) and without it (dashboard/app.py on Streamlit alone), in
the same run; and how fast a port is free after `kill -KILL` of serve.

For each server: an editor logs in in Chromium and uploads a small file, which gives a live upload URL (Streamlit
session id, XSRF token); then N uploads of SIZE MB are sent to that URL *without* the login cookie, and the web
server's RSS is read before and after. Prints one table.

    python bench/door.py [--uploads 5] [--mb 100] [--kills 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from e2e_server import CHROMIUM, CHROMIUM_ARGS, free_port, running  # noqa: E402

from dashboard.ingest.pipeline import ingest_paths  # noqa: E402
from dashboard.review.users import COOKIE, add_user, cli_user  # noqa: E402
from dashboard.serve import streamlit_command  # noqa: E402
from dashboard.serve_process import port_free, port_holder  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "shanghai-kewei-2024.md"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def live_upload(url: str) -> tuple[str, dict[str, str], str, tuple[object, object]]:
    """(upload URL of a live session, its XSRF header, the cookie header without the login, the open browser)
    from a real login; the browser stays open: its websocket keeps the Streamlit session (and its id) alive."""
    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    seen: list[dict[str, str]] = []
    tab.on("request", lambda r: seen.append({"url": r.url, **r.headers})
           if "/_stcore/upload_file/" in r.url and r.method == "PUT" else None)
    tab.goto(url, wait_until="networkidle", timeout=90_000)
    tab.get_by_label("用户名").fill("张编辑")
    tab.get_by_label("密码").fill("editor-password")
    tab.get_by_role("button", name="登录").click()
    tab.get_by_role("heading", name="总览").first.wait_for(timeout=90_000)
    tab.goto(url + "/upload", wait_until="networkidle", timeout=90_000)
    tab.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(FIXTURE))
    tab.get_by_role("button", name="导入 1 个文件").wait_for(timeout=60_000)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies() if c["name"] != COOKIE)
    upload = seen[-1]
    xsrf = {k: v for k, v in upload.items() if k.lower() == "x-xsrftoken"}
    return upload["url"].rsplit("/", 1)[0], xsrf, cookies, (p, browser)


def put(url: str, headers: dict[str, str], size: int) -> tuple[int | None, int]:
    """One multipart PUT of `size` bytes on a raw socket; (status, bytes the server took)."""
    boundary = "bench-boundary"
    head_part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.md\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    total = len(head_part) + size + len(tail)
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=120)
    head = (f"PUT {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Length: {total}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n")
    sent = 0
    chunk = b"x" * (1 << 20)
    try:
        sock.sendall(head.encode() + head_part)
        while sent < size:
            sock.sendall(chunk[: size - sent])
            sent += min(len(chunk), size - sent)
        sock.sendall(tail)
    except OSError:
        pass
    status = None
    try:
        first = sock.recv(4096)
        status = int(first[9:12]) if first.startswith(b"HTTP/1.1 ") else None
    except OSError:
        pass
    sock.close()
    return status, sent


def flood(script: Path, db: Path, uploads: int, mb: int) -> tuple[float, float, list[int | None], int]:
    port = free_port()
    cmd = streamlit_command(port)
    cmd[cmd.index(str(ROOT / "dashboard" / "web_app.py"))] = str(script)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_DB": str(db)}
    with running(cmd, env, port) as (url, proc):
        base, xsrf, cookies, (pw, browser) = live_upload(url)
        try:
            pid = proc.pid
            before = rss_mb(pid)
            answers = [put(f"{base}/bench-{i}", {**xsrf, "Cookie": cookies}, mb << 20) for i in range(uploads)]
            time.sleep(1)
            after = rss_mb(pid)
        finally:
            browser.close()
            pw.stop()
    return before, after, [a[0] for a in answers], sum(a[1] for a in answers)


def kill_times(db: Path, kills: int) -> list[float]:
    times = []
    for _ in range(kills):
        port = free_port()
        cmd = [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)]
        with running(cmd, {**os.environ, "PYTHONPATH": str(ROOT)}, port) as (_url, proc):
            assert port_holder(port) is not None
            start = time.monotonic()
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            while not port_free("127.0.0.1", port) and time.monotonic() - start < 30:
                time.sleep(0.02)
            times.append(time.monotonic() - start)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uploads", type=int, default=5)
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--kills", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "n.duckdb"
        ingest_paths([FIXTURE], db=db)
        add_user(cli_user(), "张编辑", "编辑", "editor-password", db=db)
        table = Table(title=f"{args.uploads} unauthenticated uploads of {args.mb} MB to a live upload URL")
        for col in ("server", "RSS before MB", "RSS after MB", "growth MB", "answers", "MB taken by server"):
            table.add_column(col)
        rows = {}
        for name, script in (("Streamlit alone (app.py)", ROOT / "dashboard" / "app.py"),
                             ("with the guard (web_app.py)", ROOT / "dashboard" / "web_app.py")):
            before, after, statuses, taken = flood(script, db, args.uploads, args.mb)
            rows[name] = after - before
            table.add_row(name, f"{before:.0f}", f"{after:.0f}", f"{after - before:.0f}",
                          " ".join(str(s) for s in statuses), f"{taken / 2**20:.0f}")
        Console(width=140).print(table)
        times = kill_times(db, args.kills)
        kills = Table(title="kill -KILL of nianbao serve → port free")
        kills.add_column("trial")
        kills.add_column("seconds")
        for i, t in enumerate(times, 1):
            kills.add_row(str(i), f"{t:.2f}")
        Console(width=140).print(kills)


if __name__ == "__main__":
    main()
