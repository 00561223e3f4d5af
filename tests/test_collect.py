"""`nianbao collect`: a local portal (http.server on 127.0.0.1, a free port, in a thread) serves saved pages and the
real corpus files as attachments — never a real site. Each case has its expected outcome, and nothing is half
ingested: a file that was not fetched whole is not in the store, and no temporary file is left behind."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from dashboard.ingest.collect import Source, collect, collect_policy, read_sources
from dashboard.ingest.fetch import Fetcher, FetchError, FetchPolicy
from dashboard.ingest.portal_page import read_portal_page

FIXTURES = Path(__file__).parent / "fixtures"
PORTAL = FIXTURES / "portal"
ROOT = Path(__file__).resolve().parents[1]
DOCX_NAME = "平潭综合实验区2025年度政府信息公开工作年度报告.docx"


@dataclass
class Reply:
    """What the portal answers on one path."""

    status: int = 200
    body: bytes | Callable[[], bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    chunked_size: int = 0  # > 0: stream this many bytes with no Content-Length


class Portal:
    """A local web server with a route table; records when each path was asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.hits: list[tuple[str, float, str]] = []  # (path, when, Host header)
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep the test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 — http.server's name
                portal.hits.append((self.path, time.monotonic(), self.headers.get("Host", "")))
                reply = portal.routes.get(self.path, Reply(404, b"<html><body>404 Not Found</body></html>"))
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.chunked_size:
                        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
                        sent = 0
                        while sent < reply.chunked_size:
                            self.wfile.write(b"%PDF-1.4 " + b"0" * 65527)
                            sent += 65536
                        return
                    body = reply.body() if callable(reply.body) else reply.body
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (size limit, timeout): expected

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def file(self, path: str, source: Path, content_type: str, **headers: str) -> None:
        """Serve a saved file, read at each request (so a test can change it between runs)."""
        self.routes[path] = Reply(200, source.read_bytes, {"Content-Type": content_type, **headers})

    def page(self, path: str, saved: str, **values: str) -> None:
        """Serve a saved portal page from tests/fixtures/portal with its {placeholders} filled."""
        text = (PORTAL / saved).read_text(encoding="utf-8")
        for k, v in values.items():
            text = text.replace("{" + k + "}", v)
        self.routes[path] = Reply(200, text.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})


def _serve() -> Portal:
    p = Portal()
    p.thread.start()
    return p


def _stop(p: Portal) -> None:
    p.server.shutdown()
    p.server.server_close()


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = _serve()
    yield p
    _stop(p)


def _changed_docx(src: Path, dest: Path) -> None:
    """The same report with one figure changed, as a unit republishes a corrected file (one cell's text)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert ">2418<" in text
                data = text.replace(">2418<", ">2419<", 1).encode("utf-8")
            zout.writestr(item, data)


def _portal_site(portal: Portal, tmp: Path) -> Path:
    """The county portal of the main scenario; returns the docx it serves (a copy a test may change)."""
    docx = tmp / "served.docx"
    docx.write_bytes((FIXTURES / "pingtan-2025.docx").read_bytes())
    portal.page("/hongze/t20240131_1.html", "article-pdf.html", attachment="../files/hongze-2023.pdf")
    portal.file("/files/hongze-2023.pdf", FIXTURES / "hongze-2023.pdf", "application/pdf")
    portal.page("/pingtan/art_7.html", "article-docx.html", attachment="/dl/old.docx")
    portal.routes["/dl/old.docx"] = Reply(301, b"", {"Location": "/download.jsp?id=7"})
    portal.file("/download.jsp?id=7", docx, "application/octet-stream",
                **{"Content-Disposition": f"attachment; filename*=UTF-8''{quote(DOCX_NAME)}"})
    portal.page("/big/art.html", "article-pdf.html", attachment="/big/report.pdf")
    portal.routes["/big/report.pdf"] = Reply(200, b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024),
                                             {"Content-Type": "application/pdf"})
    portal.routes["/slow.html"] = Reply(200, b"<html><body>slow</body></html>", {"Content-Type": "text/html"}, delay=2.5)
    portal.routes["/moved.html"] = Reply(302, b"", {"Location": portal.url("/hongze/t20240131_1.html", "localhost")})
    return docx


def _sources(portal: Portal, tmp: Path) -> Path:
    rows = [("洪泽区人民政府", portal.url("/hongze/t20240131_1.html")),
            ("平潭综合实验区", portal.url("/pingtan/art_7.html")),
            ("示例镇人民政府", portal.url("/gone.html")),
            ("示例街道办事处", portal.url("/slow.html")),
            ("示例县统计局", portal.url("/big/art.html")),
            ("示例乡人民政府", portal.url("/hongze/t20240131_1.html", "localhost")),
            ("示例县教育局", portal.url("/moved.html"))]
    path = tmp / "sources.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit", "url"])
        w.writerows(rows)
    return path


def nianbao_collect(sources: Path, db: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`nianbao collect` as a user runs it, its temporary files in a folder the test can look into."""
    (tmp / "tmpdir").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250", "TMPDIR": str(tmp / "tmpdir")}
    return subprocess.run([sys.executable, "-m", "dashboard", "collect", str(sources), "--db", str(db),
                           "--allow", "127.0.0.1", "--delay", "0.05", "--timeout", "1", "--max-mb", "1",
                           "--workers", "1", *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _log(db: Path) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute("select * from collect_log order by run_id, unit, kind desc, url")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def _reports(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select r.report_id, a.name, r.year, r.format, r.superseded_by, r.source_path "
                           "from reports r join agencies a using (agency_id) order by report_id").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Portal, Path, Path, Path,
                                                                          subprocess.CompletedProcess[str]]]:
    """The county portal collected once: the tests below read its outcome (the second run works on a copy)."""
    tmp = tmp_path_factory.mktemp("collect")
    portal = _serve()
    docx = _portal_site(portal, tmp)
    sources = _sources(portal, tmp)
    db = tmp / "store.duckdb"
    yield portal, docx, sources, db, nianbao_collect(sources, db, tmp)
    _stop(portal)


def _by_unit(rows: list[dict], unit: str, kind: str) -> dict:
    hits = [r for r in rows if r["unit"] == unit and r["kind"] == kind]
    assert len(hits) == 1, (unit, kind, hits)
    return hits[0]


def test_collect_ingests_the_pdf_and_docx_attachments_with_the_pages_publication_dates(first_run) -> None:
    _, _, _, db, out = first_run
    assert out.returncode == 2, out.stderr  # some sources could not be fetched: listed, exit 2
    log = _log(db)
    hongze_page = _by_unit(log, "洪泽区人民政府", "page")
    assert (hongze_page["status"], str(hongze_page["published"])) == ("page", "2024-01-31")
    hongze = _by_unit(log, "洪泽区人民政府", "attachment")
    assert (hongze["status"], hongze["agency"], hongze["year"], str(hongze["published"])) == (
        "ingested", "洪泽区人民政府", 2023, "2024-01-31")
    assert hongze["file_name"] == "hongze-2023.pdf" and hongze["fetched_at"] is not None
    assert len(hongze["sha256"]) == 64
    pingtan = _by_unit(log, "平潭综合实验区", "attachment")
    assert (pingtan["status"], pingtan["year"], str(pingtan["published"])) == ("ingested", 2025, "2026-03-10")
    reports = _reports(db)
    assert [(r[1], r[2], r[3]) for r in reports] == [("洪泽区人民政府", 2023, "pdf"), ("平潭综合实验区", 2025, "docx")]
    assert reports[0][5] == hongze["final_url"]  # the stored report names where it came from


def test_the_publication_of_each_collected_report_is_a_named_query(first_run) -> None:
    from dashboard.queries import run_query

    _, _, _, db, _ = first_run
    df = run_query("collect_publication", db=db, year=2023)
    assert df[["agency", "year", "listed_unit"]].values.tolist() == [["洪泽区人民政府", 2023, "洪泽区人民政府"]]
    assert str(df["published"][0])[:10] == "2024-01-31" and df["file_url"][0].endswith("/files/hongze-2023.pdf")


def test_a_redirect_on_the_allow_list_is_followed_and_the_final_url_recorded(first_run) -> None:
    portal, _, _, db, _ = first_run
    pingtan = _by_unit(_log(db), "平潭综合实验区", "attachment")
    assert pingtan["url"] == portal.url("/dl/old.docx")
    assert pingtan["final_url"] == portal.url("/download.jsp?id=7")
    assert pingtan["file_name"] == DOCX_NAME  # the server's Content-Disposition name


def test_each_source_that_could_not_be_fetched_is_listed_with_its_reason(first_run) -> None:
    _, _, _, db, out = first_run
    log = _log(db)
    expect = {("示例镇人民政府", "page"): ("网页不存在（404）", "not found (404)"),
              ("示例街道办事处", "page"): ("网站在 1 秒内没有响应（超时）", "no answer within 1 s (timeout)"),
              ("示例县统计局", "attachment"): ("文件超过大小上限（1 MB），已停止下载，未保存",
                                          "larger than the size limit (1 MB); download stopped, nothing kept"),
              ("示例乡人民政府", "page"): ("网站 localhost 不在允许采集的名单中（设置 collect_allow 或 --allow）",
                                       "host localhost is not on the allow-list (collect_allow or --allow)"),
              ("示例县教育局", "page"): ("网址重定向到不在允许名单中的网站 localhost，未跟随",
                                     "redirected to localhost, which is not on the allow-list; not followed")}
    for (unit, kind), (zh, en) in expect.items():
        row = _by_unit(log, unit, kind)
        assert (row["status"], row["error_zh"], row["error_en"]) == ("not_fetched", zh, en), unit
        assert f"{unit}" in out.stdout and zh in out.stdout and en in out.stdout
    assert _by_unit(log, "示例镇人民政府", "page")["http_status"] == 404
    assert "未能采集或读取 5 项" in out.stdout
    assert "采集到年报的单位 2/7；未采集到：示例镇人民政府、示例街道办事处、示例县统计局、示例乡人民政府、示例县教育局" in out.stdout


def test_nothing_is_half_ingested_or_left_behind(first_run) -> None:
    portal, _, _, db, _ = first_run
    assert len(_reports(db)) == 2  # the oversize file, the 404, the slow page: none stored
    big = _by_unit(_log(db), "示例县统计局", "attachment")
    assert big["sha256"] in ("", None) and big["report_id"] is None
    tmpdir = db.parent / "tmpdir"
    assert list(tmpdir.rglob("*")) == []  # the fetched files and any partial download are gone
    assert not [h for h in portal.hits if h[2].startswith("localhost")]  # a host off the list is never contacted


def test_a_changed_attachment_is_ingested_on_the_second_run_and_the_rest_is_unchanged(first_run, tmp_path) -> None:
    portal, docx, sources, first_db, _ = first_run
    db = tmp_path / "store.duckdb"
    files = first_db.with_name(first_db.name + ".sources")  # the source-file store beside the database
    if files.exists():
        shutil.copytree(files, db.with_name(db.name + ".sources"))
    shutil.copyfile(first_db, db)
    first_id = _log(db)[0]["run_id"]
    before = _reports(db)
    _changed_docx(FIXTURES / "pingtan-2025.docx", docx)
    out = nianbao_collect(sources, db, tmp_path)
    assert out.returncode == 2, out.stderr
    second = [r for r in _log(db) if r["run_id"] != first_id]
    assert len(second) == 10
    hongze = _by_unit(second, "洪泽区人民政府", "attachment")
    assert (hongze["status"], hongze["report_id"]) == ("unchanged", before[0][0])
    pingtan = _by_unit(second, "平潭综合实验区", "attachment")
    assert pingtan["status"] == "superseded"
    after = _reports(db)
    assert len(after) == 3 and after[1][4] == after[2][0] == pingtan["report_id"]  # the old version points at the new


def test_a_page_that_is_the_report_itself_is_ingested_with_its_meta_publication_date(portal, tmp_path) -> None:
    portal.file("/pingtan/t20260310.html", FIXTURES / "pingtan-2025.html", "text/html; charset=utf-8")
    db = tmp_path / "s.duckdb"
    run = collect([Source("平潭综合实验区", portal.url("/pingtan/t20260310.html"))], db=db, policy=_policy(),
                  workers=1)
    (row,) = run.rows
    assert (row.kind, row.status, row.agency, row.year) == ("page", "ingested", "平潭综合实验区", 2025)
    assert (str(row.published), row.published_text) == ("2026-03-10", "2026-03-10 12:56")


def test_a_report_page_whose_template_changed_but_not_its_report_is_unchanged(portal, tmp_path) -> None:
    page = (FIXTURES / "pingtan-2025.html").read_text(encoding="utf-8")
    source = [Source("平潭综合实验区", portal.url("/t.html"))]
    db = tmp_path / "s.duckdb"
    portal.routes["/t.html"] = Reply(200, page.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    first = collect(source, db=db, policy=_policy(), workers=1).rows[0]
    sidebar = page.replace("</body>", "<ul><li><a href='/n.html'>关于召开工作会议的通知</a></li></ul></body>")
    portal.routes["/t.html"] = Reply(200, sidebar.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    second = collect(source, db=db, policy=_policy(), workers=1).rows[0]
    assert second.sha256 != first.sha256  # the page's bytes changed
    assert (second.status, second.report_id) == ("unchanged", first.report_id)
    assert "年报内容与上次相同" in second.note_zh
    assert len(_reports(db)) == 1


def test_a_report_page_whose_figures_changed_supersedes_the_version_collected_before(portal, tmp_path) -> None:
    page = (FIXTURES / "pingtan-2025.html").read_text(encoding="utf-8")
    source = [Source("平潭综合实验区", portal.url("/t.html"))]
    db = tmp_path / "s.duckdb"
    portal.routes["/t.html"] = Reply(200, page.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    first = collect(source, db=db, policy=_policy(), workers=1).rows[0]
    corrected = page.replace(">2418<", ">2419<")
    portal.routes["/t.html"] = Reply(200, corrected.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    second = collect(source, db=db, policy=_policy(), workers=1).rows[0]
    assert (second.status, _reports(db)[0][4]) == ("superseded", second.report_id)
    assert second.report_id != first.report_id


def test_a_report_that_prints_no_unit_is_filed_under_the_unit_of_the_source_list(portal, tmp_path) -> None:
    page = (FIXTURES / "pingtan-2025.html").read_text(encoding="utf-8")
    nameless = page.replace("平潭综合实验区2025年度政府信息公开工作年度报告", "2025年度政府信息公开工作年度报告")
    portal.routes["/art.html"] = Reply(200, nameless.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    db = tmp_path / "s.duckdb"
    run = collect([Source("平潭综合实验区", portal.url("/art.html"))], db=db, policy=_policy(), workers=1)
    (row,) = run.rows
    assert (row.status, row.agency, row.year) == ("ingested", "平潭综合实验区", 2025)
    assert "按采集清单归入" in row.note_zh
    con = duckdb.connect(str(db), read_only=True)
    problems = json.loads(con.execute("select parse_json from reports").fetchall()[0][0])["problems"]
    con.close()
    codes = {p["code"]: p["severity"] for p in problems}
    assert codes.get("agency_from_source_list") == "info" and "agency_unknown" not in codes


def test_a_name_one_character_off_the_registry_is_settled_by_the_source_list(portal, tmp_path) -> None:
    page = (FIXTURES / "pingtan-2025.html").read_text(encoding="utf-8")
    typo = page.replace("平潭综合实验区2025年度", "平潭综合试验区2025年度")  # 实 → 试, as typed on a portal
    portal.routes["/art.html"] = Reply(200, typo.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"})
    db = tmp_path / "s.duckdb"
    run = collect([Source("平潭综合实验区", portal.url("/art.html"))], db=db, policy=_policy(), workers=1)
    (row,) = run.rows
    assert (row.status, row.agency) == ("ingested", "平潭综合实验区")
    assert row.note_zh == "报告中的单位名称“平潭综合试验区”按采集清单确认为“平潭综合实验区”"
    con = duckdb.connect(str(db), read_only=True)
    problems = json.loads(con.execute("select parse_json from reports").fetchall()[0][0])["problems"]
    con.close()
    assert [p["code"] for p in problems] == ["agency_from_source_list"]


def test_a_report_of_another_unit_keeps_its_printed_name_with_a_warning(portal, tmp_path) -> None:
    portal.file("/x.pdf", FIXTURES / "hongze-2023.pdf", "application/pdf")
    run = collect([Source("平潭综合实验区", portal.url("/x.pdf"))], db=tmp_path / "s.duckdb", policy=_policy(),
                  workers=1)
    (row,) = run.rows
    assert (row.kind, row.status, row.agency) == ("attachment", "ingested", "洪泽区人民政府")
    assert "不一致" in row.note_zh


def test_a_page_drawn_by_javascript_and_a_link_to_a_login_page_are_listed_not_run(portal, tmp_path) -> None:
    app = (b'<html><head><script>document.body.innerHTML = "<a href=/r.pdf>2023.pdf</a>"</script></head>'
           b'<body><div id="app"></div><script src="/app.js"></script></body></html>')
    portal.routes["/spa.html"] = Reply(200, app, {"Content-Type": "text/html"})
    portal.page("/art.html", "article-pdf.html", attachment="/login.pdf")
    portal.routes["/login.pdf"] = Reply(200, "<!DOCTYPE html><html><body>请登录</body></html>".encode(),
                                          {"Content-Type": "text/html"})
    run = collect([Source("示例镇人民政府", portal.url("/spa.html")), Source("示例乡人民政府", portal.url("/art.html"))],
                  db=tmp_path / "s.duckdb", policy=_policy(), workers=1)
    spa, page, login = run.rows
    assert (spa.status, spa.error_zh) == ("failed", "页面中没有年报正文，也没有链接 PDF/Word/WPS 附件；页面内容可能由 "
                                                    "JavaScript 生成，本工具不执行脚本")
    assert (page.status, login.status, login.error_zh) == (
        "page", "not_fetched", "下载到的不是 PDF/Word/WPS 文件（链接可能已失效或需要登录）")
    assert [h[0] for h in portal.hits] == ["/spa.html", "/art.html", "/login.pdf"]  # no script's URL was fetched
    assert run.units_with_report() == ([], ["示例镇人民政府", "示例乡人民政府"])


def _policy(**kw: float) -> FetchPolicy:
    return FetchPolicy(allow=frozenset({"127.0.0.1"}), delay_s=kw.get("delay_s", 0.0), timeout_s=1.0,
                       max_bytes=int(kw.get("max_bytes", 5 * 1024 * 1024)))


def test_a_download_stopped_past_the_size_limit_leaves_no_file(portal, tmp_path) -> None:
    portal.routes["/stream.pdf"] = Reply(200, headers={"Content-Type": "application/pdf"}, chunked_size=4 * 1024 * 1024)
    dest = tmp_path / "out.pdf"
    with Fetcher(_policy(max_bytes=1024 * 1024)) as f, pytest.raises(FetchError) as err:
        f.fetch(portal.url("/stream.pdf"), dest)
    assert err.value.code == "too_large"
    assert list(tmp_path.iterdir()) == []  # neither the file nor its .part


def test_requests_to_one_host_are_spaced_by_the_delay(portal, tmp_path) -> None:
    portal.file("/a.pdf", FIXTURES / "hongze-2023.pdf", "application/pdf")
    with Fetcher(_policy(delay_s=0.4)) as f:
        for n in range(3):
            f.fetch(portal.url("/a.pdf"), tmp_path / f"{n}.pdf")
    times = [t for _, t, _ in portal.hits]
    assert all(b - a >= 0.4 for a, b in zip(times, times[1:], strict=False))


def test_a_host_that_refuses_the_connection_is_a_reason_not_a_crash(tmp_path) -> None:
    import socket

    with socket.socket() as sock:  # a free port with nothing listening on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(_policy()) as f, pytest.raises(FetchError) as err:
        f.fetch(f"http://127.0.0.1:{port}/a.html", tmp_path / "x")
    assert (err.value.code, err.value.reason_zh) == ("connect", "无法连接网站（网站不可达或拒绝连接）")


def test_too_many_redirects_are_refused(portal, tmp_path) -> None:
    for n in range(8):
        portal.routes[f"/r{n}"] = Reply(302, headers={"Location": f"/r{n + 1}"})
    with Fetcher(_policy()) as f, pytest.raises(FetchError) as err:
        f.fetch(portal.url("/r0"), tmp_path / "x")
    assert (err.value.code, err.value.reason_zh) == ("redirects", "重定向次数过多（超过 5 次）")


def test_the_allow_list_comes_from_settings_and_the_allow_option(tmp_path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('collect_allow = ["www.hongze.gov.cn", ".pingtan.gov.cn"]\ncollect_delay_seconds = 3\n',
                        encoding="utf-8")
    policy = collect_policy(["127.0.0.1"], settings_file=settings)
    assert [policy.allows(h) for h in ("www.hongze.gov.cn", "pingtan.gov.cn", "xxgk.pingtan.gov.cn", "127.0.0.1",
                                       "hongze.gov.cn", "evilpingtan.gov.cn")] == [True, True, True, True, False, False]
    assert policy.delay_s == 3.0


def test_an_empty_allow_list_stops_the_run_with_a_reason(tmp_path) -> None:
    sources = tmp_path / "s.csv"
    sources.write_text("unit,url\n示例镇,http://www.example.gov.cn/a.html\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    out = subprocess.run([sys.executable, "-m", "dashboard", "collect", str(sources), "--db", str(tmp_path / "d.duckdb")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if tomllib.loads((ROOT / "data" / "settings.toml").read_text(encoding="utf-8")).get("collect_allow"):
        pytest.skip("this installation's settings allow hosts")
    assert out.returncode == 1 and "允许采集的网站名单为空" in out.stderr


def test_a_source_list_saved_by_excel_in_gbk_with_chinese_headers_is_read(tmp_path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("单位,网址\n洪泽区人民政府,http://www.hongze.gov.cn/a.html\n\n".encode("gb18030"))
    assert read_sources(path) == [Source("洪泽区人民政府", "http://www.hongze.gov.cn/a.html", 2)]


@pytest.mark.parametrize(("html", "expected"), [
    ('<p>发布时间:2024-01-31 来源：区政府办</p>', ("2024-01-31", "发布时间:2024-01-31")),
    ('<p>成文日期：2023年12月30日</p><p>时间：2024年1月31日</p>', ("2024-01-31", "时间：2024年1月31日")),
    ('<p>成文日期：2023-12-30</p>', (None, "")),
    ('<p>发布日期：2024-02-30</p>', (None, "")),  # no such day: not a date, not guessed
])
def test_the_publication_date_is_read_from_the_page_text_never_from_the_document_date(html, expected) -> None:
    info = read_portal_page(f"<html><body>{html}</body></html>".encode(), "http://x.gov.cn/a.html")
    assert (str(info.published) if info.published else None, info.published_text) == expected


def test_attachment_links_are_found_by_suffix_or_link_text_and_scripts_are_not_links() -> None:
    page = ('<html><body><a href="/f/年报.PDF#page=2">年报</a><a href="down.jsp?id=3">2023年度报告.docx</a>'
            '<a href="javascript:open(\'x.pdf\')">x.pdf</a><a href="/f/年报.PDF">again</a>'
            '<script>location="/y.pdf"</script></body></html>').encode()
    info = read_portal_page(page, "http://x.gov.cn/col/art.html")
    assert [(link.url, link.suffix) for link in info.links] == [
        ("http://x.gov.cn/f/年报.PDF", ".pdf"), ("http://x.gov.cn/col/down.jsp?id=3", ".docx")]


def test_collect_has_help_text() -> None:
    from typer.testing import CliRunner

    from dashboard.cli import _register_all, app

    _register_all()
    out = CliRunner().invoke(app, ["collect", "--help"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "--allow" in out.output and "采集" in out.output

