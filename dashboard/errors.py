"""The one error type a user sees when a file cannot be read as a report."""

from __future__ import annotations


class ReportError(Exception):
    """A file that is not a readable report: names the file and the reason in Chinese and English."""

    def __init__(self, source: str, reason_zh: str, reason_en: str, code: str = "unreadable") -> None:
        self.source = source
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.code = code
        super().__init__(f"{source}: {reason_zh} / {reason_en}")
