"""Benchmark: reports per second for ingest + checks into DuckDB (goal: 10,000 reports in ≤ 60 s).

The corpus reports are parsed once (timed separately), then repeated with varied agency and year — each copy
a distinct simulated agency-year, so every record is new — and stored with `ingest_prepared` (batched Arrow
inserts, checks run after each batch, copy-and-swap writer). Prints a table. Before that, the parse stage alone:
copies of the corpus files read by worker processes (dashboard.ingest.workers) with 1 worker and with 2 —
reports/s of each.

    python bench/ingest.py [--n 10000] [--batch 2000] [--no-bytes] [--db PATH] [--parse-files 40]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.ingest.pipeline import ingest_prepared  # noqa: E402
from dashboard.ingest.prepare import prepare_record  # noqa: E402
from dashboard.ingest.workers import parse_files  # noqa: E402
from dashboard.parse import parse_file  # noqa: E402
from dashboard.store.db import open_db  # noqa: E402

CORPUS = [ROOT / "tests/fixtures" / n for n in ("000_7180246cedc2b1d8.txt", "hongze-2023.pdf", "pingtan-2025.html",
                                                 "pingtan-2025.docx", "shanghai-kewei-2024.md")]
KINDS = ["乡人民政府", "镇人民政府", "街道办事处", "县教育局", "县人民政府"]


def variants(parsed: list[tuple[dict, bytes]], n: int, with_bytes: bool, start: int = 0) -> list:
    """n records: the corpus reports under simulated agencies, years 2019–2025."""
    out = []
    for i in range(start, start + n):
        base, data = parsed[i % len(parsed)]
        rep = copy.deepcopy(base)
        agency_no, year = divmod(i, 7)
        rep["agency"] = f"基准{agency_no}{KINDS[agency_no % len(KINDS)]}"
        rep["year"] = 2019 + year
        rep["simulated"] = True
        payload = data + f"\n#{i}".encode() if with_bytes else None
        out.append(prepare_record(rep, f"bench-{i}{Path(rep.get('source') or '.txt').suffix}", payload))
    return out


def parse_stage(n: int) -> list[tuple[str, int, float]]:
    """Parse n copies of the corpus files in worker processes with 1 and with 2 workers (the ingest's read step)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-parse-"))
    files = []
    for i in range(n):
        src = CORPUS[i % len(CORPUS)]
        dst = folder / f"{i:04d}-{src.name}"
        shutil.copyfile(src, dst)
        files.append(dst)
    out = []
    list(parse_files(files[:1], workers=1))  # start the forkserver (parsers imported once, ~1 s) outside the timing
    for workers in (1, 2):
        t = time.perf_counter()
        ok = sum(1 for r in parse_files(files, workers=workers) if r.prepared.ok)
        out.append((f"parse in {workers} worker{'s' if workers > 1 else ''}", ok, time.perf_counter() - t))
    shutil.rmtree(folder)
    return out


def main() -> None:
    """Run the benchmark and print one table row per stage."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--no-bytes", action="store_true", help="do not store source file bytes")
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--parse-files", type=int, default=40, help="files parsed by the worker benchmark (0: skip)")
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="nianbao-bench-")) / "bench.duckdb"
    rows = []
    if args.parse_files:
        rows += parse_stage(args.parse_files)

    t = time.perf_counter()
    parsed = [(parse_file(p), p.read_bytes()) for p in CORPUS]
    dt = time.perf_counter() - t
    rows.append(("parse corpus files (once)", len(parsed), dt))

    # Records are made one batch at a time (all 10,000 with their file bytes would not fit in memory comfortably).
    prep = ingest_s = ingest_cpu = again_s = 0.0
    stored = unchanged = 0
    for start in range(0, args.n, args.batch):
        t = time.perf_counter()
        items = variants(parsed, min(args.batch, args.n - start), not args.no_bytes, start)
        prep += time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        counts = ingest_prepared(items, db=db, batch_size=args.batch).counts()
        ingest_s += time.perf_counter() - t
        ingest_cpu += time.process_time() - cpu
        stored += counts["ingested"] + counts["superseded"]
        t = time.perf_counter()
        unchanged += ingest_prepared(items, db=db, batch_size=args.batch, run_checks_after=False).counts()["unchanged"]
        again_s += time.perf_counter() - t
    rows.append(("prepare records", args.n, prep))
    rows.append(("ingest + checks", stored, ingest_s))
    rows.append(("  (CPU seconds of the same)", stored, ingest_cpu))
    rows.append(("re-ingest (all unchanged)", unchanged, again_s))

    con = open_db(db, read_only=True)
    stats = con.execute("""select (select count(*) from reports), (select count(*) from cells),
                                  (select count(*) from findings)""").fetchall()[0]
    t = time.perf_counter()
    ind = con.execute("select count(*) from indicators").fetchall()[0][0]
    rows.append(("query indicators table", ind, time.perf_counter() - t))
    con.close()

    import os

    print(f"\nmachine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"DB {db} ({db.stat().st_size / 1e6:.0f} MB): {stats[0]} reports, {stats[1]} cells, {stats[2]} findings")
    print(f"{'stage':<30}{'items':>10}{'seconds':>10}{'items/s':>12}")
    for name, n, sec in rows:
        print(f"{name:<30}{n:>10}{sec:>10.2f}{n / sec if sec else 0:>12.0f}")
    goal = next(r for r in rows if r[0] == "ingest + checks")
    print(f"\ngoal 10,000 reports ≤ 60 s: {args.n} in {goal[2]:.1f} s → "
          f"{'met' if goal[2] * 10_000 / max(args.n, 1) <= 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
