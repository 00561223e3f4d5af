"""Which requests the door (dashboard/web_guard.py) checks, and the policy it sends — without a server."""

from __future__ import annotations

from dashboard.review.users import COOKIE
from dashboard.web_guard import CSP, cookie_token, guarded_kind


def test_uploads_and_media_are_checked_but_streamlits_bundled_assets_under_static_media_are_not() -> None:
    assert guarded_kind("/_stcore/upload_file/sid/fid") == "upload"
    assert guarded_kind("/media/0a1b.png") == "media"
    assert guarded_kind("/static/media/MaterialSymbols.woff2") is None  # fonts the login page itself needs
    assert guarded_kind("/static/js/index.js") is None
    assert guarded_kind("/") is None and guarded_kind("/_stcore/health") is None


def test_under_a_base_url_path_the_same_endpoints_are_checked() -> None:
    assert guarded_kind("/nianbao/_stcore/upload_file/sid/fid", "nianbao") == "upload"
    assert guarded_kind("/nianbao/media/0a1b.pdf", "/nianbao/") == "media"
    assert guarded_kind("/media/0a1b.pdf", "nianbao") is None  # not an endpoint of this app


def test_the_login_cookie_is_read_among_others_and_a_malformed_header_gives_none() -> None:
    headers = [(b"host", b"x"), (b"cookie", f"_streamlit_xsrf=a; {COOKIE}=tok-123; other=1".encode())]
    assert cookie_token(headers) == "tok-123"
    assert cookie_token([(b"cookie", b"_streamlit_xsrf=a")]) is None
    assert cookie_token([(b"cookie", b'\x00;;=="')]) is None


def test_the_policy_names_no_other_origin() -> None:
    sources = [part.split()[1:] for part in CSP.split("; ")]
    allowed = {s for srcs in sources for s in srcs}
    assert allowed <= {"'self'", "'unsafe-inline'", "'wasm-unsafe-eval'", "data:", "blob:", "'none'"}, allowed
