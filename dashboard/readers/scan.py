"""Scanned reports: image-only PDFs and page images read by offline OCR into the same Document as text PDFs.

Per page: clean (red seal ink out), straighten, find the ruled tables from their lines, read **every cell on its own**
(a whole-page pass misses small zeros), read the text outside the tables line by line. Every cell keeps the
recogniser's confidence; a doubtful cell is named in ``Table.doubts`` and the parser marks it uncertain.
The pages are counted before any is rendered (more than MAX_PAGES is refused), then rendered and read one at a time.

One file is one report. A folder of page images is not read as one report: files are the unit everywhere
(ingest, the store's sha256, the dashboard's source link), so several images of one report are to be joined into
one PDF or multi-page TIFF first; the error for a folder says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.errors import ReportError
from dashboard.limits import MAX_SCAN_PAGES, refuse_scan_pages
from dashboard.readers.model import Block, Document, Paragraph, Table
from dashboard.readers.page_text import join_pages

if TYPE_CHECKING:
    import numpy as np

IMAGE_SUFFIXES = {"png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp"}
LOW_CONFIDENCE = 0.90  # a cell whose least sure character is below this is uncertain (digits read right sit > 0.97)
_NUMBER = re.compile(r"^[+\-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
_INTEGER = re.compile(r"^[+\-]?(\d{1,3}(,\d{3})+|\d+)$")
_PLACEHOLDER = re.compile(r"^[-－—–/／\\、.·~×xX*无空]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_PAGES = MAX_SCAN_PAGES  # defined once in dashboard/limits.py


def _ocr_page(number: int, bgr, dpi: float, source: str,  # type: ignore[no-untyped-def]
              fast: bool | None = None) -> tuple[list[tuple[float, Block]], dict]:
    """Blocks of one page image with their top coordinate (points) and what was done to the page."""
    import cv2
    import numpy as np

    from dashboard.readers.ocr_engine import engine
    from dashboard.readers.pdf_grid import cell_groups, drop_empty
    from dashboard.readers.pdf_text import join_wrapped
    from dashboard.readers.scan_grid import find_lines, find_tables
    from dashboard.readers.scan_image import ink_mask, paper_level, prepare
    from dashboard.readers.scan_text import bands, clean_ink, crop_line, split_wide_gaps

    eng = engine(source, fast)
    page = prepare(number, bgr, dpi)
    s = page.scale
    ink = ink_mask(page.grey)
    lines = find_lines(page, ink)
    tables = find_tables(page, lines)
    wipe = cv2.dilate(cv2.bitwise_or(lines.horizontal, lines.vertical), np.ones((5, 5), np.uint8))
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(wipe))
    text_ink = clean_ink(text_ink, s)
    paper = paper_level(page.grey)
    # ink only: lines, dust and shading gone (the page's grey where text_ink is set, else paper)
    clean = cv2.copyTo(page.grey, text_ink, np.full_like(page.grey, paper))

    placed: list[tuple[float, Block]] = []
    layout: list[dict] = []  # where each table and cell is on the page (points), kept for 校对 (page_views)
    views = _PAGE_VIEWS.get()
    jobs: list[tuple[int, tuple[int, int], int]] = []  # (table index, cell origin, line index)
    crops: list[np.ndarray] = []
    grids: list[tuple[Table, dict[tuple[int, int], tuple[int, int, int, int]]]] = []
    outside = text_ink.copy()
    cells: list[tuple[int, tuple[int, int], tuple[int, int, int, int], list]] = []
    for t in tables:
        x0, y0, x1, y1 = (int(round(v * s)) for v in t.bbox)
        outside[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 0
        spans = cell_groups(t)
        nr, nc = len(t.ys) - 1, len(t.xs) - 1
        rows = [["" for _ in range(nc)] for _ in range(nr)]
        copies = {(r, c) for (r, c), sp in spans.items() if (r, c) != sp[:2]}
        table = Table(rows=rows, copies=copies, page=number)
        for (r0, c0, r1, c1) in sorted(set(spans.values())):
            cx0, cy0 = int(t.xs[c0] * s) + 2, int(t.ys[r0] * s) + 2
            cx1, cy1 = int(t.xs[c1 + 1] * s) - 1, int(t.ys[r1 + 1] * s) - 1
            if cx1 > cx0 and cy1 > cy0:
                if eng.fast and not text_ink[cy0:cy1, cx0:cx1].any():
                    continue  # no ink left once lines and dust are gone: an empty cell, nothing to read
                found = bands(text_ink[cy0:cy1, cx0:cx1], s)
                cells.append((len(grids), (r0, c0), (cx0, cy0, cx1, cy1), found))
        grids.append((table, spans))
    # The height of one line of text, from the cells that hold one line: pieces of a character stacked in a
    # vertical label are joined up to it, two wrapped lines are not.
    singles = [f[0].height for *_, f in cells if len(f) == 1]
    line_h = float(np.percentile(singles, 80)) if singles else None
    for ti, origin, (cx0, cy0, cx1, cy1), found in cells:
        cell_ink = text_ink[cy0:cy1, cx0:cx1]
        if len(found) > 1 and line_h:
            found = bands(cell_ink, s, line_h)
        for k, band in enumerate(found):
            pieces = split_wide_gaps(cell_ink, band, factor=3.0)
            if len(pieces) > 1:
                # A speck of dust set apart from the cell's text is not a character ("." before a number).
                weight = [int(np.count_nonzero(cell_ink[p.y0:p.y1, p.x0:p.x1])) for p in pieces]
                pieces = [p for p, w in zip(pieces, weight, strict=True) if w >= 0.12 * max(weight)]
            for piece in pieces:
                jobs.append((ti, origin, k))
                crops.append(crop_line(clean[cy0:cy1, cx0:cx1], piece, paper))
    text_bands = [p for b in bands(outside, s) for p in split_wide_gaps(outside, b)]
    text_crops = [crop_line(clean, b, paper, pad_ratio=0.1) for b in text_bands]
    readings = _recognise_page(eng, crops, text_crops)
    _reread_specked(eng, crops, readings, paper)
    cell_parts: dict[tuple[int, tuple[int, int]], dict[int, list]] = {}
    for (ti, origin, k), rd in zip(jobs, readings[: len(crops)], strict=True):
        cell_parts.setdefault((ti, origin), {}).setdefault(k, []).append(rd)
    for (ti, origin), parts in cell_parts.items():
        table, spans = grids[ti]
        texts = [" ".join(rd.text.strip() for rd in parts[k] if rd.text.strip()) for k in sorted(parts)]
        text = join_wrapped(texts)
        table.confidence[origin] = min(rd.lowest for k in parts for rd in parts[k])
        r0, c0, r1, c1 = spans[origin]
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                table.rows[r][c] = text
    for ti, (table, _) in enumerate(grids):
        _mark_doubts(table)
        if views is not None:
            layout.append(_table_layout(tables[ti], grids[ti][1], table))
        cleaned = drop_empty(table)
        if sum(1 for row in cleaned.rows for cell in row if cell) >= 2:
            placed.append((tables[ti].bbox[1], cleaned))
    # Text outside tables: one paragraph per band; bands on one baseline are pieces of one line.
    line_text_h = float(np.median([b.height for b in text_bands])) if text_bands else 0.0
    by_line: list[tuple[int, int, list[tuple[int, str]]]] = []
    for band, rd in zip(text_bands, readings[len(crops):], strict=True):
        text = rd.text.strip()
        if not text or rd.confidence < 0.5 or (len(text) <= 2 and band.height < 0.5 * line_text_h):
            continue  # a smudge, a speck or a seal remnant read as a stray symbol
        for entry in by_line:
            if abs((entry[0] + entry[1]) / 2 - (band.y0 + band.y1) / 2) < 0.5 * band.height:
                entry[2].append((band.x0, text))
                break
        else:
            by_line.append((band.y0, band.y1, [(band.x0, text)]))
    for y0, _, pieces in by_line:
        text = " ".join(t for _, t in sorted(pieces))
        placed.append((y0 / s, Paragraph(text=text, page=number)))
    info = {"skew": round(page.skew, 2), "dpi": round(page.dpi), "tables": len(tables),
            "width": page.grey.shape[1] / s, "height": page.grey.shape[0] / s}
    if views is not None:
        views.append({"page": number, "width": info["width"], "height": info["height"],
                      "png": _page_png(page.grey), "tables": layout})
    return placed, info


# Page views for 校对: while a list is set here (ingest's prepare_file, via page_views()), every page read by OCR
# appends {page, width, height (points), png (the page as OCR saw it: straightened, grey, downscaled), tables}.
_PAGE_VIEWS: ContextVar[list[dict] | None] = ContextVar("nianbao_scan_page_views", default=None)
VIEW_WIDTH_PX = 1100  # the stored page image's width: legible on screen, ~100–200 KB a page as PNG


@contextmanager
def page_views() -> Iterator[list[dict]]:
    """Collect the page images and table layouts of the scans read inside the block (see _PAGE_VIEWS)."""
    views: list[dict] = []
    token = _PAGE_VIEWS.set(views)
    try:
        yield views
    finally:
        _PAGE_VIEWS.reset(token)


def _page_png(grey) -> bytes:  # type: ignore[no-untyped-def]
    import cv2

    h, w = grey.shape[:2]
    if w > VIEW_WIDTH_PX:
        grey = cv2.resize(grey, (VIEW_WIDTH_PX, max(1, round(h * VIEW_WIDTH_PX / w))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return bytes(buf) if ok else b""


def _table_layout(found, spans: dict, table: Table) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """One table's place on its page: its box, each cell's box (points, origin of a merged cell), the text read in
    every grid position, and the cells the recogniser doubted."""
    cells = []
    for (r0, c0, r1, c1) in sorted(set(spans.values())):
        cells.append([r0, c0, r1, c1, round(found.xs[c0], 1), round(found.ys[r0], 1), round(found.xs[c1 + 1], 1),
                      round(found.ys[r1 + 1], 1)])
    return {"bbox": [round(float(v), 1) for v in found.bbox], "cells": cells, "rows": [list(r) for r in table.rows],
            "doubts": [[r, c] for (r, c) in sorted(table.doubts)]}


_SPECKED = re.compile(r"^([.*·'`,:;°~_]{1,2})?(\d+)([.*·'`,:;°~_]{1,2})?$")


def _reread_specked(eng, crops: list, readings: list, paper: int) -> None:  # type: ignore[type-arg, no-untyped-def]
    """A number read with a stray mark at its edge ("1*", ".2") is read again without the specks beside it.

    The new reading is taken only when it is exactly the digits of the first and sure (≥ 0.95); else the first
    reading stays and the cell is doubted as before. A decimal point between digits is never touched.
    """
    import cv2
    import numpy as np

    todo = []
    for i in range(len(crops)):
        m = _SPECKED.match(readings[i].text.strip())
        if m and (m.group(1) or m.group(3)):
            todo.append((i, m.group(2)))
    if not todo:
        return
    cleaned = []
    for i, _ in todo:
        crop = crops[i].copy()
        ink = (crop < paper - 12).astype(np.uint8)  # faint too: a light speck still reads as a mark
        count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        tall = max((int(stats[j, cv2.CC_STAT_HEIGHT]) for j in range(1, count)), default=0)
        for j in range(1, count):
            if max(stats[j, cv2.CC_STAT_HEIGHT], stats[j, cv2.CC_STAT_WIDTH]) < 0.35 * tall:
                crop[labels == j] = paper  # a speck, far smaller than the digits beside it
        cleaned.append(crop)
    for (i, digits), rd in zip(todo, eng.recognise(cleaned), strict=True):
        if rd.text.strip() == digits and rd.lowest >= 0.95:
            readings[i] = rd


GLYPH = (20, 28)  # size a one-glyph cell is compared at
# Two one-glyph cells print the same character when under this share of their ink lies more than a pixel away from
# the other's ink. Measured on the office scan: 84 zeros within 0.007 of each other, every other digit ≥ 0.19.
SAME_GLYPH = 0.03


def _glyph(crop):  # type: ignore[no-untyped-def]
    """A one-character crop as a small binary image with its ink box's height and aspect, else None."""
    import cv2
    import numpy as np

    h, w = crop.shape[:2]
    if w > 1.3 * h:
        return None
    lo, hi = int(crop.min()), int(crop.max())
    if hi - lo < 40:
        return None
    ink = crop < (lo + hi) / 2
    ys, xs = np.nonzero(ink)
    box = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.uint8) * 255
    bh, bw = box.shape
    small = (cv2.resize(box, GLYPH, interpolation=cv2.INTER_AREA) >= 128).astype(np.uint8)
    return small, cv2.dilate(small, np.ones((3, 3), np.uint8)), bh, bw / bh


def _recognise_page(eng, crops: list, text_crops: list) -> list:  # type: ignore[type-arg, no-untyped-def]
    """Readings of a page's cell crops, then of its text lines: one call to the recogniser for the whole page.

    One call lets the engine batch crops of like width across cells and text alike. (The engine's slow mode, the
    reference the tests compare the fast path with, reads the cells and the text lines in two calls as before.)
    """
    if not eng.fast:
        return _recognise_cells(eng, crops) + eng.recognise(text_crops)
    return _recognise_cells(eng, crops, text_crops)


def _recognise_cells(eng, crops: list, extra: list | None = None) -> list:  # type: ignore[type-arg, no-untyped-def]
    """Read cell crops (then ``extra`` crops, as they are); one-glyph cells that print the very same character (the
    page's many 0s) are read once.

    Two cells count as the same character only when their ink boxes have the same size and shape and almost all
    ink of each lies within a pixel of the other's, so a 0 never stands for a 6 or an 8; every other crop is read
    on its own.
    """
    import numpy as np

    reps: list[tuple[int, np.ndarray, np.ndarray, int, float]] = []  # (crop, glyph, its dilation, height, aspect)
    source = list(range(len(crops)))
    for i, crop in enumerate(crops):
        g = _glyph(crop)
        if g is None:
            continue
        small, grown, bh, aspect = g
        for j, rg, rgrown, rh, ra in reps:
            if abs(bh - rh) > 0.12 * rh or abs(aspect - ra) > 0.15 * ra:
                continue
            apart = int(np.sum(small > rgrown)) + int(np.sum(rg > grown))
            if apart < SAME_GLYPH * max(1, int(small.sum()) + int(rg.sum())):
                source[i] = j
                break
        else:
            reps.append((i, small, grown, bh, aspect))
    unique = sorted(set(source))
    extra = extra or []
    readings = eng.recognise([crops[i] for i in unique] + extra)
    read = dict(zip(unique, readings[: len(unique)], strict=True))
    return [read[source[i]] for i in range(len(crops))] + readings[len(unique):]


def _mark_doubts(table: Table) -> None:
    """Name the cells that may be misread: low confidence, or not a number in a column of numbers."""
    nr = len(table.rows)
    nc = max((len(r) for r in table.rows), default=0)
    # Counts are whole numbers; only an amount (元) or a rate (%) has decimals. A speck before a digit reads as
    # "0.3" with high confidence, so a decimal where the table states no amount is a misreading until checked.
    decimals_ok = any(("元" in cell or "%" in cell or "率" in cell) for row in table.rows for cell in row)
    for c in range(nc):
        texts = [(r, table.rows[r][c].replace(" ", "")) for r in range(nr)
                 if c < len(table.rows[r]) and not table.is_copy(r, c) and table.rows[r][c].strip()]
        numbers = [t for _, t in texts if _NUMBER.match(t)]
        numeric = len(numbers) >= 2 and len(numbers) >= 0.5 * len(texts)
        integers = numeric and sum(1 for t in numbers if _INTEGER.match(t)) >= 0.8 * len(numbers)
        for r, t in texts:
            conf = table.confidence.get((r, c), 1.0)
            digits = any(ch.isdigit() for ch in t)
            if _NUMBER.match(t):
                if conf < LOW_CONFIDENCE:
                    table.doubts[(r, c)] = f"识别置信度低（{conf:.2f}）"
                elif (integers or not decimals_ok) and not _INTEGER.match(t):
                    table.doubts[(r, c)] = "计数中出现小数（可能识别有误）"
            elif (numeric or digits) and not _PLACEHOLDER.match(t) and len(_CJK.findall(t)) < 2:
                # ".3", "*56", "0 4": digits with something that is not a number — never a label, never trusted.
                table.doubts[(r, c)] = f"识别出的“{t}”不是有效数字"
            elif _PLACEHOLDER.match(t) and conf < LOW_CONFIDENCE:
                table.doubts[(r, c)] = f"识别置信度低（{conf:.2f}）"
    _doubt_bad_row_totals(table)


def _doubt_bad_row_totals(table: Table) -> None:
    """In a table whose last column is the row total (it adds up in most rows), doubt every row where it does not.

    A misread digit read with high confidence still breaks its row's sum; the source itself may be wrong too, which
    OCR cannot tell apart — either way the row is for a person to check, not a silent figure.
    """
    sums: list[tuple[int, list[int], bool]] = []
    for r, row in enumerate(table.rows):
        cols = [c for c, cell in enumerate(row) if not table.is_copy(r, c) and _INTEGER.match(cell.replace(" ", ""))]
        if len(cols) < 3 or cols[-1] != len(row) - 1:
            continue
        nums = [int(row[c].replace(" ", "").replace(",", "")) for c in cols]
        sums.append((r, cols, sum(nums[:-1]) == nums[-1]))
    if len(sums) < 3 or sum(ok for *_, ok in sums) < 0.6 * len(sums):
        return
    for r, cols, ok in sums:
        if not ok:
            for c in cols:
                table.doubts.setdefault((r, c), "本行合计与各项之和不符（可能识别有误，请核对）")


def page_count(path: Path) -> int:
    """Pages of an image file (frames of a TIFF) or an image-only PDF, counted without rendering any."""
    if path.suffix.lower().lstrip(".") in IMAGE_SUFFIXES:
        from PIL import Image

        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1))
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def page_images(path: Path, wanted: list[int] | None = None) -> Iterator[tuple[int, np.ndarray, float]]:
    """(page number, bgr, dpi) of each wanted page, rendered one at a time so only one page image is held."""
    from dashboard.readers.scan_image import image_frames, render_pdf_page

    if path.suffix.lower().lstrip(".") in IMAGE_SUFFIXES:
        for i, (bgr, dpi) in enumerate(image_frames(path)):
            if wanted is None or i + 1 in wanted:
                yield i + 1, bgr, dpi
        return
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            if wanted is None or i + 1 in wanted:
                yield (i + 1, *render_pdf_page(pdf, i))
    finally:
        pdf.close()


def read_scan(path: Path, pages: list[int] | None = None, fast: bool | None = None) -> Document:
    """Read a scanned report (image-only PDF, or a .png/.jpg/.tif page image) by OCR; ReportError when it is not one.

    ``fast=False`` reads by the baseline path (see ocr_engine.FAST); None takes the process's default.
    """
    from dashboard.readers.ocr_engine import THREADS, engine_version, require_ocr
    from dashboard.readers.pdf_page import PageContent

    path = Path(path)
    name = path.name
    require_ocr(name)
    import cv2

    # OpenCV's page work (deskew, rules, dust) on as many threads as the recogniser: ingest runs a reader per core,
    # where OpenCV's default (a thread per core) only adds hand-offs: 13 % more CPU for a page's image work.
    cv2.setNumThreads(THREADS)
    try:
        n_pages = page_count(path)
    except (OSError, ValueError) as exc:
        raise ReportError(name, f"图片无法打开（{exc}）", f"the image cannot be opened ({exc})", code="corrupt") from None
    # Counted before a page is rendered: a page image at 300 dpi is ~26 MB and OCR takes seconds a page.
    refuse_scan_pages(name, n_pages)
    laid_out = []
    infos = []
    try:
        for number, bgr, dpi in page_images(path, pages):
            placed, info = _ocr_page(number, bgr, dpi, name, fast)
            del bgr  # the page image is the bulk of the memory; the blocks are all that is kept
            infos.append(info)
            content = PageContent(number=number, width=info["width"], height=info["height"])
            laid_out.append((content, sorted(placed, key=lambda tb: tb[0])))
    except (OSError, ValueError) as exc:
        raise ReportError(name, f"图片无法打开（{exc}）", f"the image cannot be opened ({exc})", code="corrupt") from None
    blocks = join_pages(laid_out)
    if not any(isinstance(b, Table) for b in blocks) and sum(len(b.text) for b in blocks if isinstance(b, Paragraph)) < 20:
        raise ReportError(name, "图片中没有可识别的文字或表格，不是一份年度报告",
                          "no readable text or table in the image; it is not an annual report", code="not_a_report")
    doc = Document(source=name, format="scan", blocks=blocks)
    doc.meta["pages"] = str(n_pages if pages is None else len(laid_out))
    doc.meta["ocr_engine"] = engine_version()
    doc.meta["ocr_skew"] = ",".join(f"{i['skew']:g}" for i in infos)
    doc.meta["ocr_dpi"] = ",".join(str(i["dpi"]) for i in infos)
    return doc
