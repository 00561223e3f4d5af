"""The source of a stored report as the reader saw it, for proofreading: the PDF page as an image, the tables as
read, the text around them. Reads the stored file bytes; never fetches anything."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.errors import ReportError

# Words of each table's heading and labels: the table (and, in a PDF, its page) that holds most of them is the one.
TABLE_WORDS = {
    "disclosure": ["主动公开", "规章", "规范性文件", "行政许可", "行政处罚"],
    "applications": ["本年新收", "予以公开", "不予公开", "无法提供", "不予处理", "结转下年"],
    "appeals": ["行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结"],
}
CONTEXT_LINES = 6


@dataclass
class SourceView:
    """What 校对 shows on the left: per table, its grid as read, its page and the text just before it."""

    format: str
    pages: int = 0
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    table_pages: dict[str, int] = field(default_factory=dict)  # 0-based PDF page of each table
    context: dict[str, str] = field(default_factory=dict)
    error: str = ""


def _score(rows: list[list[str]], tbl: str) -> int:
    text = "".join("".join(r) for r in rows)
    return sum(text.count(w) for w in TABLE_WORDS[tbl])


def is_scan(data: bytes) -> bool:
    """True when the bytes are a page image or a PDF without a text layer on any page: a file only OCR can read,
    which the web server never reads (校对 shows the page images saved at ingest instead)."""
    from dashboard.readers import IMAGE_FORMATS, _sniff_format

    head = data[:4096]
    if _sniff_format(Path("source"), head) in IMAGE_FORMATS:
        return True
    if not head.startswith(b"%PDF"):
        return False
    import pypdfium2 as pdfium

    from dashboard.readers.pdf import MIN_TEXT_CHARS

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        for i in range(len(pdf)):
            if pdf[i].get_textpage().count_chars() >= MIN_TEXT_CHARS:
                return False
        return len(pdf) > 0
    finally:
        pdf.close()


def read_source(name: str, data: bytes) -> SourceView:
    """Read stored bytes with the project's readers and find the three tables, their pages and the text before them.
    A scan is not read (that is OCR: seconds a page and hundreds of MB): its view comes from scan_source_view."""
    from dashboard.readers import Paragraph, Table, read_document

    if is_scan(data):
        return SourceView(format="scan", pages=pdf_page_count(data) if data.startswith(b"%PDF") else 1)
    suffix = Path(name).suffix or ".txt"
    with tempfile.TemporaryDirectory(prefix="nianbao-src-") as tmp:
        path = Path(tmp) / f"source{suffix}"
        path.write_bytes(data)
        try:
            doc = read_document(path)
        except ReportError as exc:
            return SourceView(format=suffix.lstrip("."), error=exc.reason_zh)
    view = SourceView(format=doc.format)
    if doc.format == "pdf":
        view.pages = pdf_page_count(data)
    blocks = list(doc.blocks)
    tables = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Table)]
    for tbl in TABLE_WORDS:
        best = max(tables, key=lambda ib: _score(ib[1].rows, tbl), default=None)
        if best is None or _score(best[1].rows, tbl) == 0:
            continue
        i, table = best
        view.tables[tbl] = [list(r) for r in table.rows]
        if table.page is not None:
            view.table_pages[tbl] = int(table.page) - 1  # readers number pages from 1
        before = [b.text for b in blocks[max(0, i - CONTEXT_LINES):i] if isinstance(b, Paragraph)]
        view.context[tbl] = "\n".join(before)
    return view


def pdf_page_count(data: bytes) -> int:
    """Number of pages of a PDF."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def pdf_page_png(data: bytes, page: int, scale: float = 1.6) -> bytes:
    """One PDF page (0-based) rendered as PNG (pypdfium2)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = max(0, min(page, len(pdf) - 1))
        image = pdf[page].render(scale=scale).to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()
    finally:
        pdf.close()


# The heading printed above each table (its distinctive words); the crop starts there.
HEADINGS = {"disclosure": ["主动公开政府信息情况", "主动公开政府信息"], "applications": ["收到和处理政府信息公开申请"],
            "appeals": ["行政复议、行政诉讼", "行政复议和行政诉讼", "行政复议"]}


def pdf_table_png(data: bytes, page: int, tbl: str, scale: float = 2.0, share: float = 0.6) -> tuple[bytes, bool]:
    """(PNG, cropped): the page from the table's printed heading down `share` of the page height, or the whole page
    when the heading is not on it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = max(0, min(page, len(pdf) - 1))
        pg = pdf[page]
        height = pg.get_height()
        top = None
        textpage = pg.get_textpage()
        for word in HEADINGS.get(tbl, []):
            hit = textpage.search(word).get_next()
            if hit:
                _left, _bottom, _right, t = textpage.get_charbox(hit[0])
                top = height - t
                break
        image = pg.render(scale=scale).to_pil()
        cropped = top is not None
        if cropped:
            y0 = max(0, int((top - 12) * scale))
            y1 = min(image.height, int((top + share * height) * scale))
            image = image.crop((0, y0, image.width, y1))
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue(), cropped
    finally:
        pdf.close()


def scan_tables(view: dict) -> dict[str, dict]:
    """The table of each kind in a stored scan view (keep_scan_view's manifest): the one whose text holds most of
    the kind's words."""
    out: dict[str, dict] = {}
    tables = view.get("tables") or []
    for tbl in TABLE_WORDS:
        best = max(tables, key=lambda t: _score(t.get("rows") or [], tbl), default=None)
        if best is not None and _score(best.get("rows") or [], tbl) > 0:
            out[tbl] = best
    return out


def scan_page_png(png: bytes, page: dict, table: dict | None = None, margin: float = 12.0) -> bytes:
    """A stored scan page image, cropped to `table` (its box plus a margin, points) when given, with the cells the
    recogniser doubted outlined in red so that the reviewer looks at them first."""
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(png)).convert("RGB")
    k = image.width / float(page["width"])  # pixels per point of the stored image
    if table is not None:
        draw = ImageDraw.Draw(image)
        doubted = {(r, c) for r, c in table.get("doubts") or []}
        for r0, c0, r1, c1, x0, y0, x1, y1 in table.get("cells") or []:
            if any((r, c) in doubted for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)):
                draw.rectangle([x0 * k, y0 * k, x1 * k, y1 * k], outline=(220, 30, 30), width=3)
        bx0, by0, bx1, by1 = table["bbox"]
        image = image.crop((max(0, int((bx0 - margin) * k)), max(0, int((by0 - margin) * k)),
                            min(image.width, int((bx1 + margin) * k)), min(image.height, int((by1 + margin) * k))))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
