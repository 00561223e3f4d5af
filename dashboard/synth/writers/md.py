"""Markdown as a PDF converter leaves it: pipe tables, merged cells once, tables broken at page ends."""

from __future__ import annotations

import random
from pathlib import Path

from dashboard.synth.document import Grid, PrintedReport


def _ragged_rows(grid: Grid, spaced: bool) -> list[list[str]]:
    """Each origin once; a cell merged across columns takes one column (the converters collapse it)."""
    rows: list[list[str]] = []
    for line in grid.matrix():
        cells: list[str] = []
        for text, role in line:
            if role == "col_copy":
                continue
            text = "" if role == "row_copy" else text.replace("\n", "")
            if spaced and role == "origin" and text.startswith(("三、本年度", "（三）不予", "（四）无法", "（五）不予")):
                text = text[:2] + " " + " ".join(text[2:])  # vertical labels come out letter-spaced
            cells.append(text)
        rows.append(cells)
    return rows


def _pipe_table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["------"] * width) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return out


def md_text(doc: PrintedReport, rng: random.Random) -> str:
    """The report as converted-from-PDF markdown; some tables split over a page break."""
    lines: list[str] = []
    for block in doc.blocks:
        if block.kind in ("title", "heading", "para"):
            lines += [block.text, ""]
            continue
        assert block.grid is not None
        rows = _ragged_rows(block.grid, spaced=rng.random() < 0.5)
        if block.grid.code in ("disclosure", "applications") and rng.random() < 0.5:
            cut = rng.randint(len(rows) // 3, len(rows) - 2)
            first, second = rows[:cut], rows[cut:]
            width = max(len(r) for r in second)
            lines += _pipe_table(first) + [""] + _pipe_table([[""] * width, *second]) + [""]
        else:
            lines += _pipe_table(rows) + [""]
    return "\n".join(lines)


def write_md(doc: PrintedReport, path: Path, rng: random.Random) -> Path:
    """Write one report as markdown (UTF-8)."""
    path.write_text(md_text(doc, rng), encoding="utf-8")
    return path
