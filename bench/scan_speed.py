"""CPU seconds a page of the scan reader: a baseline commit's reader beside this tree's, measured in the same run.

    python bench/scan_speed.py                      # the two corpus scans, 3 rounds (about 2 minutes of CPU)
    python bench/scan_speed.py --rounds 1           # a quick look
    python bench/scan_speed.py --baseline main      # another baseline (any git commit, branch or tag)

The baseline is the reader as committed at ``--baseline`` (default: BASELINE, the reader measured at 1.24–1.42 s a
page in issue 23), taken out of git into a temporary folder as the package ``nianbao_baseline`` and run in this same
process, with OpenCV's default thread count as it ran; the tree's own reader runs beside it. Both recognisers are
loaded before timing; each round runs baseline then new on every scan so that the machine's load falls on both
alike, and each figure is the median of the rounds (process CPU time, ``time.process_time``); "model" is the part of
it spent in the recogniser (Engine.recognise), the rest is rendering, cleaning, deskewing, finding rules and cells.
The readings are compared cell by cell: a cell read to another text or another doubt is counted and fails the run,
so a speed-up that changes a reading shows here and not later. The load average is printed: on a shared machine
every figure grows with it, the ratio much less.
Goal (issue 23): ≤ 1 s of CPU a page.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402

from dashboard.readers.model import Document, Paragraph, Table  # noqa: E402
from dashboard.readers.ocr_engine import engine  # noqa: E402
from dashboard.readers.scan import read_scan  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SCANS = ["hongze-2023-scan-clean.pdf", "hongze-2023-scan-office.pdf"]
GOAL_PAGE = 1.0  # s of CPU a page
BASELINE = "c225f9e"  # the reader measured at 1.24–1.42 s a page (issue 23)
_IMPORT = re.compile(r"^(\s*)(from|import) dashboard(?=[.\s])", re.MULTILINE)


def baseline_package(ref: str, into: Path) -> ModuleType:
    """The ``dashboard`` package as committed at ``ref``, importable beside this one as ``nianbao_baseline``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "dashboard"], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    package = into / "nianbao_baseline"
    (into / "dashboard").rename(package)
    for py in package.rglob("*.py"):
        text = py.read_text("utf-8")
        py.write_text(_IMPORT.sub(r"\1\2 nianbao_baseline", text), "utf-8")
    sys.path.insert(0, str(into))
    return importlib.import_module("nianbao_baseline.readers.scan")


def _cells(doc) -> dict[tuple[int, int, int], tuple[str, float | None, str | None]]:  # type: ignore[no-untyped-def]
    """(table, row, col) → (text, confidence, doubt) of every table cell, tables counted in reading order."""
    tables = [b for b in doc.blocks if type(b).__name__ == Table.__name__]  # the baseline has its own Table class
    return {(t, r, c): (cell, b.confidence.get((r, c)), b.doubts.get((r, c)))
            for t, b in enumerate(tables) for r, row in enumerate(b.rows) for c, cell in enumerate(row)}


def _differences(old, new: Document) -> tuple[int, int, float]:  # type: ignore[no-untyped-def]
    """(table cells read or doubted differently, text lines outside tables read differently, largest confidence
    difference of a cell)."""
    a, b = _cells(old), _cells(new)
    cells = sum(1 for k in a.keys() | b.keys() if k not in a or k not in b or a[k][0] != b[k][0] or a[k][2] != b[k][2])
    gap = max((abs(a[k][1] - b[k][1]) for k in a.keys() & b.keys()
               if a[k][1] is not None and b[k][1] is not None), default=0.0)
    lines = [Counter(line for p in d.blocks if type(p).__name__ == Paragraph.__name__ for line in p.text.splitlines())
             for d in (old, new)]
    return cells, max(sum((lines[0] - lines[1]).values()), sum((lines[1] - lines[0]).values())), gap


def _time_recogniser(eng) -> list[float]:  # type: ignore[no-untyped-def]
    """Count the CPU seconds spent in ``eng.recognise`` into the returned one-item list (reset it to start over)."""
    spent = [0.0]
    recognise = eng.recognise

    def timed(crops):  # type: ignore[no-untyped-def]
        t0 = time.process_time()
        try:
            return recognise(crops)
        finally:
            spent[0] += time.process_time() - t0

    eng.recognise = timed
    return spent


def main(argv: list[str] | None = None) -> int:
    """Time both readers on each corpus scan, print the table; exit 1 when a cell differs or the goal is missed."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", default=BASELINE, help=f"git commit of the baseline reader (default {BASELINE})")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scan-baseline-") as tmp:
        base_scan = baseline_package(args.baseline, Path(tmp))
        cv_threads = cv2.getNumThreads()

        def base_read(*a, **kw):  # type: ignore[no-untyped-def]
            cv2.setNumThreads(cv_threads)  # as it ran: OpenCV's default threads (the new reader sets its own)
            return base_scan.read_scan(*a, **kw)

        readers = {"base": base_read, "new": read_scan}
        c0 = time.process_time()
        engines = {"base": importlib.import_module("nianbao_baseline.readers.ocr_engine").engine()}
        c1 = time.process_time()
        engines["new"] = engine()
        c2 = time.process_time()
        in_model = {key: _time_recogniser(eng) for key, eng in engines.items()}
        print(f"baseline {args.baseline} (OpenCV threads {cv_threads}); recogniser load (once a process): "
              f"baseline {c1 - c0:.2f} s, new {c2 - c1:.2f} s; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")
        for read in readers.values():
            read(FIXTURES / SCANS[0], pages=[3])  # warm: imports, caches, first-run allocations
        print()
        print(f"{'scan':<28} {'pages':>5} {'base s/page':>11} {'new s/page':>10} {'ratio':>6} {'goal':>5}"
              f" {'base model':>10} {'new model':>9} {'cells differ':>12} {'text differs':>12} {'max Δconf':>9}")
        ok = True
        totals = {"base": 0.0, "new": 0.0}
        all_pages = 0
        for name in SCANS:
            times: dict[str, list[float]] = {"base": [], "new": []}
            model: dict[str, list[float]] = {"base": [], "new": []}
            docs = {}
            for _ in range(args.rounds):
                for key, read in readers.items():
                    in_model[key][0] = 0.0
                    t0 = time.process_time()
                    docs[key] = read(FIXTURES / name)
                    times[key].append(time.process_time() - t0)
                    model[key].append(in_model[key][0])
            pages = int(docs["new"].meta["pages"])
            cells, paragraphs, gap = _differences(docs["base"], docs["new"])
            base, new = (statistics.median(times[k]) / pages for k in ("base", "new"))
            base_model, new_model = (statistics.median(model[k]) / pages for k in ("base", "new"))
            totals["base"] += base * pages
            totals["new"] += new * pages
            all_pages += pages
            ok = ok and cells == 0 and new <= GOAL_PAGE
            print(f"{name:<28} {pages:>5} {base:>11.2f} {new:>10.2f} {base / new:>5.2f}× {GOAL_PAGE:>5.1f}"
                  f" {base_model:>10.2f} {new_model:>9.2f} {cells:>12} {paragraphs:>12} {gap:>9.1e}")
        base, new = totals["base"] / all_pages, totals["new"] / all_pages
        print(f"{'all pages':<28} {all_pages:>5} {base:>11.2f} {new:>10.2f} {base / new:>5.2f}× {GOAL_PAGE:>5.1f}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
