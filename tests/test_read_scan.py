"""Scanned reports read by OCR: the corpus scans, page images, photos at an angle, things that are not reports."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import numpy as np
import pytest

from dashboard.errors import ReportError
from dashboard.parse import parse_document
from dashboard.readers import read_document
from dashboard.readers.model import Table
from dashboard.synth.scan import Recipe, simulate_scan
from tests.conftest import FIXTURES, expected_cells

pytest.importorskip("rapidocr_onnxruntime")

SCANS = ["hongze-2023-scan-clean.pdf", "hongze-2023-scan-office.pdf"]
EXPECTED = FIXTURES / "expected" / "hongze-2023.json"


@pytest.fixture(scope="module")
def scanned() -> dict[str, tuple]:
    """Each corpus scan read once: (document, parsed report)."""
    out = {}
    for name in SCANS:
        doc = read_document(FIXTURES / name)
        out[name] = (doc, parse_document(copy.deepcopy(doc)))
    return out


def _value(report: dict, key: tuple[str, str, str]):  # type: ignore[no-untyped-def]
    return report[key[0]].get(key[1], {}).get(key[2], "MISSING")


@pytest.mark.parametrize("name", SCANS)
def test_every_cell_of_a_corpus_scan_is_right_or_named_uncertain(scanned, name) -> None:
    import json

    expected = json.loads(EXPECTED.read_text("utf-8"))
    _, got = scanned[name]
    wrong_and_sure = [(k, v, _value(got, k)) for k, v in expected_cells(expected)
                      if _value(got, k) != v and ".".join(k) not in got["uncertain_cells"]]
    assert wrong_and_sure == []
    assert (got["agency"], got["year"], got["template"]) == ("洪泽区人民政府", 2023, "2021")


@pytest.mark.parametrize("name", SCANS)
def test_a_scan_is_recorded_as_scan_with_its_ocr_engine_and_version(scanned, name) -> None:
    _, got = scanned[name]
    assert got["format"] == "scan"
    assert "rapidocr-onnxruntime 1.4.4" in got["ocr_engine"] and "onnxruntime" in got["ocr_engine"]


def test_every_ocr_cell_carries_its_confidence(scanned) -> None:
    doc, _ = scanned["hongze-2023-scan-office.pdf"]
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert tables
    for t in tables:
        written = [(r, c) for r, row in enumerate(t.rows) for c, cell in enumerate(row) if cell and not t.is_copy(r, c)]
        assert all(0.0 <= t.confidence[p] <= 1.0 for p in written)


def test_the_seal_over_the_last_lines_does_not_become_digits(scanned) -> None:
    doc, got = scanned["hongze-2023-scan-office.pdf"]
    clean_doc, _ = scanned["hongze-2023-scan-clean.pdf"]
    assert got["appeals"] == parse_document(copy.deepcopy(clean_doc))["appeals"]


def test_a_cell_the_reader_doubts_is_uncertain_in_the_report_and_keeps_its_value(scanned) -> None:
    doc, _ = scanned["hongze-2023-scan-clean.pdf"]
    doc = copy.deepcopy(doc)
    for t in (b for b in doc.blocks if isinstance(b, Table)):
        for r, row in enumerate(t.rows):
            if row and row[0].startswith("一、本年新收"):
                c = next(c for c, cell in enumerate(row) if cell == "21")
                t.doubts[(r, c)] = "识别置信度低（0.42）"
    got = parse_document(doc)
    assert got["applications"]["new"]["natural"] == 21
    assert got["cell_flags"]["applications.new.natural"] == "uncertain"
    assert "applications.new.natural" in got["uncertain_cells"]
    assert got["cell_notes"]["applications.new.natural"] == "识别置信度低（0.42）"


def _page_table_rows(doc) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [row for b in doc.blocks if isinstance(b, Table) for row in b.rows]


@pytest.fixture(scope="module")
def page3_png(tmp_path_factory) -> Path:
    """Page 3 of the printed report as a scanned PNG page (the section 三 table with its seven columns)."""
    import pypdfium2 as pdfium

    folder = tmp_path_factory.mktemp("page")
    src = pdfium.PdfDocument(str(FIXTURES / "hongze-2023.pdf"))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [2])
    single = folder / "page3.pdf"
    one.save(str(single))
    return simulate_scan(single, folder / "page3.png", Recipe(dpi=200, skew=0.8, blur=0.5, noise=4, jpeg=80))


def test_a_png_page_image_is_read_into_table_grids(page3_png) -> None:
    doc = read_document(page3_png)
    assert doc.format == "scan"
    rows = _page_table_rows(doc)
    new = next(r for r in rows if r and r[0].startswith("一、本年新收"))
    assert [c for c in new if c and not c.startswith("一")] == ["21", "0", "0", "0", "0", "0", "21"]


@pytest.mark.parametrize("recipe", [Recipe(dpi=200, skew=5.0, blur=0.6, noise=5, jpeg=75),
                                    Recipe(dpi=240, skew=-3.0, perspective=0.015, blur=0.4, noise=3, jpeg=80)],
                         ids=["rotated-5-degrees", "perspective"])
def test_a_photo_like_page_reads_or_says_why_not(tmp_path, recipe) -> None:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(FIXTURES / "hongze-2023.pdf"))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [2])
    one.save(str(tmp_path / "p.pdf"))
    photo = simulate_scan(tmp_path / "p.pdf", tmp_path / "photo.jpg", recipe, seed=3)
    try:
        doc = read_document(photo)
    except ReportError as exc:
        assert exc.reason_zh and exc.reason_en  # refused, with the reason
        return
    rows = _page_table_rows(doc)
    new = next(r for r in rows if r and r[0].startswith("一、本年新收"))
    assert [c for c in new if c and not c.startswith("一")] == ["21", "0", "0", "0", "0", "0", "21"]


def test_an_image_that_is_not_a_report_is_refused_with_the_reason(tmp_path) -> None:
    from PIL import Image

    rng = np.random.default_rng(1)
    # A landscape photo stand-in: smooth colour gradients and a few blobs, no text, no table.
    y, x = np.mgrid[0:900, 0:1200]
    img = np.stack([(x / 1200 * 200 + 30), (y / 900 * 150 + 60), (x + y) / 2100 * 120 + 80], axis=2)
    img += rng.normal(0, 6, img.shape)
    path = tmp_path / "holiday.jpg"
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, quality=85)
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "not_a_report"
    assert "不是一份年度报告" in err.value.reason_zh


def test_a_missing_ocr_package_is_named_in_a_clear_message(tmp_path, monkeypatch) -> None:
    from dashboard.readers import ocr_engine

    monkeypatch.setitem(ocr_engine._PACKAGES, "no_such_ocr_module_x", "no-such-ocr-package")
    with pytest.raises(ReportError) as err:
        read_document(FIXTURES / "hongze-2023-scan-clean.pdf")
    assert err.value.code == "ocr_missing"
    assert "no-such-ocr-package" in err.value.reason_zh and "no-such-ocr-package" in err.value.reason_en


def test_a_folder_of_page_images_is_refused_with_how_to_join_them(tmp_path) -> None:
    (tmp_path / "p1.png").write_bytes(b"")
    with pytest.raises(ReportError) as err:
        read_document(tmp_path)
    assert err.value.code == "folder" and "PDF" in err.value.reason_zh


def test_simulated_scans_of_the_synthetic_county_round_trip_every_cell(tmp_path) -> None:
    import json

    from bench.scan_roundtrip import compare
    from dashboard.synth.scan import scan_county

    rng = random.Random(7)
    scans = scan_county(tmp_path, 2, seed=rng.randrange(1000))
    for scan, truth_path, recipe in scans:
        from dashboard.parse import parse_file

        ok, n, silent, misses = compare(parse_file(scan), json.loads(truth_path.read_text("utf-8")))
        assert silent == 0, (recipe, misses)
        assert ok >= 0.99 * n, (recipe, misses)


def test_a_row_whose_total_no_longer_adds_up_after_reading_is_doubted_cell_by_cell() -> None:
    from dashboard.readers.scan import _mark_doubts

    # The last column adds up in three rows of four: in the fourth a digit was misread (8 read as 6, say).
    table = Table(rows=[["自然人", "商业企业", "总计"], ["一、本年新收", "3", "2", "5"], ["二、上年结转", "0", "0", "0"],
                        ["（一）予以公开", "6", "1", "9"], ["（二）部分公开", "4", "4", "8"]])
    table.rows[0] = ["", *table.rows[0]]
    _mark_doubts(table)
    assert {p for p in table.doubts} == {(3, 1), (3, 2), (3, 3)}
    assert "合计" in table.doubts[(3, 3)]


def test_a_number_in_a_column_of_numbers_read_with_low_confidence_or_as_letters_is_doubted() -> None:
    from dashboard.readers.scan import _mark_doubts

    table = Table(rows=[["", "自然人", "总计"], ["一、本年新收", "3", "3"], ["二、上年结转", "O", "0"],
                        ["（一）予以公开", "7", "7"]])
    table.confidence[(3, 1)] = 0.55
    _mark_doubts(table)
    assert (2, 1) in table.doubts and (3, 1) in table.doubts
    assert (1, 1) not in table.doubts and (0, 1) not in table.doubts


def test_the_folded_recogniser_gives_the_shipped_recogniser_s_character_probabilities() -> None:
    """The folded graph (readers/ocr_model.py) is the same arithmetic: strips of a real scanned page, read by both."""
    import cv2
    import rapidocr_onnxruntime

    from dashboard.readers.ocr_engine import REC_HEIGHT, Engine
    from dashboard.readers.ocr_model import folded_model
    from dashboard.readers.scan import page_images

    shipped, folded = Engine(fast=False), Engine(fast=True)
    _, bgr, _ = next(page_images(FIXTURES / "hongze-2023-scan-office.pdf", [1]))
    h, w = bgr.shape[:2]
    strips = [bgr[y:y + 60, w // 8: w // 8 + 600] for y in range(h // 10, h - 100, h // 7)]
    batch = np.stack([cv2.resize(s, (480, REC_HEIGHT)).astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0
                      for s in strips])
    model = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    _, counts = folded_model(model.read_bytes())
    assert counts == {"affine_after_conv": 28, "hardswish": 28, "affine_before_conv": 25,  # PP-OCRv4 as shipped
                      "affine_alone": 3}
    a = shipped.rec.run(None, {shipped.rec_input: batch})[0]
    b = folded.rec.run(None, {folded.rec_input: batch})[0]
    assert np.abs(a - b).max() < 1e-4
    assert (a.argmax(axis=2) == b.argmax(axis=2)).all()


def test_the_folded_recogniser_leaves_no_scalar_add_or_mul_on_a_convolution_s_output() -> None:
    """Each one made onnxruntime turn the tensor out of its blocked layout and back (reorders: 14 % of the time)."""
    import rapidocr_onnxruntime

    from dashboard.readers.ocr_model import _channels, _classes, _Graph, folded_model

    model = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    for data, left in ((model.read_bytes(), 84), (folded_model(model.read_bytes())[0], 0)):
        proto = _classes()["ModelProto"]()
        proto.ParseFromString(data)
        gr = _Graph(proto)
        on_convs = [n for n in gr.nodes if n.op_type in ("Add", "Mul")
                    and (x := gr.scalar(n)[1]) and _channels(gr, x) is not None]
        assert len(on_convs) == left


def test_the_fast_path_reads_a_table_page_cell_for_cell_as_the_baseline_does() -> None:
    """Ink check, one recogniser call a page and the folded graph change no cell and no doubt."""
    from dashboard.readers.scan import read_scan

    base = read_scan(FIXTURES / "hongze-2023-scan-office.pdf", pages=[3], fast=False)
    fast = read_scan(FIXTURES / "hongze-2023-scan-office.pdf", pages=[3], fast=True)
    tables = [(x, y) for x, y in zip(base.blocks, fast.blocks, strict=True) if isinstance(x, Table)]
    assert tables
    for x, y in tables:
        assert (x.rows, x.doubts) == (y.rows, y.doubts)
        assert x.confidence.keys() == y.confidence.keys()
        # a crop batched beside other widths is padded differently: confidences move in the third decimal at most
        assert all(abs(x.confidence[k] - y.confidence[k]) < 0.01 for k in x.confidence)
