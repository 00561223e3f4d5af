"""下载原件: a stored report's original file, by report id, from the source-file store (hash checked)."""

from __future__ import annotations

import os

from dashboard.store.location import db_path
from dashboard.store.named import run_query
from dashboard.store.sources import SourceError, store_for

__all__ = ["SourceError", "read_source"]


def read_source(report_id: int, db: str | os.PathLike[str] | None = None) -> tuple[str, bytes] | None:
    """下载原件: (original file name, bytes) of a report, from the row (old databases) or the store, hash checked.

    None when the report has no source file (a record entered without one); SourceError when the file should be
    in the store but is missing or changed — the page says so instead of offering other bytes.
    """
    target = db_path(db)
    df = run_query("detail_report_source", db=target, report_id=int(report_id))
    if df.empty:
        return None
    row = df.iloc[0]
    name = str(row["source_name"])
    inside = row["source_bytes"]
    if isinstance(inside, (bytes, bytearray, memoryview)):
        return name, bytes(inside)  # a database not yet migrated keeps the bytes in the row
    if row.get("source_stored") is not True and not (hasattr(row.get("source_stored"), "item")
                                                    and bool(row["source_stored"])):
        return None
    return name, store_for(target).get(str(row["sha256"]))
