"""Ingest: files in, reports stored with their cells, sections and findings; history kept, nothing half-written.

Files are read and parsed in worker processes with per-file limits (dashboard.ingest.workers); this process only
writes. Each report is written whole or not at all: reports are grouped into one transaction per batch (one
transaction per report measured 125 reports/s), and when a batch transaction fails, its reports are retried
one transaction each, so a bad record fails alone (on a lake, where a failed statement loses the whole session,
the batch is retried in halves, each its own session: `_write_session`). Same content again (sha256) is `unchanged`; a new file for
an agency and year that already has a report `supersedes` it (the old one stays, with superseded_by set) when it
qualifies (see `_replaces`), else it is `held` (待核对): stored, not current, with a finding saying why.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.checks.model import Finding
from dashboard.ingest.prepare import Passed, Prepared, expand_paths
from dashboard.ingest.progress import progress_bar
from dashboard.ingest.workers import FileOutcome, Limits, in_input_order, parse_files
from dashboard.parse.names import normalize_name
from dashboard.registry import Agency, Registry, classify_kind, short_name_of
from dashboard.review.audit import cli_who
from dashboard.review.corrections import carry_over
from dashboard.review.findings import Key, check_stored, save_findings
from dashboard.store.db import writer
from dashboard.store.records import (
    CELL_COLUMNS,
    cell_rows,
    completeness,
    has_errors,
    layout_of,
    printed_date,
    section_rows,
)
from dashboard.store.schema import update_indicators
from dashboard.store.sources import keep_source

log = logging.getLogger("nianbao.ingest")
BATCH_FILES = 200
BATCH_SECONDS = 5.0
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


def _report_row(rid: int, aid: int, it: Prepared, now: datetime) -> dict[str, Any]:
    r = it.report
    stored = keep_source(it.source_bytes, it.sha256)  # the file into the source store; the row keeps its hash
    return {"report_id": rid, "agency_id": aid, "agency_printed": r.get("agency"), "year": r.get("year"),
            "template": r.get("template"), "applications_layout": layout_of(r), "source_name": it.source_name,
            "format": it.format, "sha256": it.sha256, "source_bytes": None if stored else it.source_bytes, "ingested_at": now,
            "superseded_by": None, "parse_json": json.dumps(r, ensure_ascii=False, default=str),
            "source_path": it.source_path, "simulated": bool(r.get("simulated")), "held": False, "held_reason": None,
            "source_mtime": datetime.fromtimestamp(it.mtime) if it.mtime else None,
            "source_name_hex": r.get("source_name_hex"), "source_stored": stored}


REPORT_SCHEMA = pa.schema([
    ("report_id", pa.int32()), ("agency_id", pa.int32()), ("agency_printed", pa.string()), ("year", pa.int32()),
    ("template", pa.string()), ("applications_layout", pa.string()), ("source_name", pa.string()),
    ("format", pa.string()), ("sha256", pa.string()), ("source_bytes", pa.binary()),
    ("ingested_at", pa.timestamp("us")), ("superseded_by", pa.int32()), ("parse_json", pa.string()),
    ("source_path", pa.string()), ("simulated", pa.bool_()), ("held", pa.bool_()), ("held_reason", pa.string()),
    ("source_mtime", pa.timestamp("us")), ("source_name_hex", pa.string()),
    ("source_stored", pa.bool_())])
REPORT_COLUMNS = ", ".join(REPORT_SCHEMA.names)
CELL_SCHEMA = pa.schema([("report_id", pa.int32()), ("tbl", pa.string()), ("row_code", pa.string()),
                         ("col_code", pa.string()), ("value", pa.float64()), ("printed", pa.string()),
                         ("flag", pa.string()), ("unit", pa.string())])
SECTION_SCHEMA = pa.schema([("report_id", pa.int32()), ("code", pa.string()), ("body", pa.string())])


def _insert(con: duckdb.DuckDBPyConnection, rows: list[dict], cells: dict[str, list], sections: list[tuple],
            supersede: list[tuple[int, int]]) -> None:
    """One transaction: the reports, their cells and sections, and the superseded_by of the reports they replace."""
    reports_t = pa.Table.from_pylist(rows, schema=REPORT_SCHEMA)
    cells_t = pa.table({c: cells[c] for c in CELL_COLUMNS}, schema=CELL_SCHEMA)
    sections_t = pa.table({"report_id": [s[0] for s in sections], "code": [s[1] for s in sections],
                           "body": [s[2] for s in sections]}, schema=SECTION_SCHEMA)
    views = {"_new_reports": reports_t, "_new_cells": cells_t, "_new_sections": sections_t}
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
        update_indicators(con, "_new_reports", "(select old as report_id from _supersede)" if supersede else None)
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
    con.unregister("_shas")
    fresh: list[int] = []
    for i in good:
        it = items[i]
        if it.sha256 in known:
            outcomes[i] = Outcome(it.source_name, "unchanged", report_id=known[it.sha256], agency=it.report["agency"],
                                  year=it.report["year"])
        else:
            known[it.sha256] = -1  # a second copy in the same batch is unchanged too
            fresh.append(i)
    agency_ids = _resolve_agencies(con, registry, [items[i] for i in fresh])
    keys = {(agency_ids[items[i].report["agency"]], items[i].report["year"]) for i in fresh}
    from dashboard.review.findings import current_reports

    current = current_reports(con, keys)
    when = _current_when(con, current)
    next_id = con.execute("select coalesce(max(report_id), 0) + 1 from reports").fetchall()[0][0]
    now = datetime.now()
    plan: list[tuple[int, dict, dict, list, tuple | None]] = []
    batch_reports: dict[Key, tuple[int, dict]] = {}
    held: dict[int, Finding] = {}
    for i in sorted(fresh, key=lambda i: _order_key(items[i])):
        it = items[i]
        aid = agency_ids[it.report["agency"]]
        key = (aid, it.report["year"])
        old = current.get(key)
        why = _replaces(it.report, old[1], old[0], _when_of(it), when.get(old[0])) if old else None
        row = _report_row(next_id, aid, it, now)
        entry_cells = cell_rows(next_id, it.report)
        if why:
            row["superseded_by"], row["held"], row["held_reason"] = old[0], True, why[0]
            plan.append((i, row, entry_cells, section_rows(next_id, it.report), None))
            outcomes[i] = Outcome(it.source_name, "held", why[0], why[1], report_id=next_id,
                                  agency=it.report["agency"], year=it.report["year"], supersedes=old[0])
            held[next_id] = Finding("HELD", "warning", f"此版本待核对，未成为当前版本：{why[0]}", [], why[1])
        else:
            plan.append((i, row, entry_cells, section_rows(next_id, it.report), (old[0], next_id) if old else None))
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
        results = check_stored(con, stored, registry)
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


def _merge(plan: list) -> tuple[list, dict[str, list], list, list]:
    rows, sections, supersede = [], [], []
    cells: dict[str, list] = {c: [] for c in CELL_COLUMNS}
    for _, row, c, s, sup in plan:
        rows.append(row)
        for k in CELL_COLUMNS:
            cells[k].extend(c[k])
        sections.extend(s)
        if sup:
            supersede.append(sup)
    return rows, cells, sections, supersede


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
                   run_checks_after: bool = True) -> list[Outcome]:
    """One writer session for a batch (written, checked, audited); returns one outcome per input, in order.

    On the file store a bad record fails alone inside the session (_write_plan). On the lake a failed statement
    loses the session's whole transaction, so the batch is written again in two halves, each its own session,
    down to the bad record alone, which fails; the others are stored as they would have been."""
    try:
        with writer(db) as con:
            sync_registry(con, registry)
            out = write_batch(con, items, registry, run_checks_after)
            _audit(con, out, who)
        return out
    except SessionAborted as exc:
        if len(items) == 1:
            log.warning("writing %s failed: %s", items[0].source_name, exc)
            return [Outcome(items[0].source_name, "failed", "写入数据库失败（该文件的内容无法保存）",
                            f"database write failed ({exc.__cause__.__class__.__name__})")]
        half = len(items) // 2
        return (_write_session(db, registry, items[:half], who, run_checks_after)
                + _write_session(db, registry, items[half:], who, run_checks_after))


def ingest_prepared(items: list[Prepared], db: Path | None = None, registry: Registry | None = None,
                    batch_size: int = 2000, run_checks_after: bool = True, who: str | None = None) -> IngestSummary:
    """Store records that are already parsed (synthetic data, benchmarks), in writer sessions of batch_size."""
    t0 = time.perf_counter()
    registry = registry or Registry.load()
    summary = IngestSummary()
    for start in range(0, len(items), batch_size):
        summary.outcomes += _write_session(db, registry, items[start:start + batch_size], who, run_checks_after)
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
                 engine: Callable[..., Iterable[FileOutcome]] | None = None, who: str | None = None) -> IngestSummary:
    """Ingest files and folders (recursive): parse in worker processes with per-file limits, write in batches
    outside them, swap after each batch. `on_file(done, total, name)` is called as each file is read.

    `engine(files, workers=, limits=)` replaces the local worker pool (default `workers.parse_files`): any engine
    that yields one FileOutcome per file — e.g. a Dask cluster running `prepare.prepare_file` — plugs in here."""
    t0 = time.perf_counter()
    registry = registry or Registry.load()
    summary = IngestSummary()
    files, skipped = expand_paths([Path(p) for p in paths], summary.passed, follow_links)
    summary.skipped = [str(p) for p in skipped]
    bar = progress_bar(progress, len(files))
    pending: list[Prepared] = []
    started = time.perf_counter()

    def flush() -> None:
        nonlocal pending, started
        if pending:
            summary.outcomes.extend(_write_session(db, registry, pending, who))
        pending, started = [], time.perf_counter()

    with bar:
        # written in input order: the same files give the same store, however many workers (or a cluster) read them
        results = in_input_order((engine or parse_files)(files, workers=workers, limits=limits))
        for done, result in enumerate(results, start=1):
            pending.append(result.prepared)
            bar.advance(result.prepared.source_name)
            if on_file:
                on_file(done, len(files), result.prepared.source_name)
            if len(pending) >= batch_files or time.perf_counter() - started > BATCH_SECONDS:
                flush()
        flush()
    for p in summary.passed:
        if p.failed:
            summary.outcomes.append(Outcome(p.path, "failed", p.reason_zh, p.reason_en))
    summary.seconds = time.perf_counter() - t0
    return summary
