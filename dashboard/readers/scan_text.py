"""Text lines in a page image: ink bands found by projection, each band (or cell line) read by the recogniser."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from dashboard.readers.scan_image import components

SPECK_PT = 1.1  # ink blobs smaller than this square (points) are dust, unless they sit on a text line (a decimal point)
MANY_SPECKS = 2000  # more dust blobs than this are wiped in one pass over the page rather than box by box


@dataclass
class Band:
    """One line of ink: its box in pixels (x0, y0, x1, y1) within the image it was found in."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def clean_ink(ink: np.ndarray, scale: float) -> np.ndarray:
    """Ink without dust: small blobs are kept only where they sit beside real strokes (a decimal point, a comma)."""
    count, labels, stats = components(ink)
    if count <= 1:
        return ink
    min_area = (SPECK_PT * scale) ** 2
    areas = stats[1:, cv2.CC_STAT_AREA]
    big = np.zeros(count, dtype=bool)
    big[1:] = areas >= min_area
    # Thin strokes (the 1 of a small digit, a dash) are big enough by extent even where their area is small.
    ext = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    big[1:] |= ext >= 2.5 * SPECK_PT * scale
    if not big.any():
        return np.zeros_like(ink)
    keep = big.copy()
    bigs = np.nonzero(big)[0]
    bx0 = stats[bigs, cv2.CC_STAT_LEFT]
    by0 = stats[bigs, cv2.CC_STAT_TOP]
    bx1 = bx0 + stats[bigs, cv2.CC_STAT_WIDTH]
    by1 = by0 + stats[bigs, cv2.CC_STAT_HEIGHT]
    near = 2.0 * SPECK_PT * scale
    for i in np.nonzero(~big)[0]:
        if i == 0:
            continue
        x, y, w, h = stats[i, :4]
        cx, cy = x + w / 2, y + h / 2
        # A point or comma sits within a stroke's height band and close beside it.
        ok = (cy >= by0 - near) & (cy <= by1 + near) & (cx >= bx0 - near) & (cx <= bx1 + near)
        keep[i] = bool(ok.any())
    dropped = np.nonzero(~keep[1:])[0] + 1
    if len(dropped) > MANY_SPECKS:
        return np.where(keep[labels], ink, 0).astype(np.uint8)
    out = ink.copy()  # a few specks: each wiped inside its own box, not a pass over the whole page
    for i in dropped:
        x, y, w, h = stats[i, :4]
        box = out[y:y + h, x:x + w]
        box[labels[y:y + h, x:x + w] == i] = 0
    return out


def bands(ink: np.ndarray, scale: float, line: float | None = None) -> list[Band]:
    """Lines of ink top to bottom: row profile runs, pieces of one character (三, 二) joined, dust dropped.

    ``line`` is the height of a line of text on the page, when known (else the tallest run here stands for it).
    """
    rows = np.nonzero(ink.any(axis=1))[0]
    if rows.size == 0:
        return []
    runs: list[list[int]] = []
    start = prev = int(rows[0])
    for y in rows[1:]:
        y = int(y)
        if y > prev + 1:
            runs.append([start, prev + 1])
            start = y
        prev = y
    runs.append([start, prev + 1])
    tallest = max(line or 0, max(b - a for a, b in runs))
    # Join runs while the joined run is no taller than a line: the strokes of 三 or 二 are one character.
    merged: list[list[int]] = []
    for run in runs:
        if merged:
            last = merged[-1]
            small = min(last[1] - last[0], run[1] - run[0]) < 0.7 * tallest
            if small and run[0] - last[1] < 0.4 * tallest and run[1] - last[0] <= 1.2 * tallest:
                last[1] = run[1]
                continue
        merged.append(run)
    out: list[Band] = []
    for a, b in merged:
        if b - a < max(2, 0.25 * tallest) and b - a < 3 * scale:
            continue  # a stray speck line
        cols = np.nonzero(ink[a:b].any(axis=0))[0]
        out.append(Band(int(cols[0]), a, int(cols[-1]) + 1, b))
    return out


def split_wide_gaps(ink: np.ndarray, band: Band, factor: float = 2.0) -> list[Band]:
    """A line cut where the gap between pieces is wider than ``factor`` line heights (a date set to the right)."""
    cols = np.nonzero(ink[band.y0:band.y1, band.x0:band.x1].any(axis=0))[0]
    if cols.size == 0:
        return []
    gap = factor * max(band.height, 1)
    out: list[Band] = []
    start = prev = int(cols[0])
    for x in cols[1:]:
        x = int(x)
        if x - prev > gap:
            out.append(Band(band.x0 + start, band.y0, band.x0 + prev + 1, band.y1))
            start = x
        prev = x
    out.append(Band(band.x0 + start, band.y0, band.x0 + prev + 1, band.y1))
    return out


def crop_line(grey: np.ndarray, band: Band, paper: int = 255, pad_ratio: float = 0.15) -> np.ndarray:
    """The band's pixels with a margin of paper around them, as the recogniser expects a text line."""
    h, w = grey.shape
    pad = max(2, int(band.height * pad_ratio))
    y0, y1 = max(0, band.y0 - pad), min(h, band.y1 + pad)
    x0, x1 = max(0, band.x0 - pad), min(w, band.x1 + pad)
    return grey[y0:y1, x0:x1]
