"""Drafts sent to the office's review: files stored as draft versions of their unit's report (never current, so no
total counts them), then the round's drafts checked against the previous year and the other units
(dashboard/review/rounds.py, dashboard/review/submissions.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dashboard.ingest.pipeline import IngestSummary, ingest_paths, ingest_prepared
from dashboard.ingest.prepare import Prepared, prepare_file
from dashboard.registry import Registry
from dashboard.review.users import User, require_role
from dashboard.store.db import writer


def ingest_draft_items(items: list[Prepared], db: Path | None = None, who: str | None = None,
                       registry: Registry | None = None, submitted_at: dt.datetime | None = None) -> IngestSummary:
    """Store prepared files as drafts, then check every year's drafts they touch (findings saved)."""
    for item in items:
        item.extra["draft"] = True
        item.extra["submitted_at"] = submitted_at or item.extra.get("submitted_at") or dt.datetime.now()
    summary = ingest_prepared(items, db, registry=registry, who=who)
    check_drafts(summary, db, who)
    return summary


def check_drafts(summary: IngestSummary, db: Path | None, who: str | None) -> None:
    """After drafts were stored: check the drafts of every year they touch, and one audit row for the submission."""
    from dashboard.review import audit
    from dashboard.review.rounds import check_round

    years = sorted({o.year for o in summary.outcomes if o.status in ("ingested", "superseded") and o.year})
    if not years:
        return
    with writer(db) as con:
        for year in years:
            check_round(con, int(year))
        stored = [o for o in summary.outcomes if o.status in ("ingested", "superseded")]
        if stored:
            audit.log(con, who or audit.cli_who(), "round_submit", f"报送稿 {len(stored)} 份", None,
                      {"reports": [[o.agency, o.year, o.report_id] for o in stored]})


def ingest_drafts(user: User | None, paths: list[Path], db: Path | None = None, registry: Registry | None = None,
                  submitted_at: dt.datetime | None = None) -> IngestSummary:
    """Read files (in this process) and store them as drafts sent to the review (编辑 or higher)."""
    user = require_role(user, "编辑", "接收报送稿")
    return ingest_draft_items([prepare_file(Path(p)) for p in paths], db, user.name, registry, submitted_at)


def guarded_ingest_draft_paths(user: User | None, paths: list[Path], db: Path | None = None,
                               **options: Any) -> IngestSummary:
    """Read files in worker processes (the 导入 page's way) and store them as drafts (编辑 or higher)."""
    user = require_role(user, "编辑", "接收报送稿")
    summary = ingest_paths(paths, db=db, who=user.name, draft=True, **options)
    check_drafts(summary, db, user.name)
    return summary
