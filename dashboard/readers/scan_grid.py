"""Ruled tables on a page image: ruling lines by morphology, then the same grid builder as text PDFs use."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from dashboard.readers.pdf_grid import RuledTable, find_ruled_tables
from dashboard.readers.pdf_page import Segment
from dashboard.readers.scan_image import PageImage, components, ink_mask

LINE_PT = 14.0  # a ruling run is at least this long (points); longer than a character's stroke
H_LINE_PT = 30.0  # horizontal runs must beat 一/二/三, a dash and a bold heading stroke
BRIDGE_PT = 0.8  # gaps this short in a faint or broken line are closed first (wider ones join characters)


@dataclass
class PageLines:
    """The page's ruling lines as masks (for wiping them out of cells) and as segments in points."""

    horizontal: np.ndarray
    vertical: np.ndarray
    segments: list[Segment]


def _sparse_components(mask: np.ndarray, horizontal: bool) -> tuple[int, np.ndarray, np.ndarray]:
    """components() of a mask of rules, labelled on its inked rows (columns for vertical rules) only.

    Rules ink a few percent of the rows; an empty row is kept after each run of inked rows so that no blob joins
    across the rows left out, and the boxes are mapped back to the page: the same blobs, labels (in the same order)
    and boxes as labelling the whole page, for a tenth of the time.
    """
    axis = 0 if horizontal else 1
    inked = mask.any(axis=1 - axis)
    keep = inked.copy()
    keep[1:] |= inked[:-1]  # the empty row (column) after each run
    lines = np.nonzero(keep)[0]
    h, w = mask.shape
    if lines.size == 0:
        return 1, np.zeros(mask.shape, np.uint16), np.array([[0, 0, w, h, w * h]], np.int32)
    count, small, stats = components(np.ascontiguousarray(mask[lines] if horizontal else mask[:, lines]))
    labels = np.zeros(mask.shape, small.dtype)
    start, size = (cv2.CC_STAT_TOP, cv2.CC_STAT_HEIGHT) if horizontal else (cv2.CC_STAT_LEFT, cv2.CC_STAT_WIDTH)
    if horizontal:
        labels[lines] = small
    else:
        labels[:, lines] = small
    first = lines[stats[1:, start]]
    last = lines[stats[1:, start] + stats[1:, size] - 1]
    stats[1:, start], stats[1:, size] = first, last - first + 1
    stats[0] = [0, 0, w, h, w * h - int(stats[1:, cv2.CC_STAT_AREA].sum())]  # the background: the whole page
    return count, labels, stats


def _runs(mask: np.ndarray, horizontal: bool, scale: float) -> tuple[list[Segment], np.ndarray]:
    count, labels, stats = _sparse_components(mask, horizontal)
    out: list[Segment] = []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if horizontal:
            out.append(Segment(True, (y + h / 2) / scale, x / scale, (x + w) / scale))
        else:
            out.append(Segment(False, (x + w / 2) / scale, y / scale, (y + h) / scale))
    return out, labels


def _only(labels: np.ndarray, segs: list[Segment], kept: list[Segment], scale: float) -> np.ndarray:
    """The mask of the kept segments' pixels (label i + 1 is segment i), drawn box by box (rules are thin)."""
    ids = {id(g) for g in kept}
    out = np.zeros(labels.shape, np.uint8)
    h, w = labels.shape
    m = max(8, int(3 * scale))  # half the box across the rule: a blurred rule is a few pixels thick
    for i, g in enumerate(segs):
        if id(g) not in ids:
            continue
        if g.horizontal:
            x0, x1 = int(g.a * scale), int(np.ceil(g.b * scale))
            y0, y1 = int(g.pos * scale) - m, int(g.pos * scale) + m + 1
        else:
            y0, y1 = int(g.a * scale), int(np.ceil(g.b * scale))
            x0, x1 = int(g.pos * scale) - m, int(g.pos * scale) + m + 1
        y0, x0, y1, x1 = max(0, y0), max(0, x0), min(h, y1 + 1), min(w, x1 + 1)
        out[y0:y1, x0:x1][labels[y0:y1, x0:x1] == i + 1] = 255
    return out


def find_lines(page: PageImage, ink: np.ndarray | None = None) -> PageLines:
    """Horizontal and vertical ruling lines: long thin runs of ink that survive an opening along their direction."""
    ink = ink_mask(page.grey) if ink is None else ink
    s = page.scale
    bridge = max(3, int(BRIDGE_PT * s))
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(H_LINE_PT * s)), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(8, int(LINE_PT * s))))
    horiz = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, bridge), np.uint8)),
                             cv2.MORPH_OPEN, hk)
    vert = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((bridge, 1), np.uint8)),
                            cv2.MORPH_OPEN, vk)
    all_h, hlab = _runs(horiz, True, s)
    all_v, vlab = _runs(vert, False, s)
    hs, vs = all_h, all_v
    # A character's stroke touches a rule at one end at most; a cell border runs from rule to rule, or past
    # several rules (the last row of a table cut by a page break has no bottom rule).
    vs = [v for v in vs if _touches(v, hs) >= 2]
    hs = [h for h in hs if h.b - h.a >= LONG_PT or any(_meets(h, v) for v in vs)]
    vs = [v for v in vs if _touches(v, hs) >= 2]
    # Only kept rules are wiped from the cells: a long stroke of a bold heading stays part of its character.
    return PageLines(horizontal=_only(hlab, all_h, hs, s), vertical=_only(vlab, all_v, vs, s), segments=hs + vs)


TOL_PT = 3.0
LONG_PT = 100.0  # a horizontal rule this long is a rule even where no vertical meets it (a three-line table)


def _meets(h: Segment, v: Segment) -> bool:
    return h.a - TOL_PT <= v.pos <= h.b + TOL_PT and v.a - TOL_PT <= h.pos <= v.b + TOL_PT


def _touches(v: Segment, hs: list[Segment]) -> int:
    """How many horizontal rules the vertical segment meets (crossing or ending on them)."""
    return sum(1 for h in hs if _meets(h, v))


def find_tables(page: PageImage, lines: PageLines) -> list[RuledTable]:
    """Ruled tables of the page (grid lines in points), largest first left out when they are only a frame."""
    tables = []
    for t in find_ruled_tables(lines.segments):
        if len(t.xs) < 2 or len(t.ys) < 2:
            continue
        if (t.xs[-1] - t.xs[0]) < 60 or (t.ys[-1] - t.ys[0]) < 20:
            continue  # a stray box (a dash, a seal's frame)
        tables.append(t)
    return tables
