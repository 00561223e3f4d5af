"""A canonical report dict as rows of the store: the cells, the narrative sections, the identity hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dashboard.checks.hybrid import applications_layout
from dashboard.parse.codes import TABLES

NARRATIVE = ("overview", "problems", "other_matters")
CELL_COLUMNS = ["report_id", "tbl", "row_code", "col_code", "value", "printed", "flag", "unit"]


def report_sha256(report: dict[str, Any], source_bytes: bytes | None) -> str:
    """The file's sha256; for a record without a file (manual entry, synthetic), the hash of its canonical JSON."""
    if source_bytes is not None:
        return hashlib.sha256(source_bytes).hexdigest()
    payload = json.dumps({k: report.get(k) for k in ("agency", "year", "template", *TABLES, "sections")},
                         ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _printed(value: Any, flag: str | None, given: str | None) -> str | None:
    """The text as printed when the parser kept it; else the number written back (15, 7730.28), '' for a blank."""
    if given is not None:
        return str(given)
    if value is None:
        return "" if flag in (None, "blank") else None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_rows(report_id: int, report: dict[str, Any]) -> dict[str, list]:
    """Column lists (for one Arrow/DataFrame insert) of every cell the report has, with flag, printed text and unit."""
    flags = report.get("cell_flags") or {}
    units = report.get("units") or {}
    printed = report.get("printed") or {}
    uncertain = report.get("uncertain_cells") or {}
    tbls, rows, cols, nums, texts, flag_col, unit_col = [], [], [], [], [], [], []
    for tbl in TABLES:
        for row, values in (report.get(tbl) or {}).items():
            if not isinstance(values, dict):
                continue
            prefix = f"{tbl}.{row}."
            for col, value in values.items():
                key = prefix + col
                flag = flags.get(key)
                if flag is None and (value is None or key in uncertain):
                    flag = "uncertain" if key in uncertain else "blank"
                number = float(value) if type(value) in (int, float) else None
                tbls.append(tbl)
                rows.append(row)
                cols.append(col)
                nums.append(number)
                texts.append(_printed(value, flag, printed.get(key)))
                flag_col.append(flag)
                unit_col.append(units.get(key))
    return {"report_id": [report_id] * len(tbls), "tbl": tbls, "row_code": rows, "col_code": cols, "value": nums,
            "printed": texts, "flag": flag_col, "unit": unit_col}


def section_rows(report_id: int, report: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(report_id, code, body) of each narrative section the report has."""
    sections = report.get("sections") or {}
    return [(report_id, code, sections[code]) for code in NARRATIVE if sections.get(code)]


def layout_of(report: dict[str, Any]) -> str | None:
    """Which （六） rows table 三 prints ('2019' one, '2021' three)."""
    given = report.get("applications_layout")
    return given if given in ("2019", "2021") else applications_layout(report)
