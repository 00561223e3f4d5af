"""Turning files into records ready to store: find the files, read and parse each, never letting one stop the rest."""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.errors import ReportError, reason_for
from dashboard.ingest.integrity import damage
from dashboard.limits import check_file
from dashboard.registry import default_registry
from dashboard.store.records import clean_report, printed_date, report_sha256

log = logging.getLogger("nianbao.ingest")

# Walked in folders. A canonical JSON record (manual entry, correction) is ingested only when named explicitly:
# a folder of expected or exported JSON beside the reports must not silently supersede them.
REPORT_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".shtml", ".mht", ".md", ".markdown", ".txt",
                   ".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # page images are read by OCR (readers/scan.py)


@dataclass
class Prepared:
    """One input: its parsed report, or the reason it could not be read."""

    source_name: str
    source_path: str
    report: dict[str, Any] | None = None
    source_bytes: bytes | None = None
    sha256: str = ""
    format: str = ""
    error_zh: str = ""
    error_en: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    mtime: float = 0.0  # the file's modification time: orders versions that print no date

    @property
    def ok(self) -> bool:
        """True when the input was read as a report."""
        return self.report is not None


@dataclass
class Passed:
    """Something in a folder that was not read, and why (unreadable folder, link outside, FIFO, device)."""

    path: str
    reason_zh: str
    reason_en: str
    failed: bool = False  # True when files may have been missed (an unreadable folder), not a deliberate skip


def display_name(name: str) -> str:
    """A file name as text every writer can encode: names that are not UTF-8 (GBK names from a zip made on Windows)
    are decoded as GB18030 when they are that, else their undecodable bytes shown as \\xNN."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="backslashreplace")


def raw_name_hex(name: str) -> str | None:
    """The bytes of a name that is not valid UTF-8, as hex (kept so the original name can be recovered)."""
    try:
        name.encode("utf-8")
        return None
    except UnicodeEncodeError:
        return os.fsencode(name).hex()


def _special_kind(mode: int) -> tuple[str, str] | None:
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO），不是文件，未读取", "a named pipe (FIFO), not a file; not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件，不是普通文件，未读取", "a device, not a regular file; not read"
    if stat.S_ISSOCK(mode):
        return "套接字，不是文件，未读取", "a socket, not a file; not read"
    return None


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


def walk_folder(root: Path, files: list[Path], skipped: list[Path], passed: list[Passed],
                follow_links: bool = False) -> None:
    """Collect the report files under root; say what was not read and why (never follow a link out of root)."""
    real_root = root.resolve()
    stack = [root]
    seen: set[tuple[int, int]] = set()
    found: list[Path] = []
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(folder))
        except OSError as exc:
            passed.append(Passed(display_name(str(folder)), f"无法读取文件夹（{_os_reason(exc)[0]}），其中的文件未导入",
                                 f"cannot read the folder ({_os_reason(exc)[1]}); its files were not ingested", True))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                # hidden: a folder such as .git is passed over; a hidden report file (an editor's lock file, a
                # macOS "._" copy) is listed with the reason, never dropped unsaid
                if Path(entry.name).suffix.lower() in REPORT_SUFFIXES and not entry.is_dir(follow_symlinks=False):
                    passed.append(Passed(display_name(str(path)), "隐藏文件（文件名以“.”开头，常为临时或锁定文件），未导入；"
                                         "如确为报告请改名后再导入",
                                         "a hidden file (name starts with '.', usually a temporary or lock file); "
                                         "not ingested — rename it if it is a report"))
                continue
            try:
                if entry.is_symlink():
                    try:
                        target = path.resolve(strict=True)
                    except (OSError, RuntimeError):
                        passed.append(Passed(display_name(str(path)), "符号链接无效（目标不存在或链接成环），未读取",
                                             "a broken or looping symbolic link; not read"))
                        continue
                    if not follow_links and not _inside(target, real_root):
                        passed.append(Passed(display_name(str(path)), "符号链接指向所选文件夹之外，未跟随",
                                             "a symbolic link leading outside the folder; not followed"))
                        continue
                    if target.is_dir():
                        continue  # a link to a folder inside root: that folder is walked anyway
                mode = path.stat().st_mode
            except OSError as exc:
                passed.append(Passed(display_name(str(path)), f"无法读取（{_os_reason(exc)[0]}）",
                                     f"cannot be read ({_os_reason(exc)[1]})", True))
                continue
            if stat.S_ISDIR(mode):
                stack.append(path)
                continue
            special = _special_kind(mode)
            if special:
                passed.append(Passed(display_name(str(path)), *special))
                continue
            (found if path.suffix.lower() in REPORT_SUFFIXES else skipped).append(path)
    files.extend(sorted(found, key=lambda p: os.fsencode(str(p))))


def _os_reason(exc: OSError) -> tuple[str, str]:
    if isinstance(exc, PermissionError):
        return "没有权限", "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "不存在", "does not exist"
    return "输入输出错误", exc.strerror or "input/output error"


def expand_paths(paths: list[Path], passed: list[Passed] | None = None,
                 follow_links: bool = False) -> tuple[list[Path], list[Path]]:
    """(files to ingest, files skipped): folders are walked recursively for report files; named files are all taken.

    What a folder holds but was not read (unreadable folders, links leading outside, FIFOs, devices) goes to
    ``passed`` with its reason.
    """
    files: list[Path] = []
    skipped: list[Path] = []
    passed = passed if passed is not None else []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            walk_folder(p, files, skipped, passed, follow_links)
        else:
            files.append(p)
    return files, sorted(skipped)


def _read_json_record(path: Path, data: bytes) -> dict[str, Any]:
    """A canonical report as JSON (manual entry or correction); ReportError when it is not one."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"第 {exc.lineno} 行" if isinstance(exc, json.JSONDecodeError) else "编码不是 UTF-8"
        raise ReportError(path.name, f"JSON 无法解析（{where}）", "invalid JSON", code="json") from exc
    if not isinstance(obj, dict) or not {"agency", "year", "template"} <= set(obj):
        raise ReportError(path.name, "JSON 不是规范的年报记录（缺少 agency / year / template）",
                          "JSON is not a canonical report (agency / year / template missing)", code="json")
    obj.setdefault("source", path.name)
    obj.setdefault("format", "json")
    return obj


def _parse(path: Path, data: bytes) -> dict[str, Any]:
    if path.suffix.lower() == ".json":
        return _read_json_record(path, data)
    from dashboard.parse import parse_file  # the parser is a separate step; imported only when a file needs it

    return parse_file(path, default_registry())


def _unidentified(report: dict[str, Any]) -> bool:
    """True for a report that was read (a known format, some figures) but whose agency or year is missing."""
    if report.get("template") not in ("2019", "2021") or not report.get("figures"):
        return False
    year = report.get("year")
    return not (isinstance(report.get("agency"), str) and report["agency"].strip()) or not (
        isinstance(year, int) and 2000 <= year <= 2100)


def _validate(path: Path, report: dict[str, Any]) -> None:
    if not isinstance(report.get("agency"), str) or not report["agency"].strip():
        raise ReportError(path.name, "未能读出机关名称", "the agency name could not be read", code="no_agency")
    year = report.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        shown = year if isinstance(year, int) and abs(year) < 10 ** 8 else "无"
        raise ReportError(path.name, f"未能读出报告年度（{shown}）", f"the report year could not be read ({shown})",
                          code="no_year")
    if report.get("template") not in ("2019", "2021"):
        raise ReportError(path.name, "未能识别报告格式版本", "the format version could not be recognised",
                          code="no_template")


def prepare_file(path: Path) -> Prepared:
    """Read and parse one file; every failure becomes a reason (Chinese and English), never an exception.

    A plain top-level function: the worker processes (dashboard.ingest.workers) and any other engine call it.
    """
    path = Path(path)
    name = display_name(path.name)
    item = Prepared(name, display_name(str(path)))
    hexname = raw_name_hex(path.name)
    try:
        st = path.stat()
        item.mtime = st.st_mtime
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            special = _special_kind(st.st_mode) or ("不是普通文件", "not a regular file")
            raise ReportError(name, *special, code="special")
        if stat.S_ISREG(st.st_mode):
            if not st.st_size:
                raise ReportError(name, "文件为空", "the file is empty", code="empty")
            check_file(path)  # size and page count (dashboard/limits.py) before a byte of the body is read
        data = path.read_bytes()
        if not data:
            raise ReportError(name, "文件为空", "the file is empty", code="empty")
        item.source_bytes = data
        item.sha256 = report_sha256({}, data)
        from dashboard.readers.scan import page_views

        with page_views() as views:  # a scan's page images and cell boxes, stored beside its source for 校对
            report = _parse(path, data)
        damaged = damage(data, path.suffix.lstrip("."))
        if damaged:  # the file's bytes look cut: kept as evidence when versions are compared (ingest/evidence.py)
            report["source_damage"] = damaged
        if not (isinstance(report.get("agency"), str) and report["agency"].strip()):
            # kept for a caller that knows whose file this is (collect's source list) and may name it
            item.extra["unnamed_report"] = clean_report(report)
        if _unidentified(report):
            # read, but whose or which year cannot be settled: stored as 待认定 (ingest/identity.py), never lost
            item.extra["unidentified"] = item.extra.get("unnamed_report") or clean_report(report)
            if views and str(report.get("format") or "") == "scan":
                item.extra["scan_view"] = views
        _validate(path, report)
        report = clean_report(report)
        report["source"] = name
        if hexname:
            report["source_name_hex"] = hexname
        item.report = report
        item.format = str(report.get("format") or path.suffix.lstrip(".").lower())
        item.extra["printed_date"] = printed_date(report)
        if views and item.format == "scan":
            item.extra["scan_view"] = views
    except Exception as exc:  # noqa: BLE001 — one file's failure, whatever raised it, must not touch the run
        item.report = None
        if "unidentified" not in item.extra:  # a 待认定 report is stored (ingest/identity.py): its file with it
            item.source_bytes = None  # a refused file's bytes never travel to the parent (nothing stores them)
        item.error_zh, item.error_en, code = reason_for(exc)
        item.extra["error_code"] = code
        if not isinstance(exc, ReportError | OSError):
            log.debug("reading %s failed", name, exc_info=True)
    return item


def prepare_record(report: dict[str, Any], source_name: str, source_bytes: bytes | None = None) -> Prepared:
    """A report dict that needs no parsing (synthetic data, manual entry, benchmarks)."""
    item = Prepared(source_name, source_name, report, source_bytes, report_sha256(report, source_bytes),
                    str(report.get("format") or "json"))
    try:
        _validate(Path(source_name), report)
    except ReportError as exc:
        item.report, item.error_zh, item.error_en = None, exc.reason_zh, exc.reason_en
    return item
