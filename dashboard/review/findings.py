"""Running the checks on stored reports and keeping their findings, without losing what a reviewer decided.

The checks read current values: each report's record with its active corrections applied
(dashboard/review/corrections.py). A correction that makes a finding go away closes it as `resolved` (kept, with
who and when, and an audit row) instead of deleting it; a stale correction (carried from an older version whose
cell now reads differently) is itself a CORRECTION_STALE finding until someone decides it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.checks import CheckContext, Finding, run_checks
from dashboard.registry import Registry
from dashboard.review.corrected import active_changes, apply_to_record
from dashboard.review.users import User, require_role
from dashboard.store.named import run_writes

Key = tuple[int, int]  # (agency_id, year)
STALE_RULE = "CORRECTION_STALE"
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
                              join _wanted_keys w using (agency_id, year) where r.superseded_by is null and r.draft is not true""").fetchall()
    finally:
        con.unregister("_wanted_keys")
    return {(a, y): (rid, json.loads(js)) for a, y, rid, js in rows}


def _agency_context(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str | None, bool]]:
    rows = con.execute("select agency_id, name, kind, coalesce(in_registry, false) from agencies").fetchall()
    return {aid: (name, kind, known) for aid, name, kind, known in rows}


class CheckContexts:
    """The context of each report's checks in one run: its previous year's report from `pool` (with the corrections
    on it), its agency's kind and whether the registry knows it, and the registry's suggestion for an unknown name
    (asked once a name)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, pool: dict[Key, tuple[int, dict[str, Any]]],
                 registry: Registry) -> None:
        self.pool = _with_corrections(con, pool)
        self._agencies = _agency_context(con)
        self._registry = registry
        self._suggestions: dict[str, str | None] = {}

    def __call__(self, aid: int, year: int, report: dict[str, Any]) -> CheckContext:
        name, kind, known = self._agencies.get(aid, ("", None, False))
        if not known and name not in self._suggestions:
            self._suggestions[name] = self._registry.match(report.get("agency") or name).suggestion
        prev = self.pool.get((aid, year - 1))
        return CheckContext(previous=prev[1] if prev else None, agency_kind=kind, agency_known=known,
                            agency_suggestion=None if known else self._suggestions.get(name))


def check_stored(con: duckdb.DuckDBPyConnection, targets: dict[Key, tuple[int, dict[str, Any]]],
                 registry: Registry | None = None, known_reports: dict[Key, tuple[int, dict[str, Any]]] | None = None,
                 with_next_year: bool = True, resolved_by: dict[str, Any] | None = None) -> dict[int, list[Finding]]:
    """Check the given current reports (and, when asked, the next-year reports that compare with them); save findings.

    `resolved_by` ({'who', 'corrections'}) when a correction triggered the run: findings that no longer arise are
    closed as resolved by it rather than deleted."""
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
    contexts = CheckContexts(con, pool, registry)
    todo = {k: contexts.pool[k] for k in todo}
    results: dict[int, list[Finding]] = {}
    for (aid, year), (rid, report) in todo.items():
        results[rid] = run_checks(report, contexts(aid, year, report))
    for rid, extra in _stale_findings(con, list(results)).items():
        results[rid].extend(extra)
    save_findings(con, results, resolved_by)
    return results


def _with_corrections(con: duckdb.DuckDBPyConnection,
                      pool: dict[Key, tuple[int, dict[str, Any]]]) -> dict[Key, tuple[int, dict[str, Any]]]:
    """The reports with their active corrections applied (a report without corrections is passed as it is)."""
    changes = active_changes(con, [rid for rid, _ in pool.values()])
    return {k: (rid, apply_to_record(rep, changes[rid]) if rid in changes else rep) for k, (rid, rep) in pool.items()}


def _stale_findings(con: duckdb.DuckDBPyConnection, report_ids: list[int]) -> dict[int, list[Finding]]:
    """One CORRECTION_STALE warning per correction carried from an older version and not applied."""
    if not report_ids:
        return {}
    from dashboard.catalogue.labels import cell_label

    rows = con.execute("""select report_id, tbl, row_code, col_code, value_before, value_after, who, reason,
                                 correction_id
                          from corrections where status = 'stale' and list_contains(?, report_id)""",
                       [report_ids]).fetchall()
    out: dict[int, list[Finding]] = {}

    def num(v: float | None) -> str:
        return "空白" if v is None else (str(int(v)) if float(v).is_integer() else f"{v:g}")

    for rid, tbl, row, col, now_read, after, who, reason, cid in rows:
        key = f"{tbl}.{row}.{col}"
        out.setdefault(int(rid), []).append(Finding(
            STALE_RULE, "warning",
            f"旧版上的人工更正未沿用：{cell_label(key)} 曾由 {who} 更正为 {num(after)}（理由：{reason}），"
            f"新版文件读为 {num(now_read)}，与更正时读到的数值不同。请在“校对”页复核（重新应用或放弃）。",
            [key], f"correction {cid} not carried: the new file reads {num(now_read)} here"))
    return out


def recheck_reports(con: duckdb.DuckDBPyConnection, report_ids: list[int],
                    resolved_by: dict[str, Any] | None = None) -> list[int]:
    """Rerun the checks of these current reports (and the next year's) after a correction; returns findings closed."""
    rows = con.execute("""select agency_id, year, report_id, parse_json from reports
                          where superseded_by is null and draft is not true and list_contains(?, report_id)""",
                       [[int(r) for r in report_ids]]).fetchall()
    targets = {(a, y): (rid, json.loads(js)) for a, y, rid, js in rows}
    before = {r[0] for r in con.execute("select finding_id from findings where status = 'resolved'").fetchall()}
    check_stored(con, targets, with_next_year=True, resolved_by=resolved_by)
    after = {r[0] for r in con.execute("select finding_id from findings where status = 'resolved'").fetchall()}
    return sorted(after - before)


def save_findings(con: duckdb.DuckDBPyConnection, results: dict[int, list[Finding]],
                  resolved_by: dict[str, Any] | None = None) -> int:
    """Replace the open findings of these reports; a finding a reviewer confirmed or dismissed is kept, not repeated.

    With `resolved_by`, an open finding that no longer arises is closed (status 'resolved', who, when, audit row)."""
    if not results:
        return 0
    ids = pa.table({"report_id": list(results)})
    con.register("_checked", ids)
    reviewed = con.execute("""select report_id, rule, cells, message from findings
                              where report_id in (select report_id from _checked)
                                and status in ('confirmed', 'dismissed')""").fetchall()
    con.execute("begin")
    try:
        if resolved_by:
            _resolve_vanished(con, results, resolved_by)
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


def _resolve_vanished(con: duckdb.DuckDBPyConnection, results: dict[int, list[Finding]],
                      resolved_by: dict[str, Any]) -> None:
    """Close as 'resolved' the open findings of the checked reports that the new run no longer produces."""
    from dashboard.review import audit

    fresh = {(rid, f.rule, tuple(f.cells), f.message) for rid, fs in results.items() for f in fs}
    open_rows = con.execute("""select finding_id, report_id, rule, cells, message from findings
                               where status = 'open' and report_id in (select report_id from _checked)""").fetchall()
    who = str(resolved_by.get("who") or "")
    for fid, rid, rule, cells, msg in open_rows:
        if (rid, rule, tuple(cells or []), msg) in fresh:
            continue
        con.execute("""update findings set status = 'resolved', reviewed_by = ?, reviewed_at = now()::timestamp
                       where finding_id = ?""", [who, fid])
        audit.log(con, who, "finding_resolved", f"报告 {rid} 问题 {fid}（{rule}）", {"status": "open"},
                  {"status": "resolved"}, finding_id=fid, report_id=rid, rule=rule, message=msg,
                  corrections=list(resolved_by.get("corrections") or []))


def recheck(con: duckdb.DuckDBPyConnection, year: int | None = None, agency_id: int | None = None,
            registry: Registry | None = None) -> dict[int, list[Finding]]:
    """Run every check again on the current reports (optionally of one year / agency) and save the findings."""
    rows = con.execute("""select agency_id, year, report_id, parse_json from reports
                          where superseded_by is null and draft is not true and ($year is null or year = $year)
                            and ($agency_id is null or agency_id = $agency_id)""",
                       {"year": year, "agency_id": agency_id}).fetchall()
    targets = {(a, y): (rid, json.loads(js)) for a, y, rid, js in rows}
    results = check_stored(con, targets, registry, with_next_year=False)
    details = {"year": year, "agency_id": agency_id, "reports": len(results),
               "findings": sum(len(v) for v in results.values())}
    con.execute("insert into audit_log values (now(), 'nianbao check', 'check', ?)", [json.dumps(details)])
    return results


def set_finding_status(finding_id: int, status: str, who: str, note: str | None = None,
                       db: Path | None = None) -> None:
    """Confirm, dismiss or reopen a finding, with its entry in the audit log."""
    if status not in ("confirmed", "dismissed", "open"):
        raise ValueError(f"未知的状态 / unknown status: {status!r}")
    args = {"finding_id": int(finding_id), "status": status, "who": who}
    run_writes([("review_audit_finding", {**args, "note": note}), ("review_set_finding_status", args)], db)


def guarded_set_finding_status(user: User | None, finding_id: int, status: str, note: str | None = None,
                               db: Path | None = None) -> None:
    """Confirm, dismiss or reopen a finding (编辑 or higher), recorded under the user's name."""
    require_role(user, "编辑", "核实问题")
    set_finding_status(finding_id, status, user.name, note, db=db)
