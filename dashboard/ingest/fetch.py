"""Fetching from a county's portal politely: allowed hosts only, bounded in time, size and redirects, nothing
half-written, no JavaScript (a page is what the server sent; scripts are never run).

`Fetcher(policy).fetch(url, dest)` writes the body to `dest` only when the whole of it arrived within the limits:
it streams into `dest.part` and renames it at the end, so a download stopped past the size limit, a timeout or a
dropped connection leaves nothing behind. Redirects are followed by hand, each hop checked against the allow-list
(a redirect to a host off the list is refused, never followed). Requests to one host are spaced by `delay_s`.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from dashboard.limits import MAX_BYTES

USER_AGENT = "nianbao-collect/1.0 (annual government information disclosure reports; polite, no scripts)"  # headers are ASCII
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """What a collect run may do: which hosts, how long, how much, how often."""

    allow: frozenset[str] = field(default_factory=frozenset)  # host names; ".x.gov.cn" / "*.x.gov.cn": x.gov.cn and below
    timeout_s: float = 20.0  # connecting, and each wait for bytes
    total_s: float = 120.0  # one whole download, however slowly its bytes trickle in
    max_bytes: int = min(50 * 1024 * 1024, MAX_BYTES)  # one page or file (a county report is well under 10 MB)
    delay_s: float = 1.0  # between two requests to one host
    max_redirects: int = 5

    def allows(self, host: str) -> bool:
        """True when `host` is on the allow-list (exactly, or under an entry written ".x.gov.cn" / "*.x.gov.cn")."""
        host = host.lower().rstrip(".")
        for entry in self.allow:
            entry = entry.lower().strip().rstrip(".")
            if entry.startswith(("*.", ".")):
                base = entry.lstrip("*").lstrip(".")
                if host == base or host.endswith("." + base):
                    return True
            elif host == entry:
                return True
        return False


class FetchError(Exception):
    """Why a URL could not be fetched, in Chinese and English, with the HTTP status and last URL when known."""

    def __init__(self, code: str, reason_zh: str, reason_en: str, status: int | None = None,
                 final_url: str | None = None) -> None:
        super().__init__(reason_en)
        self.code, self.reason_zh, self.reason_en = code, reason_zh, reason_en
        self.status, self.final_url = status, final_url


@dataclass
class Fetched:
    """One body fetched whole: where it was written and what the server said about it."""

    url: str
    final_url: str
    status: int
    path: Path
    size: int
    sha256: str
    content_type: str
    fetched_at: datetime
    last_modified: datetime | None = None
    filename: str | None = None  # from Content-Disposition


def host_of(url: str) -> str:
    """The host name of a URL, lower case ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def check_url(url: str, policy: FetchPolicy, redirected_from: str | None = None) -> None:
    """Raise FetchError unless `url` is an http(s) URL without credentials on an allowed host."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise FetchError("bad_url", "网址无效（只采集 http/https 网址）", "not a valid http(s) URL", final_url=url)
    if parts.username or parts.password:
        raise FetchError("bad_url", "网址中含用户名或密码，不采集", "the URL carries credentials; not fetched",
                         final_url=url)
    if not policy.allows(host):
        if redirected_from:
            raise FetchError("redirect_refused", f"网址重定向到不在允许名单中的网站 {host}，未跟随",
                             f"redirected to {host}, which is not on the allow-list; not followed", final_url=url)
        raise FetchError("not_allowed", f"网站 {host} 不在允许采集的名单中（设置 collect_allow 或 --allow）",
                         f"host {host} is not on the allow-list (collect_allow or --allow)", final_url=url)


def _http_reason(status: int) -> tuple[str, str]:
    if status == 404:
        return "网页不存在（404）", "not found (404)"
    if status in (401, 403):
        return f"网站拒绝访问（{status}，可能需要登录）", f"access refused ({status}; a login may be needed)"
    if status == 429:
        return "网站要求降低访问频率（429）", "the site asked to slow down (429)"
    if status >= 500:
        return f"网站服务器出错（{status}）", f"server error ({status})"
    return f"网站返回错误（{status}）", f"the site answered {status}"


def _too_large(limit: int, url: str) -> FetchError:
    mb = limit / 1024 / 1024
    return FetchError("too_large", f"文件超过大小上限（{mb:g} MB），已停止下载，未保存",
                      f"larger than the size limit ({mb:g} MB); download stopped, nothing kept", final_url=url)


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return dt.astimezone().replace(tzinfo=None) if dt.tzinfo else dt


def _disposition_name(value: str | None) -> str | None:
    """The file name a Content-Disposition header gives (filename*=UTF-8'' first), without any folder part."""
    if not value:
        return None
    from email.message import Message

    msg = Message()
    msg["content-disposition"] = value
    name = msg.get_filename()
    if not name:
        return None
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip() or None


class Fetcher:
    """An HTTP client that keeps to a FetchPolicy. Use as a context manager (closes its connections)."""

    def __init__(self, policy: FetchPolicy, transport: httpx.BaseTransport | None = None) -> None:
        self.policy = policy
        self._client = httpx.Client(
            follow_redirects=False, headers={"User-Agent": USER_AGENT, "Accept-Language": "zh-CN,zh;q=0.9"},
            timeout=httpx.Timeout(policy.timeout_s), transport=transport)
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def _wait_turn(self, host: str) -> None:
        """Space requests to one host by policy.delay_s (measured from the end of the previous one)."""
        with self._lock:
            last = self._last.get(host)
        if last is not None:
            pause = last + self.policy.delay_s - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _done(self, host: str) -> None:
        with self._lock:
            self._last[host] = time.monotonic()

    def fetch(self, url: str, dest: Path) -> Fetched:
        """Fetch `url` into `dest` (whole, or not at all); raises FetchError with the reason."""
        limit = self.policy.max_bytes
        check_url(url, self.policy)
        current, previous = url, None
        for _ in range(self.policy.max_redirects + 1):
            if previous is not None:
                check_url(current, self.policy, redirected_from=previous)
            host = host_of(current)
            self._wait_turn(host)
            try:
                result = self._get(url, current, dest, limit)
            finally:
                self._done(host)
            if isinstance(result, Fetched):
                return result
            previous, current = current, result
        raise FetchError("redirects", f"重定向次数过多（超过 {self.policy.max_redirects} 次）",
                         f"too many redirects (more than {self.policy.max_redirects})", final_url=current)

    def _get(self, asked: str, url: str, dest: Path, limit: int) -> Fetched | str:
        """One request: the body written to dest, or the URL a redirect points to."""
        part = dest.with_name(dest.name + ".part")
        started = time.monotonic()
        try:
            with self._client.stream("GET", url) as resp:
                if resp.status_code in REDIRECTS:
                    location = resp.headers.get("location")
                    if not location:
                        raise FetchError("http", "网站返回重定向但没有给出新网址", "a redirect without a Location",
                                         resp.status_code, url)
                    return urljoin(url, location.strip())
                if not 200 <= resp.status_code < 300:
                    raise FetchError("http", *_http_reason(resp.status_code), status=resp.status_code, final_url=url)
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _too_large(limit, url)
                digest, size = hashlib.sha256(), 0
                with open(part, "wb") as fh:
                    for chunk in resp.iter_bytes(CHUNK):  # decoded: a gzip bomb counts at its unpacked size
                        size += len(chunk)
                        if size > limit:
                            raise _too_large(limit, url)
                        if time.monotonic() - started > self.policy.total_s:
                            raise FetchError("timeout", f"下载超过 {self.policy.total_s:g} 秒仍未完成，已停止",
                                             f"the download took longer than {self.policy.total_s:g} s; stopped",
                                             final_url=url)
                        digest.update(chunk)
                        fh.write(chunk)
                os.replace(part, dest)
                return Fetched(asked, url, resp.status_code, dest, size, digest.hexdigest(),
                               resp.headers.get("content-type", ""), datetime.now(),
                               _parse_http_date(resp.headers.get("last-modified")),
                               _disposition_name(resp.headers.get("content-disposition")))
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"网站在 {self.policy.timeout_s:g} 秒内没有响应（超时）",
                             f"no answer within {self.policy.timeout_s:g} s (timeout)", final_url=url) from exc
        except httpx.ConnectError as exc:
            if "CERTIFICATE" in str(exc).upper() or "SSL" in str(exc).upper():
                raise FetchError("tls", "网站的 HTTPS 证书无法验证，未采集", "the site's HTTPS certificate could not be "
                                 "verified; not fetched", final_url=url) from exc
            raise FetchError("connect", "无法连接网站（网站不可达或拒绝连接）",
                             "could not connect (unreachable or refused)", final_url=url) from exc
        except httpx.HTTPError as exc:  # a dropped connection, a malformed answer
            raise FetchError("network", "连接中断或网站的回应无法读取", "the connection broke or the answer was malformed",
                             final_url=url) from exc
        finally:
            part.unlink(missing_ok=True)
