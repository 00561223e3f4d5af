"""Benchmark: generate N simulated reports, then parse, store and check them; time per stage and accuracy.

    python bench/synth.py                 # 10 000 reports (html/md/docx, 100 of them pdf)
    python bench/synth.py --reports 500   # a quick run

Files go to bench/out/synth (ignored by git); the database to bench/out/synth.duckdb (rebuilt each run).
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from dashboard.ingest.pipeline import ingest_prepared  # noqa: E402
from dashboard.ingest.prepare import prepare_file  # noqa: E402
from dashboard.review.findings import recheck  # noqa: E402
from dashboard.store.db import open_db, writer  # noqa: E402
from dashboard.synth.demo import mark_simulated, simulated_registry  # noqa: E402
from dashboard.synth.generate import parse_years, synthesize  # noqa: E402
from dashboard.synth.score import cell_diffs, score_findings, stored_findings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one table of stage timings and one of accuracy."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=10_000, help="about how many reports to generate")
    ap.add_argument("--years", default="2019-2024")
    ap.add_argument("--formats", default="html,md,docx", help="formats shared out by agency habit")
    ap.add_argument("--pdf", type=int, default=100, help="exactly this many reports as PDF (slow to print)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args(argv)

    years = parse_years(args.years)
    n_agencies = math.ceil(args.reports / len(years))
    work, db = args.out / "synth", args.out / "synth.duckdb"
    shutil.rmtree(work, ignore_errors=True)
    db.unlink(missing_ok=True)
    times: dict[str, float] = {}

    t = time.perf_counter()
    result = synthesize(work, n_agencies, years, args.formats.split(","), seed=args.seed,
                        few={"pdf": args.pdf} if args.pdf else None)
    times["generate"] = time.perf_counter() - t

    t = time.perf_counter()
    items = [prepare_file(p) for p in result.files]
    for it in items:
        if it.report is not None:
            it.report["simulated"] = True
    times["parse"] = time.perf_counter() - t

    t = time.perf_counter()
    summary = ingest_prepared(items, db, registry=simulated_registry(result.agencies), run_checks_after=False)
    mark_simulated(db, result.agencies)
    times["store"] = time.perf_counter() - t

    t = time.perf_counter()
    with writer(db) as con:
        recheck(con, registry=simulated_registry(result.agencies))
    times["check"] = time.perf_counter() - t

    n = len(result.files)
    console = Console()
    table = Table(title=f"{n} 份模拟报告 / simulated reports, {n_agencies} 个机关 / agencies, {len(years)} 年 / years")
    for col in ("阶段 stage", "秒 s", "份/秒 reports/s", "毫秒/份 ms/report"):
        table.add_column(col, justify="right")
    for stage in ("generate", "parse", "check", "store"):
        s = times[stage]
        table.add_row(stage, f"{s:.1f}", f"{n / s:.0f}" if s else "-", f"{1000 * s / n:.1f}")
    table.add_row("total", f"{sum(times.values()):.1f}", f"{n / sum(times.values()):.0f}", "")
    console.print(table)

    wrong = sum(1 for t_, it in zip(result.truths, items, strict=True) if it.report is None
                or cell_diffs(t_, it.report))
    con = open_db(db, read_only=True)
    score = score_findings(result.truths, stored_findings(con))
    acc = Table(title="准确性 / accuracy")
    acc.add_column("项目 item")
    acc.add_column("数量 count", justify="right")
    acc.add_row("formats", ", ".join(f"{k} {v}" for k, v in sorted(result.counts()["formats"].items())))
    acc.add_row("stored / failed", f"{summary.counts()['ingested']} / {summary.counts()['failed']}")
    acc.add_row("reports read differently from the truth", str(wrong))
    acc.add_row("planted defects and patterns found", ", ".join(f"{k} {v}" for k, v in sorted(score.found.items())))
    acc.add_row("missed", str(len(score.missed)))
    acc.add_row("missing reports (not generated)", str(len(result.missing)))
    acc.add_row(f"findings on the {score.clean_reports} clean reports", str(len(score.clean_findings)))
    console.print(acc)
    return 0 if wrong == 0 and not score.missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
