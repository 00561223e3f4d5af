"""Text and markdown converted from PDF: pipe tables become grids, other lines paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.readers.decode import decode_text
from dashboard.readers.model import Block, Document, Paragraph, Table

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", s)]


def parse_text(text: str, source: str, fmt: str = "md") -> Document:
    """Split text into paragraphs (one per non-empty line) and pipe tables (one per run of pipe rows)."""
    blocks: list[Block] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            blocks.append(Table(rows=list(rows)))
            rows.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if line.startswith("|") and line.count("|") >= 2:
            if _SEPARATOR.match(line):
                # A separator after the first row of a new markdown table: pipe tables that follow one another
                # directly are still separate tables (a page break in the PDF the text came from).
                if len(rows) > 1:
                    last = rows.pop()
                    flush()
                    rows.append(last)
                continue
            rows.append(_split_pipe_row(line))
            continue
        flush()
        if line:
            blocks.append(Paragraph(text=line))
    flush()
    return Document(source=source, format=fmt, blocks=blocks)


def read_text(path: Path) -> Document:
    """Read a .txt / .md file in any common Chinese encoding."""
    text, enc = decode_text(path.read_bytes(), path.name)
    doc = parse_text(text, path.name, "md" if path.suffix.lower() in (".md", ".markdown") else "txt")
    doc.meta["encoding"] = enc
    return doc
