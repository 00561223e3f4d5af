"""Imports by a logged-in user: the role check wraps the ingest pipeline (the check inside the write is the guard)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboard.ingest.pipeline import ingest_paths, ingest_prepared
from dashboard.review.users import User, require_role


def guarded_ingest(user: User | None, items: list, db: Path | None = None):  # noqa: ANN201
    """Store prepared uploads (编辑 or higher) and record the import with the user's name."""
    require_role(user, "编辑", "导入报告")
    return ingest_prepared(items, db=db, who=user.name)  # the import's audit row names the user


def guarded_ingest_paths(user: User | None, paths: list[Path], db: Path | None = None, **options: Any):  # noqa: ANN201
    """Read files in worker processes and store them (编辑 or higher); record the import with the user's name."""
    require_role(user, "编辑", "导入报告")
    return ingest_paths(paths, db=db, who=user.name, **options)  # the import's audit row names the user


def guarded_assign_identity(user: User | None, report_id: int, agency: str, year: int,
                            db: Path | None = None):  # noqa: ANN201
    """Assign unit and year to a 待认定 report (编辑 or higher), audited under the user's name."""
    from dashboard.ingest.settle import assign_identity

    require_role(user, "编辑", "认定报告的单位和年度")
    return assign_identity(report_id, agency, year, user.name, db=db)


def guarded_promote(user: User | None, report_id: int, reason: str, db: Path | None = None):  # noqa: ANN201
    """Make a held (待核对) version current (编辑 or higher), audited under the user's name with the reason."""
    from dashboard.ingest.settle import promote

    require_role(user, "编辑", "启用待核对版本")
    return promote(report_id, reason, user.name, db=db)


def guarded_collect(user: User | None, sources: list, db: Path | None = None, **options: Any):  # noqa: ANN201
    """Fetch the units' report pages from the portal and ingest them (编辑 or higher), recorded under the user's name."""
    from dashboard.ingest.collect import collect

    require_role(user, "编辑", "从门户网站采集")
    return collect(sources, db=db, who=user.name, **options)
