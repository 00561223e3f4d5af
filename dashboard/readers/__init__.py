"""Readers: a file in, a Document (paragraphs + table grids) out. One module per format."""

from __future__ import annotations

from pathlib import Path

from dashboard.errors import ReportError
from dashboard.readers.model import Block, Document, Paragraph, Table

__all__ = ["Block", "Document", "Paragraph", "Table", "read_document", "MAX_BYTES"]

MAX_BYTES = 200 * 1024 * 1024  # no annual report is this large; beyond it the file is not one


def _sniff_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if suffix in ("docx", "docm", "wps", "") or suffix not in ("xlsx", "pptx") else suffix
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if suffix in ("htm", "html", "shtml", "xhtml", "mht"):
        return "html"
    if suffix in ("md", "markdown", "txt", "text"):
        return "md" if suffix in ("md", "markdown") else "txt"
    low = head[:2048].lower()
    if b"<html" in low or b"<!doctype html" in low or b"<table" in low:
        return "html"
    return suffix or "txt"


def read_document(path: str | Path) -> Document:
    """Read any supported file (by content first, then suffix); ReportError names the file and the reason."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise ReportError(name, "文件不存在", "the file does not exist", code="missing")
    if path.is_dir():
        raise ReportError(name, "这是一个文件夹，不是文件", "this is a folder, not a file", code="folder")
    size = path.stat().st_size
    if size == 0:
        raise ReportError(name, "文件为空", "the file is empty", code="empty")
    if size > MAX_BYTES:
        raise ReportError(name, f"文件过大（{size // 1048576} MB），不像是一份年度报告",
                          f"the file is too large ({size // 1048576} MB) to be an annual report", code="huge")
    with path.open("rb") as fh:
        head = fh.read(4096)
    fmt = _sniff_format(path, head)
    if fmt in ("md", "txt"):
        from dashboard.readers.text import read_text
        return read_text(path)
    if fmt == "html":
        from dashboard.readers.html import read_html
        return read_html(path)
    if fmt == "pdf":
        from dashboard.readers.pdf import read_pdf
        return read_pdf(path)
    if fmt == "docx":
        from dashboard.readers.docx import read_docx
        return read_docx(path)
    if fmt in ("doc", "wps"):
        from dashboard.readers.docx import read_legacy_word
        return read_legacy_word(path)
    raise ReportError(name, f"不支持的文件格式（.{fmt}）；支持 PDF、Word、网页和文本",
                      f"unsupported file format (.{fmt}); PDF, Word, HTML and text are supported", code="format")
