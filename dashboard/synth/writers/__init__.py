"""One writer per file format; each turns a PrintedReport into a file."""

from __future__ import annotations

SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf", "md": ".md"}
