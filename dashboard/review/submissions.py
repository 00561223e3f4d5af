"""A unit's submissions to the office's review: drafts as stored versions of its report, and a draft made the
published version.

A draft is a row of `reports` with `draft = true` (migration 10): it keeps its cells, sections and source file like
any version, and is never current — every scoped query reads `superseded_by is null and draft is not true` — so no
total counts it. A unit's next draft supersedes its previous one (superseded_by), so the store's history holds every
submission in order. A draft becomes the published figure only when the office marks it published
(`promote_draft`) or the published file is ingested (a new file: it becomes current as usual; the same file as the
latest draft: that draft is promoted, dashboard/ingest/pipeline.py).
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from dashboard.store.schema import update_indicators

Key = tuple[int, int]  # (agency_id, year)


def latest_drafts(con: duckdb.DuckDBPyConnection, keys: set[Key]) -> dict[Key, int]:
    """The latest (not superseded) draft of each (agency_id, year) that has one."""
    if not keys:
        return {}
    rows = con.execute("""select agency_id, year, max(report_id) from reports
                          where draft and superseded_by is null
                            and list_contains(?, agency_id::varchar || '/' || year::varchar)
                          group by agency_id, year""", [[f"{a}/{y}" for a, y in keys]]).fetchall()
    return {(int(a), int(y)): int(r) for a, y, r in rows}


def promote_draft(con: duckdb.DuckDBPyConnection, report_id: int) -> int | None:
    """Make a draft the published (current) version of its agency-year, inside an open writer connection.

    The published version it replaces (if any) is superseded by it; indicators and findings follow. Returns the
    report id it replaced."""
    row = con.execute("select agency_id, year, parse_json, coalesce(draft, false) from reports where report_id = ?",
                      [int(report_id)]).fetchone()
    if row is None or not row[3]:
        return None
    aid, year, parse_json, _ = row
    old = con.execute("""select report_id from reports where agency_id = ? and year = ? and superseded_by is null
                         and draft is not true""", [aid, year]).fetchone()
    con.execute("update reports set draft = false, superseded_by = null where report_id = ?", [int(report_id)])
    if old:
        con.execute("update reports set superseded_by = ? where report_id = ?", [int(report_id), int(old[0])])
    update_indicators(con, f"(select {int(report_id)} as report_id)",
                      f"(select {int(old[0])} as report_id)" if old else None)
    from dashboard.review.findings import check_stored

    report: dict[str, Any] = json.loads(parse_json)
    check_stored(con, {(int(aid), int(year)): (int(report_id), report)})
    return int(old[0]) if old else None
