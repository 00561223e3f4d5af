"""The per-report work of an ingest, done where the report was parsed (a worker process or a Dask worker).

A worker turns its parsed record into what the writer stores: the record as JSON, its cell and section rows, the
findings of every rule that reads the record alone (with the agency context it assumed), its indicator values and
its 待认定 hold (a unit 1–2 characters from a registry name). The writing process then only gives report ids,
decides supersede/hold by evidence, runs the cross-year rules (X1–X3, SAME_TEXT: they need the previous year's
report, which is in the store) and writes the rows in batches — so the ingest scales with the workers.

`Finished.signature` is the record as the worker saw it: a caller that edits the record after the worker (collect's
source list, `--agency/--year`, the demo's simulated flag) changes it, and the writer then does the work itself, as
it does when its registry is not the worker's (`Registry.fingerprint`) or when the agency context it reads from the
store differs from the worker's.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.catalogue.labels import rule_name
from dashboard.checks import RULES, SEVERITY_ORDER, CheckContext, Finding
from dashboard.checks.model import flattened_reports
from dashboard.ingest.identity import Hold, near_hold
from dashboard.ingest.prepare import Prepared, prepare_file
from dashboard.registry import Registry, classify_kind, default_registry
from dashboard.store.indicators import IndicatorValue, indicator_values
from dashboard.store.records import cell_rows, layout_of, section_rows
from dashboard.store.sources import put_beforehand

log = logging.getLogger("nianbao.ingest")
CROSS_YEAR = ("X1", "X2", "X3", "SAME_TEXT")  # the rules that read ctx.previous: run by the writer
Tagged = tuple[int, Finding]  # (position of the rule in RULES, finding): partial runs merge as one run_checks
AgencyContext = tuple[str | None, bool, str | None]  # (kind, known, registry suggestion)


@dataclass
class Finished:
    """A record's rows and findings, ready for the writer (everything but the ids the store gives)."""

    signature: tuple
    registry: str  # Registry.fingerprint() of the registry it was computed against
    parse_json: str
    layout: str | None
    cells: dict[str, list]  # records.CELL_COLUMNS without report_id
    sections: list[tuple[str, str]]  # (code, body)
    findings: list[Tagged]  # the rules that read only the record
    context: AgencyContext  # what those rules assumed about the agency
    indicators: list[IndicatorValue]
    hold: Hold | None  # identity.near_hold


def signature(report: dict[str, Any]) -> tuple:
    """The record's top-level values and the sizes of its parts: what a caller changes when it edits a parsed
    record (unit, year, source, identity, simulated, problems added or replaced)."""
    out = []
    for key in sorted(report):
        value = report[key]
        if value is None or isinstance(value, str | int | float | bool):
            out.append((key, value))
        elif isinstance(value, list | dict):
            out.append((key, len(value)))
        else:
            out.append((key, repr(value)))
    return tuple(out)


def agency_context(printed: str, registry: Registry) -> AgencyContext:
    """The agency's kind, whether the registry knows it, and the closest registry name when it does not — what the
    store's agencies row made from this printed name says (ingest.agencies.resolve_agencies)."""
    m = registry.match(printed)
    if m.agency is not None:
        return m.agency.kind, True, None
    return classify_kind(printed), False, m.suggestion


def run_rules(report: dict[str, Any], ctx: CheckContext, cross_year: bool) -> list[Tagged]:
    """The findings of the cross-year rules (cross_year=True) or of all the others, tagged with their rule's
    position; the same error finding as run_checks when a rule fails."""
    out: list[Tagged] = []
    with flattened_reports():
        for pos, module in enumerate(RULES):
            if (module.RULE in CROSS_YEAR) != cross_year:
                continue
            try:
                out.extend((pos, f) for f in module.check(report, ctx))
            except Exception as exc:  # noqa: BLE001 — as run_checks: one rule's failure does not stop the others
                out.append((pos, Finding(module.RULE, "error",
                                         f"“{rule_name(module.RULE)}”核对未能完成（程序内部错误），请人工核对。", [],
                                         f"check {module.RULE} could not run: {exc!r}")))
    return out


def merge(*runs: list[Tagged]) -> list[Finding]:
    """The findings of partial runs in the order run_checks gives them: by severity, then in rule order."""
    tagged = [t for run in runs for t in run]
    tagged.sort(key=lambda t: (SEVERITY_ORDER.get(t[1].severity, 3), t[0]))
    return [f for _, f in tagged]


def finish(report: dict[str, Any], registry: Registry) -> Finished:
    """Everything the writer needs of one parsed record, computed where it was parsed."""
    cells = cell_rows(0, report)
    del cells["report_id"]
    context = agency_context(report["agency"], registry)
    ctx = CheckContext(previous=None, agency_kind=context[0], agency_known=context[1],
                       agency_suggestion=None if context[1] else context[2])
    return Finished(signature=signature(report), registry=registry.fingerprint(),
                    parse_json=json.dumps(report, ensure_ascii=False, default=str), layout=layout_of(report),
                    cells=cells, sections=[(code, body) for _, code, body in section_rows(0, report)],
                    findings=run_rules(report, ctx, cross_year=False), context=context,
                    indicators=indicator_values(report.get("template"), cells), hold=near_hold(report, registry))


def finish_in_worker(item: Prepared, registry: Registry) -> None:
    """Attach the finished rows to a parsed file (extra['finished']); when that fails the writer does the work
    itself, with the same code, and says why if it fails there too."""
    if item.report is None:
        return
    try:
        item.extra["finished"] = finish(item.report, registry)
    except Exception:  # noqa: BLE001 — the writer redoes it and reports the failure
        log.debug("finishing %s in the worker failed", item.source_name, exc_info=True)


def prepare_finished(path: Path, sources_root: str | None = None) -> Prepared:
    """The per-file step of every ingest engine (local workers, a Dask worker): read and parse the file
    (prepare.prepare_file), then finish its record here, beside the parse, not in the writer. With `sources_root`
    (the local workers of an ingest into that store), a report's file is put in the source store here too
    (extra['source_put']): the writer then only names it."""
    item = prepare_file(path)
    finish_in_worker(item, default_registry())
    if sources_root and item.ok and item.source_bytes is not None and item.sha256:
        put = put_beforehand(sources_root, item.source_bytes, item.sha256)
        if put is not None:
            item.extra["source_put"] = put
    return item


def finished_of(item: Prepared, registry: Registry) -> Finished | None:
    """The worker's work when it still describes the record and the writer's registry, else None (the writer
    then computes what it needs itself)."""
    given = item.extra.get("finished")
    if (isinstance(given, Finished) and item.report is not None and given.registry == registry.fingerprint()
            and given.signature == signature(item.report)):
        return given
    return None
