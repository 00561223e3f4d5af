"""The door at the HTTP level (dashboard/web_guard.py), against `nianbao serve` with logins and Debian chromium.

An editor logs in and uploads a file, so the test holds a real upload URL (live Streamlit session id, XSRF token)
and a real 下载原件 media URL; the same requests are then replayed with and without the login cookie. Headers and
the CSP are checked on the answers, and the pages are opened in Chromium with the policy on, recording every
violation the browser reports.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e_server import CHROMIUM, CHROMIUM_ARGS, free_port, running, wait_for_login_cookie

from dashboard.ingest.pipeline import ingest_paths
from dashboard.review.users import COOKIE, add_user, cli_user
from dashboard.serve_process import port_holder

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SHOTS = Path(__file__).resolve().parent / "screenshots"
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber), true);
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """`nianbao serve` (127.0.0.1) on a database with a real report and an editor; (url, pid of the web server)."""
    db = tmp_path_factory.mktemp("e2e-guard") / "n.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md"], db=db)
    add_user(cli_user(), "张编辑", "编辑", "editor-password", db=db)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "dashboard", "serve", "--db", str(db), "--port", str(port)]
    with running(command, env, port) as (url, _proc):
        holder = port_holder(port)
        assert holder is not None
        yield url, holder.pid


@pytest.fixture(scope="module")
def browser(server: tuple[str, int]) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def wait_idle(tab) -> None:  # noqa: ANN001
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                          " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000)
    tab.wait_for_timeout(1200)


def go(tab, title: str) -> None:  # noqa: ANN001
    tab.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    tab.get_by_role("heading", name=title).first.wait_for(timeout=90_000)
    wait_idle(tab)


@pytest.fixture(scope="module")
def visit(browser: object, server: tuple[str, int]) -> Iterator[dict[str, object]]:
    """One editor's visit: log in, open every page, upload a file, start 下载原件; what it recorded."""
    url = server[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    context.add_init_script(RECORD_VIOLATIONS)
    tab = context.new_page()
    console: list[str] = []
    tab.on("console", lambda m: console.append(m.text))
    tab.on("response", lambda r: console.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    uploads: list[dict[str, str]] = []
    tab.on("request", lambda r: uploads.append({"url": r.url, **r.headers})
           if "/_stcore/upload_file/" in r.url and r.method == "PUT" else None)
    tab.goto(url, wait_until="networkidle", timeout=90_000)
    tab.get_by_role("heading", name="登录").first.wait_for(timeout=90_000)
    wait_idle(tab)
    tab.get_by_label("用户名").fill("张编辑")
    tab.get_by_label("密码").fill("editor-password")
    tab.get_by_role("button", name="登录").click()
    tab.get_by_role("heading", name="总览").first.wait_for(timeout=90_000)
    wait_idle(tab)
    wait_for_login_cookie(tab)
    tab.reload(wait_until="networkidle")  # a new page load: the cookie set by the login's iframe script carries it
    tab.get_by_role("heading", name="总览").first.wait_for(timeout=90_000)
    wait_idle(tab)
    rendered = {"总览": tab.locator('[data-testid="stMetric"]').count()}
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SHOTS / "guard-overview.png"), full_page=True)
    for title in ("趋势", "对比", "数据质量"):
        go(tab, title)
        rendered[title] = tab.locator('[data-testid="stMain"]').inner_text().count("\n")
    tab.screenshot(path=str(SHOTS / "guard-quality.png"), full_page=True)
    go(tab, "导入")
    tab.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(FIXTURES / "shanghai-kewei-2024.md"))
    tab.get_by_role("button", name="导入 1 个文件").wait_for(timeout=60_000)
    go(tab, "单位详情")
    with tab.expect_download(timeout=60_000) as download:
        tab.get_by_role("button", name="下载原件").click()
    tab.screenshot(path=str(SHOTS / "guard-detail.png"), full_page=True)
    violations = tab.evaluate("window.__csp")
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    record = {"violations": violations, "console": console, "uploads": uploads, "media": download.value.url,
              "cookies": cookies, "rendered": rendered, "context": context}
    yield record
    context.close()


def request(url: str, method: str = "GET", headers: dict[str, str] | None = None,
            body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one HTTP request, whatever the status."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def cookie_header(cookies: dict[str, str], login: bool) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items() if login or k != COOKIE)


def multipart(name: str, data: bytes) -> tuple[str, bytes]:
    boundary = "nianbao-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def put_unauthenticated(url: str, headers: dict[str, str], size: int) -> tuple[int | None, int]:
    """PUT `size` bytes to the upload URL on a raw socket; (status answered, bytes the server let us send)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    head = f"PUT {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Length: {size}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sent = 0
    chunk = b"x" * (1 << 20)
    try:
        sock.sendall(head.encode())
        sock.settimeout(5)
        while sent < size:
            sock.sendall(chunk)
            sent += len(chunk)
    except OSError:  # the server answered and closed: it does not take the body
        pass
    status = None
    try:
        sock.settimeout(5)
        first = sock.recv(4096)
        if first.startswith(b"HTTP/1.1 "):
            status = int(first[9:12])
    except OSError:
        pass
    sock.close()
    return status, sent


def test_the_app_renders_in_chromium_with_the_policy_on_and_the_browser_reports_no_violation(
        visit: dict[str, object]) -> None:
    assert visit["rendered"]["总览"] >= 3, visit["rendered"]
    assert all(n > 5 for n in visit["rendered"].values()), visit["rendered"]
    assert visit["violations"] == [], "\n".join(visit["violations"] + visit["console"])
    assert not [m for m in visit["console"] if "Content Security Policy" in m], visit["console"]


def test_every_answer_carries_x_frame_options_deny_and_a_same_origin_content_security_policy(
        server: tuple[str, int], visit: dict[str, object]) -> None:
    url = server[0]
    for path in ("/", "/_stcore/health", "/detail", "/no-such-page", "/media/no-such-file.png"):
        status, headers, _ = request(url + path)
        assert headers.get("x-frame-options") == "DENY", (path, status, headers)
        csp = headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, (path, csp)
        assert "http" not in csp and "*" not in csp, csp  # no other origin named or wildcarded


def test_an_upload_without_the_login_cookie_is_refused_and_costs_the_server_no_memory(
        server: tuple[str, int], visit: dict[str, object]) -> None:
    assert visit["uploads"], "the editor's upload was not seen"
    upload = visit["uploads"][-1]
    target = upload["url"].rsplit("/", 1)[0] + "/test-file-id"  # the live session's upload URL, a new file id
    xsrf = {k: v for k, v in upload.items() if k.lower() == "x-xsrftoken"}
    ctype, body = multipart("a.md", b"# test\n")
    # with the login cookie the same request is accepted: the refusal below is the login check, not Streamlit's
    status, _, _ = request(target, "PUT", {**xsrf, "Content-Type": ctype,
                                           "Cookie": cookie_header(visit["cookies"], True)}, body)
    assert status in (200, 204), status
    status, _, text = request(target, "PUT", {**xsrf, "Content-Type": ctype,
                                              "Cookie": cookie_header(visit["cookies"], False)}, body)
    assert status == 403 and "需要登录" in text.decode(), (status, text[:200])

    pid = server[1]
    before = rss_mb(pid)
    answers = [put_unauthenticated(target, {**xsrf, "Content-Type": ctype,
                                            "Cookie": cookie_header(visit["cookies"], False)}, 100 << 20)
               for _ in range(5)]
    time.sleep(1)
    after = rss_mb(pid)
    assert all(status == 403 for status, _ in answers), answers
    assert after - before < 30, (before, after, answers)  # 5 × 100 MB offered; a buffered body would show here


def test_a_download_link_without_a_live_login_is_refused(server: tuple[str, int], visit: dict[str, object]) -> None:
    media = str(visit["media"])
    assert "/media/" in media, media
    status, _, data = request(media, headers={"Cookie": cookie_header(visit["cookies"], True)})
    assert status == 200 and "公开" in data.decode("utf-8"), status  # the real source, with the login cookie
    status, _, _ = request(media)
    assert status == 403
    status, _, _ = request(media, headers={"Cookie": cookie_header(visit["cookies"], False)})
    assert status == 403
    status, _, _ = request(media, headers={"Cookie": f"{COOKIE}=forged-token-value"})
    assert status == 403


def test_a_download_link_is_refused_once_its_login_has_ended(
        server: tuple[str, int], visit: dict[str, object]) -> None:
    context = visit["context"]
    tab = context.pages[0]
    tab.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    tab.get_by_text("已退出登录。").wait_for(timeout=60_000)
    status, _, _ = request(str(visit["media"]), headers={"Cookie": cookie_header(visit["cookies"], True)})
    assert status == 403

