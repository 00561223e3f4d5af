"""PDF with a text layer: ruled tables rebuilt as grids from word positions and borders, the rest as lines."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from dashboard.errors import ReportError
from dashboard.limits import MAX_PDF_PAGES, refuse_pdf_pages
from dashboard.readers.model import Block, Document, Paragraph
from dashboard.readers.page_text import join_pages
from dashboard.readers.pdf_grid import find_ruled_tables, grid_table
from dashboard.readers.pdf_page import PageContent, read_page
from dashboard.readers.pdf_text import group_lines, line_text
from dashboard.readers.pdf_unruled import Carry, unruled_tables

MAX_PAGES = MAX_PDF_PAGES  # defined once in dashboard/limits.py
MIN_TEXT_CHARS = 20  # a page with fewer characters than this has no real text layer


def _open(path: Path) -> pdfium.PdfDocument:
    name = path.name
    data = path.read_bytes()
    if b"%%EOF" not in data[-4096:]:
        # PDFium reconstructs a cut-off file and shows whatever pages survived: a report missing its end would be
        # read silently as a shorter one.
        raise ReportError(name, "PDF 文件不完整（缺少文件结尾，可能下载或复制中断）",
                          "the PDF is incomplete (its end is missing; the download or copy was probably cut off)",
                          code="corrupt")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        err = pdfium_c.FPDF_GetLastError()
        if err == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReportError(name, "PDF 已加密，需要密码才能打开；请提供未加密的文件",
                              "the PDF is encrypted and needs a password; please provide an unencrypted file",
                              code="encrypted") from None
        if err == pdfium_c.FPDF_ERR_SECURITY:
            raise ReportError(name, "PDF 使用了不支持的加密方式", "the PDF uses an unsupported encryption",
                              code="encrypted") from None
        raise ReportError(name, "PDF 文件已损坏，无法打开", "the PDF is damaged and cannot be opened",
                          code="corrupt") from None


def _page_blocks(page: PageContent, carry: Carry) -> list[tuple[float, Block]]:
    """Blocks of one page with their top coordinate: grids of tables, and one paragraph per other line."""
    placed: list[tuple[float, Block]] = []
    free = page.chars
    for ruled in find_ruled_tables(page.segments):
        inside = [ch for ch in free if ruled.contains(ch)]
        table = grid_table(ruled, inside, page.number)
        if sum(1 for row in table.rows for cell in row if cell) < 2:
            continue  # a framed paragraph, not a table
        placed.append((ruled.bbox[1], table))
        free = [ch for ch in free if not ruled.contains(ch)]
    lines = group_lines(free)
    taken: set[int] = set()
    # Borderless tables: the grid from glyph alignment (pdf_unruled), so blank cells keep their column.
    for used, table in unruled_tables(lines, carry):
        table.page = page.number
        placed.append((min(ch.top for k in used for ch in lines[k]), table))
        taken.update(used)
    for k, line in enumerate(lines):
        if k not in taken:
            placed.append((min(ch.top for ch in line), Paragraph(text=line_text(line, wide_gap=1.5), page=page.number)))
    return placed


def read_pdf(path: Path) -> Document:
    """Read a PDF into paragraphs and table grids (a scanned one by OCR); encrypted or damaged files raise."""
    path = Path(path)
    name = path.name
    pdf = _open(path)
    try:
        if len(pdf) == 0:
            raise ReportError(name, "PDF 没有页面", "the PDF has no pages", code="corrupt")
        # Counted before any page is read: reading thousands of pages (or rendering them for OCR) is minutes
        # and gigabytes for a file that cannot be a report.
        refuse_pdf_pages(name, len(pdf))
        meta = pdf.get_metadata_dict(skip_empty=True)
        pages = [read_page(pdf, i) for i in range(len(pdf))]
    except pdfium.PdfiumError as exc:
        raise ReportError(name, f"PDF 文件已损坏，无法读取（{exc}）", f"the PDF is damaged and cannot be read ({exc})",
                          code="corrupt") from None
    finally:
        pdf.close()
    text_pages = [p for p in pages if len(p.chars) >= MIN_TEXT_CHARS]
    if not text_pages:
        # Scanned: no page has a text layer, so the pages are read by OCR (readers/scan.py).
        from dashboard.readers.scan import read_scan

        return read_scan(path)
    carry = Carry()  # a borderless table's columns, for its continuation on the next page
    blocks = join_pages([(p, sorted(_page_blocks(p, carry), key=lambda tb: tb[0])) for p in pages])
    title = (meta.get("Title") or "").strip() or None
    doc = Document(source=name, format="pdf", blocks=blocks, title=title)
    doc.meta["pages"] = str(len(pages))
    missing = [str(p.number) for p in pages if len(p.chars) < MIN_TEXT_CHARS]
    if missing:
        doc.meta["pages_without_text"] = ",".join(missing)
    for key in ("Author", "Creator", "Producer", "CreationDate", "ModDate"):
        if meta.get(key):
            doc.meta[key.lower()] = str(meta[key])
    return doc
