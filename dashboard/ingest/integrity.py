"""Whether a file's bytes look whole: a PDF without its end marker, a web page cut short, a Word package with a
damaged part. A file whose figures read the same but whose bytes are damaged never replaces an intact original as
the stored source (see `evidence.py`)."""

from __future__ import annotations

import io
import re
import zipfile

_HTML_OPEN = re.compile(rb"<html[\s>]", re.IGNORECASE)
_HTML_CLOSE = re.compile(rb"</html\s*>", re.IGNORECASE)
_BODY_OPEN = re.compile(rb"<body[\s>]", re.IGNORECASE)
_BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)


def damage(data: bytes, fmt: str) -> str | None:
    """Why the file's bytes look cut or damaged (Chinese), or None when they look whole (or cannot be judged)."""
    fmt = (fmt or "").lower()
    if data.startswith(b"%PDF"):
        tail = data[-2048:]
        if b"%%EOF" not in tail:
            return "PDF 文件末尾缺少结束标记（%%EOF），文件可能被截断"
        if b"startxref" not in tail:
            return "PDF 文件缺少交叉引用表位置（startxref），文件可能已损坏"
        return None
    if data.startswith(b"PK\x03\x04") or fmt == "docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                bad = z.testzip()
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError):
            return "Word 文件的压缩包结构损坏，文件可能被截断"
        return f"Word 文件中的部件“{bad}”校验失败，文件已损坏" if bad else None
    if fmt in ("html", "htm", "shtml") or _HTML_OPEN.search(data[:4096]):
        if _HTML_OPEN.search(data) and not _HTML_CLOSE.search(data[-4096:]):
            return "网页文件不完整（缺少结尾的 </html>），可能被截断"
        if _BODY_OPEN.search(data) and not _BODY_CLOSE.search(data):
            return "网页文件不完整（缺少结尾的 </body>），可能被截断"
    return None
