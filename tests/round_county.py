"""A small county for the review-round tests: three simulated units with their 2024 reports (published) and 2025
reports (sent as drafts) as text files, and a database with the 2024 reports and the 2025 round opened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dashboard.ingest.pipeline import ingest_prepared
from dashboard.ingest.prepare import prepare_file
from dashboard.review import rounds
from dashboard.review.users import cli_user
from dashboard.synth.demo import demo_county, simulated_registry
from dashboard.synth.generate import synthesize

DRAFT_DEADLINE = dt.date(2026, 1, 20)


def make_county(root: Path, n: int = 3) -> dict:
    """The files and registry of `n` simulated units."""
    agencies = demo_county()[:n]
    result = synthesize(root / "synth", len(agencies), [2024, 2025], ["md"], seed=2024, agencies=agencies)
    files = {(p.stem.rsplit("-", 1)[0], int(p.stem.rsplit("-", 1)[1])): p for p in result.files}
    return {"agencies": agencies, "files": files, "registry": simulated_registry(agencies), "root": root}


def fresh_db(county: dict, db: Path) -> Path:
    """A database with the county's 2024 reports and the 2025 round opened (drafts due 20 January 2026)."""
    ingest_prepared([prepare_file(p) for (_, y), p in county["files"].items() if y == 2024], db,
                    registry=county["registry"])
    rounds.open_round(cli_user(), 2025, DRAFT_DEADLINE, region=county["agencies"][0].region, db=db)
    return db


def draft(county: dict, i: int) -> Path:
    """The clean 2025 report of unit i."""
    return county["files"][(county["agencies"][i].name, 2025)]


def write(path: Path, text: str) -> Path:
    """`text` saved at `path` (UTF-8)."""
    path.write_text(text, encoding="utf-8")
    return path
