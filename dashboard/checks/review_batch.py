"""Check many reports at once with what the review rules compare them to: the same unit's previous year and the
other units' reports of the same year (ReviewContext), as an office reviews a round.

`review_contexts(entries)` builds one context per entry; `check_batch(entries)` runs the checks with them.
An entry is (report, agency kind, agency known in the registry); the unit is the report's `agency`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.checks import Finding, run_checks
from dashboard.checks.model import Report
from dashboard.checks.review_context import ReviewContext


@dataclass
class Entry:
    """One report to review and what is known of its unit."""

    report: Report
    kind: str | None = None
    known: bool = True
    published: dt.date | None = None  # the portal page's date, when collected
    extra: dict = field(default_factory=dict)  # the caller's own bookkeeping (file name, ids)


def review_contexts(entries: list[Entry], deadlines: dict[str, tuple[int, int]] | None = None) -> list[ReviewContext]:
    """A ReviewContext per entry: the previous year of the same unit (when present) and the same year's other units."""
    by_unit_year = {(e.report.get("agency"), e.report.get("year")): e.report for e in entries}
    by_year: dict[object, list[Report]] = {}
    for e in entries:
        by_year.setdefault(e.report.get("year"), []).append(e.report)
    out = []
    for e in entries:
        agency, year = e.report.get("agency"), e.report.get("year")
        prev = by_unit_year.get((agency, year - 1)) if isinstance(year, int) else None
        peers = [r for r in by_year.get(year, []) if r is not e.report and r.get("agency") != agency]
        out.append(ReviewContext(previous=prev, agency_kind=e.kind, agency_known=e.known, peers=peers,
                                 published=e.published, deadlines=dict(deadlines or {})))
    return out


def check_batch(entries: list[Entry], rules: list[str] | None = None,
                deadlines: dict[str, tuple[int, int]] | None = None) -> list[list[Finding]]:
    """The findings of every entry, in order, each report checked against its previous year and its peers."""
    return [run_checks(e.report, ctx, rules) for e, ctx in zip(entries, review_contexts(entries, deadlines), strict=True)]
