"""Ingest: files in, reports stored with their cells, sections and findings; history kept, nothing half-written.

Files are read and parsed in worker processes with per-file limits (dashboard.ingest.workers), which also do the
per-report work (dashboard.ingest.finish: rows, record-only checks, indicators); this process gives report ids, runs
the cross-year checks against the store, and writes. Each report is written whole or not at all: reports are grouped into one transaction per batch (one
transaction per report measured 125 reports/s), and when a batch transaction fails, its reports are retried
one transaction each, so a bad record fails alone. Same content again (sha256) is `unchanged`; a new file for
an agency and year that already has a report `supersedes` it (the old one stays, with superseded_by set) when it
qualifies (see `_replaces`), else it is `held` (待核对): stored, not current, with a finding saying why.
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
from dashboard.checks.model import CheckContext, Finding
from dashboard.ingest.finish import Finished, finished_of, merge, run_rules
from dashboard.ingest.prepare import Passed, Prepared, expand_paths
from dashboard.ingest.progress import progress_bar
from dashboard.ingest.workers import FileOutcome, Limits, in_input_order, parse_files
from dashboard.parse.names import normalize_name
from dashboard.registry import Agency, Registry, classify_kind, short_name_of
from dashboard.review.audit import cli_who
from dashboard.review.corrections import carry_over
from dashboard.review.findings import (
    Key,
    _agency_context,
    _with_corrections,
    check_stored,
    current_reports,
    save_findings,
)
from dashboard.review.submissions import latest_drafts, promote_draft
from dashboard.store.db import writer
from dashboard.store.indicators import FILL_INDICATORS_SQL
from dashboard.store.records import (
    CELL_COLUMNS,
    cell_rows,
    completeness,
    has_errors,
    printed_date,
    section_rows,
)
from dashboard.store.sources import flush_queued, keep_scan_view, keep_source

log = logging.getLogger("nianbao.ingest")
BATCH_FILES = 200  # a batch is a number of files, never a time: the same files give the same report ids
BATCH_BYTES = 64 * 1024 * 1024  # …or of this many bytes of source files: the parent's memory stays bounded
SWAP_SECONDS = 0.0  # a writer session (a copy of the store, swapped in at its end) holds batches this long (0: one
# batch each, so readers see every batch arrive); opening and swapping a session costs ~0.5–1 s on a loaded machine
STATUSES = ("ingested", "superseded", "unchanged", "failed")
STORED = ("ingested", "superseded", "unchanged", "held")


@dataclass
class Outcome:
    """What happened to one input."""

    source: str
    status: str  # ingested | superseded | unchanged | held | failed
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
        if c.get("held"):
            out["held"] = c["held"]
        return out

    def failed(self) -> list[Outcome]:
        """The inputs that could not be stored, with their reasons."""
        return [o for o in self.outcomes if o.status == "failed"]

    def held(self) -> list[Outcome]:
        """The inputs stored as held versions (待核对), with why they did not become current."""
        return [o for o in self.outcomes if o.status == "held"]

    def all_stored(self) -> bool:
        """True when every input was stored or unchanged and no folder was left unread (exit code 0)."""
        return not self.failed() and not any(p.failed for p in self.passed)


def sync_registry(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    """Make the agencies table hold every registry row (name, short name, kind, region, aliases) — changed rows only."""
    existing = {r[0]: r[1:] for r in con.execute(
        "select name, agency_id, short_name, kind, region, aliases, in_registry, expected_from, expected_to "
        "from agencies").fetchall()}
    next_id = max((v[0] for v in existing.values()), default=0) + 1
    new_rows, changed = [], []
    for a in registry.agencies:
        row = {"name": a.name, "short_name": a.short_name, "kind": a.kind, "region": a.region, "aliases": a.aliases,
               "expected_from": a.expected_from, "expected_to": a.expected_to}
        have = existing.get(a.name)
        if have is None:
            new_rows.append({"agency_id": next_id, **row, "simulated": False, "in_registry": True})
            existing[a.name] = (next_id, a.short_name, a.kind, a.region, a.aliases, True, a.expected_from,
                                a.expected_to)
            next_id += 1
        elif (have[1], have[2], have[3], list(have[4] or []), have[5], have[6], have[7]) != (
                a.short_name, a.kind, a.region, a.aliases, True, a.expected_from, a.expected_to):
            changed.append({"agency_id": have[0], **row, "simulated": False, "in_registry": True})
    if new_rows:
        con.register("_registry_new", pa.Table.from_pylist(new_rows, schema=AGENCY_SCHEMA))
        con.execute(f"insert into agencies ({', '.join(AGENCY_SCHEMA.names)}) select * from _registry_new")
        con.unregister("_registry_new")
    if changed:
        con.register("_registry_changed", pa.Table.from_pylist(changed, schema=AGENCY_SCHEMA))
        con.execute("""update agencies set short_name = c.short_name, kind = c.kind, region = c.region,
                       aliases = c.aliases, in_registry = true, expected_from = c.expected_from,
                       expected_to = c.expected_to
                       from _registry_changed c where agencies.agency_id = c.agency_id""")
        con.unregister("_registry_changed")


def _resolve_agencies(con: duckdb.DuckDBPyConnection, registry: Registry, items: list[Prepared]) -> dict[str, int]:
    """agency_id of each printed name: the registry entry it matches, else its own (not-in-registry) row."""
    ids = dict(con.execute("select name, agency_id from agencies").fetchall())
    next_id = (max(ids.values()) + 1) if ids else 1
    out: dict[str, int] = {}
    new_rows: list[dict[str, Any]] = []
    for it in items:
        printed = it.report["agency"]
        if printed in out:
            continue
        m = registry.match(printed)
        target: Agency = m.agency or Agency(normalize_name(printed), classify_kind(printed), "", [],
                                            short_name_of(printed))
        if target.name not in ids:
            new_rows.append({"agency_id": next_id, "name": target.name, "short_name": target.short_name,
                             "kind": target.kind, "region": target.region, "aliases": target.aliases,
                             "simulated": bool(it.report.get("simulated")), "in_registry": m.agency is not None,
                             "expected_from": target.expected_from, "expected_to": target.expected_to})
            ids[target.name] = next_id
            next_id += 1
        out[printed] = ids[target.name]
    if new_rows:
        con.register("_new_agencies", pa.Table.from_pylist(new_rows, schema=AGENCY_SCHEMA))
        con.execute(f"insert into agencies ({', '.join(AGENCY_SCHEMA.names)}) select * from _new_agencies")
        con.unregister("_new_agencies")
    return out


AGENCY_SCHEMA = pa.schema([("agency_id", pa.int32()), ("name", pa.string()), ("short_name", pa.string()),
                           ("kind", pa.string()), ("region", pa.string()), ("aliases", pa.list_(pa.string())),
                           ("simulated", pa.bool_()), ("in_registry", pa.bool_()),
                           ("expected_from", pa.int32()), ("expected_to", pa.int32())])


def _report_row(rid: int, aid: int, it: Prepared, now: datetime, fin: Finished) -> dict[str, Any]:
    r = it.report
    stored = keep_source(it.source_bytes, it.sha256)  # the file into the source store; the row keeps its hash
    if stored:
        keep_scan_view(it.sha256, it.extra.get("scan_view"))  # a scan's page images and cell boxes, for 校对
    return {"report_id": rid, "agency_id": aid, "agency_printed": r.get("agency"), "year": r.get("year"),
            "template": r.get("template"), "applications_layout": fin.layout, "source_name": it.source_name,
            "format": it.format, "sha256": it.sha256, "source_bytes": None if stored else it.source_bytes, "ingested_at": now,
            "superseded_by": None, "parse_json": fin.parse_json,
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


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict], cells: dict[str, list], sections: list[tuple],
            supersede: list[tuple[int, int]], indicators: list[tuple]) -> None:
    """One transaction: the reports, their cells, sections and indicator rows, and the superseded_by of the reports
    they replace. The indicators come from the batch's own rows (computed by the workers), never from a join against
    the store; only a report that supersedes one (corrections may be carried onto it) is computed by SQL, alone."""
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
            con.execute(FILL_INDICATORS_SQL.format(ids="(select new as report_id from _supersede)"))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in views:
            con.unregister(name)


When = tuple[str | None, float | None]  # (date printed in the report, file modification time), either unknown


def _order_key(it: Prepared) -> tuple[str, float, str]:
    """Chronological order of the versions in one batch: the date printed in the report, else the file's
    modification time — never the file name."""
    mtime_day = datetime.fromtimestamp(it.mtime).strftime("%Y-%m-%d") if it.mtime else ""
    return (it.extra.get("printed_date") or mtime_day, it.mtime, it.sha256)


def _when_of(it: Prepared) -> When:
    return (it.extra.get("printed_date"), it.mtime or None)


def _older(new: When, cur: When) -> bool:
    """True when the new version is known to be older than the current one: printed dates compared when both
    print one (file times break a tie), else file times when both have one; unknown is never older."""
    if new[0] and cur[0] and new[0] != cur[0]:
        return new[0] < cur[0]
    return bool(new[1] and cur[1] and new[1] < cur[1])


def _current_when(con: duckdb.DuckDBPyConnection, current: dict[Key, tuple[int, dict]]) -> dict[int, When]:
    """When each current version was made (its printed date, its stored file time)."""
    ids = [v[0] for v in current.values()]
    if not ids:
        return {}
    rows = con.execute("select report_id, source_mtime from reports where report_id in (select unnest(?))",
                       [ids]).fetchall()
    mtimes = {rid: m.timestamp() if m else None for rid, m in rows}
    return {rid: (printed_date(rep), mtimes.get(rid)) for rid, rep in current.values()}


def _replaces(new: dict[str, Any], cur: dict[str, Any], cur_id: int | str,
              new_when: When | None = None, cur_when: When | None = None) -> tuple[str, str] | None:
    """None when the new version may replace the current one; else why not (Chinese, English).

    A version older than the current one (printed date, else file time) does not replace it; a version with
    error-level reading problems never replaces a clean one; between two equally clean versions the one that reads
    fewer figures (a truncated or damaged copy) does not replace the more complete one."""
    if new_when and cur_when and _older(new_when, cur_when):
        return (f"比当前版本（报告 #{cur_id}）更早（按报告落款日期或文件修改时间），未替换",
                f"older than the current version (report #{cur_id}, by printed date or file time); not used")
    new_errors, cur_errors = has_errors(new), has_errors(cur)
    if new_errors and not cur_errors:
        return (f"读取时有错误（{'；'.join(new_errors[:2])}），未替换无错误的当前版本（报告 #{cur_id}）",
                f"read with errors ({len(new_errors)}); the clean current version (report #{cur_id}) was kept")
    if bool(new_errors) == bool(cur_errors):
        have, had = completeness(new), completeness(cur)
        if have < had:
            return (f"比当前版本（报告 #{cur_id}）少读出 {had - have} 项数据，可能不完整，未替换",
                    f"{had - have} fewer figures than the current version (report #{cur_id}); possibly incomplete, "
                    "not used")
    return None


def write_batch(con: duckdb.DuckDBPyConnection, items: list[Prepared], registry: Registry,
                run_checks_after: bool = True) -> list[Outcome]:
    """Store one batch of prepared inputs in a writer connection; returns one outcome per input, in order.

    Versions of one agency-year are taken in chronological order (`_order_key`); each replaces the current version
    only when `_replaces` allows it, else it is stored as a held version (待核对) with a HELD finding saying why.
    """
    outcomes: dict[int, Outcome] = {}
    good = [i for i, it in enumerate(items) if it.ok]
    for i, it in enumerate(items):
        if not it.ok:
            outcomes[i] = Outcome(it.source_name, "failed", it.error_zh, it.error_en)
    con.register("_shas", pa.table({"sha256": [items[i].sha256 for i in good]}, schema=pa.schema([("sha256", pa.string())])))
    known = dict(con.execute("select sha256, report_id from reports where sha256 in (select sha256 from _shas)").fetchall())
    drafts_known = {r for (r,) in con.execute("""select report_id from reports where sha256 in (select sha256 from _shas)
                                                 and draft and superseded_by is null""").fetchall()}
    con.unregister("_shas")
    fresh: list[int] = []
    for i in good:
        it = items[i]
        if it.sha256 in known and not it.extra.get("draft") and known[it.sha256] in drafts_known:
            # the published file is the very draft the office received: that draft becomes the published version
            promote_draft(con, known[it.sha256])
            outcomes[i] = Outcome(it.source_name, "ingested", report_id=known[it.sha256], agency=it.report["agency"],
                                  year=it.report["year"])
            known[it.sha256] = -1
        elif it.sha256 in known:
            # a scan stored before page views were kept gets them now (nothing is written when they are there)
            keep_scan_view(it.sha256, it.extra.get("scan_view"))
            outcomes[i] = Outcome(it.source_name, "unchanged", report_id=known[it.sha256], agency=it.report["agency"],
                                  year=it.report["year"])
        else:
            known[it.sha256] = -1  # a second copy in the same batch is unchanged too
            fresh.append(i)
    agency_ids = _resolve_agencies(con, registry, [items[i] for i in fresh])
    keys = {(agency_ids[items[i].report["agency"]], items[i].report["year"]) for i in fresh}
    current = current_reports(con, keys)
    last_draft = latest_drafts(con, {(agency_ids[items[i].report["agency"]], items[i].report["year"]) for i in fresh
                                     if items[i].extra.get("draft")})
    when = _current_when(con, current)
    next_id = con.execute("select coalesce(max(report_id), 0) + 1 from reports").fetchall()[0][0]
    now = datetime.now()
    plan: list[tuple[int, dict, dict, list, tuple | None]] = []
    batch_reports: dict[Key, tuple[int, dict]] = {}
    held: dict[int, Finding] = {}
    finished: dict[int, Finished] = {}
    for i in sorted(fresh, key=lambda i: _order_key(items[i])):
        it = items[i]
        aid = agency_ids[it.report["agency"]]
        key = (aid, it.report["year"])
        if it.extra.get("draft"):  # a draft for the review: never current; it replaces the unit's previous draft
            prev = last_draft.get(key)
            plan.append((i, _report_row(next_id, aid, it, now), cell_rows(next_id, it.report),
                         section_rows(next_id, it.report), (prev, next_id) if prev else None))
            outcomes[i] = Outcome(it.source_name, "superseded" if prev else "ingested", report_id=next_id,
                                  agency=it.report["agency"], year=it.report["year"], supersedes=prev)
            last_draft[key] = next_id
            next_id += 1
            continue
        old = current.get(key)
        why = _replaces(it.report, old[1], old[0], _when_of(it), when.get(old[0])) if old else None
        fin = finished[next_id] = finished_of(it.report, it.extra.pop("finished", None), registry)
        row = _report_row(next_id, aid, it, now, fin)
        entry_cells = {"report_id": [next_id] * len(fin.cells["tbl"]), **fin.cells}
        entry_sections = [(next_id, code, body) for code, body in fin.sections]
        if why:
            row["superseded_by"], row["held"], row["held_reason"] = old[0], True, why[0]
            plan.append((i, row, entry_cells, entry_sections, None, []))
            outcomes[i] = Outcome(it.source_name, "held", why[0], why[1], report_id=next_id,
                                  agency=it.report["agency"], year=it.report["year"], supersedes=old[0])
            held[next_id] = Finding("HELD", "warning", f"此版本待核对，未成为当前版本：{why[0]}", [], why[1])
        else:
            indicators = [(aid, key[1], next_id, t, name, v, series) for t, name, v, series in fin.indicators]
            plan.append((i, row, entry_cells, entry_sections, (old[0], next_id) if old else None, indicators))
            status = "superseded" if old else "ingested"
            outcomes[i] = Outcome(it.source_name, status, report_id=next_id, agency=it.report["agency"],
                                  year=it.report["year"], supersedes=old[0] if old else None)
            current[key] = (next_id, it.report)
            when[next_id] = _when_of(it)
            batch_reports[key] = (next_id, it.report)
        next_id += 1
    _write_plan(con, plan, outcomes, items)
    stored_ids = {o.report_id for o in outcomes.values() if o.status in ("ingested", "superseded", "held")}
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
            if o.status == "held":
                o.findings = 1
    return [outcomes[i] for i in range(len(items))]


def _check_batch(con: duckdb.DuckDBPyConnection, stored: dict[Key, tuple[int, dict]], firsts: set[int],
                 finished: dict[int, Finished], registry: Registry) -> dict[int, list[Finding]]:
    """The findings of the batch's stored reports, saved. A first version of its agency-year (no corrections can be
    on it) takes the worker's record-only findings and gets only the cross-year rules here, against the previous
    year from the batch or the store (with its corrections), unless the agency context differs from the worker's;
    the next year's stored report is checked again. A report that supersedes one (corrections carried onto it, stale
    ones) goes through check_stored as before."""
    fast = {k: v for k, v in stored.items() if v[0] in firsts and v[0] in finished}
    slow = {k: v for k, v in stored.items() if k not in fast}
    results: dict[int, list[Finding]] = {}
    if fast:
        prev_keys = {(a, y - 1) for a, y in fast}
        pool = {k: stored[k] for k in prev_keys if k in stored}
        pool.update(current_reports(con, prev_keys - set(pool)))
        pool = _with_corrections(con, pool)
        agencies = _agency_context(con)
        suggestions: dict[str, str | None] = {}
        for (aid, year), (rid, report) in fast.items():
            name, kind, known = agencies.get(aid, ("", None, False))
            if not known and name not in suggestions:
                suggestions[name] = registry.match(report.get("agency") or name).suggestion
            prev = pool.get((aid, year - 1))
            ctx = CheckContext(previous=prev[1] if prev else None, agency_kind=kind, agency_known=known,
                               agency_suggestion=None if known else suggestions.get(name))
            fin = finished[rid]
            if fin.context == (kind, known, ctx.agency_suggestion):
                results[rid] = merge(fin.findings, run_rules(report, ctx, cross_year=True))
            else:
                results[rid] = run_checks(report, ctx)
        save_findings(con, results)
        later = current_reports(con, {(a, y + 1) for a, y in fast} - set(stored))
        if later:
            results.update(check_stored(con, later, registry, with_next_year=False))
    if slow:
        results.update(check_stored(con, slow, registry))
    return results


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
    except Exception:  # noqa: BLE001, S110 — find the record that broke the batch: one transaction each
        pass
    for entry in plan:
        # a report superseding one written earlier in this batch points at it; if that one failed, nothing to supersede
        try:
            _insert(con, *_merge([entry]))
        except Exception as exc:  # noqa: BLE001 — one report's failed write must not lose the others
            i = entry[0]
            log.warning("writing %s failed", items[i].source_name, exc_info=True)
            outcomes[i] = Outcome(items[i].source_name, "failed", "写入数据库失败（该文件的内容无法保存）",
                                  f"database write failed ({type(exc).__name__})")


def ingest_prepared(items: list[Prepared], db: Path | None = None, registry: Registry | None = None,
                    batch_size: int = 2000, run_checks_after: bool = True, who: str | None = None) -> IngestSummary:
    """Store records that are already parsed (synthetic data, benchmarks), in writer sessions of batch_size."""
    t0 = time.perf_counter()
    registry = registry or Registry.load()
    summary = IngestSummary()
    for start in range(0, len(items), batch_size):
        with writer(db) as con:
            sync_registry(con, registry)
            summary.outcomes += write_batch(con, items[start:start + batch_size], registry, run_checks_after)
            _audit(con, summary.outcomes[start:], who)
    summary.seconds = time.perf_counter() - t0
    return summary


def _audit(con: duckdb.DuckDBPyConnection, outcomes: list[Outcome], who: str | None = None) -> None:
    """One audit row per written batch; who = the logged-in user (dashboard) or the OS user (command line)."""
    who = who or cli_who()
    counts = Counter(o.status for o in outcomes)
    details = {"counts": dict(counts), "files": [[o.source, o.status, o.report_id] for o in outcomes][:1000]}
    # names are display text already; ensure_ascii keeps any stray unencodable character out of the log's JSON
    con.execute("insert into audit_log values (now(), ?, 'ingest', ?)", [who, json.dumps(details)])


def ingest_paths(paths: list[Path], db: Path | None = None, progress: bool = False,
                 registry: Registry | None = None, batch_files: int = BATCH_FILES, workers: int | None = None,
                 limits: Limits | None = None, follow_links: bool = False,
                 on_file: Callable[[int, int, str], None] | None = None,
                 engine: Callable[..., Iterable[FileOutcome]] | None = None, who: str | None = None,
                 draft: bool = False) -> IngestSummary:
    """Ingest files and folders (recursive): parse in worker processes with per-file limits, write in batches
    outside them, swap after each batch. `on_file(done, total, name)` is called as each file is read.

    `engine(files, workers=, limits=)` replaces the local worker pool (default `workers.parse_files`): any engine
    that yields one FileOutcome per file — e.g. a Dask cluster running `prepare.prepare_file` — plugs in here.
    `draft`: store the files as drafts sent to the office's review (dashboard/ingest/drafts.py)."""
    t0 = time.perf_counter()
    registry = registry or Registry.load()
    summary = IngestSummary()
    files, skipped = expand_paths([Path(p) for p in paths], summary.passed, follow_links)
    summary.skipped = [str(p) for p in skipped]
    bar = progress_bar(progress, len(files))
    pending: list[Prepared] = []
    pending_bytes = 0
    session = _Session(db, registry)

    def flush() -> None:
        nonlocal pending, pending_bytes
        if pending:
            con = session.connection()
            out = write_batch(con, pending, registry)
            _audit(con, out, who)
            flush_queued()  # this batch's source files now, not held until the swap
            summary.outcomes.extend(out)
            session.swap_if_due()
        pending, pending_bytes = [], 0

    with bar, session:
        # written in input order: the same files give the same store, however many workers (or a cluster) read them;
        # read ahead in a thread, so the workers go on parsing while this process writes a batch
        if engine is None:
            parsed = parse_files(files, workers=workers, limits=limits, ahead=batch_files)
        else:
            parsed = engine(files, workers=workers, limits=limits)
        results = _read_ahead(in_input_order(parsed), batch_files)
        for done, result in enumerate(results, start=1):
            if draft:
                result.prepared.extra["draft"] = True
                result.prepared.extra.setdefault("submitted_at", datetime.now())
            pending.append(result.prepared)
            pending_bytes += len(result.prepared.source_bytes or b"")
            bar.advance(result.prepared.source_name)
            if on_file:
                on_file(done, len(files), result.prepared.source_name)
            if len(pending) >= batch_files or pending_bytes >= BATCH_BYTES:
                flush()
        flush()
    for p in summary.passed:
        if p.failed:
            summary.outcomes.append(Outcome(p.path, "failed", p.reason_zh, p.reason_en))
    summary.seconds = time.perf_counter() - t0
    return summary


class _Session:
    """One writer session held over several batches (opening a copy of the store and swapping it in costs about a
    second), swapped in every SWAP_SECONDS and at the end: each batch is still one transaction, readers see the
    batches at the next swap, and a failure loses only the batches since the last swap (the ingest then raises)."""

    def __init__(self, db: Path | None, registry: Registry) -> None:
        self.db, self.registry = db, registry
        self.stack: contextlib.ExitStack | None = None
        self.con: duckdb.DuckDBPyConnection | None = None
        self.opened = 0.0
        self.synced = False

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.stack = contextlib.ExitStack()
            self.con = self.stack.enter_context(writer(self.db))
            self.opened = time.monotonic()
            if not self.synced:  # the registry does not change during one ingest: its rows are written once
                sync_registry(self.con, self.registry)
                self.synced = True
        return self.con

    def swap_if_due(self) -> None:
        if self.con is not None and time.monotonic() - self.opened >= SWAP_SECONDS:
            self.close()

    def close(self, exc: BaseException | None = None) -> None:
        stack, self.stack, self.con = self.stack, None, None
        if stack is not None:
            if exc is None:
                stack.close()
            else:
                stack.__exit__(type(exc), exc, exc.__traceback__)

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        self.close(exc)


_DONE = object()


def _read_ahead(results: Iterable[Any], limit: int) -> Iterator[Any]:
    """The results, drawn by a thread up to `limit` ahead of the consumer (the engine keeps its workers busy while
    the consumer writes); an error of the engine is raised here; leaving early stops the engine."""
    q: queue.Queue = queue.Queue(maxsize=max(1, limit))
    stop = threading.Event()

    def pump() -> None:
        it = iter(results)
        try:
            for item in it:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
            q.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 — handed to the consumer, raised there
            q.put(exc)
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
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                q.get_nowait()
            thread.join(0.1)
