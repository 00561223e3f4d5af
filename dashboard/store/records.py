"""A canonical report dict as rows of the store: the cells, the narrative sections, the identity hash."""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from dashboard.catalogue.codes import TABLES
from dashboard.checks.hybrid import applications_layout

NARRATIVE = ("overview", "problems", "other_matters")
MAX_EXACT = 2 ** 53  # a double holds integers exactly up to here; beyond it a figure would be stored wrong
_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")
_PRINTED_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CELL_COLUMNS = ["report_id", "tbl", "row_code", "col_code", "value", "printed", "flag", "unit"]


def report_sha256(report: dict[str, Any], source_bytes: bytes | None) -> str:
    """The file's sha256; for a record without a file (manual entry, synthetic), the hash of its canonical JSON."""
    if source_bytes is not None:
        return hashlib.sha256(source_bytes).hexdigest()
    payload = json.dumps({k: report.get(k) for k in ("agency", "year", "template", *TABLES, "sections")},
                         ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()  # a stray surrogate fails later, alone


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
                number = _number(value)
                tbls.append(tbl)
                rows.append(row)
                cols.append(col)
                nums.append(number)
                texts.append(_printed(value, flag, printed.get(key)))
                flag_col.append(flag)
                unit_col.append(units.get(key))
    return {"report_id": [report_id] * len(tbls), "tbl": tbls, "row_code": rows, "col_code": cols, "value": nums,
            "printed": texts, "flag": flag_col, "unit": unit_col}


def _number(value: Any) -> float | None:
    """A figure as the store's double, None when it is no number or cannot be held exactly (see clean_report)."""
    if type(value) not in (int, float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and abs(number) < MAX_EXACT else None


def _scrub(value: Any) -> Any:
    """Strings that every writer can encode: no NUL, no lone surrogate (from a w:sym or a broken name)."""
    if isinstance(value, str):
        return _BAD_CHARS.sub("\ufffd", value) if _BAD_CHARS.search(value) else value
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def clean_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report as the store can hold it: text scrubbed, and a figure outside what a double holds exactly made an
    uncertain cell with the problem "数值超出范围" (the printed text kept) — never an exception, never a wrong number."""
    report = _scrub(report)
    uncertain = report.setdefault("uncertain_cells", {})
    if not isinstance(uncertain, dict):
        uncertain = report["uncertain_cells"] = {}
    printed = report.setdefault("printed", {})
    problems = report.setdefault("problems", [])
    flags = report.setdefault("cell_flags", {})
    bad: list[str] = []
    for tbl in TABLES:
        table = report.get(tbl)
        if not isinstance(table, dict):
            continue
        for row, values in table.items():
            if not isinstance(values, dict):
                continue
            for col, value in values.items():
                if type(value) in (int, float) and _number(value) is None:
                    key = f"{tbl}.{row}.{col}"
                    text = str(value) if not isinstance(value, int) or value.bit_length() < 4000 else "（位数过多）"
                    printed.setdefault(key, text[:60])
                    uncertain[key] = {"reason": "out_of_range"}
                    flags[key] = "unreadable"  # not read: the checks leave it out instead of adding a wrong number
                    values[col] = None
                    bad.append(key)
    if bad:
        problems.append({"code": "out_of_range", "severity": "error",
                         "message_zh": f"数值超出范围：{len(bad)} 个格子的数字过大，无法准确保存，已标为存疑",
                         "message_en": f"number out of range: {len(bad)} cells hold numbers too large to store exactly",
                         "cells": bad})
    return report


def completeness(report: dict[str, Any]) -> int:
    """How much of the report was read: figures read plus narrative sections present (to pick among versions)."""
    figures = sum(1 for tbl in TABLES for values in (report.get(tbl) or {}).values() if isinstance(values, dict)
                  for v in values.values() if _number(v) is not None)
    return figures + sum(1 for code in NARRATIVE if (report.get("sections") or {}).get(code))


def has_errors(report: dict[str, Any]) -> list[str]:
    """The Chinese messages of the report's error-level parse problems (empty when it read cleanly)."""
    return [str(p.get("message_zh") or p.get("code")) for p in report.get("problems") or []
            if isinstance(p, dict) and p.get("severity") == "error"]


def printed_date(report: dict[str, Any]) -> str | None:
    """The last date printed in the report's text (its signing date, e.g. 2025年1月20日) as YYYY-MM-DD, if any."""
    text = "\n".join(str(v) for v in (report.get("sections") or {}).values() if isinstance(v, str))
    found = None
    for y, m, d in _PRINTED_DATE.findall(text):
        if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            found = f"{y}-{int(m):02d}-{int(d):02d}"
    return found


def section_rows(report_id: int, report: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(report_id, code, body) of each narrative section the report has."""
    sections = report.get("sections") or {}
    return [(report_id, code, sections[code]) for code in NARRATIVE if sections.get(code)]


def layout_of(report: dict[str, Any]) -> str | None:
    """Which （六） rows table 三 prints ('2019' one, '2021' three)."""
    given = report.get("applications_layout")
    return given if given in ("2019", "2021") else applications_layout(report)
