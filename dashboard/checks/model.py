"""What a check returns (a Finding), what it may read besides the report (CheckContext), and cell access.

A cell key is `table.row.column` with the codes of report-format.md. Three states matter:
- a number;
- blank or placeholder (`None` in the report): counts as 0 in sums (spec), but is not a written 0;
- unknown: the key is absent or flagged missing/unreadable — a rule that needs it says nothing. A cell the parser
  placed with doubt (uncertain_cells, e.g. placed_by_order) is checked with its value: a failing rule then
  points at it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dashboard.catalogue.labels import cell_label

Report = dict[str, Any]
SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    """One error or doubt about a report, naming its cells; never a repair."""

    rule: str
    severity: str
    message: str  # Chinese, names the cells
    cells: list[str] = field(default_factory=list)
    message_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output and the findings table."""
        return {"rule": self.rule, "severity": self.severity, "cells": list(self.cells),
                "message": self.message, "message_en": self.message_en}


@dataclass
class CheckContext:
    """What a check may read besides the report: the same agency's previous-year report and its identity."""

    previous: Report | None = None
    agency_kind: str | None = None  # 乡/镇/街道/部门/政府, decided by dashboard.registry.classify_kind
    agency_known: bool = True
    agency_suggestion: str | None = None  # closest registry name (rapidfuzz), a hint only


MISSING = object()
UNKNOWN_FLAGS = {"missing", "unreadable", "uncertain"}  # cell_flags that mean "not read", not "blank"


def split_key(key: str) -> tuple[str, str, str]:
    """('applications', 'new', 'total') from 'applications.new.total'."""
    tbl, row, col = key.split(".", 2)
    return tbl, row, col


def flatten(report: Report) -> dict[str, Any]:
    """Every readable cell as key → value (None for blank); cells flagged missing/unreadable are left out."""
    flat: dict[str, Any] = {}
    for tbl in ("disclosure", "applications", "appeals"):
        for row, cols in (report.get(tbl) or {}).items():
            if isinstance(cols, dict):
                prefix = f"{tbl}.{row}."
                for col, v in cols.items():
                    flat[prefix + col] = v
    for key, flag in (report.get("cell_flags") or {}).items():
        if flag in UNKNOWN_FLAGS:
            flat.pop(key, None)
    return flat


# While run_checks runs, each report is flattened once (the rules read ~1000 cells per report); outside it,
# the dict is read afresh on every call, so a dict changed between two calls is never read from a stale copy.
# One cache per thread: a parse in another thread (which edits its candidate records) never reads this one's.
_local = threading.local()


@contextlib.contextmanager
def flattened_reports() -> Iterator[None]:
    """Cache the flattened cells of the reports read inside this block (checks never change a report); inside
    another such block of the same thread, that block's cache serves (a writer checking a batch flattens each report
    once, though it is read as one report's own and as the next year's previous one)."""
    if getattr(_local, "cache", None) is not None:
        yield
        return
    _local.cache = {}
    try:
        yield
    finally:
        _local.cache = None


def cells_of(report: Report) -> dict[str, Any]:
    """The report's readable cells as key → value (cached inside run_checks)."""
    cache: dict[int, tuple[Report, dict[str, Any]]] | None = getattr(_local, "cache", None)
    if cache is None:
        return flatten(report)
    hit = cache.get(id(report))
    if hit is None or hit[0] is not report:
        hit = (report, flatten(report))
        cache[id(report)] = hit
    return hit[1]


def raw(report: Report, key: str) -> Any:
    """The cell's value, None for blank/placeholder, MISSING when the report does not have it or could not read it."""
    return cells_of(report).get(key, MISSING)


def known(report: Report, *keys: str) -> bool:
    """True when every key is present and readable (a blank counts as present)."""
    flat = cells_of(report)
    return all(k in flat for k in keys)


def num(report: Report, key: str) -> float:
    """The cell as a number for sums: blank and placeholder count as 0 (spec); call `known` first."""
    v = cells_of(report).get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0.0


def values(report: Report, keys: list[str]) -> list[float] | None:
    """The cells as numbers for sums (blank → 0), or None when any of them is unknown."""
    flat = cells_of(report)
    out = []
    for k in keys:
        if k not in flat:
            return None
        v = flat[k]
        if v is None:
            out.append(0.0)
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out.append(float(v))
        else:
            return None  # not a number: R5 reports it, sums cannot use it
    return out


def rows_of(report: Report, table: str) -> list[str]:
    """Row codes the report has for a table, in its order."""
    return list((report.get(table) or {}).keys())


def fmt_number(x: float) -> str:
    """12 not 12.0; 7730.28 as printed."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def describe(key: str, report: Report | None = None) -> str:
    """A cell named for a reader: its Chinese label and, when given a report, its printed value."""
    label = cell_label(key)
    if report is None:
        return label
    v = raw(report, key)
    if v is MISSING:
        return f"{label}（未读取）"
    if v is None:
        flag = (report.get("cell_flags") or {}).get(key, "blank")
        return f"{label}（{'空白' if flag == 'blank' else '占位符'}）"
    return f"{label}={fmt_number(v)}"
