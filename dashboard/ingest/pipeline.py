"""Ingest: files in, reports stored with their cells, sections and findings; history kept, nothing half-written.

Files are read and parsed in worker processes with per-file limits (dashboard.ingest.workers), which also do the
per-report work (dashboard.ingest.finish: record JSON, cell and section rows, the checks that read the record alone,
indicator values, the 待认定 hold of a misread unit); this process gives report ids, decides supersede/hold, runs the
cross-year checks against the store, and writes the batch's rows, its indicators from the batch itself. The workers
also put each report's file in the source store. While it writes, a thread reads ahead (at most a batch) so the
workers go on parsing. The batches of a run share one copy of the store, swapped in every few seconds and at the
end (store.db.SpanningWriter). Each report is written whole or not at all: reports are grouped into one transaction per batch (one
transaction per report measured 125 reports/s), and when a batch transaction fails, its reports are retried
one transaction each, so a bad record fails alone (on a lake, where a failed statement loses the whole session,
the batch is retried in halves, each its own session: `_write_session`). Same content again (sha256) is `unchanged`; a new file for
an agency and year that already has a report `supersedes` it (the old one stays, with superseded_by set) when it
qualifies by evidence (see `evidence.decide`), else it is `held` (待核对): stored, not current, with a finding saying why.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.checks import run_checks
from dashboard.checks.model import Finding, flattened_reports
from dashboard.ingest.agencies import resolve_agencies, sync_registry
from dashboard.ingest.collector import writing_batches
from dashboard.ingest.evidence import When, by_bytes, contexts, decide, evidence_of, older_than
from dashboard.ingest.finish import Finished, finished_of, merge, run_rules
from dashboard.ingest.identity import PENDING, Hold, identity_hold
from dashboard.ingest.prepare import Passed, Prepared, expand_paths
from dashboard.ingest.progress import progress_bar
from dashboard.ingest.settle import Assignment, apply_assignment, assign_in
from dashboard.ingest.workers import FileOutcome, Limits, in_input_order, parse_files
from dashboard.registry import Registry
from dashboard.review.audit import cli_who
from dashboard.review.corrections import carry_over
from dashboard.review.findings import CheckContexts, Key, check_stored, current_reports, save_findings
from dashboard.review.submissions import latest_drafts, promote_draft
from dashboard.store.db import SpanningWriter, remove_unnamed_sources, writer
from dashboard.store.indicators import indicator_values
from dashboard.store.location import db_path
from dashboard.store.records import (
    CELL_COLUMNS,
    cell_rows,
    layout_of,
    printed_date,
    section_rows,
)
from dashboard.store.schema import fill_indicators
from dashboard.store.sources import SourceError, keep_scan_view, keep_source, session_store, store_for

log = logging.getLogger("nianbao.ingest")
BATCH_FILES = 200  # a batch is a number of files, never a time: the same files give the same report ids
BATCH_BYTES = 64 * 1024 * 1024  # …or of this many bytes of source files: the parent's memory stays bounded
STATUSES = ("ingested", "superseded", "unchanged", "failed")
STORED = ("ingested", "superseded", "unchanged", "held", "unidentified")


@dataclass
class Outcome:
    """What happened to one input."""

    source: str
    status: str  # ingested | superseded | unchanged | held (待核对) | unidentified (待认定) | failed
    reason_zh: str = ""
    reason_en: str = ""
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    supersedes: int | None = None
    findings: int = 0


@dataclass
class IngestSummary:
    """Per-input outcomes of one ingest run and its duration."""

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files that are not reports (by suffix)
    passed: list[Passed] = field(default_factory=list)  # not read, with the reason: unreadable folders, links, FIFOs
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        """Number of inputs per status (ingested/superseded/unchanged/failed always, 0 when none; held when any)."""
        c = Counter(o.status for o in self.outcomes)
        out = {s: c.get(s, 0) for s in STATUSES}
        for extra in ("held", "unidentified"):
            if c.get(extra):
                out[extra] = c[extra]
        return out

    def failed(self) -> list[Outcome]:
        """The inputs that could not be stored, with their reasons."""
        return [o for o in self.outcomes if o.status == "failed"]

    def held(self) -> list[Outcome]:
        """The inputs stored as held versions (待核对), with why they did not become current."""
        return [o for o in self.outcomes if o.status == "held"]

    def unidentified(self) -> list[Outcome]:
        """The inputs stored as 待认定: unit or year not settled, waiting for an 编辑."""
        return [o for o in self.outcomes if o.status == "unidentified"]

    def all_stored(self) -> bool:
        """True when every input was stored or unchanged and no folder was left unread (exit code 0)."""
        return not self.failed() and not any(p.failed for p in self.passed)


def _report_row(rid: int, aid: int | None, it: Prepared, now: datetime,
                report: dict[str, Any] | None = None, fin: Finished | None = None) -> dict[str, Any]:
    r = report if report is not None else it.report
    # the file into the source store (put there already by the worker that parsed it, when it could); the row
    # keeps its hash
    stored = keep_source(it.source_bytes, it.sha256, it.extra.get("source_put"))
    if stored:
        keep_scan_view(it.sha256, it.extra.get("scan_view"))  # a scan's page images and cell boxes, for 校对
    return {"report_id": rid, "agency_id": aid, "agency_printed": r.get("agency"), "year": r.get("year"),
            "template": r.get("template"), "applications_layout": fin.layout if fin else layout_of(r),
            "source_name": it.source_name,
            "format": it.format, "sha256": it.sha256, "source_bytes": None if stored else it.source_bytes, "ingested_at": now,
            "superseded_by": None,
            "parse_json": fin.parse_json if fin else json.dumps(r, ensure_ascii=False, default=str),
            "source_path": it.source_path, "simulated": bool(r.get("simulated")), "held": False, "held_reason": None,
            "source_mtime": datetime.fromtimestamp(it.mtime) if it.mtime else None,
            "source_name_hex": r.get("source_name_hex"), "source_stored": stored,
            "draft": True if it.extra.get("draft") else None, "submitted_at": it.extra.get("submitted_at")}


REPORT_SCHEMA = pa.schema([
    ("report_id", pa.int32()), ("agency_id", pa.int32()), ("agency_printed", pa.string()), ("year", pa.int32()),
    ("template", pa.string()), ("applications_layout", pa.string()), ("source_name", pa.string()),
    ("format", pa.string()), ("sha256", pa.string()), ("source_bytes", pa.binary()),
    ("ingested_at", pa.timestamp("us")), ("superseded_by", pa.int32()), ("parse_json", pa.string()),
    ("source_path", pa.string()), ("simulated", pa.bool_()), ("held", pa.bool_()), ("held_reason", pa.string()),
    ("source_mtime", pa.timestamp("us")), ("source_name_hex", pa.string()),
    ("source_stored", pa.bool_()), ("draft", pa.bool_()), ("submitted_at", pa.timestamp("us"))])
REPORT_COLUMNS = ", ".join(REPORT_SCHEMA.names)
CELL_SCHEMA = pa.schema([("report_id", pa.int32()), ("tbl", pa.string()), ("row_code", pa.string()),
                         ("col_code", pa.string()), ("value", pa.float64()), ("printed", pa.string()),
                         ("flag", pa.string()), ("unit", pa.string())])
SECTION_SCHEMA = pa.schema([("report_id", pa.int32()), ("code", pa.string()), ("body", pa.string())])
INDICATOR_SCHEMA = pa.schema([("agency_id", pa.int32()), ("year", pa.int32()), ("report_id", pa.int32()),
                              ("template", pa.string()), ("indicator", pa.string()), ("value", pa.float64()),
                              ("series", pa.string())])
IndicatorRow = tuple[int, int, int, str, str, float | None, str]  # INDICATOR_SCHEMA


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict], cells: dict[str, list], sections: list[tuple],
            supersede: list[tuple[int, int]], indicators: list[IndicatorRow]) -> None:
    """One transaction: the reports, their cells, sections and indicator rows, and the superseded_by of the reports
    they replace. The indicators come from the batch's own rows (computed by the workers), never from a join against
    the store; only a report that supersedes one (corrections may be carried onto it) is computed by SQL, from its
    own ids (fill_indicators reads only their range)."""
    reports_t = pa.Table.from_pylist(rows, schema=REPORT_SCHEMA)
    cells_t = pa.table({c: cells[c] for c in CELL_COLUMNS}, schema=CELL_SCHEMA)
    sections_t = pa.table({"report_id": [s[0] for s in sections], "code": [s[1] for s in sections],
                           "body": [s[2] for s in sections]}, schema=SECTION_SCHEMA)
    replaced = {o for o, _ in supersede}
    by_sql = {n for _, n in supersede}
    ind = [r for r in indicators if r[2] not in replaced and r[2] not in by_sql]
    indicators_t = pa.table({c: [r[k] for r in ind] for k, c in enumerate(INDICATOR_SCHEMA.names)},
                            schema=INDICATOR_SCHEMA)
    views = {"_new_reports": reports_t, "_new_cells": cells_t, "_new_sections": sections_t,
             "_new_indicators": indicators_t}
    if supersede:
        views["_supersede"] = pa.table({"old": [o for o, _ in supersede], "new": [n for _, n in supersede]})
    for name, table in views.items():
        con.register(name, table)
    con.execute("begin")
    try:
        con.execute(f"insert into reports ({REPORT_COLUMNS}) select {REPORT_COLUMNS} from _new_reports")
        con.execute(f"insert into cells ({', '.join(CELL_COLUMNS)}) select * from _new_cells")
        con.execute("insert into sections (report_id, code, body) select * from _new_sections")
        if supersede:
            con.execute("update reports set superseded_by = s.new from _supersede s where reports.report_id = s.old")
            carry_over(con, supersede_relation="_supersede")  # corrections of the old version: carried or stale
        con.execute(f"insert into indicators ({', '.join(INDICATOR_SCHEMA.names)}) select * from _new_indicators")
        if supersede:
            con.execute("delete from indicators where report_id in (select old from _supersede)")
            fill_indicators(con, "(select new as report_id from _supersede)")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in views:
            con.unregister(name)


def _order_key(it: Prepared) -> tuple[str, float, str]:
    """Chronological order of the versions in one batch: the date printed in the report, else the file's
    modification time — never the file name."""
    mtime_day = datetime.fromtimestamp(it.mtime).strftime("%Y-%m-%d") if it.mtime else ""
    return (it.extra.get("printed_date") or mtime_day, it.mtime, it.sha256)


def _when_of(it: Prepared) -> When:
    return (it.extra.get("printed_date"), it.mtime or None)


def _current_when(con: duckdb.DuckDBPyConnection, current: dict[Key, tuple[int, dict]]) -> dict[int, When]:
    """When each current version was made (its printed date, its stored file time)."""
    ids = [v[0] for v in current.values()]
    if not ids:
        return {}
    rows = con.execute("select report_id, source_mtime from reports where report_id in (select unnest(?))",
                       [ids]).fetchall()
    mtimes = {rid: m.timestamp() if m else None for rid, m in rows}
    return {rid: (printed_date(rep), mtimes.get(rid)) for rid, rep in current.values()}


def _stored_bytes(con: duckdb.DuckDBPyConnection, rid: int, pending: dict[int, bytes | None]) -> bytes | None:
    """The file of a stored (or earlier in this batch) report, None when it cannot be had."""
    if rid in pending:
        return pending[rid]
    rows = con.execute("select source_bytes, sha256, coalesce(source_stored, false) from reports where report_id = ?",
                       [rid]).fetchall()
    if not rows:
        return None
    inside, sha, stored = rows[0]
    if inside is not None:
        return bytes(inside)
    store = session_store()
    if not stored or store is None:
        return None
    try:
        return store.get(sha)
    except SourceError:
        return None


def write_batch(con: duckdb.DuckDBPyConnection, items: list[Prepared], registry: Registry,
                run_checks_after: bool = True, who: str | None = None) -> list[Outcome]:
    """Store one batch of prepared inputs in a writer connection; returns one outcome per input, in order.

    Versions of one agency-year are taken in chronological order (`_order_key`); each replaces the current version
    only when the evidence allows it (`evidence.decide`), else it is stored as a held version (待核对) with a HELD
    finding saying why. A report whose unit or year cannot be settled is stored as 待认定 (`identity.identity_hold`).
    The rows, record-only findings and indicators the workers computed (`finish.Finished`) are used as they are;
    a record without them (or edited since) gets the same work done here.
    """
    outcomes: dict[int, Outcome] = {}
    holds: dict[int, Hold] = {}
    fins: dict[int, Finished] = {}
    for i, it in enumerate(items):
        fin = finished_of(it, registry) if it.ok else None
        if fin is not None:
            fins[i] = fin
        hold = fin.hold if fin is not None else identity_hold(it, registry)
        if hold:
            holds[i] = hold
        elif not it.ok:
            outcomes[i] = Outcome(it.source_name, "failed", it.error_zh, it.error_en)
    good = [i for i, it in enumerate(items) if it.ok or i in holds]
    con.register("_shas", pa.table({"sha256": [items[i].sha256 for i in good]}, schema=pa.schema([("sha256", pa.string())])))
    known = dict(con.execute("select sha256, report_id from reports where sha256 in (select sha256 from _shas)").fetchall())
    drafts_known = {r for (r,) in con.execute("""select report_id from reports where sha256 in (select sha256 from _shas)
                                                 and draft and superseded_by is null""").fetchall()}
    con.unregister("_shas")
    fresh: list[int] = []
    for i in good:
        it = items[i]
        report = holds[i].report if i in holds else it.report
        if it.sha256 in known and not it.extra.get("draft") and known[it.sha256] in drafts_known:
            # the published file is the very draft the office received: that draft becomes the published version
            promote_draft(con, known[it.sha256])
            outcomes[i] = Outcome(it.source_name, "ingested", report_id=known[it.sha256], agency=report.get("agency"),
                                  year=report.get("year"))
            known[it.sha256] = -1
        elif it.sha256 in known:
            # a scan stored before page views were kept gets them now (nothing is written when they are there)
            keep_scan_view(it.sha256, it.extra.get("scan_view"))
            outcomes[i] = Outcome(it.source_name, "unchanged", report_id=known[it.sha256],
                                  agency=report.get("agency"), year=report.get("year"))
        else:
            known[it.sha256] = -1  # a second copy in the same batch is unchanged too
            fresh.append(i)
    named = [i for i in fresh if i not in holds]
    agency_ids = resolve_agencies(con, registry, [items[i] for i in named])
    key_of = {i: (agency_ids[items[i].report["agency"]], items[i].report["year"]) for i in named}
    keys = set(key_of.values())
    current = current_reports(con, keys)
    last_draft = latest_drafts(con, {key_of[i] for i in named if items[i].extra.get("draft")})
    when = _current_when(con, current)
    # the evidence's check context (the previous year) is needed only where a version meets another: a current one
    # in the store, or a second version of the same agency-year in this batch
    versions = Counter(key_of[i] for i in named if not items[i].extra.get("draft"))
    check_contexts = contexts(con, {k for k in keys if k in current or versions[k] > 1})
    next_id = con.execute("select coalesce(max(report_id), 0) + 1 from reports").fetchall()[0][0]
    now = datetime.now()
    plan: list[tuple[int, dict, dict, list, tuple | None, list]] = []
    batch_reports: dict[Key, tuple[int, dict]] = {}
    held: dict[int, Finding] = {}
    changes: dict[int, list] = {}
    pending_bytes: dict[int, bytes | None] = {}  # files of versions made current earlier in this batch
    finished: dict[int, Finished] = {}  # report id -> the worker's work, for the checks
    for i in [i for i in fresh if i in holds]:
        it, hold = items[i], holds[i]
        report = {**hold.report, "identity_candidates": hold.candidates, "source": it.source_name}
        row = _report_row(next_id, None, it, now, report)
        row["superseded_by"], row["held"], row["held_reason"] = next_id, True, hold.reason_zh
        row["year"] = report["year"] if isinstance(report.get("year"), int) and 2000 <= report["year"] <= 2100 else None
        plan.append((i, row, cell_rows(next_id, report), section_rows(next_id, report), None, []))
        outcomes[i] = Outcome(it.source_name, "unidentified", hold.reason_zh, hold.reason_en, report_id=next_id,
                              agency=report.get("agency") or None, year=row["year"])
        held[next_id] = Finding("HELD", "warning", f"此报告{hold.reason_zh}，未计入统计，请编辑认定单位和年度", [],
                                hold.reason_en)
        next_id += 1
    for i in sorted(named, key=lambda i: _order_key(items[i])):
        it = items[i]
        fin = fins.get(i)
        aid = agency_ids[it.report["agency"]]
        key = key_of[i]
        entry_cells, entry_sections = _rows(next_id, it.report, fin)
        if it.extra.get("draft"):  # a draft for the review: never current; it replaces the unit's previous draft
            prev = last_draft.get(key)
            plan.append((i, _report_row(next_id, aid, it, now, fin=fin), entry_cells, entry_sections,
                         (prev, next_id) if prev else None, []))
            outcomes[i] = Outcome(it.source_name, "superseded" if prev else "ingested", report_id=next_id,
                                  agency=it.report["agency"], year=it.report["year"], supersedes=prev)
            last_draft[key] = next_id
            next_id += 1
            continue
        old = current.get(key)
        verdict = None
        if old:
            older = older_than(_when_of(it), when.get(old[0])) if when.get(old[0]) else False
            verdict = decide(it.report, old[1], old[0], evidence_of(it.report, check_contexts.get(key)),
                             evidence_of(old[1], check_contexts.get(key)), older)
            if verdict.same:  # reads the same: a file that is the other cut short loses, whichever came first
                verdict = by_bytes(verdict, it.source_bytes, _stored_bytes(con, old[0], pending_bytes), old[0])
        row = _report_row(next_id, aid, it, now, fin=fin)
        if verdict and not verdict.replace:
            row["superseded_by"], row["held"], row["held_reason"] = old[0], True, verdict.reason_zh
            plan.append((i, row, entry_cells, entry_sections, None, []))
            outcomes[i] = Outcome(it.source_name, "held", verdict.reason_zh, verdict.reason_en, report_id=next_id,
                                  agency=it.report["agency"], year=it.report["year"], supersedes=old[0])
            held[next_id] = Finding("HELD", "warning", f"此版本待核对，未成为当前版本：{verdict.reason_zh}", [],
                                    verdict.reason_en)
        else:
            values = fin.indicators if fin else indicator_values(it.report.get("template"), entry_cells)
            indicators = [(aid, key[1], next_id, t, name, v, series) for t, name, v, series in values]
            plan.append((i, row, entry_cells, entry_sections, (old[0], next_id) if old else None, indicators))
            status = "superseded" if old else "ingested"
            outcomes[i] = Outcome(it.source_name, status, verdict.reason_zh if verdict else "",
                                  verdict.reason_en if verdict else "", report_id=next_id,
                                  agency=it.report["agency"], year=it.report["year"],
                                  supersedes=old[0] if old else None)
            if verdict:
                changes[next_id] = verdict.changes
            if fin is not None:
                finished[next_id] = fin
            pending_bytes[next_id] = it.source_bytes
            current[key] = (next_id, it.report)
            when[next_id] = _when_of(it)
            batch_reports[key] = (next_id, it.report)
        next_id += 1
    _write_plan(con, plan, outcomes, items)
    stored_ids = {o.report_id for o in outcomes.values() if o.status in ("ingested", "superseded", "held",
                                                                        "unidentified")}
    _audit_supersedes(con, [o for o in outcomes.values() if o.status == "superseded" and o.report_id in stored_ids],
                      changes, who)
    stored = {k: v for k, v in batch_reports.items() if v[0] in stored_ids}
    if run_checks_after and stored:
        firsts = {o.report_id for o in outcomes.values() if o.status == "ingested"}
        results = _check_batch(con, stored, firsts, finished, registry)
        for o in outcomes.values():
            if o.report_id in results and o.status in ("ingested", "superseded"):
                o.findings = len(results[o.report_id])
    held = {rid: f for rid, f in held.items() if rid in stored_ids}
    if held:
        save_findings(con, {rid: [f] for rid, f in held.items()})
        for o in outcomes.values():
            if o.status in ("held", "unidentified"):
                o.findings = 1
    return [outcomes[i] for i in range(len(items))]


def _rows(rid: int, report: dict[str, Any], fin: Finished | None) -> tuple[dict[str, list], list[tuple]]:
    """The cell and section rows of a report under its id: the worker's, else made here."""
    if fin is None:
        return cell_rows(rid, report), section_rows(rid, report)
    return ({"report_id": [rid] * len(fin.cells["tbl"]), **fin.cells},
            [(rid, code, body) for code, body in fin.sections])


def _check_batch(con: duckdb.DuckDBPyConnection, stored: dict[Key, tuple[int, dict]], firsts: set[int],
                 finished: dict[int, Finished], registry: Registry) -> dict[int, list[Finding]]:
    """The findings of the batch's stored reports, saved (as check_stored gives them). A first version of its
    agency-year (no correction can be on it) takes the worker's record-only findings and gets only the cross-year
    rules here, against the previous year from the batch or the store (with its corrections), unless the agency
    context differs from the worker's; the next year's stored report is checked again. A version that replaces one
    (corrections carried onto it, stale ones) goes through check_stored whole."""
    fast = {k: v for k, v in stored.items() if v[0] in firsts and v[0] in finished}
    slow = {k: v for k, v in stored.items() if k not in fast}
    results: dict[int, list[Finding]] = {}
    if fast:
        prev_keys = {(a, y - 1) for a, y in fast}
        pool = {k: stored[k] for k in prev_keys if k in stored}
        pool.update(current_reports(con, prev_keys - set(pool)))
        context_of = CheckContexts(con, pool, registry)
        with flattened_reports():  # the batch's reports are flattened once, whether read as this year or the last
            for (aid, year), (rid, report) in fast.items():
                ctx = context_of(aid, year, report)
                fin = finished[rid]
                if fin.context == (ctx.agency_kind, ctx.agency_known, ctx.agency_suggestion):
                    results[rid] = merge(fin.findings, run_rules(report, ctx, cross_year=True))
                else:
                    results[rid] = run_checks(report, ctx)
        save_findings(con, results)
        later = current_reports(con, {(a, y + 1) for a, y in fast} - set(stored))
        if later:  # in key order, not the store's row order: finding ids are the same on the file and the lake
            results.update(check_stored(con, dict(sorted(later.items())), registry, with_next_year=False))
    if slow:
        results.update(check_stored(con, slow, registry))
    return results


def _audit_supersedes(con: duckdb.DuckDBPyConnection, replaced: list[Outcome], changes: dict[int, list],
                      who: str | None = None) -> None:
    """One audit row per version replaced: which report replaced which, and each value that changed (old kept)."""
    from dashboard.review import audit

    for o in replaced:
        diff = changes.get(o.report_id) or []
        audit.log(con, who or cli_who(), "supersede", f"{o.agency} {o.year} 年度报告：#{o.report_id} 替换 #{o.supersedes}",
                  {"report_id": o.supersedes}, {"report_id": o.report_id}, reason=o.reason_zh,
                  changes=[[k, a, b] for k, a, b in diff[:500]], source=o.source)


def _merge(plan: list) -> tuple[list, dict[str, list], list, list, list]:
    rows, sections, supersede, indicators = [], [], [], []
    cells: dict[str, list] = {c: [] for c in CELL_COLUMNS}
    for _, row, c, s, sup, ind in plan:
        rows.append(row)
        for k in CELL_COLUMNS:
            cells[k].extend(c[k])
        sections.extend(s)
        if sup:
            supersede.append(sup)
        indicators.extend(ind)
    return rows, cells, sections, supersede, indicators


def _write_plan(con: duckdb.DuckDBPyConnection, plan: list, outcomes: dict[int, Outcome],
                items: list[Prepared]) -> None:
    if not plan:
        return
    try:
        _insert(con, *_merge(plan))
        return
    except Exception as exc:  # noqa: BLE001 — find the record that broke the batch: one transaction each
        if getattr(con, "rolled_back", False):
            # the lake: a statement failed inside the session's one lake transaction, which is now lost whole;
            # the batch is written again in smaller sessions (_write_session) until the bad record is alone
            raise SessionAborted(str(exc)) from exc
    for entry in plan:
        # a report superseding one written earlier in this batch points at it; if that one failed, nothing to supersede
        try:
            _insert(con, *_merge([entry]))
        except Exception as exc:  # noqa: BLE001 — one report's failed write must not lose the others
            i = entry[0]
            log.warning("writing %s failed", items[i].source_name, exc_info=True)
            outcomes[i] = Outcome(items[i].source_name, "failed", "写入数据库失败（该文件的内容无法保存）",
                                  f"database write failed ({type(exc).__name__})")


class SessionAborted(RuntimeError):
    """A lake writer session whose one transaction a failed statement ended: nothing of it can be committed."""


def _write_session(db: Path | None, registry: Registry, items: list[Prepared], who: str | None = None,
                   run_checks_after: bool = True, assign: Any = None,
                   span: SpanningWriter | None = None) -> list[Outcome]:
    """One writer session for a batch (written, checked, audited); returns one outcome per input, in order.
    With `span`, the batch is written in the spanning writer's open copy (swapped in every few seconds).

    On the file store a bad record fails alone inside the session (_write_plan). On the lake a failed statement
    loses the session's whole transaction, so the batch is written again in two halves, each its own session,
    down to the bad record alone, which fails; the others are stored as they would have been."""
    try:
        with (span.batch() if span is not None else writer(db)) as con:
            sync_registry(con, registry)
            out = write_batch(con, items, registry, run_checks_after, who)
            if assign:
                _audit_assigned(con, items, out, assign, registry)
            _audit(con, out, who)
        return out
    except SessionAborted as exc:
        if len(items) == 1:
            log.warning("writing %s failed: %s", items[0].source_name, exc)
            return [Outcome(items[0].source_name, "failed", "写入数据库失败（该文件的内容无法保存）",
                            f"database write failed ({exc.__cause__.__class__.__name__})")]
        half = len(items) // 2
        return (_write_session(db, registry, items[:half], who, run_checks_after, assign, span)
                + _write_session(db, registry, items[half:], who, run_checks_after, assign, span))


def ingest_prepared(items: list[Prepared], db: Path | None = None, registry: Registry | None = None,
                    batch_size: int = 2000, run_checks_after: bool = True, who: str | None = None) -> IngestSummary:
    """Store records that are already parsed (synthetic data, benchmarks), in writer sessions of batch_size."""
    t0 = time.perf_counter()
    registry = registry or Registry.load()
    summary = IngestSummary()
    with writing_batches(), SpanningWriter(db) as span:  # the batches share one copy of the store
        for start in range(0, len(items), batch_size):
            summary.outcomes += _write_session(db, registry, items[start:start + batch_size], who, run_checks_after,
                                               span=span)
    summary.seconds = time.perf_counter() - t0
    return summary


def _audit(con: duckdb.DuckDBPyConnection, outcomes: list[Outcome], who: str | None = None) -> None:
    """One audit row per written batch; who = the logged-in user (dashboard) or the OS user (command line)."""
    who = who or cli_who()
    counts = Counter(o.status for o in outcomes)
    details = {"counts": dict(counts), "files": [[o.source, o.status, o.report_id] for o in outcomes][:1000]}
    # names are display text already; ensure_ascii keeps any stray unencodable character out of the log's JSON
    con.execute("insert into audit_log values (now(), ?, 'ingest', ?)", [who, json.dumps(details)])


def _audit_assigned(con: duckdb.DuckDBPyConnection, items: list[Prepared], outcomes: list[Outcome],
                    given: Assignment, registry: Registry) -> None:
    """After a batch filed under a given unit and year: one audit row per file so filed; a file stored earlier as
    待认定 (same bytes, `unchanged`) is assigned in place."""
    from dashboard.review import audit

    for i, (it, o) in enumerate(zip(items, outcomes, strict=True)):
        if o.status == "unchanged" and o.report_id and it.report:
            (reason,), = con.execute("select coalesce(held_reason, '') from reports where report_id = ?",
                                     [o.report_id]).fetchall()
            if reason.startswith(PENDING):
                done = assign_in(con, o.report_id, it.report["agency"], it.report["year"], given.who, registry,
                                 given.new_agency)
                outcomes[i] = Outcome(o.source, done.status, done.reason_zh, report_id=done.report_id,
                                      agency=done.agency, year=done.year, supersedes=done.replaced)
        elif it.extra.get("assigned") and o.status in ("ingested", "superseded", "held"):
            audit.log(con, given.who, "identity_assign", f"报告 #{o.report_id}（{o.source}）",
                      {"agency": (it.report.get("identity_assigned") or {}).get("agency_read"),
                       "year": (it.report.get("identity_assigned") or {}).get("year_read")},
                      {"agency": o.agency, "year": o.year, "status": o.status}, report_id=o.report_id,
                      outcome=o.status, reason=o.reason_zh)


def ingest_paths(paths: list[Path], db: Path | None = None, progress: bool = False,
                 registry: Registry | None = None, batch_files: int = BATCH_FILES, workers: int | None = None,
                 limits: Limits | None = None, follow_links: bool = False,
                 on_file: Callable[[int, int, str], None] | None = None,
                 engine: Callable[..., Iterable[FileOutcome]] | None = None, who: str | None = None,
                 assign: Assignment | None = None, draft: bool = False) -> IngestSummary:
    """Ingest files and folders (recursive): parse in worker processes with per-file limits, write in batches
    outside them, the batches in one copy of the store swapped in every few seconds and at the end.
    `on_file(done, total, name)` is called as each file is read.

    `engine(files, workers=, limits=, sources_root=)` replaces the local worker pool (default `workers.parse_files`):
    any engine that yields one FileOutcome per file — e.g. a Dask cluster running `finish.prepare_finished` — plugs
    in here (it may put the files in the source store at sources_root, or leave that to this process).

    `assign` (`nianbao ingest --agency --year`): every file is filed under that unit and year (audited), then the
    supersede rules apply; a file already stored as 待认定 is assigned in place.
    `draft`: store the files as drafts sent to the office's review (dashboard/ingest/drafts.py)."""
    t0 = time.perf_counter()
    registry = registry or Registry.load()
    summary = IngestSummary()
    files, skipped = expand_paths([Path(p) for p in paths], summary.passed, follow_links)
    summary.skipped = [str(p) for p in skipped]
    bar = progress_bar(progress, len(files))
    pending: list[Prepared] = []
    pending_bytes = 0

    def flush() -> None:
        nonlocal pending, pending_bytes
        if pending:
            if assign:
                pending = [apply_assignment(it, assign, registry) for it in pending]
            summary.outcomes.extend(_write_session(db, registry, pending, who, assign=assign, span=span))
        pending, pending_bytes = [], 0

    put_here: list[str] = []  # files the workers added to the source store (extra['source_put'])

    try:
        # the batches share one copy of the store, swapped in every few seconds and at the end
        # beside worker processes (local or a cluster's on this machine) the writer's DuckDB runs on one thread: with
        # both cores busy a second thread only waits for one (measured: the writing's CPU −25 %)
        # and the cycle collector held back while records are unpickled and written (collector.py: −70 % of its CPU)
        with writing_batches(), SpanningWriter(db, threads=1 if engine is not None or workers != 0 else None) as span, \
                bar:
            # written in input order: the same files give the same store, however many workers (or a cluster) read them;
            # read ahead in a thread (at most a batch), so the workers go on parsing while this process writes a batch,
            # and the local workers run at most a batch past the first file not yet finished: memory stays bounded
            root = store_for(db_path(db)).root  # the workers put the files in the source store
            if engine is None:
                parsed = parse_files(files, workers=workers, limits=limits, ahead=batch_files, sources_root=root)
            else:
                parsed = engine(files, workers=workers, limits=limits, sources_root=root)
            results = _read_ahead(in_input_order(parsed), batch_files)
            for done, result in enumerate(results, start=1):
                put = result.prepared.extra.get("source_put")
                if put and put[1]:
                    put_here.append(result.prepared.sha256)
                if draft:
                    result.prepared.extra["draft"] = True
                    result.prepared.extra.setdefault("submitted_at", datetime.now())
                pending.append(result.prepared)
                pending_bytes += len(result.prepared.source_bytes or b"")
                bar.advance(result.prepared.source_name)
                if on_file:
                    on_file(done, len(files), result.prepared.source_name)
                # by count and size, never by time: batches (and so report ids) follow the input order
                if len(pending) >= batch_files or pending_bytes >= BATCH_BYTES:
                    flush()
            flush()
    finally:
        if put_here:  # files the workers put in the store for reports that were not stored: not kept
            remove_unnamed_sources(db, put_here)
    for p in summary.passed:
        if p.failed:
            summary.outcomes.append(Outcome(p.path, "failed", p.reason_zh, p.reason_en))
    summary.seconds = time.perf_counter() - t0
    return summary


_DONE = object()
READ_AHEAD_WAIT_S = 10.0


def _read_ahead(results: Iterable[Any], limit: int) -> Iterator[Any]:
    """The results, drawn by a thread up to `limit` ahead of the consumer (the engine keeps its workers busy while
    the consumer writes); an error of the engine is raised here; leaving early stops the engine."""
    q: queue.Queue = queue.Queue(maxsize=max(1, limit))
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False  # the consumer left

    def pump() -> None:
        it = iter(results)
        try:
            for item in it:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # noqa: BLE001 — handed to the consumer, raised there
            put(exc)
        finally:
            close = getattr(it, "close", None)
            if close:
                close()  # ends the engine's workers (in this thread, where the generator runs)

    thread = threading.Thread(target=pump, name="ingest-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # the engine ends when the thread next wakes; waiting for it is bounded (every worker may be in the middle
        # of a slow file, up to its time limit): the thread is a daemon and closes the engine itself
        deadline = time.monotonic() + READ_AHEAD_WAIT_S
        while thread.is_alive() and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                q.get_nowait()
            thread.join(0.1)
