"""Parse speed per format over the real fixture reports, in one process; prints a table with the goal ratio.

usage: python bench/parse.py [--repeat N]
Goals (issues 2 and 3): ≥ 100 reports/s on one core for text and HTML; ≤ 0.3 s per PDF (six pages); ≤ 0.1 s per DOCX.
"""

from __future__ import annotations

import argparse
import statistics
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


def main() -> None:
    """Time each format and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=20)
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


if __name__ == "__main__":
    main()
