"""Turning files into records ready to store: find the files, read and parse each, never letting one stop the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.errors import ReportError
from dashboard.store.records import report_sha256

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

    @property
    def ok(self) -> bool:
        """True when the input was read as a report."""
        return self.report is not None


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to ingest, files skipped): folders are walked recursively for report files; named files are all taken."""
    files: list[Path] = []
    skipped: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                (files if f.suffix.lower() in REPORT_SUFFIXES else skipped).append(f)
        else:
            files.append(p)
    return files, skipped


def _read_json_record(path: Path, data: bytes) -> dict[str, Any]:
    """A canonical report as JSON (manual entry or correction); ReportError when it is not one."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(path.name, f"JSON 无法解析：{exc}", f"invalid JSON: {exc}", code="json") from exc
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

    return parse_file(path)


def _validate(path: Path, report: dict[str, Any]) -> None:
    if not (report.get("agency") or "").strip():
        raise ReportError(path.name, "未能读出机关名称", "the agency name could not be read", code="no_agency")
    year = report.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ReportError(path.name, f"未能读出报告年度（{year!r}）", f"the report year could not be read ({year!r})",
                          code="no_year")
    if report.get("template") not in ("2019", "2021"):
        raise ReportError(path.name, "未能识别报告格式版本", "the format version could not be recognised",
                          code="no_template")


def prepare_file(path: Path) -> Prepared:
    """Read and parse one file; every failure becomes a reason (Chinese and English), never an exception."""
    item = Prepared(path.name, str(path))
    try:
        data = path.read_bytes()
        if not data:
            raise ReportError(path.name, "文件为空", "the file is empty", code="empty")
        item.source_bytes = data
        item.sha256 = report_sha256({}, data)
        report = _parse(path, data)
        _validate(path, report)
        item.report = report
        item.format = str(report.get("format") or path.suffix.lstrip(".").lower())
    except ReportError as exc:
        item.error_zh, item.error_en = exc.reason_zh, exc.reason_en
    except FileNotFoundError:
        item.error_zh, item.error_en = "文件不存在", "the file does not exist"
    except IsADirectoryError:
        item.error_zh, item.error_en = "这是一个文件夹，不是文件", "this is a folder, not a file"
    except OSError as exc:
        item.error_zh, item.error_en = f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}"
    except Exception as exc:  # a parser bug on one file must not stop the batch; the reason is kept
        item.error_zh = f"读取时出错（{type(exc).__name__}: {exc}）"
        item.error_en = f"unexpected error while reading ({type(exc).__name__}: {exc})"
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
