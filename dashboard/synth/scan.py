"""Scan simulator: a text PDF printed, then 'scanned' — rendered and spoiled the way office scans and phone photos are.

Each report draws its own recipe (resolution 150–300 dpi, skew 0.3–5°, mild perspective, blur, noise, grey or
tinted paper, faint ruling lines, JPEG quality, a red seal stamped over the last lines), so the OCR reader is tested
on many kinds of scan rather than on one. The result is an image-only PDF (or a page image for photos) whose truth
is the truth of the PDF it came from.
"""

from __future__ import annotations

import io
import json
import math
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass
class Recipe:
    """How one simulated scan is spoiled."""

    dpi: int = 200
    skew: float = 0.5  # degrees, signed
    perspective: float = 0.0  # corner shift as a share of the page width
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # Gaussian noise sigma in grey levels
    paper: tuple[int, int, int] = (255, 255, 255)  # RGB of the paper
    faint: float = 0.0  # 0: ink as printed; 0.5: lines and text half as dark
    jpeg: int = 85  # JPEG quality of the stored image
    seal: bool = False  # a red seal over the last lines of the last page
    dust: int = 0  # specks per page


def draw_recipe(rng: random.Random, photo: bool = False) -> Recipe:
    """A random recipe; ``photo`` gives the strong-angle, perspective kind of a phone picture."""
    grey = rng.randint(205, 250)
    tint = rng.choice([(0, 0, 0), (0, 0, 0), (4, 2, -8), (-3, 0, 3)])
    paper = tuple(int(min(255, max(0, grey + d))) for d in tint)
    return Recipe(
        dpi=rng.choice([150, 200, 200, 240, 300]),
        skew=rng.choice([-1, 1]) * (rng.uniform(3.0, 5.0) if photo else rng.uniform(0.3, 2.0 if rng.random() < 0.8 else 5.0)),
        perspective=rng.uniform(0.01, 0.02) if photo else rng.choice([0.0, 0.0, rng.uniform(0.0, 0.006)]),
        blur=rng.uniform(0.0, 1.1),
        noise=rng.uniform(0.0, 10.0),
        paper=paper,  # type: ignore[arg-type]
        faint=rng.choice([0.0, 0.0, rng.uniform(0.2, 0.45)]),
        jpeg=rng.randint(55, 92),
        seal=rng.random() < 0.6,
        dust=rng.randint(0, 60),
    )


def _seal(img: np.ndarray, rng: random.Random, cx: int, cy: int, radius: int) -> None:
    """Stamp a red seal (ring, star, arc of text strokes) multiplicatively, as ink over print."""
    import cv2

    layer = np.full(img.shape[:2], 255, np.uint8)
    thick = max(2, radius // 22)
    cv2.circle(layer, (cx, cy), radius, 0, thick)
    pts = []
    for k in range(10):
        r = radius * (0.28 if k % 2 == 0 else 0.11)
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((int(cx + r * math.cos(a)), int(cy + r * math.sin(a))))
    cv2.fillPoly(layer, [np.array(pts, np.int32)], 0)
    for k in range(14):  # the agency name around the ring, as short strokes
        a = math.pi * (0.85 + k / 13 * 1.3)
        x, y = int(cx + radius * 0.72 * math.cos(a)), int(cy + radius * 0.72 * math.sin(a))
        cv2.rectangle(layer, (x - thick * 2, y - thick * 2), (x + thick * 2, y + thick * 2), 0, thick)
    strength = rng.uniform(0.55, 0.9)
    ink = (255 - layer).astype(np.float32) / 255 * strength
    red = np.array([210, 30, 40], np.float32)  # RGB of seal ink
    for ch in range(3):
        img[:, :, ch] = img[:, :, ch] * (1 - ink) + (img[:, :, ch] * red[ch] / 255) * ink


def spoil(rgb: np.ndarray, recipe: Recipe, rng: random.Random, last_page: bool) -> np.ndarray:
    """One rendered page (RGB, white paper) made to look scanned by ``recipe``."""
    import cv2

    img = rgb.astype(np.float32)
    if recipe.faint:
        img = 255 - (255 - img) * (1 - recipe.faint)
    paper = np.array(recipe.paper, np.float32)
    img = img / 255 * paper  # ink stays dark, white becomes the paper's tone
    h, w = img.shape[:2]
    if recipe.seal and last_page:
        dark = np.nonzero((rgb.min(axis=2) < 128).any(axis=1))[0]
        bottom = int(dark[-1]) if dark.size else int(h * 0.8)
        r = int(recipe.dpi * 0.8)
        _seal(img, rng, int(w * rng.uniform(0.55, 0.75)), max(r, bottom - int(r * rng.uniform(0.2, 0.6))), r)
    for _ in range(recipe.dust):
        x, y = rng.randrange(w), rng.randrange(h)
        cv2.circle(img, (x, y), rng.randint(1, 2), tuple(float(v) * 0.3 for v in recipe.paper), -1)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), recipe.skew, 1.0)
    fill = tuple(float(v) for v in recipe.paper)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)
    if recipe.perspective:
        d = recipe.perspective * w
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dst = np.float32([[d * rng.random(), d * rng.random()], [w - d * rng.random(), d * rng.random()],
                          [w - d * rng.random(), h - d * rng.random()], [d * rng.random(), h - d * rng.random()]])
        img = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=fill)
    if recipe.blur > 0.2:
        img = cv2.GaussianBlur(img, (0, 0), recipe.blur)
    if recipe.noise:
        nrng = np.random.default_rng(rng.randrange(2**32))
        img = img + nrng.normal(0, recipe.noise, img.shape[:2])[:, :, None]
    return np.clip(img, 0, 255).astype(np.uint8)


def render_pages(pdf_path: Path, dpi: int) -> list[np.ndarray]:
    """Every page of a PDF as RGB at ``dpi``."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        out = []
        for i in range(len(pdf)):
            page = pdf[i]
            out.append(np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB")))
            page.close()
        return out
    finally:
        pdf.close()


def simulate_scan(pdf_path: Path, out: Path, recipe: Recipe, seed: int = 0) -> Path:
    """Write ``out``: an image-only PDF of ``pdf_path`` spoiled by ``recipe`` (a .png/.jpg suffix: the first page)."""
    from PIL import Image

    rng = random.Random(seed)
    pages = render_pages(pdf_path, recipe.dpi)
    images = []
    for i, rgb in enumerate(pages):
        spoiled = spoil(rgb, recipe, rng, last_page=i == len(pages) - 1)
        buf = io.BytesIO()
        Image.fromarray(spoiled).save(buf, "JPEG", quality=recipe.jpeg)
        buf.seek(0)
        images.append(Image.open(buf).convert("RGB"))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff"):
        if out.suffix.lower() in (".tif", ".tiff"):
            images[0].save(out, save_all=True, append_images=images[1:], dpi=(recipe.dpi, recipe.dpi))
        else:
            images[0].save(out, dpi=(recipe.dpi, recipe.dpi))
    else:
        images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(recipe.dpi))
    return out


def scan_county(out: Path, n_reports: int, seed: int = 0, photo_share: float = 0.0) -> list[tuple[Path, Path, Recipe]]:
    """Generate ``n_reports`` synthetic PDF reports and a simulated scan of each: (scan, truth JSON, recipe)."""
    from dashboard.synth.generate import synthesize

    result = synthesize(out / "printed", n_reports, [2023], ["pdf"], seed=seed, rate=0.0)
    rng = random.Random(seed)
    done: list[tuple[Path, Path, Recipe]] = []
    for path in result.files:
        recipe = draw_recipe(rng, photo=rng.random() < photo_share)
        scan = out / "scans" / f"{path.stem}-scan.pdf"
        simulate_scan(path, scan, recipe, seed=rng.randrange(2**31))
        truth = out / "printed" / "truth" / path.parent.name / f"{path.stem}.json"
        (scan.with_suffix(".recipe.json")).write_text(json.dumps(asdict(recipe)), encoding="utf-8")
        done.append((scan, truth, recipe))
    return done
