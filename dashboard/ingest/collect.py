"""Collect from the portal: each unit's report page and the attachments it links, fetched, ingested, recorded.

`collect(sources, db, policy)` fetches every listed page (dashboard.ingest.fetch: allow-list, limits, polite rate),
reads its publication date and attachment links (dashboard.ingest.portal_page), writes what it fetched to a
temporary folder and ingests it with the store's own ingest (parsing in worker processes, content-hash dedup,
supersede or hold) — the listed unit taken as evidence of the agency (dashboard.ingest.source_identity). A page that
links PDF/Word/WPS attachments is read for them; a page that links none is itself the report (published as HTML).
One row per page and attachment goes into the `collect_log` table (migration 9): what was asked, where it led,
when it was published and fetched, its sha256, what became of it, or why it could not be fetched.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import tomllib
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow as pa

from dashboard.ingest.fetch import Fetched, Fetcher, FetchError, FetchPolicy
from dashboard.ingest.portal_page import PageInfo, read_portal_page
from dashboard.ingest.source_identity import apply_source_unit
from dashboard.ingest.workers import FileOutcome, Limits, parse_files
from dashboard.registry import Registry
from dashboard.settings import DATA_DIR
from dashboard.store.records import report_sha256

SETTINGS_TOML = DATA_DIR / "settings.toml"
STATUS_ZH = {"ingested": "新入库", "superseded": "替换旧版", "unchanged": "未变化", "held": "待核对", "unidentified": "待认定",
             "failed": "无法读取", "not_fetched": "未能采集", "page": "已读取页面"}
PROBLEM_STATUSES = ("failed", "not_fetched")
UNIT_HEADERS = ("unit", "单位", "单位名称", "机关", "机关名称")
URL_HEADERS = ("url", "网址", "链接", "地址", "页面")


@dataclass(frozen=True)
class Source:
    """One line of the source list: a unit and the URL of its report page (or file)."""

    unit: str
    url: str
    line: int = 0


@dataclass
class CollectRow:
    """What became of one page or attachment in a collect run (one row of collect_log)."""

    unit: str
    page_url: str
    url: str
    kind: str  # page | attachment
    final_url: str = ""
    http_status: int | None = None
    published: date | None = None
    published_text: str = ""
    fetched_at: datetime | None = None
    status: str = ""  # ingested | superseded | unchanged | held | failed | not_fetched | page
    sha256: str = ""
    size: int | None = None
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    file_name: str = ""
    error_zh: str = ""
    error_en: str = ""
    note_zh: str = ""
    scripted: bool = False  # a page with scripts and almost no text (not recorded: it only words a reason)

    def fail(self, status: str, zh: str, en: str) -> None:
        """Mark the row as not fetched or not read, with the reason."""
        self.status, self.error_zh, self.error_en = status, zh, en


@dataclass
class CollectRun:
    """Every row of one collect run."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    rows: list[CollectRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        return dict(Counter(r.status for r in self.rows))

    def units_with_report(self) -> tuple[list[str], list[str]]:
        """(units with a report stored from this run — new, replaced, unchanged or held —, units without one)."""
        order = list(dict.fromkeys(r.unit for r in self.rows))
        found = {r.unit for r in self.rows if r.report_id is not None}
        return [u for u in order if u in found], [u for u in order if u not in found]

    def problems(self) -> list[CollectRow]:
        """The pages and files that could not be fetched or read, each with its reason."""
        return [r for r in self.rows if r.status in PROBLEM_STATUSES]


class SourceListError(ValueError):
    """The source list cannot be used (no unit/url columns, unreadable)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.reason_zh, self.reason_en = zh, en


def read_sources(path: Path) -> list[Source]:
    """The rows of a source list CSV (columns unit,url or 单位,网址; UTF-8 or GBK as Excel saves it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceListError(f"无法读取采集清单 {path.name}", f"cannot read the source list ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise SourceListError("采集清单是空的", "the source list is empty")
    header = [h.strip().lower() for h in rows[0]]
    try:
        iu = next(i for i, h in enumerate(header) if h in UNIT_HEADERS)
        ip = next(i for i, h in enumerate(header) if h in URL_HEADERS)
    except StopIteration:
        raise SourceListError("采集清单的第一行须有 unit（单位）和 url（网址）两列",
                              "the source list's first row must name the columns unit and url") from None
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        padded = [c.strip() for c in row] + [""] * (max(iu, ip) + 1 - len(row))  # a short row misses cells
        out.append(Source(padded[iu], padded[ip], n))
    return out


def collect_policy(extra_allow: Iterable[str] = (), settings_file: Path = SETTINGS_TOML,
                   **overrides: float | int) -> FetchPolicy:
    """The fetch policy from data/settings.toml (collect_allow, collect_delay_seconds, collect_timeout_seconds,
    collect_max_mb, collect_max_redirects) and $NIANBAO_COLLECT_ALLOW (hosts, comma-separated), hosts given for this
    run added, explicit overrides last."""
    try:
        conf = tomllib.loads(settings_file.read_text(encoding="utf-8")) if settings_file.exists() else {}
    except (OSError, tomllib.TOMLDecodeError):
        conf = {}
    allow = [str(h) for h in conf.get("collect_allow") or [] if str(h).strip()] + [h for h in extra_allow if h.strip()]
    allow += [h for h in os.environ.get("NIANBAO_COLLECT_ALLOW", "").split(",") if h.strip()]  # per installation
    values: dict[str, float | int] = {}
    for key, name, cast in (("collect_delay_seconds", "delay_s", float), ("collect_timeout_seconds", "timeout_s", float),
                            ("collect_total_seconds", "total_s", float), ("collect_max_redirects", "max_redirects", int)):
        if key in conf:
            values[name] = cast(conf[key])
    if "collect_max_mb" in conf:
        values["max_bytes"] = int(float(conf["collect_max_mb"]) * 1024 * 1024)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return FetchPolicy(allow=frozenset(h.strip() for h in allow), **values)  # type: ignore[arg-type]


# ---- fetching ----

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def _file_name(fetched: Fetched, label: str, suffix: str) -> str:
    """The name the file is stored under: the server's, else the URL's last segment or the link text — one that
    already names the file type first ("download.jsp" loses to the link text "2023年度报告.pdf")."""
    candidates = [_UNSAFE.sub("_", c).strip(" ._")[:120] for c in
                  (fetched.filename or "", unquote(urlsplit(fetched.final_url).path.rsplit("/", 1)[-1]), label)]
    typed = [c for c in candidates if c.lower().endswith(suffix)]
    if typed:
        return typed[0]
    named = [c for c in candidates if c]
    return (Path(named[0]).stem[:100] or "report") + suffix if named else "report" + suffix


def _sniff(path: Path, content_type: str, url: str) -> str | None:
    """The file's kind from its first bytes: .pdf, .docx, .doc/.wps (OLE), html; None for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(2048)
    if b"%PDF-" in head[:1024]:
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ".wps" if urlsplit(url).path.lower().endswith(".wps") else ".doc"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "html" in content_type.lower() or low.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta")):
        return "html"
    return None


def _fetch(fetcher: Fetcher, url: str, folder: Path, row: CollectRow) -> Fetched | None:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        got = fetcher.fetch(url, folder / "download")
    except FetchError as exc:
        row.final_url, row.http_status = exc.final_url or url, exc.status
        row.fail("not_fetched", exc.reason_zh, exc.reason_en)
        return None
    row.final_url, row.http_status, row.fetched_at = got.final_url, got.status, got.fetched_at
    row.sha256, row.size = got.sha256, got.size
    return got


def _settle(got: Fetched, kind: str, name: str) -> Path:
    """Move the download to its stored name; its time is the server's Last-Modified, else when it was fetched."""
    dest = got.path.with_name(name)
    os.replace(got.path, dest)
    when = (got.last_modified or got.fetched_at).timestamp()
    os.utime(dest, (when, when))
    return dest


Candidate = tuple[Path, CollectRow]


def _attachments(fetcher: Fetcher, src: Source, info: PageInfo, page: CollectRow, folder: Path) -> Iterator[
        tuple[CollectRow, Path | None]]:
    for n, link in enumerate(info.links):
        row = CollectRow(src.unit, src.url, link.url, "attachment", published=page.published,
                         published_text=page.published_text)
        got = _fetch(fetcher, link.url, folder / f"a{n:02d}", row)
        if got is None:
            yield row, None
            continue
        kind = _sniff(got.path, got.content_type, got.final_url)
        if kind is None or kind == "html":
            row.fail("not_fetched", "下载到的不是 PDF/Word/WPS 文件（链接可能已失效或需要登录）",
                     "what came back is not a PDF/Word/WPS file (a dead link, or a login page?)")
            yield row, None
            continue
        path = _settle(got, kind, _file_name(got, link.text, kind))
        row.file_name = path.name
        yield row, path


def collect_source(fetcher: Fetcher, src: Source, folder: Path) -> tuple[list[CollectRow], list[Candidate]]:
    """Fetch one listed page (or file) and its attachments; the rows, and the files to ingest with their rows."""
    page = CollectRow(src.unit, src.url, src.url, "page")
    if not src.unit:
        page.fail("not_fetched", f"采集清单第 {src.line} 行没有写单位", f"line {src.line} of the list names no unit")
        return [page], []
    got = _fetch(fetcher, src.url, folder / "page", page)
    if got is None:
        return [page], []
    kind = _sniff(got.path, got.content_type, got.final_url)
    if kind is None:
        page.fail("not_fetched", f"网址返回的既不是网页，也不是 PDF/Word/WPS 文件（{got.content_type or '类型不明'}）",
                  f"the URL returned neither a page nor a PDF/Word/WPS file ({got.content_type or 'unknown type'})")
        return [page], []
    if kind != "html":  # the list points straight at the report file
        page.kind = "attachment"
        path = _settle(got, kind, _file_name(got, "", kind))
        page.file_name = path.name
        return [page], [(path, page)]
    info = read_portal_page(got.path.read_bytes(), got.final_url, got.content_type)
    page.published, page.published_text = info.published, info.published_text
    if not info.links:  # the report is the page itself
        path = _settle(got, ".html", _file_name(got, info.title, ".html"))
        page.file_name = path.name
        page.scripted = info.looks_scripted
        return [page], [(path, page)]
    page.status = "page"
    rows, files = [page], []
    for row, path in _attachments(fetcher, src, info, page, folder / "files"):
        rows.append(row)
        if path is not None:
            files.append((path, row))
    return rows, files


# ---- ingesting ----

def _known(db: Path | None, shas: list[str]) -> dict[str, tuple[int, str | None, int | None]]:
    """Stored reports by sha256 (report id, agency, year): a file already stored is not parsed again."""
    if not shas:
        return {}
    from dashboard.store.db import read_query

    df = read_query("select r.sha256, r.report_id, a.name as agency, r.year from reports r "
                    "left join agencies a using (agency_id) where r.sha256 in (select unnest(?))", [shas], db)
    return {r.sha256: (int(r.report_id), r.agency, int(r.year) if r.year == r.year else None)
            for r in df.itertuples(index=False)}


def _previous_records(db: Path | None, urls: list[str]) -> dict[str, tuple[str, str]]:
    """For each page URL that gave a report in an earlier run: (content hash of that record, its file's sha256)."""
    if not urls:
        return {}
    import duckdb

    from dashboard.store.db import read_query

    try:
        df = read_query("select c.url, r.sha256, r.parse_json from collect_log c join reports r using (report_id) "
                        "where c.kind = 'page' and c.url in (select unnest(?)) order by c.fetched_at", [urls], db)
    except duckdb.Error:  # a store not yet migrated to collect_log: nothing collected before
        return {}
    return {r.url: (report_sha256(json.loads(r.parse_json), None), r.sha256) for r in df.itertuples(index=False)}


def _engine(units: dict[str, CollectRow], registry: Registry, codes: dict[str, str],
            previous: dict[str, tuple[str, str]]) -> Callable[..., Iterator[FileOutcome]]:
    """The local worker pool, with each file's listed unit applied as evidence of its agency (in this process)."""

    def engine(files: list[Path], workers: int | None = None, limits: Limits | None = None,
               sources_root: str | None = None) -> Iterator[FileOutcome]:
        # sources_root is not passed on: a page whose record is unchanged is given the stored file's hash below,
        # so the file is stored (or not) by the writer, under the hash its row names
        for out in parse_files(files, workers=workers, limits=limits):
            row = units[str(out.path)]
            out.prepared.source_path = row.final_url  # where it came from: the temporary file is gone after the run
            out.prepared, note = apply_source_unit(out.prepared, row.unit, registry)
            before = previous.get(row.url) if row.kind == "page" else None
            if before and out.prepared.ok and report_sha256(out.prepared.report, None) == before[0]:
                # A page's bytes change with its template (a new item in a sidebar, a counter) while the report on it
                # does not: the same record as last time is the stored file, and the store's sha256 dedup says so.
                out.prepared.sha256 = before[1]
                note = "页面有改动（栏目、计数等），年报内容与上次相同，未另存版本"
            row.note_zh = "；".join(x for x in (row.note_zh, note) if x)
            codes[str(out.path)] = str(out.prepared.extra.get("error_code") or "")
            yield out

    return engine


def ingest_candidates(candidates: list[Candidate], db: Path | None, registry: Registry, workers: int | None = None,
                      limits: Limits | None = None, who: str | None = None) -> None:
    """Ingest the fetched files (what is stored already by content hash is `unchanged` without parsing); each row
    gets its outcome."""
    from dashboard.ingest.pipeline import ingest_paths

    known = _known(db, sorted({row.sha256 for _, row in candidates}))
    todo: list[Candidate] = []
    for path, row in candidates:
        if row.sha256 in known:
            row.status = "unchanged"
            row.report_id, row.agency, row.year = known[row.sha256]
        else:
            todo.append((path, row))
    if not todo:
        return
    codes: dict[str, str] = {}
    previous = _previous_records(db, sorted({r.url for _, r in todo if r.kind == "page"}))
    summary = ingest_paths([p for p, _ in todo], db=db, registry=registry, workers=workers, limits=limits,
                           engine=_engine({str(p): r for p, r in todo}, registry, codes, previous), who=who)
    for (path, row), out in zip(todo, summary.outcomes, strict=True):  # one outcome per named file, in order
        row.status, row.report_id, row.agency, row.year = out.status, out.report_id, out.agency, out.year
        if out.status in ("held", "unidentified", "superseded"):
            row.note_zh = "；".join(x for x in (row.note_zh, out.reason_zh) if x)
        if out.status == "failed":
            row.error_zh, row.error_en = out.reason_zh, out.reason_en
            if row.kind == "page" and codes.get(str(path)) == "not_a_report":
                row.error_zh = "页面中没有年报正文，也没有链接 PDF/Word/WPS 附件" + (
                    "；页面内容可能由 JavaScript 生成，本工具不执行脚本" if row.scripted else "")
                row.error_en = "the page holds no report and links no PDF/Word/WPS file" + (
                    "; its content may be drawn by JavaScript, which is never run" if row.scripted else "")


LOG_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("unit", pa.string()), ("page_url", pa.string()), ("url", pa.string()),
    ("kind", pa.string()), ("final_url", pa.string()), ("http_status", pa.int32()), ("published", pa.date32()),
    ("published_text", pa.string()), ("fetched_at", pa.timestamp("us")), ("status", pa.string()),
    ("sha256", pa.string()), ("size", pa.int64()), ("report_id", pa.int32()), ("agency", pa.string()),
    ("year", pa.int32()), ("file_name", pa.string()), ("error_zh", pa.string()), ("error_en", pa.string()),
    ("note_zh", pa.string())])


def record_run(run: CollectRun, db: Path | None, who: str | None = None) -> None:
    """Write the run's rows to collect_log and one line to the audit log (操作记录)."""
    from dashboard.review.audit import cli_who
    from dashboard.store.db import writer

    rows = [{"run_id": run.run_id, **{k: v for k, v in asdict(r).items() if k != "scripted"}} for r in run.rows]
    table = pa.Table.from_pylist(rows, schema=LOG_SCHEMA)
    cols = ", ".join(LOG_SCHEMA.names)
    with writer(db) as con:
        con.register("_collect_rows", table)
        con.execute(f"insert into collect_log ({cols}) select {cols} from _collect_rows")
        con.unregister("_collect_rows")
        details = {"object": f"采集 {run.run_id}", "counts": run.counts(), "run_id": run.run_id}
        con.execute("insert into audit_log values (now(), ?, 'collect', ?)", [who or cli_who(), json.dumps(details)])


def collect(sources: list[Source], db: Path | None = None, policy: FetchPolicy | None = None,
            registry: Registry | None = None, workers: int | None = None, limits: Limits | None = None,
            who: str | None = None, on_source: Callable[[int, int, Source], None] | None = None) -> CollectRun:
    """Fetch every source, ingest what is new or changed, record every page and file; returns the run's rows."""
    policy = policy or collect_policy()
    registry = registry or Registry.load()
    run = CollectRun()
    candidates: list[Candidate] = []
    with tempfile.TemporaryDirectory(prefix="nianbao-collect-") as tmp, Fetcher(policy) as fetcher:
        for n, src in enumerate(sources):
            if on_source:
                on_source(n, len(sources), src)
            rows, files = collect_source(fetcher, src, Path(tmp) / f"{n:04d}")
            run.rows += rows
            candidates += files
        ingest_candidates(candidates, db, registry, workers, limits, who)
    record_run(run, db, who)
    return run

