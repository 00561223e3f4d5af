"""The demo database: the bundled real reports plus the simulated county 示例县（模拟）, checked and stored."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.ingest.pipeline import IngestSummary, ingest_prepared
from dashboard.ingest.prepare import expand_paths, prepare_file
from dashboard.registry import Agency as RegistryAgency
from dashboard.registry import Registry
from dashboard.settings import DATA_DIR
from dashboard.store.db import writer
from dashboard.synth.county import Agency, build_county
from dashboard.synth.generate import SynthResult, synthesize
from dashboard.synth.round_demo import OFFICE_NAME, build_round

BUNDLED_REPORTS = DATA_DIR / "reports"
DEMO_DB = DATA_DIR / "demo.duckdb"
DEMO_SEED = 2024
DEMO_YEARS = list(range(2019, 2025))
DEMO_TOWNSHIPS = 20
DEMO_DEPARTMENTS = 10
DEMO_FEW = {"pdf": 3, "docx": 3}  # the slow formats, for a few reports only (the demo must start in seconds)
# The simulated county's published reports end with 2024; its 2025 reports are in the office's review round
# (dashboard/synth/round_demo.py). The demo is "as of" 27 January 2026: the drafts' deadline (20 January) has
# passed, the publication deadline (31 January) has not, so 2024 is the latest year due.
DEMO_AS_OF = "2026-01-27"
ROUND_YEARS = [2025]


@dataclass
class DemoSummary:
    """What the demo build did and how long each step took."""

    db: Path
    synth: SynthResult
    ingest: IngestSummary
    seconds: dict[str, float] = field(default_factory=dict)


def demo_county(seed: int = DEMO_SEED) -> list[Agency]:
    """示例县: about 20 乡/镇/街道 and 10 departments, the same for the same seed."""
    return build_county(random.Random(seed), 0, DEMO_TOWNSHIPS, DEMO_DEPARTMENTS)


def simulated_registry(agencies: list[Agency], base: Registry | None = None) -> Registry:
    """The store's registry plus the simulated agencies (so that they are known agencies, not UNKNOWN_AGENCY)."""
    base = base or Registry.load()
    extra = [RegistryAgency(a.name, a.kind, a.region, [a.short_name], a.short_name) for a in agencies]
    return Registry(base.agencies + extra)


def mark_simulated(db: Path, agencies: list[Agency]) -> None:
    """Set agencies.simulated for the simulated agencies, and make their county the database's home county."""
    with writer(db) as con:
        con.execute("update agencies set simulated = true where list_contains(?, name)", [[a.name for a in agencies]])
        settings = {"home_county": agencies[0].region, "as_of": DEMO_AS_OF, "office_name": OFFICE_NAME}
        for key, value in settings.items():
            con.execute("insert or replace into meta values (?, ?)", [key, value])


def ingest_simulated(files: list[Path], agencies: list[Agency], db: Path) -> IngestSummary:
    """Parse generated files like any report, flag them simulated, store them with the extended registry."""
    items = [prepare_file(f) for f in files]
    for item in items:
        if item.report is not None:
            item.report["simulated"] = True
    summary = ingest_prepared(items, db, registry=simulated_registry(agencies))
    mark_simulated(db, agencies)
    return summary


def build_demo(db: Path = DEMO_DB, seed: int = DEMO_SEED, work_dir: Path | None = None) -> DemoSummary:
    """Build the demo database from scratch at `db` (an existing file there is replaced)."""
    t0 = time.perf_counter()
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = work_dir or Path(tempfile.gettempdir()) / f"nianbao-demo-{seed}"
    shutil.rmtree(work, ignore_errors=True)  # our own scratch folder: files of an earlier run must not linger
    agencies = demo_county(seed)
    synth = synthesize(work, len(agencies), DEMO_YEARS + ROUND_YEARS, ["html", "md"], seed=seed, few=DEMO_FEW,
                       agencies=agencies)
    t1 = time.perf_counter()
    real, _ = expand_paths([BUNDLED_REPORTS])
    real_items = [prepare_file(f) for f in sorted(real)]
    summary = ingest_prepared(real_items, db)
    by_key = {(f.stem.rsplit("-", 1)[0], int(f.stem.rsplit("-", 1)[1])): f for f in synth.files}
    sim = ingest_simulated([f for (_, y), f in by_key.items() if y not in ROUND_YEARS], agencies, db)
    summary.outcomes += sim.outcomes
    summary.seconds += sim.seconds
    t2 = time.perf_counter()
    build_round(db, agencies, by_key, simulated_registry(agencies), work)
    t3 = time.perf_counter()
    return DemoSummary(db, synth, summary, {"generate": t1 - t0, "ingest": t2 - t1, "round": t3 - t2,
                                            "total": t3 - t0})
