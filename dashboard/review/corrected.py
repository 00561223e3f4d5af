"""Current values: a stored report's record with its active corrections applied (what the checks, the pages and the
exports read). Reading only; making and reverting corrections is dashboard/review/corrections.py."""

from __future__ import annotations

import copy
import json
from typing import Any

import duckdb


class CorrectionError(ValueError):
    """Input that cannot be applied (unknown cell, not a number, no such report); nothing was changed."""


def apply_to_record(report: dict[str, Any], changes: dict[str, float | None]) -> dict[str, Any]:
    """A copy of a canonical record with the values set: the cell's flag, uncertain mark and the parser problems that
    named only corrected cells are gone (a person decided the value)."""
    out = copy.deepcopy(report)
    flags = out.get("cell_flags") or {}
    uncertain = out.get("uncertain_cells")
    printed = out.get("printed") or {}
    for key, value in changes.items():
        tbl, row, col = key.split(".", 2)
        table = out.setdefault(tbl, {}) or {}
        out[tbl] = table
        cells = table.setdefault(row, {})
        cells[col] = int(value) if value is not None and float(value).is_integer() else value
        flags.pop(key, None)
        if value is None:
            flags[key] = "blank"
        printed.pop(key, None)
        if isinstance(uncertain, dict):
            uncertain.pop(key, None)
        elif isinstance(uncertain, list) and key in uncertain:
            uncertain.remove(key)
    if flags or "cell_flags" in out:
        out["cell_flags"] = flags
    problems = []
    for p in out.get("problems") or []:
        cells = [c for c in (p.get("cells") or []) if c not in changes] if isinstance(p, dict) else None
        if isinstance(p, dict) and p.get("cells") and not cells:
            continue  # every cell it doubted has a decided value now
        problems.append(p)
    if "problems" in out:
        out["problems"] = problems
    return out


def active_changes(con: duckdb.DuckDBPyConnection, report_ids: list[int]) -> dict[int, dict[str, float | None]]:
    """report_id → {cell key: corrected value} of the active corrections of these reports."""
    if not report_ids:
        return {}
    rows = con.execute("""select report_id, tbl, row_code, col_code, value_after from corrections
                          where status = 'active' and list_contains(?, report_id)""",
                       [[int(r) for r in report_ids]]).fetchall()
    out: dict[int, dict[str, float | None]] = {}
    for rid, tbl, row, col, value in rows:
        out.setdefault(int(rid), {})[f"{tbl}.{row}.{col}"] = value
    return out


def corrected_record(con: duckdb.DuckDBPyConnection, report_id: int) -> dict[str, Any]:
    """The report's canonical record with its active corrections applied (what the checks read)."""
    row = con.execute("select parse_json from reports where report_id = ?", [report_id]).fetchone()
    if row is None:
        raise CorrectionError(f"没有编号为 {report_id} 的报告")
    return apply_to_record(json.loads(row[0]), active_changes(con, [report_id]).get(report_id, {}))
