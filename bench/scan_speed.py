"""CPU seconds a page of the scan reader: the baseline path beside the fast one, measured in the same run.

    python bench/scan_speed.py               # the two corpus scans, 3 rounds (about 2 minutes of CPU)
    python bench/scan_speed.py --rounds 1    # a quick look

Baseline (NIANBAO_OCR_FAST=0, ``read_scan(fast=False)``): the recogniser's ONNX graph as shipped, no ink check
before a cell, cells and text lines in two recogniser calls. Fast (the default): the folded graph
(readers/ocr_model.py), empty cells skipped by their ink, one recogniser call a page. Both sessions are loaded
before timing; the rounds alternate baseline and fast so that the machine's load falls on both alike, and each
figure is the minimum of the rounds (process CPU time, ``time.process_time``). The readings of the two paths are
compared cell by cell: a fast path that reads one cell differently is a failure, not a speed-up.
Goal (issue 23): ≤ 1 s of CPU a page.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.readers.model import Document, Paragraph, Table  # noqa: E402
from dashboard.readers.ocr_engine import engine  # noqa: E402
from dashboard.readers.scan import read_scan  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SCANS = ["hongze-2023-scan-clean.pdf", "hongze-2023-scan-office.pdf"]
GOAL_PAGE = 1.0  # s of CPU a page


def _cells(doc: Document) -> dict[tuple[int, int, int], tuple[str, float | None, str | None]]:
    """(block, row, col) → (text, confidence, doubt) of every table cell, and the paragraphs as block rows."""
    out: dict[tuple[int, int, int], tuple[str, float | None, str | None]] = {}
    for k, b in enumerate(doc.blocks):
        if isinstance(b, Table):
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    out[(k, r, c)] = (cell, b.confidence.get((r, c)), b.doubts.get((r, c)))
        elif isinstance(b, Paragraph):
            out[(k, -1, -1)] = (b.text, None, None)
    return out


def _differences(old: Document, new: Document) -> tuple[int, float]:
    """(cells or paragraphs read differently or doubted differently, largest confidence difference)."""
    a, b = _cells(old), _cells(new)
    differ = sum(1 for key in a.keys() | b.keys()
                 if key not in a or key not in b or a[key][0] != b[key][0] or a[key][2] != b[key][2])
    gap = max((abs(a[k][1] - b[k][1]) for k in a.keys() & b.keys()
               if a[k][1] is not None and b[k][1] is not None), default=0.0)
    return differ, gap


def main(argv: list[str] | None = None) -> int:
    """Time both paths on each corpus scan, print the table; exit 1 when the readings differ or the goal is missed."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    c0 = time.process_time()
    engine(fast=False)
    c1 = time.process_time()
    engine(fast=True)
    c2 = time.process_time()
    print(f"engine load (once a process): baseline {c1 - c0:.2f} s, fast {c2 - c1:.2f} s (graph folding included)")
    read_scan(FIXTURES / SCANS[0], pages=[3], fast=False)  # warm: imports, caches, first-run allocations
    read_scan(FIXTURES / SCANS[0], pages=[3], fast=True)
    print()
    print(f"{'scan':<30} {'pages':>5} {'base s/page':>11} {'fast s/page':>11} {'ratio':>6} {'goal':>5}"
          f" {'cells differ':>12} {'max Δconf':>9}")
    ok = True
    totals = [0.0, 0.0, 0]
    for name in SCANS:
        best = {False: float("inf"), True: float("inf")}
        docs: dict[bool, Document] = {}
        for _ in range(args.rounds):
            for fast in (False, True):
                t0 = time.process_time()
                docs[fast] = read_scan(FIXTURES / name, fast=fast)
                best[fast] = min(best[fast], time.process_time() - t0)
        pages = int(docs[True].meta["pages"])
        differ, gap = _differences(docs[False], docs[True])
        base, fast_s = best[False] / pages, best[True] / pages
        totals[0] += best[False]
        totals[1] += best[True]
        totals[2] += pages
        ok = ok and differ == 0 and fast_s <= GOAL_PAGE
        print(f"{name:<30} {pages:>5} {base:>11.2f} {fast_s:>11.2f} {base / fast_s:>5.2f}× {GOAL_PAGE:>5.1f}"
              f" {differ:>12} {gap:>9.1e}")
    base, fast_s = totals[0] / totals[2], totals[1] / totals[2]
    print(f"{'all pages':<30} {totals[2]:>5} {base:>11.2f} {fast_s:>11.2f} {base / fast_s:>5.2f}× {GOAL_PAGE:>5.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
