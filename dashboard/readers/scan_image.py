"""Page images for OCR: loaded from an image-only PDF or image files, red seal ink removed, deskewed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

MIN_DPI = 150  # below this digits are a few pixels tall and OCR guesses
MAX_DPI = 300  # above this nothing is gained and time and memory grow with the square
IMAGE_DPI = 200  # assumed for a photo or a scan that does not state its resolution
# A scanned PDF page is rendered at this resolution: a 10.5-pt character is then about as tall as the recogniser's
# 48-px input with its margins, and a finer render is shrunk back to that height before it is read. Not at the
# image's own resolution: at the corpus scans' native 150 dpi a page is ~0.2 s faster but labels read worse (组织 →
# 纸织, 掌握 → 章握, confidences down to 0.4; 48 cells differ from the 200-dpi reading of the two scans).
# (Until pypdfium2 5 renamed get_pos() to get_bounds() the native resolution was never found and 200 dpi was used.)
PDF_DPI = 200.0
MAX_SKEW = 8.0  # degrees; a page turned further than this is not straightened (it is reported instead)


@dataclass
class PageImage:
    """One page: the cleaned grey image (red ink removed, straightened), its resolution and what was done to it."""

    number: int
    grey: np.ndarray  # uint8, paper white, ink dark
    dpi: float
    skew: float = 0.0  # degrees the page was turned back by

    @property
    def scale(self) -> float:
        """Pixels per PDF point."""
        return self.dpi / 72.0


def remove_red(bgr: np.ndarray) -> np.ndarray:
    """Grey image without red ink: a seal stamped over text leaves the black text and loses the red.

    The red channel of red ink is as bright as paper while black ink is dark in every channel, so the brighter of
    the red channel and the luminance drops red and keeps black; strongly red pixels are set to paper outright.
    """
    b, g, r = cv2.split(bgr)
    grey = cv2.max(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY), r)
    reddish = (cv2.subtract(r, cv2.max(g, b)) > 40) & (r > 110)  # uint8 subtract saturates at 0
    grey[reddish] = paper_level(grey)
    return grey


def paper_level(grey: np.ndarray) -> int:
    """The paper's grey level (90th percentile), from every fourth pixel of every fourth row."""
    return int(np.percentile(grey[::4, ::4], 90))


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """(count, labels, stats) of the 8-connected blobs of a binary mask, as cv2.connectedComponentsWithStats.

    Labelled in 16 bits, half the time of 32 on a page (measured 15 vs 27 ms at 200 dpi); a mask with more blobs
    than 16 bits can count (OpenCV raises) is labelled again in 32.
    """
    try:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_32S)
    return count, labels, stats


def noise_level(grey: np.ndarray) -> float:
    """The sensor/JPEG noise of the page (grey levels, robust sigma of the pixel-to-median difference)."""
    sample = grey[::2, ::2]
    diff = cv2.absdiff(sample, cv2.medianBlur(sample, 3))
    return float(1.4826 * median_u8(diff))


def median_u8(values: np.ndarray) -> float:
    """np.median of a uint8 array, from its histogram: the same number, without sorting a million pixels."""
    n = values.size
    if n == 0:
        return float("nan")
    if n < 2**24:  # calcHist counts in float32, exact below 2^24
        hist = cv2.calcHist([np.ascontiguousarray(values)], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    else:
        hist = np.bincount(values.ravel(), minlength=256)
    cum = np.cumsum(hist)
    lo, hi = np.searchsorted(cum, [(n - 1) // 2, n // 2], side="right")  # the middle value(s) in sorted order
    return (float(lo) + float(hi)) / 2


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Binary mask of ink (255) against paper (0), robust to grey or tinted paper, uneven light and noise.

    The threshold stands above the page's own noise: on a noisy scan a fixed margin turns every grain into ink and
    a whole page of text into one band of dots.
    """
    block = max(15, (min(grey.shape) // 40) | 1)
    margin = max(12.0, 3.5 * noise_level(grey))
    return cv2.adaptiveThreshold(cv2.medianBlur(grey, 3) if margin > 12 else grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                 cv2.THRESH_BINARY_INV, block, margin)


def _profile_score(mask: np.ndarray, angle: float) -> float:
    h, w = mask.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = cv2.reduce(rot, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)  # exact, 15× np.sum
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(grey: np.ndarray) -> float:
    """The page's skew in degrees, from its ruling lines and text lines (row profiles sharpest when level)."""
    # Measured on a third of the size: the angle is the same and the search costs a ninth.
    small = ink_mask(cv2.resize(grey, (max(1, grey.shape[1] // 3), max(1, grey.shape[0] // 3)),
                                interpolation=cv2.INTER_AREA))
    best, best_score = 0.0, -1.0
    for angle in np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5):
        s = _profile_score(small, float(angle))
        if s > best_score:
            best, best_score = float(angle), s
    centre = best
    for angle in np.arange(centre - 0.3, centre + 0.31, 0.05):
        s = _profile_score(small, float(angle))
        if s > best_score:
            best, best_score = float(angle), s
    return best


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """The image turned by ``angle`` degrees (counter-clockwise), the uncovered corners filled with paper."""
    if abs(angle) < 0.05:
        return grey
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    paper = paper_level(grey)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)


def prepare(number: int, bgr: np.ndarray, dpi: float) -> PageImage:
    """Clean one page: red removed, resolution brought into 150–300 dpi, skew taken out."""
    if dpi < MIN_DPI or dpi > MAX_DPI:
        target = min(max(dpi, MIN_DPI), MAX_DPI)
        f = target / dpi
        bgr = cv2.resize(bgr, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA)
        dpi = target
    grey = remove_red(bgr)
    skew = estimate_skew(grey)
    return PageImage(number=number, grey=rotate(grey, skew), dpi=dpi, skew=skew)


def image_frames(path: Path) -> Iterator[tuple[np.ndarray, float]]:
    """The pages of a .png/.jpg/.tif file (a TIFF may hold several) one at a time, as BGR arrays with their dpi."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frame = ImageOps.exif_transpose(im) or im  # a phone photo stores its rotation in EXIF
            dpi = frame.info.get("dpi", (0, 0))[0] or 0
            rgb = np.asarray(frame.convert("RGB"))
            if not dpi or dpi < 50:
                # No stated resolution: take an A4 page's width as the scale (a photo of a page fills the frame).
                dpi = max(rgb.shape[:2]) / 11.69 if max(rgb.shape[:2]) > 0 else IMAGE_DPI
            yield cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), float(dpi)


def render_pdf_page(pdf, index: int) -> tuple[np.ndarray, float]:  # type: ignore[no-untyped-def]
    """One page of an image-only PDF as BGR at PDF_DPI, whatever the resolution of the image inside it."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=PDF_DPI / 72.0, grayscale=False)
        arr = bitmap.to_numpy()
        bgr = np.ascontiguousarray(arr[:, :, :3]) if arr.ndim == 3 else cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR)
        return bgr, PDF_DPI
    finally:
        page.close()
