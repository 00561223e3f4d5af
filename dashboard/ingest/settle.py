"""The office's word, in one audited step: assign unit and year to a 待认定 report, or promote a held (待核对)
version to current.

Both go through the usual supersede rules (dashboard/ingest/evidence.py): an assigned report becomes current only
when it is at least as good as the agency-year's current version, else it is held with the reason. A promotion is
the office overruling that decision for one version, with its reason, in the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dashboard.checks.model import Finding
from dashboard.ingest.agencies import resolve_agencies, sync_registry
from dashboard.ingest.evidence import contexts, decide, evidence_of, older_than
from dashboard.ingest.identity import PENDING
from dashboard.ingest.prepare import Prepared
from dashboard.parse.names import normalize_name
from dashboard.registry import Registry
from dashboard.review import audit
from dashboard.review.corrections import carry_over
from dashboard.review.findings import check_stored, current_reports, save_findings
from dashboard.store.db import writer
from dashboard.store.records import printed_date
from dashboard.store.schema import update_indicators

ASSIGNED_BY = "人工认定"
ID_PROBLEM_CODES = {"agency_unknown", "year_unknown", "agency_near_registry", "agency_from_registry",
                    "agency_source_list_conflict", "identity_conflict"}
MAX_REASON = 500


class SettleError(ValueError):
    """An assignment or promotion that cannot be made; the message is one Chinese sentence."""


@dataclass
class Settled:
    """What became of the report: current (ingested/superseded) or held, and why."""

    report_id: int
    status: str  # ingested | superseded | held
    reason_zh: str = ""
    replaced: int | None = None
    agency: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Assignment:
    """Unit and year given by a person (`nianbao ingest --agency --year`, the 导入 page)."""

    agency: str | None
    year: int | None
    who: str
    new_agency: bool = False


def registry_name(agency: str, registry: Registry, new_agency: bool = False) -> str:
    """The registry's name for what a person typed; SettleError when it is not in the registry (unless new_agency)."""
    text = (agency or "").strip()
    if not text:
        raise SettleError("请填写单位名称。")
    hit = registry.match(text).agency
    if hit:
        return hit.name
    if not new_agency:
        hint = registry.match(text).suggestion
        raise SettleError(f"“{text}”不在单位名录中" + (f"（是否为“{hint}”？）" if hint else "")
                          + "；如确为名录外的新单位，请使用 --new-agency。")
    return normalize_name(text)


def check_year(year: Any) -> int:
    """A report year (2000–2100) or SettleError."""
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise SettleError(f"年度“{year}”无效：请填写 2000 至 2100 之间的年份。")
    return year


def assigned_record(report: dict[str, Any], agency: str, year: int, who: str) -> dict[str, Any]:
    """The record filed under the unit and year a person gave: the identity doubts answered, an info note kept."""
    out = dict(report)
    before = (report.get("agency"), report.get("year"))
    out["agency"], out["year"] = agency, year
    out["identity_source"] = ASSIGNED_BY
    out["held_for_review"] = False
    out["identity_assigned"] = {"who": who, "at": datetime.now().isoformat(timespec="seconds"),
                                "agency_read": before[0], "year_read": before[1]}
    kept = [p for p in out.get("problems") or [] if not (isinstance(p, dict) and p.get("code") in ID_PROBLEM_CODES)]
    read = f"文件中读出“{before[0]}”" if before[0] and before[0] != agency else "文件中未能确定单位"
    kept.append({"code": "identity_assigned", "severity": "info", "cells": [],
                 "message_zh": f"单位和年度由 {who} 认定为“{agency}” {year} 年度（{read}）",
                 "message_en": f"unit and year assigned by {who}"})
    out["problems"] = kept
    return out


def apply_assignment(item: Prepared, given: Assignment, registry: Registry) -> Prepared:
    """A prepared file filed under the unit and year given on the command line (its own reading where not given)."""
    report = item.report if item.ok else item.extra.get("unidentified")
    if not isinstance(report, dict):
        return item
    agency = registry_name(given.agency, registry, given.new_agency) if given.agency else report.get("agency")
    year = given.year if given.year is not None else report.get("year")
    if not agency or not isinstance(year, int):
        return item  # still not settled: stays 待认定
    item.report = assigned_record(report, agency, check_year(year), given.who)
    item.error_zh = item.error_en = ""
    item.extra.pop("unidentified", None)
    item.extra["assigned"] = True
    item.format = item.format or str(report.get("format") or "")
    item.extra["printed_date"] = printed_date(item.report)
    return item


def _agency_id(con: duckdb.DuckDBPyConnection, name: str, registry: Registry) -> int:
    sync_registry(con, registry)
    return resolve_agencies(con, registry, [Prepared("", "", {"agency": name})])[name]


def _when(con: duckdb.DuckDBPyConnection, rid: int, report: dict[str, Any]) -> tuple[str | None, float | None]:
    (mtime,), = con.execute("select source_mtime from reports where report_id = ?", [rid]).fetchall()
    return printed_date(report), mtime.timestamp() if mtime else None


def _make_current(con: duckdb.DuckDBPyConnection, rid: int, cur_id: int | None) -> None:
    """rid becomes the current version of its agency-year; cur_id (if any) is superseded by it, its held versions
    now point at rid, its corrections are carried over, the indicators follow."""
    con.execute("update reports set superseded_by = null, held = false, held_reason = null where report_id = ?", [rid])
    if cur_id is not None:
        con.execute("update reports set superseded_by = ? where report_id = ?", [rid, cur_id])
        con.execute("update reports set superseded_by = ? where superseded_by = ? and coalesce(held, false)", [rid, cur_id])
        carry_over(con, pairs=[(cur_id, rid)])
    con.register("_settled", pa.table({"report_id": pa.array([rid], pa.int32())}))
    con.register("_unsettled", pa.table({"report_id": pa.array([cur_id] if cur_id is not None else [], pa.int32())}))
    try:
        update_indicators(con, "_settled", "_unsettled")
    finally:
        con.unregister("_settled")
        con.unregister("_unsettled")
    con.execute("delete from findings where report_id = ? and rule = 'HELD' and status = 'open'", [rid])


def _hold(con: duckdb.DuckDBPyConnection, rid: int, cur_id: int, reason_zh: str, reason_en: str) -> None:
    con.execute("update reports set superseded_by = ?, held = true, held_reason = ? where report_id = ?",
                [cur_id, reason_zh, rid])
    con.execute("delete from findings where report_id = ? and rule = 'HELD' and status = 'open'", [rid])
    save_findings(con, {rid: [Finding("HELD", "warning", f"此版本待核对，未成为当前版本：{reason_zh}", [], reason_en)]})


def place(con: duckdb.DuckDBPyConnection, rid: int, report: dict[str, Any], agency_id: int, year: int,
          registry: Registry, who: str) -> Settled:
    """Put a stored report of a known agency-year through the supersede rules: current, or held with the reason."""
    cur = current_reports(con, {(agency_id, year)}).get((agency_id, year))
    cur = cur if cur and cur[0] != rid else None
    if cur is None:
        _make_current(con, rid, None)
        check_stored(con, {(agency_id, year): (rid, report)}, registry)
        return Settled(rid, "ingested", "", None, report.get("agency") or "", year)
    ctx = contexts(con, {(agency_id, year)})[(agency_id, year)]
    older = older_than(_when(con, rid, report), _when(con, cur[0], cur[1]))
    verdict = decide(report, cur[1], cur[0], evidence_of(report, ctx), evidence_of(cur[1], ctx), older)
    if not verdict.replace:
        _hold(con, rid, cur[0], verdict.reason_zh, verdict.reason_en)
        return Settled(rid, "held", verdict.reason_zh, None, report.get("agency") or "", year)
    _make_current(con, rid, cur[0])
    check_stored(con, {(agency_id, year): (rid, report)}, registry)
    audit.log(con, who, "supersede", f"{report.get('agency')} {year} 年度报告：#{rid} 替换 #{cur[0]}",
              {"report_id": cur[0]}, {"report_id": rid}, reason=verdict.reason_zh,
              changes=[[k, a, b] for k, a, b in verdict.changes[:500]])
    return Settled(rid, "superseded", verdict.reason_zh, cur[0], report.get("agency") or "", year)


def _row(con: duckdb.DuckDBPyConnection, rid: int) -> tuple:
    rows = con.execute("""select agency_id, year, coalesce(held, false), coalesce(held_reason, ''), parse_json,
                                 source_name from reports where report_id = ?""", [int(rid)]).fetchall()
    if not rows:
        raise SettleError(f"未找到报告 #{rid}。")
    return rows[0]


def assign_in(con: duckdb.DuckDBPyConnection, rid: int, agency: str, year: int, who: str, registry: Registry,
              new_agency: bool = False) -> Settled:
    """Assign unit and year to the 待认定 report rid inside an open writer connection (audited)."""
    _aid, _year, held, reason, js, source = _row(con, rid)
    if not (held and reason.startswith(PENDING)):
        raise SettleError(f"报告 #{rid} 不是待认定的报告（单位和年度已确定）。")
    name = registry_name(agency, registry, new_agency)
    year = check_year(year)
    read = json.loads(js)
    report = assigned_record(read, name, year, who)
    aid = _agency_id(con, name, registry)
    con.execute("update reports set agency_id = ?, year = ?, parse_json = ? where report_id = ?",
                [aid, year, json.dumps(report, ensure_ascii=False, default=str), rid])
    out = place(con, rid, report, aid, year, registry, who)
    audit.log(con, who, "identity_assign", f"报告 #{rid}（{source}）",
              {"agency": read.get("agency"), "year": read.get("year"), "held_reason": reason},
              {"agency": name, "year": year, "status": out.status}, report_id=rid, outcome=out.status,
              reason=out.reason_zh)
    return out


def assign_identity(rid: int, agency: str, year: int, who: str, db: Path | None = None,
                    registry: Registry | None = None, new_agency: bool = False) -> Settled:
    """Assign unit and year to a 待认定 report (one writer transaction, audited); then the supersede rules apply."""
    registry = registry or Registry.load()
    name = registry_name(agency, registry, new_agency)  # refused before the database is touched
    with writer(db) as con:
        return assign_in(con, int(rid), name, check_year(year), who, registry, new_agency)


def promote(rid: int, reason: str, who: str, db: Path | None = None, registry: Registry | None = None) -> Settled:
    """Make a held (待核对) version current in one step: the office overrules the supersede rules, with a reason."""
    text = " ".join(str(reason or "").split())
    if not text:
        raise SettleError("请填写启用此版本的理由。")
    if len(text) > MAX_REASON:
        raise SettleError(f"理由过长（{len(text)} 字），请控制在 {MAX_REASON} 字以内。")
    registry = registry or Registry.load()
    with writer(db) as con:
        aid, year, held, held_reason, js, source = _row(con, rid)
        if not held:
            raise SettleError(f"报告 #{rid} 不是待核对版本，无需启用。")
        if held_reason.startswith(PENDING) or aid is None or year is None:
            raise SettleError(f"报告 #{rid} 待认定：请先认定单位和年度。")
        report = json.loads(js)
        cur = current_reports(con, {(aid, year)}).get((aid, year))
        cur_id = cur[0] if cur and cur[0] != rid else None
        _make_current(con, int(rid), cur_id)
        check_stored(con, {(aid, year): (int(rid), report)}, registry)
        audit.log(con, who, "promote", f"{report.get('agency')} {year} 年度报告 #{rid}（{source}）",
                  {"current": cur_id, "held_reason": held_reason}, {"current": int(rid)}, reason=text,
                  report_id=int(rid))
    return Settled(int(rid), "superseded" if cur_id else "ingested", text, cur_id, report.get("agency") or "", year)
