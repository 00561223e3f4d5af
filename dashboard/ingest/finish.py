"""The per-report work of an ingest, done where the report was parsed (a worker process or a Dask worker).

A worker turns its parsed record into what the writer stores: the record as JSON, its cell and section rows, the
findings of every rule that reads the record alone (with the agency context it assumed), and its indicator values.
The writing process then only adds the report id, runs the cross-year rules (X1–X3, SAME_TEXT: they need the
previous year's report, which is in the store) and writes the rows in batches, so the ingest scales with workers.

`Finished.signature` is the record's identity as the worker saw it: a caller that edits the record after the worker
finished it (collect's source list, the demo's simulated flag) changes it, and the writer then redoes the work itself.
The writer also redoes the checks when the agency context it reads from the store differs from the worker's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dashboard.catalogue.labels import rule_name
from dashboard.checks import RULES, SEVERITY_ORDER, CheckContext, Finding
from dashboard.checks.model import flattened_reports
from dashboard.registry import Registry, classify_kind
from dashboard.store.indicators import indicator_cell_rows, indicator_ratio_rows
from dashboard.store.records import cell_rows, layout_of, section_rows

CROSS_YEAR = ("X1", "X2", "X3", "SAME_TEXT")  # rules that read ctx.previous: run by the writer
Tagged = tuple[int, Finding]  # (position of the rule in RULES, finding): merged runs sort as one run_checks would
AgencyContext = tuple[str | None, bool, str | None]  # (kind, known, registry suggestion)


@dataclass
class Finished:
    """A record's rows and findings, ready for the writer (everything but the ids the store gives)."""

    signature: tuple
    parse_json: str
    layout: str | None
    cells: dict[str, list]  # CELL_COLUMNS without report_id
    sections: list[tuple[str, str]]  # (code, body)
    findings: list[Tagged]  # the rules that read only the record
    context: AgencyContext  # what those rules assumed about the agency
    indicators: list[tuple[str, str, float | None, str]]  # (template, indicator, value, series)


def signature(report: dict[str, Any]) -> tuple:
    """The fields a caller changes when it edits a record after parsing (identity, problems, simulated)."""
    return (report.get("agency"), report.get("year"), report.get("template"), report.get("source"),
            len(report.get("problems") or []), report.get("identity_source"), bool(report.get("simulated")),
            report.get("held_for_review"))


def agency_context(printed: str, registry: Registry) -> AgencyContext:
    """The agency's kind, whether the registry knows it, and the closest registry name when it does not — as the
    store's agencies row made from this printed name says (pipeline._resolve_agencies)."""
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
    """The findings of several partial runs in the order run_checks gives them: errors first, then rule order."""
    tagged = [t for run in runs for t in run]
    tagged.sort(key=lambda t: (SEVERITY_ORDER.get(t[1].severity, 3), t[0]))
    return [f for _, f in tagged]


_PLAIN: dict[str, list[tuple[str, str, str, str, str]]] = {}  # template -> (indicator, tbl, row, col, series)
_RATIOS = indicator_ratio_rows()
for _ind, _tbl, _row, _col, _template, _series in indicator_cell_rows():
    _PLAIN.setdefault(_template, []).append((_ind, _tbl, _row, _col, _series))


def indicator_values(template: str | None, cells: dict[str, list]) -> list[tuple[str, str, float | None, str]]:
    """The record's indicator rows from its own cells, as FILL_INDICATORS_SQL computes them for a report without
    corrections: sums of the cells (NULL when none is a number), ratios NULL when the denominator is 0 or NULL."""
    if template not in _PLAIN:
        return []
    values = {(t, r, c): v for t, r, c, v in zip(cells["tbl"], cells["row_code"], cells["col_code"], cells["value"],
                                                 strict=True)}
    sums: dict[tuple[str, str], list[float]] = {}
    order: list[tuple[str, str]] = []
    for ind, tbl, row, col, series in _PLAIN[template]:
        key = (ind, template if series == "template" else series)
        if key not in sums:
            sums[key] = []
            order.append(key)
        v = values.get((tbl, row, col))
        if v is not None:
            sums[key].append(v)
    out: list[tuple[str, str, float | None, str]] = []
    base: dict[str, list[float | None]] = {}
    for ind, series in order:
        total = _sum(sums[(ind, series)])
        out.append((template, ind, total, series))
        base.setdefault(ind, []).append(total)
    for ind, numerators, denominator, templates, series in _RATIOS:
        if template not in templates:
            continue
        num = _sum([v for n in numerators for v in base.get(n, []) if v is not None]) or 0.0
        dens = [v for v in base.get(denominator, []) if v is not None]
        den = max(dens) if dens else None
        out.append((template, ind, num / den if den else None, template if series == "template" else series))
    return out


def _sum(values: list[float]) -> float | None:
    if not values:
        return None
    total = 0.0
    for v in values:
        total += v
    return total


def finish(report: dict[str, Any], registry: Registry) -> Finished:
    """Everything the writer needs of one record, computed where it was parsed."""
    cells = cell_rows(0, report)
    del cells["report_id"]
    ctx_t = agency_context(report["agency"], registry)
    ctx = CheckContext(previous=None, agency_kind=ctx_t[0], agency_known=ctx_t[1],
                       agency_suggestion=None if ctx_t[1] else ctx_t[2])
    return Finished(signature=signature(report),
                    parse_json=json.dumps(report, ensure_ascii=False, default=str),
                    layout=layout_of(report), cells=cells,
                    sections=[(code, body) for _, code, body in section_rows(0, report)],
                    findings=run_rules(report, ctx, cross_year=False), context=ctx_t,
                    indicators=indicator_values(report.get("template"), cells))


def finished_of(report: dict[str, Any], given: Finished | None, registry: Registry) -> Finished:
    """The worker's work when it still describes the record, else the same work done here."""
    if given is not None and given.signature == signature(report):
        return given
    return finish(report, registry)

