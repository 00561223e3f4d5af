"""Round trip of simulated scans: synthetic county → PDF → simulated scan (varied recipes) → OCR parse → truth.

    python bench/scan_roundtrip.py                 # 50 reports (about 10 minutes of CPU)
    python bench/scan_roundtrip.py --reports 5     # a quick look

Prints one line per report (cells right, silent misses, recipe) and the totals. A miss is silent unless the parser
named the cell, its row or its table as uncertain or in a warning/error problem (as ../shared/tools/score.py counts).
Goal (issue 14): ≥ 99.5 % of cells right, 0 silent misses. Files go to bench/out/scans (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.errors import ReportError  # noqa: E402
from dashboard.parse import parse_file  # noqa: E402
from dashboard.synth.scan import Recipe, scan_county  # noqa: E402


def truth_cells(truth: dict):  # type: ignore[no-untyped-def]
    """((table, row, col), value) of every numeric cell of a truth record."""
    for table in ("disclosure", "applications", "appeals"):
        for row, cols in (truth.get(table) or {}).items():
            for col, v in (cols or {}).items():
                if v is None or isinstance(v, (int, float)):
                    yield (table, row, col), v


def compare(got: dict, truth: dict) -> tuple[int, int, int, list]:
    """(right, total, silent misses, misses) of one parsed report against its truth."""
    flagged = set(got.get("uncertain_cells") or [])
    for p in got.get("problems") or []:
        if p.get("severity") in ("warning", "error"):
            flagged.update(p.get("cells") or [])
    ok = n = silent = 0
    misses = []
    for (t, r, c), v in truth_cells(truth):
        n += 1
        g = (got.get(t) or {}).get(r, {}).get(c, "MISSING")
        if g != "MISSING" and (g or 0) == (v or 0):
            ok += 1
            continue
        named = bool({f"{t}.{r}.{c}", f"{t}.{r}", t} & flagged)
        silent += int(not named)
        misses.append((f"{t}.{r}.{c}", v, g, "named" if named else "SILENT"))
    return ok, n, silent, misses


def main(argv: list[str] | None = None) -> int:
    """Generate, scan, parse and score; exit 1 when the goal is not met."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=50)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--photo-share", type=float, default=0.1, help="share of photo-like recipes (3–5°, perspective)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scans")
    ap.add_argument("--reuse", action="store_true", help="read the scans made by an earlier run in --out again")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.reuse:
        scans = [(p, next((args.out / "printed" / "truth").glob(f"*/{p.stem.removesuffix('-scan')}.json")),
                  Recipe(**{k: tuple(v) if k == "paper" else v for k, v in
                            json.loads(p.with_suffix(".recipe.json").read_text("utf-8")).items()}))
                 for p in sorted((args.out / "scans").glob("*-scan.pdf"))][: args.reports]
    else:
        shutil.rmtree(args.out, ignore_errors=True)
        scans = scan_county(args.out, args.reports, seed=args.seed, photo_share=args.photo_share)
    print(f"{len(scans)} scans made in {time.time() - t0:.0f}s", flush=True)
    total_ok = total_n = total_silent = refused = 0
    cpu = 0.0
    for scan, truth_path, recipe in scans:
        truth = json.loads(truth_path.read_text("utf-8"))
        c0 = time.process_time()
        try:
            got = parse_file(scan)
        except ReportError as exc:
            refused += 1
            print(f"{scan.name}: refused — {exc.reason_zh}")
            continue
        dt = time.process_time() - c0
        cpu += dt
        ok, n, silent, misses = compare(got, truth)
        total_ok, total_n, total_silent = total_ok + ok, total_n + n, total_silent + silent
        ident = got.get("agency") == truth.get("agency") and got.get("year") == truth.get("year")
        print(f"{scan.name}: {ok}/{n} cells, {silent} silent, identity {'ok' if ident else 'WRONG ' + str(got.get('agency'))}"
              f", {dt:.1f}s CPU; dpi {recipe.dpi} skew {recipe.skew:+.1f}° persp {recipe.perspective:.3f} "
              f"blur {recipe.blur:.1f} noise {recipe.noise:.0f} jpeg {recipe.jpeg} faint {recipe.faint:.2f} "
              f"seal {recipe.seal}" + (f"; misses {misses[:4]}" if misses else ""), flush=True)
    acc = total_ok / max(total_n, 1)
    print(f"TOTAL {total_ok}/{total_n} = {acc:.4f} cells right; silent misses {total_silent}; refused {refused}; "
          f"OCR parse {cpu:.0f}s CPU ({cpu / max(len(scans) - refused, 1):.1f}s per report)")
    return 0 if acc >= 0.995 and total_silent == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
