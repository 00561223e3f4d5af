"""The door at the HTTP level: Streamlit's upload and media endpoints behind the login, and headers on every answer.

**Where it hooks in.** The installed Streamlit (1.67) no longer serves with Tornado: `streamlit run` builds a
Starlette app under uvicorn (streamlit/web/server/starlette/starlette_app.py, `create_starlette_app`). It also
offers a public way to put our own ASGI middleware in front of every route: `st.App(script, middleware=[...])`
("User middleware runs before Streamlit's internal middleware"), started by `streamlit run` on a launcher file
that assigns `app = st.App(...)` (its app discovery finds the assignment). `dashboard/web_app.py` is that launcher
and `nianbao serve` runs it; dashboard/app.py stays the script the App runs, so AppTest and a bare
`streamlit run dashboard/app.py` work as before (without this guard). This beats the alternatives: patching
`create_streamlit_routes` or Tornado handler classes reaches into private code that changed shape between
releases (Tornado → Starlette), and a reverse proxy is one more thing an office has to run.

**What it guards** (only when logins are configured; a 127.0.0.1 dashboard without users is one local 管理):

- `PUT/DELETE …/_stcore/upload_file/…` needs the cookie of a live login (the `sessions` row of dashboard/review/users.py,
  not expired, user still there) with the role 编辑 or higher — the only pages with an uploader (导入, 手工录入)
  need it. The refusal (403) is sent *before* the request body is read: uvicorn stops reading the socket, so
  unauthenticated uploads cost no memory. Streamlit's own checks (XSRF token, an active websocket session id)
  still run after ours.
- `GET …/media/…` (downloads such as 下载原件, images) needs the cookie of a live login: a client with no cookie,
  or with the cookie of a login that was closed (logout, password change, user removed, expired), gets 403.
- Every HTTP answer carries `X-Frame-Options: DENY`, `Content-Security-Policy` (CSP below),
  `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.

**The CSP** allows the app's own origin only. What Streamlit's frontend needs, checked in Chromium with the
policy on (tests/test_e2e_web_guard.py): inline `<style>` and style attributes (emotion CSS-in-JS) → style-src
'unsafe-inline'; inline scripts in `components.html` iframes (the login cookie is set by one; srcdoc frames inherit
the page's policy) → script-src 'unsafe-inline'; protobuf's long.js compiles a tiny WebAssembly module from bytes
(with a slower JS fallback) → 'wasm-unsafe-eval' (WebAssembly only: no JS eval, no other origin); images as data: and blob: URLs (icons, st.image, charts) → img-src
data: blob:; the websocket `/_stcore/stream` to the same host → connect-src 'self' (CSP3: 'self' matches ws/wss of
the own host); fonts bundled with the frontend → font-src 'self' data:. Nothing outside the origin is allowed: an
image, script, font, frame or fetch to another address is refused by the browser.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

LOG = logging.getLogger("nianbao.web_guard")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PART = "/_stcore/upload_file/"
MEDIA_PART = "/media/"
UPLOAD_ROLE = "编辑"
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' data: blob:",
    "worker-src 'self' blob:",
    "frame-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
REFUSED = "需要登录：请先在看板中登录（上传需要「编辑」或更高角色）。".encode()


def guarded_kind(path: str, base: str = "") -> str | None:
    """'upload' or 'media' for a path behind the login (under the server.baseUrlPath `base`), else None.

    Only Streamlit's own endpoints: its bundled fonts and scripts live under /static/media/, which stays open.
    """
    base = "/" + base.strip("/") if base.strip("/") else ""
    if path.startswith(base + UPLOAD_PART) or path == base + UPLOAD_PART.rstrip("/"):
        return "upload"
    if path.startswith(base + MEDIA_PART):
        return "media"
    return None


def cookie_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The login cookie's value from raw ASGI headers (dashboard/review/users.py COOKIE), or None."""
    from http.cookies import CookieError, SimpleCookie

    from dashboard.review.users import COOKIE

    for name, value in headers:
        if name.lower() != b"cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value.decode("latin-1"))
        except CookieError:
            continue
        if COOKIE in jar and jar[COOKIE].value:
            return jar[COOKIE].value
    return None


def allowed(kind: str, token: str | None, db: Path, address: str) -> bool:
    """Whether a request of this kind with this login cookie may reach Streamlit (blocking: reads the database)."""
    from dashboard.review.users import allows, has_users, is_loopback, resume_session

    if not has_users(db):
        return is_loopback(address)  # the local 管理; elsewhere the app itself refuses everyone
    resumed = resume_session(token, db)
    if resumed is None:
        return False
    return kind != "upload" or allows(resumed[0], UPLOAD_ROLE)


class WebGuard:
    """ASGI middleware: refuses upload/media requests without a live login cookie, adds the security headers."""

    def __init__(self, app: ASGIApp, db: Path | None = None, address: str | None = None) -> None:
        self.app = app
        self.db = db
        self.address = address

    def _db(self) -> Path:
        from dashboard.store.location import db_path

        return self.db if self.db is not None else db_path(None)

    def _address(self) -> str:
        if self.address is not None:
            return self.address
        from streamlit import config

        return str(config.get_option("server.address") or "")

    def _base(self) -> str:
        from streamlit import config

        return str(config.get_option("server.baseUrlPath") or "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the websocket carries the login form itself; lifespan
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {h for h, _ in HEADERS}
                message["headers"] = [h for h in message.get("headers", []) if h[0].lower() not in names] + HEADERS
            await send(message)

        kind = guarded_kind(scope.get("path", ""), self._base())
        if kind is not None:
            from anyio import to_thread

            token = cookie_token(list(scope.get("headers", [])))
            try:
                ok = await to_thread.run_sync(allowed, kind, token, self._db(), self._address())
            except Exception:  # an unreadable database cannot vouch for anyone: closed, never open
                LOG.exception("login check of %s failed", kind)
                ok = False
            if not ok:
                await _refuse(send_with_headers)  # the body is never read: no memory spent on it
                return
        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send) -> None:
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(REFUSED)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": REFUSED})


def middleware() -> list[Any]:
    """The middleware list for `st.App(..., middleware=...)`."""
    from starlette.middleware import Middleware

    return [Middleware(WebGuard)]
