"""Word files with python-docx: headings and paragraphs, tables with merged cells."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from dashboard.synth.document import Cell, Grid, PrintedReport


def _origins(grid: Grid) -> dict[tuple[int, int], Cell]:
    out: dict[tuple[int, int], Cell] = {}
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out[(r, c)] = cell
            taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
            c += cell.colspan
    return out


def _tc(text: str, colspan: int, vmerge: str | None) -> OxmlElement:
    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    if colspan > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(colspan))
        pr.append(span)
    if vmerge:
        merge = OxmlElement("w:vMerge")
        if vmerge == "restart":
            merge.set(qn("w:val"), "restart")
        pr.append(merge)
    tc.append(pr)
    for line in text.split("\n"):
        para = OxmlElement("w:p")
        if line:
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = line
            run.append(t)
            para.append(run)
        tc.append(para)
    return tc


def _add_grid(document: DocxDocument, grid: Grid) -> None:
    """Write the cells as w:tc with gridSpan/vMerge directly (python-docx's merge() is quadratic per cell)."""
    table = document.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    origins = _origins(grid)
    above: dict[int, tuple[Cell, int]] = {}  # grid column → the merged cell still spanning down into this row
    for r, tr in enumerate(table._tbl.tr_lst):
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        c = 0
        while c < grid.width:
            cell = origins.get((r, c))
            if cell is not None:
                tr.append(_tc(cell.text, cell.colspan, "restart" if cell.rowspan > 1 else None))
                if cell.rowspan > 1:
                    above[c] = (cell, r + cell.rowspan - 1)
                c += cell.colspan
            elif c in above and above[c][1] >= r:
                tr.append(_tc("", above[c][0].colspan, "continue"))
                c += above[c][0].colspan
            else:
                tr.append(_tc("", 1, None))
                c += 1


def write_docx(doc: PrintedReport, path: Path) -> Path:
    """Write one report as a .docx file."""
    document = docx.Document()
    document.core_properties.title = doc.title
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    for block in doc.blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=1)
        elif block.kind == "heading":
            document.add_paragraph(block.text).runs[0].bold = True
        elif block.kind == "para":
            document.add_paragraph(block.text)
        elif block.grid is not None:
            _add_grid(document, block.grid)
    document.save(str(path))
    return path
