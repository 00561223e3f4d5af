"""Readers: a file in, a Document (paragraphs + table grids) out. One module per format."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from dashboard.errors import ReportError
from dashboard.limits import MAX_BYTES, refuse_size
from dashboard.readers.model import Block, Document, Paragraph, Table

__all__ = ["Block", "Document", "Paragraph", "Table", "read_document", "MAX_BYTES"]



# Page images by their magic bytes: PNG, JPEG, TIFF (both byte orders), BMP.
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"II*\x00": "tif", b"MM\x00*": "tif", b"BM": "bmp"}
IMAGE_FORMATS = {"png", "jpg", "tif", "bmp"}


# What a suffix claims the content is, for the suffixes whose formats announce themselves in their first bytes.
_CLAIMED_ZH = {"pdf": "PDF 文件", "docx": "Word 文档", "docm": "Word 文档", "doc": "Word 文档", "wps": "WPS 文字文档",
               "png": "PNG 图片", "jpg": "JPG 图片", "jpeg": "JPG 图片", "tif": "TIFF 图片", "tiff": "TIFF 图片",
               "bmp": "BMP 图片"}


def _has_magic(head: bytes) -> bool:
    """True when the first bytes are those of a binary format we read (PDF, Word, a page image)."""
    if b"%PDF" in head[:1024]:  # the PDF header may follow a little junk
        return True
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", *_IMAGE_MAGIC))


def _not_what_it_claims(path: Path, head: bytes) -> ReportError | None:
    """A file named .pdf/.docx/.png… whose content is not that format: say what it is instead (never read it as a
    damaged file of the claimed format)."""
    suffix = path.suffix.lower().lstrip(".")
    claimed = _CLAIMED_ZH.get(suffix)
    if claimed is None or _has_magic(head):
        return None
    low = head[:2048].lower()
    if b"<html" in low or b"<!doctype" in low or b"<table" in low or b"<body" in low:
        what, what_en = "内容是网页（HTML），可能是下载时保存了网页而不是文件本身", "its content is a web page (HTML)"
    else:
        try:
            sample = head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a character cut at the end of a full sample is still text
            sample = head[:exc.start].decode("utf-8") if len(head) == 4096 and exc.start >= len(head) - 3 else ""
        text = bool(sample.strip()) and all(ch.isprintable() or ch in "\r\n\t" for ch in sample)
        what, what_en = (("内容是纯文本", "its content is plain text") if text else
                         ("内容无法识别，不是任何支持的格式", "its content is not any supported format"))
    return ReportError(path.name, f"文件内容不是{claimed}：扩展名为 .{suffix}，但{what}；请确认文件是否正确",
                       f"the file is not what its extension (.{suffix}) claims: {what_en}", code="not_format")


def _sniff_format(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if head.startswith(b"%PDF"):
        return "pdf"
    for magic, fmt in _IMAGE_MAGIC.items():
        if head.startswith(magic) and (fmt != "bmp" or suffix == "bmp"):
            return fmt
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
    try:
        st = path.stat()  # once: what exists() and is_dir() and the size would each ask again
    except OSError as e:
        if e.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):  # exists() says False for these
            raise
        st = None
    except ValueError:
        st = None
    if st is None:
        raise ReportError(name, "文件不存在", "the file does not exist", code="missing")
    if stat.S_ISDIR(st.st_mode):
        # One file is one report: the pages of a scan belong in one PDF or multi-page TIFF (readers/scan.py says why).
        raise ReportError(name, "这是一个文件夹，不是文件；扫描件的各页图片请合并为一个 PDF 或多页 TIFF 再读取",
                          "this is a folder, not a file; join the page images of a scan into one PDF or multi-page "
                          "TIFF first", code="folder")
    size = st.st_size
    if size == 0:
        raise ReportError(name, "文件为空", "the file is empty", code="empty")
    refuse_size(name, size)  # one definition of the limits: dashboard/limits.py
    with path.open("rb") as fh:
        head = fh.read(4096)
    mismatch = _not_what_it_claims(path, head)
    if mismatch is not None:
        raise mismatch
    fmt = _sniff_format(path, head)
    if fmt in IMAGE_FORMATS:
        from dashboard.readers.scan import read_scan
        return read_scan(path)
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
    raise ReportError(name, f"不支持的文件格式（.{fmt}）；支持 PDF、Word、网页、文本和扫描图片（PNG/JPG/TIFF）",
                      f"unsupported file format (.{fmt}); PDF, Word, HTML, text and page images (PNG/JPG/TIFF) are "
                      "supported", code="format")
