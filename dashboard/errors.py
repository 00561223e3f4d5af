"""The one error type a user sees when a file cannot be read as a report, and the reason for any other failure."""

from __future__ import annotations

import zlib


class ReportError(Exception):
    """A file that is not a readable report: names the file and the reason in Chinese and English."""

    def __init__(self, source: str, reason_zh: str, reason_en: str, code: str = "unreadable") -> None:
        self.source = source
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.code = code
        super().__init__(f"{source}: {reason_zh} / {reason_en}")


RESOURCE_ZH = "超出资源限制（内存/时间）"
RESOURCE_EN = "resource limit exceeded (memory/time)"


def _lxml_error(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("lxml")


def reason_for(exc: BaseException) -> tuple[str, str, str]:
    """(Chinese reason, English reason, code) for an exception raised while reading one file.

    A reader or parser bug on a hostile file must read as a reason a user can act on, never as raw exception text
    ("RuntimeError", "zlib error", "AssertionError at parse/rows.py"); the traceback goes to the log instead.
    """
    if isinstance(exc, ReportError):
        return exc.reason_zh, exc.reason_en, exc.code
    if isinstance(exc, MemoryError):
        return RESOURCE_ZH, RESOURCE_EN, "resource"
    if isinstance(exc, RecursionError):
        return ("文件结构嵌套过深，不像是一份年度报告", "the file's structure is nested too deeply to be an annual report",
                "nested")
    if isinstance(exc, FileNotFoundError):
        return "文件不存在", "the file does not exist", "missing"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件", "this is a folder, not a file", "folder"
    if isinstance(exc, PermissionError):
        return "没有读取该文件的权限", "no permission to read the file", "permission"
    if isinstance(exc, zlib.error | EOFError) or type(exc).__name__ in ("BadZipFile", "LargeZipFile"):
        return ("文件已损坏：压缩数据无法解开（可能下载或复制时被截断）",
                "the file is damaged: its compressed data cannot be unpacked (truncated?)", "corrupt")
    if isinstance(exc, UnicodeError):
        return "文件的字符编码无法识别", "the file's text encoding could not be determined", "encoding"
    if isinstance(exc, OverflowError):
        return "文件中的数值超出范围", "a number in the file is out of range", "overflow"
    if "pdfium" in type(exc).__module__.lower() or type(exc).__name__ == "PdfiumError":
        return "PDF 文件已损坏，无法打开", "the PDF file is damaged and cannot be opened", "corrupt"
    if _lxml_error(exc):
        return "文件结构已损坏，无法解析", "the file's structure is damaged and cannot be parsed", "corrupt"
    if isinstance(exc, OSError):
        return "无法读取文件（输入输出错误）", "the file cannot be read (input/output error)", "io"
    return ("文件内容无法按年度报告读取（结构异常）", "the file's content could not be read as an annual report "
            "(unexpected structure)", "unexpected")
