"""What one PDF page holds for table reconstruction: its characters with boxes and its ruling segments (pypdfium2)."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A filled rectangle thinner than this is a drawn line (Word and Chromium draw cell borders as thin filled rects).
THIN = 3.0
# Axis-aligned tolerance for a stroked segment.
SKEW = 1.0


class Box:
    """The centre of anything with x0, x1, top and bottom (a character, a piece of a line, a stack of them)."""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Char(Box):
    """One printed character; coordinates in points from the page's top-left corner, y growing downwards."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


@dataclass(frozen=True)
class Segment:
    """A ruling line: horizontal when ``horizontal`` (at y=pos from a to b), else vertical (at x=pos from a to b)."""

    horizontal: bool
    pos: float
    a: float
    b: float


@dataclass
class PageContent:
    """Characters and ruling segments of one page."""

    number: int
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


class _Space:
    """Maps PDF user space to display space: rotation applied, origin top-left, y down."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        left, bottom, right, top = page.get_bbox()
        self.left, self.bottom, self.right, self.top = left, bottom, right, top
        self.rotation = page.get_rotation() % 360
        w, h = right - left, top - bottom
        self.width, self.height = (h, w) if self.rotation in (90, 270) else (w, h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.left, self.top - y  # unrotated, top-left origin
        w, h = self.right - self.left, self.top - self.bottom
        if self.rotation == 90:
            return (h - v, u)
        if self.rotation == 180:
            return (w - u, h - v)
        if self.rotation == 270:
            return (v, w - u)
        return (u, v)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))


def _char_box(raw: ctypes.c_void_p, i: int, rect: pdfium_c.FS_RECTF) -> tuple[float, float, float, float] | None:
    """The character's box (x0, y0, x1, y1) in user space: the font's line box, unless that one is absurd."""
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    tight = pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top)
    loose = pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect)
    if not tight and not loose:
        return None
    if not tight:
        return (rect.left, rect.bottom, rect.right, rect.top)
    tw, th = right.value - left.value, top.value - bottom.value
    if loose:
        lw, lh = rect.right - rect.left, rect.top - rect.bottom
        big = max(tw, th)
        # Vertical-writing fonts (WPS vertical labels) report a line box hundreds of points wide: use the glyph.
        if big < 2 or (lw <= 5 * big and lh <= 5 * big):
            return (rect.left, rect.bottom, rect.right, rect.top)
    side = max(tw, th) / 2
    cx, cy = (left.value + right.value) / 2, (bottom.value + top.value) / 2
    return (cx - max(tw / 2, side * 0.6), cy - side, cx + max(tw / 2, side * 0.6), cy + side)


def _chars(textpage: pdfium.PdfTextPage, space: _Space) -> list[Char]:
    raw = textpage.raw
    n = pdfium_c.FPDFText_CountChars(raw)
    rect = pdfium_c.FS_RECTF()
    out: list[Char] = []
    seen: set[tuple[str, int, int]] = set()
    for i in range(max(n, 0)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0, 0xFFFE, 0xFFFF) or 0xDC00 <= code <= 0xDFFF:
            continue
        if 0xD800 <= code <= 0xDBFF and i + 1 < n:  # a character outside the BMP, as a surrogate pair
            low = pdfium_c.FPDFText_GetUnicode(raw, i + 1)
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        ch = chr(code)
        if ch.isspace() or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        box = _char_box(raw, i, rect)
        if box is None:
            continue
        x0, top, x1, bottom = space.box(*box)
        if x1 - x0 <= 0 or bottom - top <= 0:
            continue
        # Fake bold (WPS, some Word exports) prints each glyph twice, a fraction of a point apart: keep one.
        key = (ch, round(x0 * 2), round(top * 2))
        if key in seen:
            continue
        seen.add(key)
        # The loose box is the font's line height; FPDFText_GetFontSize ignores the text matrix, so it lies.
        out.append(Char(ch, x0, top, x1, bottom, bottom - top))
    return out


def _color_is_light(obj: ctypes.c_void_p, getter: object) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):  # type: ignore[operator]
        return False
    return a.value < 40 or min(r.value, g.value, b.value) >= 235


def _subpaths(obj: ctypes.c_void_p, m: Matrix) -> list[list[tuple[float, float]]]:
    """The path's subpaths as lists of points in user space; curves are left out (they are never rulings)."""
    paths: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        pt = _apply(m, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if len(cur) > 1:
                paths.append(cur)
            cur = [pt]
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            cur.append(pt)
        else:  # a Bézier piece breaks the subpath
            if len(cur) > 1:
                paths.append(cur)
            cur = [pt]
        if pdfium_c.FPDFPathSegment_GetClose(seg) and cur and cur[0] != cur[-1]:
            cur.append(cur[0])
    if len(cur) > 1:
        paths.append(cur)
    return paths


def _segments_of_path(obj: ctypes.c_void_p, m: Matrix, space: _Space) -> list[Segment]:
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fillmode, stroke):
        return []
    stroked = bool(stroke.value) and not _color_is_light(obj, pdfium_c.FPDFPageObj_GetStrokeColor)
    filled = fillmode.value != 0 and not _color_is_light(obj, pdfium_c.FPDFPageObj_GetFillColor)
    if not (stroked or filled):
        return []
    out: list[Segment] = []
    for pts in _subpaths(obj, m):
        disp = [space.point(px, py) for px, py in pts]
        if stroked:
            for (ax, ay), (bx, by) in zip(disp, disp[1:], strict=False):
                if abs(ay - by) <= SKEW and abs(ax - bx) > SKEW:
                    out.append(Segment(True, (ay + by) / 2, min(ax, bx), max(ax, bx)))
                elif abs(ax - bx) <= SKEW and abs(ay - by) > SKEW:
                    out.append(Segment(False, (ax + bx) / 2, min(ay, by), max(ay, by)))
        if filled and not stroked:
            xs, ys = [p[0] for p in disp], [p[1] for p in disp]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            if h <= THIN < w:
                out.append(Segment(True, (min(ys) + max(ys)) / 2, min(xs), max(xs)))
            elif w <= THIN < h:
                out.append(Segment(False, (min(xs) + max(xs)) / 2, min(ys), max(ys)))
            elif w > THIN and h > THIN and len(disp) == 5:
                # A filled box is shading, not a border; only its edges against an unfilled page matter
                # when it is dark (some exporters draw a black box and a white box inside it).
                pass
    return out


def _walk_objects(parent: ctypes.c_void_p, is_form: bool, m: Matrix, space: _Space, out: list[Segment],
                  depth: int = 0) -> None:
    count = pdfium_c.FPDFFormObj_CountObjects(parent) if is_form else pdfium_c.FPDFPage_CountObjects(parent)
    fs = pdfium_c.FS_MATRIX()
    for i in range(max(count, 0)):
        obj = pdfium_c.FPDFFormObj_GetObject(parent, i) if is_form else pdfium_c.FPDFPage_GetObject(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        own = _IDENTITY
        if pdfium_c.FPDFPageObj_GetMatrix(obj, fs):
            own = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            out.extend(_segments_of_path(obj, _compose(own, m), space))
        elif depth < 8:
            _walk_objects(obj, True, _compose(own, m), space, out, depth + 1)


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageContent:
    """Characters and rulings of page ``index`` (0-based), in display coordinates."""
    page = pdf[index]
    try:
        space = _Space(page)
        content = PageContent(number=index + 1, width=space.width, height=space.height)
        textpage = page.get_textpage()
        try:
            content.chars = _chars(textpage, space)
        finally:
            textpage.close()
        _walk_objects(page.raw, False, _IDENTITY, space, content.segments)
    finally:
        page.close()
    return content
