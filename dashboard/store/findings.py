"""Running the checks on stored reports and keeping their findings, without losing what a reviewer decided."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.checks import CheckContext, Finding, run_checks
from dashboard.store.agencies import Registry

Key = tuple[int, int]  # (agency_id, year)
FINDING_COLUMNS = ["finding_id", "report_id", "rule", "severity", "cells", "message", "status", "reviewed_by",
                   "reviewed_at", "message_en"]


def current_reports(con: duckdb.DuckDBPyConnection, keys: set[Key]) -> dict[Key, tuple[int, dict[str, Any]]]:
    """The current (not superseded) report of each (agency_id, year), with its canonical dict."""
    if not keys:
        return {}
    wanted = pa.table({"agency_id": [k[0] for k in keys], "year": [k[1] for k in keys]})
    con.register("_wanted_keys", wanted)
    try:
        rows = con.execute("""select r.agency_id, r.year, r.report_id, r.parse_json from reports r
                              join _wanted_keys w using (agency_id, year) where r.superseded_by is null""").fetchall()
    finally:
        con.unregister("_wanted_keys")
    return {(a, y): (rid, json.loads(js)) for a, y, rid, js in rows}


def _agency_context(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str | None, bool]]:
    rows = con.execute("select agency_id, name, kind, coalesce(in_registry, false) from agencies").fetchall()
    return {aid: (name, kind, known) for aid, name, kind, known in rows}


def check_stored(con: duckdb.DuckDBPyConnection, targets: dict[Key, tuple[int, dict[str, Any]]],
                 registry: Registry | None = None, known_reports: dict[Key, tuple[int, dict[str, Any]]] | None = None,
                 with_next_year: bool = True) -> dict[int, list[Finding]]:
    """Check the given current reports (and, when asked, the next-year reports that compare with them); save findings."""
    registry = registry or Registry.load()
    pool: dict[Key, tuple[int, dict[str, Any]]] = dict(known_reports or {})
    pool.update(targets)
    todo = dict(targets)
    if with_next_year:
        nxt = {(a, y + 1) for a, y in targets} - set(pool)
        pool.update(current_reports(con, nxt))
        todo.update({k: pool[k] for k in {(a, y + 1) for a, y in targets} if k in pool})
    prev_keys = {(a, y - 1) for a, y in todo} - set(pool)
    pool.update(current_reports(con, prev_keys))
    agencies = _agency_context(con)
    suggestions: dict[str, str | None] = {}
    results: dict[int, list[Finding]] = {}
    for (aid, year), (rid, report) in todo.items():
        name, kind, known = agencies.get(aid, ("", None, False))
        if not known and name not in suggestions:
            suggestions[name] = registry.match(report.get("agency") or name).suggestion
        prev = pool.get((aid, year - 1))
        ctx = CheckContext(previous=prev[1] if prev else None, agency_kind=kind, agency_known=known,
                           agency_suggestion=None if known else suggestions.get(name))
        results[rid] = run_checks(report, ctx)
    save_findings(con, results)
    return results


def save_findings(con: duckdb.DuckDBPyConnection, results: dict[int, list[Finding]]) -> int:
    """Replace the open findings of these reports; a finding a reviewer confirmed or dismissed is kept, not repeated."""
    if not results:
        return 0
    ids = pa.table({"report_id": list(results)})
    con.register("_checked", ids)
    reviewed = con.execute("""select report_id, rule, cells, message from findings
                              where report_id in (select report_id from _checked) and status <> 'open'""").fetchall()
    con.execute("begin")
    try:
        con.execute("delete from findings where status = 'open' and report_id in (select report_id from _checked)")
        kept = {(r, rule, tuple(cells or []), msg) for r, rule, cells, msg in reviewed}
        next_id = con.execute("select coalesce(max(finding_id), 0) + 1 from findings").fetchall()[0][0]
        cols: dict[str, list] = {c: [] for c in FINDING_COLUMNS}
        for rid, findings in results.items():
            for f in findings:
                if (rid, f.rule, tuple(f.cells), f.message) in kept:
                    continue
                for c, v in zip(FINDING_COLUMNS, [next_id, rid, f.rule, f.severity, list(f.cells), f.message,
                                                  "open", None, None, f.message_en], strict=True):
                    cols[c].append(v)
                next_id += 1
        findings_t = pa.table(cols, schema=pa.schema([
            ("finding_id", pa.int32()), ("report_id", pa.int32()), ("rule", pa.string()), ("severity", pa.string()),
            ("cells", pa.list_(pa.string())), ("message", pa.string()), ("status", pa.string()),
            ("reviewed_by", pa.string()), ("reviewed_at", pa.timestamp("us")), ("message_en", pa.string())]))
        con.register("_new_findings", findings_t)
        con.execute(f"insert into findings ({', '.join(FINDING_COLUMNS)}) select * from _new_findings")
        con.unregister("_new_findings")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_checked")
    return len(cols["finding_id"])


def recheck(con: duckdb.DuckDBPyConnection, year: int | None = None, agency_id: int | None = None,
            registry: Registry | None = None) -> dict[int, list[Finding]]:
    """Run every check again on the current reports (optionally of one year / agency) and save the findings."""
    rows = con.execute("""select agency_id, year, report_id, parse_json from reports
                          where superseded_by is null and ($year is null or year = $year)
                            and ($agency_id is null or agency_id = $agency_id)""",
                       {"year": year, "agency_id": agency_id}).fetchall()
    targets = {(a, y): (rid, json.loads(js)) for a, y, rid, js in rows}
    results = check_stored(con, targets, registry, with_next_year=False)
    details = {"year": year, "agency_id": agency_id, "reports": len(results),
               "findings": sum(len(v) for v in results.values())}
    con.execute("insert into audit_log values (now(), 'nianbao check', 'check', ?)", [json.dumps(details)])
    return results
