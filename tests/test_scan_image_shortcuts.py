"""The scan reader's shortcuts give the very numbers of the long way round, on a real scanned page."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dashboard.readers import scan_text
from dashboard.readers.scan import page_images
from dashboard.readers.scan_grid import _sparse_components, find_lines
from dashboard.readers.scan_image import _profile_score, components, ink_mask, median_u8, prepare
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def page():  # type: ignore[no-untyped-def]
    """Page 3 of the office scan (a ruled table under a seal), cleaned and straightened, with its ink."""
    number, bgr, dpi = next(page_images(FIXTURES / "hongze-2023-scan-office.pdf", [3]))
    p = prepare(number, bgr, dpi)
    return p, ink_mask(p.grey)


@pytest.mark.parametrize("horizontal", [True, False], ids=["horizontal-rules", "vertical-rules"])
def test_rules_labelled_on_their_inked_rows_only_match_labelling_the_whole_page(page, horizontal) -> None:
    p, ink = page
    s = p.scale
    kernel = (max(8, int(30 * s)), 1) if horizontal else (1, max(8, int(14 * s)))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    got_count, got_labels, got_stats = _sparse_components(rules, horizontal)
    assert count > 10  # the table's rules are there
    assert got_count == count
    assert (got_labels == labels).all()
    assert (got_stats == stats).all()


def test_a_mask_without_rules_has_only_its_background() -> None:
    count, labels, stats = _sparse_components(np.zeros((40, 30), np.uint8), horizontal=False)
    assert count == 1 and not labels.any() and stats.tolist() == [[0, 0, 30, 40, 1200]]


def test_more_blobs_than_16_bits_can_count_are_labelled_in_32() -> None:
    dots = np.zeros((600, 600), np.uint8)
    dots[::2, ::2] = 255  # 90,000 separate dots
    count, labels, _ = components(dots)
    assert count == 90_001 and labels.max() == 90_000


def test_dust_wiped_box_by_box_leaves_the_same_ink_as_one_pass_over_the_page(page, monkeypatch) -> None:
    p, ink = page
    lines = find_lines(p, ink)
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.bitwise_or(lines.horizontal, lines.vertical)))
    monkeypatch.setattr(scan_text, "MANY_SPECKS", 0)  # every page through the one pass
    one_pass = scan_text.clean_ink(text_ink, p.scale)
    monkeypatch.setattr(scan_text, "MANY_SPECKS", 10**9)  # every page box by box
    by_box = scan_text.clean_ink(text_ink, p.scale)
    assert np.count_nonzero(one_pass) < np.count_nonzero(text_ink)  # the page has dust to wipe
    assert by_box.dtype == one_pass.dtype and (by_box == one_pass).all()


def test_a_grey_line_shrunk_once_equals_the_line_shrunk_as_bgr(page) -> None:
    p, _ = page
    rng = np.random.default_rng(5)
    for _ in range(200):
        h, w = int(rng.integers(49, 200)), int(rng.integers(8, 1300))
        y, x = int(rng.integers(0, p.grey.shape[0] - h)), int(rng.integers(0, p.grey.shape[1] - w))
        crop = p.grey[y:y + h, x:x + w]
        size = (max(8, int(np.ceil(48 * w / h))), 48)
        bgr = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), size, interpolation=cv2.INTER_AREA)
        grey = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        assert (bgr == grey[:, :, None]).all()


def test_the_median_from_a_histogram_is_numpy_s_median() -> None:
    rng = np.random.default_rng(2)
    for n in [*range(1, 30), 1000, 1001, 999_999]:
        for values in (rng.integers(0, 256, n, dtype=np.uint8), np.minimum(rng.exponential(3, n), 255).astype(np.uint8),
                       np.full(n, 7, np.uint8)):
            assert median_u8(values) == float(np.median(values))
            assert median_u8(values[::2]) == float(np.median(values[::2]))


def test_the_skew_score_summed_by_opencv_is_the_score_summed_by_numpy(page) -> None:
    p, ink = page
    small = cv2.resize(ink, (ink.shape[1] // 3, ink.shape[0] // 3), interpolation=cv2.INTER_AREA)
    h, w = small.shape
    for angle in (-3.0, -0.45, 0.0, 1.25, 7.5):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0).sum(axis=1, dtype=np.float64)
        assert _profile_score(small, angle) == float(np.square(np.diff(rows)).sum())
