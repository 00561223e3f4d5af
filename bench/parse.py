"""Parse speed per format over the real fixture reports, in one process; prints a table with the goal ratio.

usage: python bench/parse.py [--repeat N] [--no-scan]
Goals (issues 2 and 3): ≥ 100 reports/s on one core for text and HTML; ≤ 0.3 s per PDF (six pages); ≤ 0.1 s per DOCX.
Scans (issue 14): ≤ 1.5 s CPU per table page, ≤ 8 s per six-page scanned report on one core, peak memory ≤ 500 MB;
the per-page table sets the reader's cell-by-cell OCR beside whole-page OCR (detector + recogniser) of the same page.
Text parse against its baseline (issue 23: ≤ 2 ms a md/txt report), both trees in the same run: bench/parse_text.py.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.parse import parse_file  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
FILES = {
    "md": ["000_7180246cedc2b1d8.txt", "shanghai-kewei-2024.md"],
    "html": ["pingtan-2025.html"],
    "pdf": ["hongze-2023.pdf"],
    "docx": ["pingtan-2025.docx"],
}
GOAL_SECONDS = {"md": 0.01, "html": 0.01, "pdf": 0.3, "docx": 0.1}  # per report
SCANS = ["hongze-2023-scan-clean.pdf", "hongze-2023-scan-office.pdf"]
SCAN_GOAL_PAGE = 1.5  # s CPU per table page
SCAN_GOAL_SIX = 8.0  # s CPU per six-page report
SCAN_GOAL_MB = 500


def _page_ocr_seconds(path: Path, page: int) -> tuple[float, int]:
    """CPU seconds and text boxes of whole-page OCR (PP-OCRv4 detector, then the recogniser on every box)."""
    import numpy as np

    from dashboard.readers.ocr_engine import engine
    from dashboard.readers.scan import page_images

    _, bgr, _ = next(page_images(path, [page]))
    eng = engine()
    t0 = time.process_time()
    boxes = eng.detect(bgr)
    crops = []
    for quad in boxes:
        xs, ys = quad[:, 0], quad[:, 1]
        crop = bgr[max(0, int(ys.min())):int(np.ceil(ys.max())), max(0, int(xs.min())):int(np.ceil(xs.max()))]
        if crop.size:
            crops.append(crop)
    eng.recognise(crops)
    return time.process_time() - t0, len(boxes)


def _peak_mb(path: Path) -> float:
    """Peak resident memory (MB) of a fresh process that parses ``path``."""
    code = ("import resource,sys;sys.path.insert(0,sys.argv[2]);from dashboard.parse import parse_file;"
            "parse_file(sys.argv[1]);print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(path), str(ROOT)], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def scan_rows() -> None:
    """Per scanned report: CPU, pages, per page, peak memory; per page: cell OCR beside whole-page OCR."""
    from dashboard.readers.model import Table
    from dashboard.readers.scan import read_scan

    read_scan(FIXTURES / SCANS[0], pages=[3])  # warm: models loaded
    print()
    print(f"{'scan':<30} {'pages':>5} {'cpu s':>6} {'s/page':>7} {'six pages s':>11} {'goal s':>6} {'peak MB':>8}"
          f" {'goal MB':>7}")
    for name in SCANS:
        c0 = time.process_time()
        doc = read_scan(FIXTURES / name)
        cpu = time.process_time() - c0
        pages = int(doc.meta["pages"])
        print(f"{name:<30} {pages:>5} {cpu:>6.2f} {cpu / pages:>7.2f} {cpu / pages * 6:>11.2f} {SCAN_GOAL_SIX:>6.0f}"
              f" {_peak_mb(FIXTURES / name):>8.0f} {SCAN_GOAL_MB:>7}")
    name = SCANS[1]
    print()
    print(f"{'page of ' + name:<36} {'tables':>6} {'cell OCR s':>10} {'page OCR s':>10} {'page boxes':>10}"
          f" {'goal s':>6}")
    for page in range(1, 6):
        c0 = time.process_time()
        try:
            doc = read_scan(FIXTURES / name, pages=[page])
            tables = sum(1 for b in doc.blocks if isinstance(b, Table))
        except Exception:  # noqa: BLE001 - a page with too little text alone is refused; its time still counts
            tables = 0
        cell = time.process_time() - c0
        whole, boxes = _page_ocr_seconds(FIXTURES / name, page)
        print(f"{'page ' + str(page):<36} {tables:>6} {cell:>10.2f} {whole:>10.2f} {boxes:>10}"
              f" {SCAN_GOAL_PAGE if tables else '':>6}")


def main() -> None:
    """Time each format and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-scan", action="store_true", help="leave out the scanned reports (OCR takes a minute)")
    args = ap.parse_args()
    for names in FILES.values():  # warm: imports, caches
        for n in names:
            parse_file(FIXTURES / n)
    # Wall time on a shared VM varies by 2× from run to run; CPU time of this process is the steadier figure.
    print(f"{'format':<6} {'reports':>7} {'wall ms':>8} {'cpu ms':>7} {'reports/s (cpu)':>16} {'goal ms':>8}"
          f" {'goal/actual (cpu)':>18}")
    for fmt, names in FILES.items():
        times: list[float] = []
        cpu0 = time.process_time()
        for _ in range(args.repeat):
            for n in names:
                t0 = time.perf_counter()
                parse_file(FIXTURES / n)
                times.append(time.perf_counter() - t0)
        cpu = (time.process_time() - cpu0) / len(times)
        med = statistics.median(times)
        goal = GOAL_SECONDS[fmt]
        print(f"{fmt:<6} {len(times):>7} {med * 1000:>8.1f} {cpu * 1000:>7.1f} {1 / cpu:>16.1f} {goal * 1000:>8.0f}"
              f" {goal / cpu:>17.2f}x")
    if not args.no_scan:
        scan_rows()


if __name__ == "__main__":
    main()
