"""Text and markdown converted from PDF: pipe tables become grids, other lines paragraphs."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from dashboard.errors import ReportError
from dashboard.readers.decode import decode_text
from dashboard.readers.model import Block, Document, Paragraph, Table

MAX_LINE_CHARS = 20_000  # a converted report's longest line is a paragraph of a few thousand characters
MAX_ROW_CELLS = 100  # the widest table of a report has about 10 columns
MAX_CELLS = 20_000  # all pipe-table cells of a file; a real report has < 2,000
MAX_LINES = 50_000  # non-empty lines; a report converted from PDF has a few hundred


def check_line(line: str, source: str) -> None:
    """Refuse text whose line or table row is far beyond any report's, before the parser's work grows with it."""
    if len(line) > MAX_LINE_CHARS:
        raise ReportError(source, f"文件中有一行过长（{len(line)} 个字符），不像是一份年度报告",
                          f"a line is too long ({len(line)} characters) to be an annual report", code="limits")


_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


_CELL_BORDER = re.compile(r"(?<!\\)\|")


@lru_cache(maxsize=4096)  # the rows of a county's tables come back in report after report
def _split_pipe_row(line: str) -> tuple[str, ...]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    # Most rows have no escaped pipe: a plain split is the same cut, without the regex.
    return tuple(c.strip() for c in (_CELL_BORDER.split(s) if "\\|" in s else s.split("|")))


def parse_text(text: str, source: str, fmt: str = "md") -> Document:
    """Split text into paragraphs (one per non-empty line) and pipe tables (one per run of pipe rows)."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    cells = lines = 0

    def flush() -> None:
        if rows:
            blocks.append(Table(rows=list(rows)))
            rows.clear()

    if "\r" in text:  # most files end their lines with \n alone: no two copies of the text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if rows:
                flush()
            continue
        if len(line) > MAX_LINE_CHARS:
            check_line(line, source)
        lines += 1
        if lines > MAX_LINES:
            raise ReportError(source, f"文件行数过多（超过 {MAX_LINES} 行），不像是一份年度报告",
                              f"the file has more than {MAX_LINES} lines; not an annual report", code="limits")
        if line[0] == "|" and (pipes := line.count("|")) >= 2:
            if pipes > MAX_ROW_CELLS:
                raise ReportError(source, "文本表格的列数过多，不像是一份年度报告",
                                  "a text table has too many columns to be an annual report", code="limits")
            if "--" in line and _SEPARATOR.match(line):
                # A separator after the first row of a new markdown table: pipe tables that follow one another
                # directly are still separate tables (a page break in the PDF the text came from).
                if len(rows) > 1:
                    last = rows.pop()
                    flush()
                    rows.append(last)
                continue
            rows.append(list(_split_pipe_row(line)))
            cells += len(rows[-1])
            if cells > MAX_CELLS:
                raise ReportError(source, f"文本表格过大（超过 {MAX_CELLS} 格），不像是一份年度报告",
                                  f"the text tables hold more than {MAX_CELLS} cells; not an annual report",
                                  code="limits")
            continue
        if rows:
            flush()
        blocks.append(Paragraph(line))
    flush()
    return Document(source=source, format=fmt, blocks=blocks)


def read_text(path: Path) -> Document:
    """Read a .txt / .md file in any common Chinese encoding."""
    text, enc = decode_text(path.read_bytes(), path.name)
    doc = parse_text(text, path.name, "md" if path.suffix.lower() in (".md", ".markdown") else "txt")
    doc.meta["encoding"] = enc
    return doc
