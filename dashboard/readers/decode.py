"""Bytes → text for text-like files: BOM, declared charset, UTF-8, then sniffing (undeclared GBK pages)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from dashboard.errors import ReportError

# GB2312 and GBK pages routinely contain characters only GB18030 has; decoding with the superset is safe.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030"}


_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27)))


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we accept (NUL bytes, many control bytes)."""
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 text has NULs too, but then it starts with a BOM.
        return not (head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE))
    controls = len(head.translate(None, _NOT_CONTROL))
    return controls > max(8, len(head) // 50)


_PLAUSIBLE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u2460-\u24ff\u3000-\u303f\u4e00-\u9fff"
                        r"\uff00-\uffef\u2500-\u257f]")


def bomless_utf(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for UTF-32/UTF-16 without a byte-order mark when the result is clearly text (Chinese,
    ASCII, punctuation — at least 95 %), else None. Tried only for data with NUL bytes, which UTF-8 and GBK text
    never has."""
    for enc, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if len(data) % unit:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if not sample or "\x00" in sample:
            continue
        if len(_PLAUSIBLE.findall(sample)) >= 0.95 * len(sample):
            return text, enc
    return None


def _canonical(name: str) -> str:
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return ""
    return _SUPERSET.get(name.lower(), name)


def decode_text(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns (text, encoding used). Raises ReportError for binary data."""
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        found = bomless_utf(data)
        if found:
            return found
    if looks_binary(data):
        raise ReportError(source, "文件是二进制数据，不是文本或网页", "the file is binary data, not text or a web page",
                          code="binary")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    tried: list[str] = []
    if declared:
        enc = _canonical(declared)
        if enc:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                tried.append(enc)  # a wrong declaration is common; fall through to sniffing
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        enc = _canonical(best.encoding) or best.encoding
        if enc in ("gb18030",) or best.language == "Chinese" or enc not in tried:
            try:
                return data.decode(enc), enc
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ReportError(source, "无法识别文件的字符编码", "the text encoding could not be determined",
                          code="encoding") from None
