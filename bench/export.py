"""Benchmark of the meeting pack: a pack with 10 charts, built three times in one process; goal ≤ 5 s warm.

Builds a database from simulated reports (30 agencies × 2021–2024, via the real parser and ingest) unless --db
is given, then times: (1) the first build (Chromium starts), (2) a second build of the same pack (warm: the
browser runs, images come from the render cache), (3) a third build with the image cache cleared (warm browser,
every chart rendered again). Prints a table of the phases.

    python bench/export.py [--db FILE --year Y] [--agencies 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.export.data import load_pack_data  # noqa: E402
from dashboard.export.figures import pack_charts  # noqa: E402
from dashboard.export.images import clear_cache  # noqa: E402
from dashboard.export.pack import build_pack  # noqa: E402
from dashboard.ingest.pipeline import ingest_paths  # noqa: E402
from dashboard.synth import synthesize  # noqa: E402

GOAL_S = 5.0


def make_db(folder: Path, n_agencies: int) -> tuple[Path, int]:
    """Simulated reports for 2021–2024, parsed and ingested into folder/bench.duckdb; returns (db, last year)."""
    synthesize(folder / "synth", n_agencies, [2021, 2022, 2023, 2024], ["md", "html"], seed=11)
    db = folder / "bench.duckdb"
    ingest_paths([folder / "synth" / "reports"], db=db)
    return db, 2024


def timed_build(year: int, db: Path, out: Path) -> tuple[float, dict[str, float]]:
    """Build once; returns total seconds and seconds per phase (from the progress messages)."""
    phases: dict[str, float] = {}
    last = [time.perf_counter(), "读取数据"]

    def progress(_f: float, message: str) -> None:
        now = time.perf_counter()
        name = "图片" if last[1].startswith(("生成图片", "共 ")) else last[1]
        phases[name] = phases.get(name, 0.0) + now - last[0]
        last[0], last[1] = now, message

    t0 = time.perf_counter()
    build_pack(year, None, db, out, progress=progress)
    return time.perf_counter() - t0, phases


def main() -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--year", type=int)
    ap.add_argument("--agencies", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        t = time.perf_counter()
        db, year = (args.db, args.year) if args.db else make_db(tmp_path, args.agencies)
        setup = time.perf_counter() - t
        n_charts = len(pack_charts(load_pack_data(year, None, db)))
        runs = [("首次（启动浏览器）", *timed_build(year, db, tmp_path / "out1")),
                ("再次（缓存命中）", *timed_build(year, db, tmp_path / "out2"))]
        clear_cache()
        runs.append(("再次（清空缓存重绘）", *timed_build(year, db, tmp_path / "out3")))
    phases = ["读取数据", "图片", "生成演示文稿（PPTX）", "生成会议材料（Word）", "生成数据表（Excel）"]
    table = Table(title=f"会议材料基准：{n_charts} 张图表，{year}年（数据准备 {setup:.1f} 秒）")
    table.add_column("构建", no_wrap=True)
    for p in ["数据", "图片", "PPTX", "Word", "Excel", "合计"]:
        table.add_column(p, justify="right")
    table.add_column(f"目标 ≤ {GOAL_S:g} 秒")
    for name, total, ph in runs:
        cells = [f"{ph.get(p, 0.0):.2f}" for p in phases]
        verdict = "—" if name.startswith("首次") else ("达到" if total <= GOAL_S else "未达到")
        table.add_row(name, *cells, f"{total:.2f}", verdict)
    Console().print(table)


if __name__ == "__main__":
    main()
