"""Limits before work: a file with more pages than any report is refused before a page is read or rendered."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from dashboard.errors import ReportError
from dashboard.readers import read_document

ROOT = Path(__file__).resolve().parent.parent


def image_only_pdf(path: Path, pages: int, image_px: tuple[int, int] = (8, 8)) -> Path:
    """A PDF of ``pages`` A4 pages, each only one shared grey image drawn over the whole page (no text layer).

    The file stays small (every page draws the same image object) while a reader that renders its pages for OCR
    holds ~15 MB a page image.
    """
    w, h = image_px
    pixels = zlib.compress(bytes([200]) * (w * h))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(pixels)) + pixels + b"\nendstream",
        b"<< /Length 35 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
    ]
    kids = []
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                       b" /Resources << /XObject << /Im0 3 0 R >> >> >>")
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _measured(args: list[str]) -> dict:
    """Run ``args`` as a child of a fresh wrapper process: its CPU and wall seconds, peak RSS (MB), exit code, output.

    The wrapper has no other child, so RUSAGE_CHILDREN's figures are this command's alone.
    """
    code = ("import json,resource,subprocess,sys,time;t=time.monotonic();"
            "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);s=time.monotonic()-t;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps({'wall':s,'cpu':u.ru_utime+u.ru_stime,'mb':u.ru_maxrss/1024,"
            "'code':r.returncode,'out':r.stdout+r.stderr}))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    return json.loads(done.stdout)


def test_parse_of_an_image_only_pdf_of_2000_pages_is_refused_in_under_3_s_within_500_mb(tmp_path) -> None:
    pdf = image_only_pdf(tmp_path / "two-thousand.pdf", 2000)
    got = _measured([sys.executable, "-m", "dashboard", "parse", str(pdf)])
    assert got["code"] == 2, got["out"]
    assert "two-thousand.pdf" in got["out"]
    assert "页数过多（2000 页" in got["out"] and "too many pages" in got["out"]
    # CPU seconds of the command, start-up included: its wall time on the shared 2-core machine grows with other
    # jobs' load (measured: 0.6 s of CPU, 3.1 s wall at load 11, 4.9 s wall at load 16). Before the page count
    # came first, this command read all 2,000 pages and rendered them for OCR (3.5 GB, issue 24).
    assert got["cpu"] < 3.0, got
    assert got["mb"] < 500, got


def test_a_scan_of_more_pages_than_a_report_is_refused_before_any_page_is_rendered(tmp_path) -> None:
    from dashboard.readers.scan import MAX_PAGES

    pdf = image_only_pdf(tmp_path / "book.pdf", MAX_PAGES + 1)  # under the PDF limit: the scan reader decides
    code = ("import resource,sys;from dashboard.readers import read_document;from dashboard.errors import ReportError\n"
            "try:\n read_document(sys.argv[1])\nexcept ReportError as e:\n print(e.code, e.reason_zh)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    got = _measured([sys.executable, "-c", code, str(pdf)])
    refusal, peak = got["out"].strip().splitlines()[-2:]
    # Rendering the pages first (as before) held 61 page images of ~15 MB each: 751 MB and 6 s measured.
    assert refusal.startswith("huge ") and f"{MAX_PAGES + 1} 页" in refusal
    assert int(peak) < 400, got


def test_a_pdf_of_more_pages_than_a_report_is_refused_by_the_reader_naming_the_file(tmp_path) -> None:
    pdf = image_only_pdf(tmp_path / "catalogue.pdf", 201, image_px=(8, 8))
    with pytest.raises(ReportError) as err:
        read_document(pdf)
    assert err.value.source == "catalogue.pdf" and err.value.code == "limits"
    assert "201 页" in err.value.reason_zh and "201" in err.value.reason_en


def test_a_scan_within_the_page_limit_is_still_read_page_by_page(tmp_path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    pdf = image_only_pdf(tmp_path / "blank.pdf", 2, image_px=(8, 8))
    with pytest.raises(ReportError) as err:
        read_document(pdf)
    assert err.value.code == "not_a_report"  # both pages were read: blank paper holds no report


def test_every_path_takes_its_limits_from_the_one_definition() -> None:
    import tomllib

    from dashboard import limits
    from dashboard.ingest.fetch import FetchPolicy
    from dashboard.ingest.workers import Limits
    from dashboard.readers import MAX_BYTES
    from dashboard.readers.pdf import MAX_PAGES as PDF_PAGES
    from dashboard.readers.scan import MAX_PAGES as SCAN_PAGES

    assert MAX_BYTES == limits.MAX_BYTES and PDF_PAGES == limits.MAX_PDF_PAGES and SCAN_PAGES == limits.MAX_SCAN_PAGES
    assert Limits() == Limits(memory_mb=limits.MEMORY_MB, seconds=limits.SECONDS)
    assert FetchPolicy().max_bytes <= limits.MAX_BYTES  # collect never downloads what ingest would refuse
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == limits.MAX_BYTES  # the upload page's drop zone
    # no module but dashboard/limits.py states a page or size limit of its own
    stated = subprocess.run(["grep", "-rEn", r"^(MAX_PDF_PAGES|MAX_PAGES|MAX_BYTES|DEFAULT_MEMORY_MB|DEFAULT_SECONDS)"
                             r" = [0-9]", str(ROOT / "dashboard")], capture_output=True, text=True, check=False)
    assert [line for line in stated.stdout.splitlines() if "dashboard/limits.py" not in line] == []


def test_a_file_too_large_is_refused_in_a_worker_before_its_bytes_are_read_and_none_reach_the_parent(tmp_path) -> None:
    big = tmp_path / "huge.pdf"
    with big.open("wb") as fh:  # 250 MB, sparse: costs no disk, but reading it costs 250 MB of memory
        fh.write(b"%PDF-1.4\n")
        fh.truncate(250 * 1024 * 1024)
    code = ("import resource,sys;from pathlib import Path;from dashboard.ingest.workers import parse_files\n"
            "(out,)=list(parse_files([Path(sys.argv[1])],workers=1))\n"
            "print(out.prepared.extra.get('error_code'), out.prepared.source_bytes is None, out.prepared.error_zh)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    got = _measured([sys.executable, "-c", code, str(big)])
    verdict, peak = got["out"].strip().splitlines()[-2:]
    assert verdict.startswith("huge True 文件过大（250 MB"), got
    # before: the worker read the file and sent its bytes with the refusal (+600 MB in the parent for 250 MB)
    assert int(peak) < 250, got


def test_reading_in_the_calling_process_is_bounded_in_time_like_a_worker() -> None:
    import time

    from dashboard.limits import bounded

    t0 = time.monotonic()
    with pytest.raises(ReportError) as err, bounded(seconds=0.3):
        time.sleep(5)
    assert err.value.code == "resource" and "超出资源限制" in err.value.reason_zh
    assert time.monotonic() - t0 < 2
