"""Corrections: a layer over the parsed cells, never an overwrite; manual entry; carry-over to a revised file.

- The parsed `cells` rows and `reports.parse_json` stay as read. A correction is a row of `corrections` (report, cell,
  value before, value after, who, when, reason, status). Current values = parsed values with the active
  corrections applied: the view `effective_cells` (schema.py), which `current_cells` and the `indicators` fill read,
  and `corrected_record` for the checks.
- After a correction the report's indicators are recomputed and its checks (and the next year's, which compare
  with it) rerun at once; findings that no longer arise are closed as `resolved` with an audit row.
- A revised file of the same report (ingest supersedes) gets `carry_over`: a correction whose cell was read the
  same in the new file is carried (active); one whose cell now reads differently is carried as `stale` — not
  applied, shown as a CORRECTION_STALE finding for review. Nothing is silently lost or silently re-applied.
- Manual entry: a report with an empty parse (every cell of its version's grid 'missing') whose values are
  corrections of kind 'entry', so the trail is the same.
Every public writer takes the acting `auth.User` and checks its role itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from dashboard.catalogue.codes import (
    AMOUNT_COLUMNS,
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    DISCLOSURE_COLUMNS,
    SIGNED_COLUMNS,
    TABLES,
)
from dashboard.catalogue.labels import COL_ZH, ROW_ZH, TABLE_ZH, cell_label, row_label, row_short_label
from dashboard.review import audit
from dashboard.review.corrected import CorrectionError, apply_to_record
from dashboard.review.users import User, require_role
from dashboard.store.db import writer
from dashboard.store.location import db_path
from dashboard.store.schema import fill_indicators

SYSTEM_WHO = "nianbao ingest"
MAX_VALUE = 1e12




@dataclass
class CorrectionResult:
    """What one save did: the corrections written and the findings it closed."""

    report_ids: list[int] = field(default_factory=list)
    correction_ids: list[int] = field(default_factory=list)
    resolved_findings: list[int] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # cells whose value was already the one given


# ---- the grid of a version ----

def grid_keys(template: str, layout: str | None = None) -> list[str]:
    """Every cell key of the printed tables of a version (layout = which （六） rows table 三 prints)."""
    layout = layout if layout in APPLICATION_ROWS else template
    keys = [f"disclosure.{r}.{c}" for r, cols in DISCLOSURE_COLUMNS.get(template, DISCLOSURE_COLUMNS["2021"]).items()
            for c in cols]
    keys += [f"applications.{r}.{c}" for r, _ in APPLICATION_ROWS[layout] for c in APPLICATION_COLUMNS]
    keys += [f"appeals.{g}.{c}" for g in APPEAL_GROUPS for c in APPEAL_COLUMNS]
    return keys


def parse_value(text: Any) -> float | None:
    """A typed value as a number; '' / 空白 / None = blank. Raises CorrectionError for anything else."""
    if text is None or (isinstance(text, float) and text != text):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        s = str(text).strip().replace(",", "").replace("，", "").replace("　", "")
        if s in ("", "空白", "（空白）", "-", "—"):
            return None
        s = s.translate(str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+"))
        if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", s):  # ASCII digits only: '١٢' and '²' are not numbers here
            raise CorrectionError(f"「{text}」不是数字")
        value = float(s)
    if abs(value) > MAX_VALUE:
        raise CorrectionError(f"「{text}」超出合理范围")
    return value


MAX_REASON = 2000  # a reason is a sentence or two; a longer text is not a reason


def _check_value(key: str, value: float | None) -> None:
    tbl, row, col = (key.split(".", 2) + ["", ""])[:3]
    if value is not None and value < 0 and col not in SIGNED_COLUMNS:
        raise CorrectionError(f"{cell_label(key)} 不能为负数（{value:g}）")
    amount = tbl == "disclosure" and (row, col) in AMOUNT_COLUMNS
    if value is not None and not amount and not float(value).is_integer():
        raise CorrectionError(f"{cell_label(key)} 是件数，须为整数（{value:g}）")


def check_reason(reason: Any) -> str:
    """The reason of a correction, stripped; CorrectionError when it is missing or longer than MAX_REASON."""
    text = str(reason or "").strip()
    if not text:
        raise CorrectionError("缺少更正理由")
    if len(text) > MAX_REASON:
        raise CorrectionError(f"更正理由过长（{len(text)} 字，最多 {MAX_REASON} 字）")
    return text


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:（[一二三四五六七八九十]+）)?(?:[0-9]+[.．、])?")


def _strip_label(s: str) -> str:
    return re.sub(r"[\s「」『』\"“”（）()·•]", "", s)


def _names(tbl: str, row: str) -> set[str]:
    """Every way a person may write a row: its short name, its label as printed, either without its numbering."""
    out = set()
    for label in (ROW_ZH[tbl].get(row, ""), row_label(tbl, row), row_short_label(tbl, row)):
        for form in (label, _NUMBERING.sub("", label)):
            if form:
                out.add(_strip_label(form))
    return out


def resolve_cell(text: str, template: str, layout: str | None = None) -> str:
    """A cell key from its code ('applications.new.total') or its printed label path ('三、依申请公开/本年新收申请/总计',
    also '三/本年新收申请/总计'); raises CorrectionError when it names no cell of the report's version."""
    keys = grid_keys(template, layout)
    text = str(text).strip()
    if text in keys:
        return text
    parts = [p for p in re.split(r"[/>｜|]", text) if p.strip()]
    if len(parts) == 3:
        t, r, c = (_strip_label(p) for p in parts)
        for tbl in TABLES:
            names = {_strip_label(TABLE_ZH[tbl]), _strip_label(TABLE_ZH[tbl]).split("、")[0]}
            if t not in names and not _strip_label(TABLE_ZH[tbl]).endswith(t):
                continue
            rows = [k for k in ROW_ZH[tbl] if r in _names(tbl, k) or k == r]
            cols = [k for k, v in COL_ZH[tbl].items() if _strip_label(v) == c or k == c]
            for row in rows:
                for col in cols:
                    if f"{tbl}.{row}.{col}" in keys:
                        return f"{tbl}.{row}.{col}"
    from dashboard.catalogue.cell_names import cell_by_printed_name, nearest_cells  # names as the pages print them

    if found := cell_by_printed_name(text, keys):
        return found
    near = nearest_cells(text, keys)
    hint = f"；最接近的格：{'、'.join(f'「{n}」' for n in near)}" if near else ""
    raise CorrectionError(f"「{text}」不是该报告（{template}年版）表格中的格{hint}")


# ---- applying corrections to a record ----

# ---- writing ----

def _report(con: duckdb.DuckDBPyConnection, report_id: int) -> tuple[int, int, str, str, int | None]:
    row = con.execute("""select agency_id, year, template, coalesce(applications_layout, template), superseded_by
                         from reports where report_id = ?""", [int(report_id)]).fetchone()
    if row is None:
        raise CorrectionError(f"没有编号为 {report_id} 的报告")
    return row


def _current_cell(con: duckdb.DuckDBPyConnection, report_id: int,
                  key: str) -> tuple[bool, float | None, str | None, float | None, str | None]:
    """(exists, current value, current printed text, parsed value, current flag) of one cell."""
    tbl, row, col = key.split(".", 2)
    hit = con.execute("""select value, printed, parsed_value, flag from effective_cells
                         where report_id = ? and tbl = ? and row_code = ? and col_code = ?""",
                      [report_id, tbl, row, col]).fetchone()
    return (False, None, None, None, None) if hit is None else (True, hit[0], hit[1], hit[2], hit[3])


def _next_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("select coalesce(max(correction_id), 0) + 1 from corrections").fetchone()[0])


def refresh_report(con: duckdb.DuckDBPyConnection, report_ids: list[int], who: str,
                   correction_ids: list[int]) -> list[int]:
    """Recompute the reports' indicators and rerun their checks (and the next year's); returns the findings closed."""
    from dashboard.review.findings import recheck_reports

    ids = sorted({int(r) for r in report_ids})
    if not ids:
        return []
    rel = "(select unnest(" + repr(ids) + ") as report_id)"
    con.execute(f"delete from indicators where report_id in {rel}")
    fill_indicators(con, rel)
    return recheck_reports(con, ids, resolved_by={"who": who, "corrections": correction_ids})


def _apply(con: duckdb.DuckDBPyConnection, user: User, report_id: int, changes: dict[str, Any], reason: str,
           kind: str, result: CorrectionResult) -> None:
    """Validate and write one report's corrections in an open writer connection (no indicator/check refresh)."""
    _aid, _year, template, layout, superseded = _report(con, report_id)
    if superseded is not None:
        raise CorrectionError(f"报告 {report_id} 已被新版（{superseded}）替换，请更正现行版")
    keyed: dict[str, float | None] = {}
    for raw_key, raw_value in changes.items():
        key = resolve_cell(raw_key, template, layout)
        value = parse_value(raw_value)
        _check_value(key, value)
        keyed[key] = value
    next_id = _next_id(con)
    for key, value in keyed.items():
        exists, before, printed, parsed, flag = _current_cell(con, report_id, key)
        # the same value is no change — unless the cell was not read (missing, uncertain): then deciding it is one
        if exists and before == value and flag not in ("missing", "uncertain", "unreadable", "placed_by_order") \
                and not (value is None and printed not in ("", None)):
            result.unchanged.append(key)
            continue
        tbl, row, col = key.split(".", 2)
        con.execute("""update corrections set status = 'replaced' where status = 'active' and report_id = ?
                       and tbl = ? and row_code = ? and col_code = ?""", [report_id, tbl, row, col])
        con.execute("""insert into corrections (correction_id, report_id, tbl, row_code, col_code, value_before,
                       printed_before, parsed_value, value_after, who, "at", reason, status, kind)
                       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp, ?, 'active', ?)""",
                    [next_id, report_id, tbl, row, col, before, printed, parsed, value, user.name, reason, kind])
        if kind == "correction":
            audit.log(con, user.name, "correction", f"报告 {report_id} {cell_label(key)}",
                      {"value": before, "printed": printed}, {"value": value}, report_id=report_id, cell=key,
                      correction_id=next_id, reason=reason)
        result.correction_ids.append(next_id)
        next_id += 1
    if report_id not in result.report_ids:
        result.report_ids.append(report_id)


def correct(user: User | None, report_id: int, changes: dict[str, Any], reason: str,
            db: Path | None = None) -> CorrectionResult:
    """Correct cells of one current report (编辑 or higher): {cell code or label path: value}; reason required."""
    return correct_many(user, [(report_id, changes, reason)], db)


def correct_many(user: User | None, items: list[tuple[int, dict[str, Any], str]],
                 db: Path | None = None) -> CorrectionResult:
    """Several reports' corrections in one write: all applied or (on any bad input) none."""
    user = require_role(user, "编辑", "更正数据")
    for _, _, reason in items:
        if not str(reason or "").strip():
            raise CorrectionError("请填写更正理由")
        check_reason(reason)
    result = CorrectionResult()
    # all or nothing: the writer works on a copy that is swapped in only when the block ends without error
    with writer(db_path(db)) as con:
        for report_id, changes, reason in items:
            _apply(con, user, int(report_id), changes, str(reason).strip(), "correction", result)
        result.resolved_findings = refresh_report(con, result.report_ids, user.name, result.correction_ids)
    return result


def _correction_in(con: duckdb.DuckDBPyConnection, correction_id: int, status: str, refusal_zh: str) -> tuple:
    """(report_id, tbl, row_code, col_code, value_after, status) of a correction in `status`, else refused."""
    row = con.execute("""select report_id, tbl, row_code, col_code, value_after, status from corrections
                         where correction_id = ?""", [int(correction_id)]).fetchone()
    if row is None or row[5] != status:
        raise CorrectionError(refusal_zh)
    return row


def revert(user: User | None, correction_id: int, reason: str, db: Path | None = None) -> CorrectionResult:
    """Withdraw an active correction (编辑 or higher): the cell shows its parsed value again; the trail stays."""
    user = require_role(user, "编辑", "撤销更正")
    if not str(reason or "").strip():
        raise CorrectionError("请填写撤销理由")
    check_reason(reason)
    result = CorrectionResult()
    with writer(db_path(db)) as con:
        row = _correction_in(con, correction_id, "active", f"更正 {correction_id} 不存在或已不在生效中")
        con.execute("update corrections set status = 'reverted' where correction_id = ?", [int(correction_id)])
        key = ".".join(row[1:4])
        audit.log(con, user.name, "correction_revert", f"报告 {row[0]} {cell_label(key)}", {"value": row[4]}, None,
                  correction_id=int(correction_id), reason=reason)
        result.report_ids = [int(row[0])]
        result.resolved_findings = refresh_report(con, result.report_ids, user.name, [int(correction_id)])
    return result


# ---- carry-over when a revised file supersedes a report ----

def carry_over(con: duckdb.DuckDBPyConnection, pairs: list[tuple[int, int]] | None = None,
               supersede_relation: str | None = None) -> dict[str, int]:
    """Carry the corrections of superseded reports to the reports that replace them, inside the ingest transaction.

    `pairs` are (old report_id, new report_id); or `supersede_relation`, a registered relation with columns old, new
    (what ingest's supersede step has). A correction whose cell the new file reads as the old one did stays active
    on the new report; one whose cell now reads differently becomes `stale` there (not applied; a CORRECTION_STALE
    finding asks for review). Stale corrections of the old report are carried as stale. Returns counts.
    """
    if supersede_relation:
        # oldest first: a report superseded twice in one batch passes its corrections along the chain
        pairs = [(int(o), int(n)) for o, n in con.execute(
            f"select old, new from {supersede_relation} order by new").fetchall()]
    counts = {"carried": 0, "stale": 0}
    if not pairs:
        return counts
    next_id = _next_id(con)
    for old, new in pairs:
        rows = con.execute("""select correction_id, tbl, row_code, col_code, parsed_value, value_after, who, reason,
                                     kind, status
                              from corrections where report_id = ? and status in ('active', 'stale')
                              order by correction_id""", [old]).fetchall()
        for cid, tbl, row, col, parsed_old, after, who, reason, kind, status in rows:
            old_cell = con.execute("""select value, flag from cells where report_id = ? and tbl = ? and row_code = ?
                                      and col_code = ?""", [old, tbl, row, col]).fetchone()
            new_cell = con.execute("""select value, printed, flag from cells where report_id = ? and tbl = ?
                                      and row_code = ? and col_code = ?""", [new, tbl, row, col]).fetchone()
            same = (old_cell is None and new_cell is None) or (
                old_cell is not None and new_cell is not None and old_cell[0] == new_cell[0]
                and (old_cell[1] == "missing") == (new_cell[2] == "missing"))
            new_status = "active" if status == "active" and same else "stale"
            before = new_cell[0] if new_cell else None
            con.execute("""insert into corrections (correction_id, report_id, tbl, row_code, col_code, value_before,
                           printed_before, parsed_value, value_after, who, "at", reason, status, kind, carried_from)
                           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::timestamp, ?, ?, ?, ?)""",
                        [next_id, new, tbl, row, col, before, new_cell[1] if new_cell else None, before, after, who,
                         reason, new_status, kind, cid])
            key = f"{tbl}.{row}.{col}"
            action = "correction_carried" if new_status == "active" else "correction_stale"
            audit.log(con, SYSTEM_WHO, action, f"报告 {new} {cell_label(key)}",
                      {"report_id": old, "parsed": parsed_old, "corrected": after},
                      {"report_id": new, "parsed": before, "applied": new_status == "active"},
                      correction_id=next_id, carried_from=cid, corrected_by=who)
            counts["carried" if new_status == "active" else "stale"] += 1
            next_id += 1
    return counts


def review_stale(user: User | None, correction_id: int, action: str, reason: str,
                 db: Path | None = None) -> CorrectionResult:
    """Decide a stale correction (编辑 or higher): 'reapply' its value over the new reading, or 'drop' it."""
    user = require_role(user, "编辑", "复核更正")
    if action not in ("reapply", "drop"):
        raise CorrectionError(f"未知的复核操作：{action}")
    if not str(reason or "").strip():
        raise CorrectionError("请填写复核理由")
    check_reason(reason)
    result = CorrectionResult()
    with writer(db_path(db)) as con:
        row = _correction_in(con, correction_id, "stale", f"更正 {correction_id} 不是待复核的更正")
        rid, key = int(row[0]), ".".join(row[1:4])
        con.execute("update corrections set status = ? where correction_id = ?",
                    ["reapplied" if action == "reapply" else "dropped", int(correction_id)])
        audit.log(con, user.name, "stale_reapplied" if action == "reapply" else "stale_dropped",
                  f"报告 {rid} {cell_label(key)}", {"status": "stale"}, {"status": action},
                  correction_id=int(correction_id), reason=reason)
        if action == "reapply":
            _apply(con, user, rid, {key: row[4]}, reason, "correction", result)
        result.report_ids = [rid]
        result.resolved_findings = refresh_report(con, [rid], user.name, result.correction_ids or [correction_id])
    return result


# ---- manual entry ----

def blank_record(agency: str, year: int, template: str, layout: str | None = None) -> dict[str, Any]:
    """The empty parse of a version: every cell of its grid present and 'missing' (not read, not blank)."""
    layout = layout if layout in APPLICATION_ROWS else template
    rec: dict[str, Any] = {"agency": agency, "year": int(year), "template": template, "applications_layout": layout,
                           "disclosure": {}, "applications": {}, "appeals": {}, "cell_flags": {}, "problems": [],
                           "sections": {}, "manual_entry": True}
    for key in grid_keys(template, layout):
        tbl, row, col = key.split(".", 2)
        rec[tbl].setdefault(row, {})[col] = None
        rec["cell_flags"][key] = "missing"
    return rec


def live_checks(values: dict[str, Any], template: str, layout: str | None = None) -> tuple[list[str], list[str]]:
    """(R1–R4 messages in Chinese, cells that are not numbers) of values typed so far; an untyped cell is blank (it
    is saved as blank), so it counts as 0 in the sums."""
    from dashboard.checks import run_checks

    rec = blank_record("", 2000, template, layout)
    bad: list[str] = []
    changes: dict[str, float | None] = dict.fromkeys(grid_keys(template, layout))
    for key, raw in values.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            changes[key] = parse_value(raw)
            _check_value(key, changes[key])
        except CorrectionError as exc:
            bad.append(f"{cell_label(key)}：{exc}")
    findings = run_checks(apply_to_record(rec, changes), rules=["R1", "R2", "R3", "R4"])
    return [f"{f.rule}：{f.message}" for f in findings], bad


def computed_totals(values: dict[str, Any], template: str, layout: str | None = None) -> list[tuple[str, Any, float]]:
    """(cell label, typed value, computed sum) of every 合计/总计 cell the format defines, from what was typed."""
    layout = layout if layout in APPLICATION_ROWS else template
    def v(key: str) -> float:
        try:
            return parse_value(values.get(key)) or 0.0
        except CorrectionError:
            return 0.0
    out = []
    rows = [r for r, _ in APPLICATION_ROWS[layout]]
    outcomes = [r for r in rows if r not in ("new", "carried_in", "total", "carried_over")]
    for r in rows:
        key = f"applications.{r}.total"
        out.append((cell_label(key), values.get(key), sum(v(f"applications.{r}.{c}") for c in APPLICATION_COLUMNS[:-1])))
    for c in APPLICATION_COLUMNS[:-1]:
        key = f"applications.total.{c}"
        out.append((cell_label(key), values.get(key), sum(v(f"applications.{r}.{c}") for r in outcomes)))
    for g in APPEAL_GROUPS:
        key = f"appeals.{g}.total"
        out.append((cell_label(key), values.get(key), sum(v(f"appeals.{g}.{c}") for c in APPEAL_COLUMNS[:-1])))
    return out


def create_manual_report(user: User | None, agency_id: int, year: int, template: str, values: dict[str, Any],
                         reason: str, source: tuple[str, bytes] | None = None, layout: str | None = None,
                         db: Path | None = None) -> tuple[int, CorrectionResult]:
    """A report entered by hand (编辑 or higher) over the blank grid; every typed value is an 'entry' correction.

    A cell left empty is entered as blank (counts as 0 in sums, as on a printed form). Refused when the agency
    already has a current report for the year (correct that one on 校对 instead).
    """
    from dashboard.store.records import cell_rows

    user = require_role(user, "编辑", "手工录入报告")
    if template not in DISCLOSURE_COLUMNS:
        raise CorrectionError(f"未知的格式版本：{template}")
    if not str(reason or "").strip():
        raise CorrectionError("请填写录入说明（例如：扫描件，按原件手工录入）")
    check_reason(reason)
    layout = layout if layout in APPLICATION_ROWS else template
    keys = set(grid_keys(template, layout))
    unknown = [k for k in values if k not in keys]
    if unknown:
        raise CorrectionError(f"不是该版本表格中的格：{'、'.join(unknown[:5])}")
    parsed: dict[str, float | None] = dict.fromkeys(grid_keys(template, layout))  # left empty = entered as blank
    for k, raw in values.items():
        try:
            parsed[k] = parse_value(raw)
            _check_value(k, parsed[k])
        except CorrectionError as exc:
            raise CorrectionError(f"{cell_label(k)}：{exc}") from None
    result = CorrectionResult()
    with writer(db_path(db)) as con:
        agency = con.execute("select name from agencies where agency_id = ?", [int(agency_id)]).fetchone()
        if agency is None:
            raise CorrectionError(f"没有编号为 {agency_id} 的单位")
        if con.execute("select count(*) from reports where agency_id = ? and year = ? and superseded_by is null "
                       "and draft is not true",
                       [int(agency_id), int(year)]).fetchone()[0]:
            raise CorrectionError(f"{agency[0]} {year} 年度已有报告；请在“校对”页更正该报告")
        rec = blank_record(agency[0], year, template, layout)
        now = datetime.now()
        name, data = source if source else (f"手工录入：{agency[0]}{year}年度", None)
        sha = hashlib.sha256(data).hexdigest() if data else hashlib.sha256(
            f"manual|{agency_id}|{year}|{now.isoformat()}|{user.name}".encode()).hexdigest()
        if con.execute("select count(*) from reports where sha256 = ?", [sha]).fetchone()[0]:
            raise CorrectionError("该原件已入库")
        rid = int(con.execute("select coalesce(max(report_id), 0) + 1 from reports").fetchone()[0])
        if True:  # all or nothing: the writer's copy is swapped in only when the block ends without error
            con.execute("""insert into reports (report_id, agency_id, agency_printed, year, template, applications_layout,
                           source_name, format, sha256, source_bytes, ingested_at, superseded_by, parse_json,
                           source_path, simulated, entered_by)
                           values (?, ?, ?, ?, ?, ?, ?, 'manual', ?, ?, ?, null, ?, null, false, ?)""",
                        [rid, int(agency_id), agency[0], int(year), template, layout, name, sha, data, now,
                         json.dumps(rec, ensure_ascii=False), user.name])
            rows = cell_rows(rid, rec)
            con.executemany("insert into cells values (?, ?, ?, ?, ?, ?, ?, ?)",
                            list(zip(*[rows[c] for c in rows], strict=True)))
            _apply(con, user, rid, {k: v for k, v in parsed.items()}, str(reason).strip(), "entry", result)
            audit.log(con, user.name, "manual_entry", f"{agency[0]} {year} 年度报告（手工录入，编号 {rid}）", None,
                      {"cells": len(result.correction_ids), "template": template, "source": name if source else None},
                      report_id=rid, reason=reason)
            result.resolved_findings = refresh_report(con, [rid], user.name, result.correction_ids)
    return rid, result


# ---- reading ----

def corrections_of(con: duckdb.DuckDBPyConnection, agency_id: int, year: int) -> list[dict[str, Any]]:
    """Every correction of every stored version of one agency's report for a year, oldest first."""
    rows = con.execute("""select k.correction_id, k.report_id, k.tbl, k.row_code, k.col_code, k.value_before,
                                 k.value_after, k.who, k."at", k.reason, k.status, k.kind, k.carried_from
                          from corrections k join reports r using (report_id)
                          where r.agency_id = ? and r.year = ? order by k.correction_id""",
                       [int(agency_id), int(year)]).fetchall()
    cols = ["correction_id", "report_id", "tbl", "row_code", "col_code", "value_before", "value_after", "who", "at",
            "reason", "status", "kind", "carried_from"]
    return [dict(zip(cols, r, strict=True)) for r in rows]


# ---- bulk input (CSV) ----

CSV_COLUMNS = ("agency", "year", "cell", "value", "reason")


_CN_YEAR = str.maketrans("〇零一二三四五六七八九０１２３４５６７８９", "00123456789" + "0123456789")


def parse_year(text: Any) -> int:
    """A report year as people write it: 2024, ２０２４, 二〇二四 (or 2024年); CorrectionError otherwise."""
    s = str(text or "").strip().removesuffix("年度").removesuffix("年").translate(_CN_YEAR)
    if not re.fullmatch(r"(19|20)[0-9]{2}", s):
        raise CorrectionError(f"年度「{text}」不是有效的年份")
    return int(s)


def _csv_text(path: Path) -> str:
    """A CSV as text: UTF-8 (with or without BOM), else GB18030 (Excel's 'CSV' on a Chinese Windows)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorrectionError(f"无法读取 {path}：{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorrectionError(f"{path}：无法识别文件编码，请另存为 UTF-8 的 CSV")


def read_bulk_csv(path: Path, resolve_agency: Any, db: Path | None = None) -> list[tuple[int, dict[str, Any], str]]:
    """Rows of a corrections CSV (agency, year, cell, value, reason) as (report_id, changes, reason) items, every row
    validated first; the first bad row raises CorrectionError naming its line, so nothing is applied. Two rows for
    the same cell are refused (which one is meant is not ours to guess). Rows of one report with one reason become
    one item (one write), and each agency and report is looked up once."""
    from dashboard.store.named import run_query

    reader = csv.DictReader(_csv_text(path).splitlines())
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CorrectionError(f"{path}：缺少列 {', '.join(missing)}（需要 {', '.join(CSV_COLUMNS)}）")
    agencies: dict[str, int] = {}
    reports: dict[tuple[int, int], Any] = {}
    seen: dict[tuple[int, str], int] = {}
    grouped: dict[tuple[int, str], dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        try:
            name = (row["agency"] or "").strip()
            if name not in agencies:
                agencies[name] = int(resolve_agency(name))
            agency_id = agencies[name]
            year = parse_year(row["year"])
            if (agency_id, year) not in reports:
                hit = run_query("corrections_current_report", db=db, agency_id=agency_id, year=year)
                reports[(agency_id, year)] = None if hit.empty else hit.iloc[0]
            rep = reports[(agency_id, year)]
            if rep is None:
                raise CorrectionError(f"{row['agency']} {year} 年度没有入库的报告")
            key = resolve_cell(row["cell"] or "", str(rep["template"]), str(rep["layout"]))
            value = parse_value(row["value"])
            _check_value(key, value)
            reason = check_reason(row["reason"])
            report_id = int(rep["report_id"])
            if (report_id, key) in seen:
                raise CorrectionError(f"与第 {seen[(report_id, key)]} 行更正的是同一格（{cell_label(key)}），"
                                      "请只保留一行")
            seen[(report_id, key)] = line
        except (CorrectionError, ValueError) as exc:
            raise CorrectionError(f"第 {line} 行（{row.get('agency')}, {row.get('year')}, {row.get('cell')}）：{exc}；"
                                  "未应用任何更正") from None
        grouped.setdefault((report_id, reason), {})[key] = value
    return [(rid, changes, reason) for (rid, reason), changes in grouped.items()]
