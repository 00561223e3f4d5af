"""Supersede by evidence, not by date: what a version of a report shows of itself, and whether a new version may
replace the current one.

A new version becomes current only when it is at least as complete and at least as consistent as the current one:
figures read, uncertain cells, error-level reading problems, the consistency checks (R1–R5, X1–X3, run on the new
record before deciding), the length of its narrative, doubts about whose report it is, and whether its file's bytes
are whole. A version worse on any of these is held (待核对) with the reason in words ("新文件有 11 处勾稽错误，现行版本
0 处"); between two equally good versions the later one (printed date, else file time) is current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from dashboard.catalogue.codes import TABLES
from dashboard.checks import CheckContext, run_checks
from dashboard.store.records import NARRATIVE, completeness, has_errors

CONSISTENCY_RULES = ("R1", "R2", "R3", "R4", "R5", "X1", "X2", "X3")
IDENTITY_DOUBTS = {"agency_from_registry", "agency_near_registry", "agency_source_list_conflict", "agency_unknown",
                   "year_unknown", "identity_conflict"}
When = tuple[str | None, float | None]  # (date printed in the report, file modification time), either unknown
NARRATIVE_SHRINK = 0.9  # figures changed and the narrative is under 90 % of the current one's: not as complete


@dataclass(frozen=True)
class Evidence:
    """What one version shows of itself (counts; more figures and narrative is better, fewer of the rest)."""

    figures: int
    uncertain: int
    parse_errors: int
    consistency: int
    narrative: int
    identity_doubts: int
    damaged: str | None = None


@dataclass
class Verdict:
    """The decision on a new version: replace (current) or hold, why, and the cells whose values changed."""

    replace: bool
    reason_zh: str = ""
    reason_en: str = ""
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    same: bool = False  # held only because it reads exactly as the current one (then the bytes decide)


def narrative_length(report: dict[str, Any]) -> int:
    """Characters of the narrative sections (概述, 存在的主要问题, 其他需要报告的事项), spaces not counted."""
    sections = report.get("sections") or {}
    return sum(len("".join(str(sections.get(code) or "").split())) for code in NARRATIVE)


def evidence_of(report: dict[str, Any], ctx: CheckContext | None = None) -> Evidence:
    """The evidence of one version; the consistency checks run on it here (with the previous year in ctx)."""
    findings = run_checks(report, ctx or CheckContext(), rules=list(CONSISTENCY_RULES))
    doubts = sum(1 for p in report.get("problems") or [] if isinstance(p, dict) and p.get("code") in IDENTITY_DOUBTS)
    return Evidence(
        figures=completeness(report), uncertain=len(report.get("uncertain_cells") or {}),
        parse_errors=len(has_errors(report)),
        consistency=sum(1 for f in findings if f.severity in ("error", "warning")),
        narrative=narrative_length(report), identity_doubts=doubts, damaged=report.get("source_damage") or None)


def _values(report: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tbl in TABLES:
        for row, cols in (report.get(tbl) or {}).items():
            if isinstance(cols, dict):
                for col, v in cols.items():
                    out[f"{tbl}.{row}.{col}"] = v
    return out


def changed_cells(new: dict[str, Any], cur: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(cell, current value, new value) of every cell whose figure differs between two versions."""
    a, b = _values(cur), _values(new)
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def _worse(new: Evidence, cur: Evidence, changes: int) -> list[tuple[str, str]]:
    """Each way the new version is worse than the current one (Chinese, English)."""
    out: list[tuple[str, str]] = []
    if new.damaged and not cur.damaged:
        out.append((f"新文件不完整：{new.damaged}", f"the file looks damaged: {new.damaged}"))
    if new.parse_errors > cur.parse_errors:
        out.append((f"读取时有错误（新文件 {new.parse_errors} 处，现行版本 {cur.parse_errors} 处）",
                    f"read with errors ({new.parse_errors} against {cur.parse_errors})"))
    if new.figures < cur.figures:
        out.append((f"比现行版本少读出 {cur.figures - new.figures} 项数据，可能不完整",
                    f"{cur.figures - new.figures} fewer figures"))
    if new.consistency > cur.consistency:
        out.append((f"新文件有 {new.consistency} 处勾稽错误，现行版本 {cur.consistency} 处",
                    f"{new.consistency} consistency findings against {cur.consistency}"))
    if new.uncertain > cur.uncertain:
        out.append((f"新文件有 {new.uncertain} 个存疑数值，现行版本 {cur.uncertain} 个",
                    f"{new.uncertain} uncertain cells against {cur.uncertain}"))
    shorter = new.narrative < cur.narrative if not changes else new.narrative < cur.narrative * NARRATIVE_SHRINK
    if shorter:
        out.append((f"正文 {new.narrative} 字，现行版本 {cur.narrative} 字",
                    f"narrative of {new.narrative} characters against {cur.narrative}"))
    if new.identity_doubts > cur.identity_doubts:
        out.append(("单位名称的依据弱于现行版本（名称与名录不完全一致）", "weaker evidence of whose report it is"))
    return out


def _better(new: Evidence, cur: Evidence) -> bool:
    return (bool(cur.damaged and not new.damaged) or new.parse_errors < cur.parse_errors or new.figures > cur.figures
            or new.consistency < cur.consistency or new.uncertain < cur.uncertain or new.narrative > cur.narrative
            or new.identity_doubts < cur.identity_doubts)


def by_bytes(verdict: Verdict, new_bytes: bytes | None, cur_bytes: bytes | None, cur_id: int | str) -> Verdict:
    """Two versions that read the same: when one file is the other cut short, the whole one is the stored source."""
    if not verdict.same or not new_bytes or not cur_bytes:
        return verdict
    if len(new_bytes) > len(cur_bytes) and new_bytes.startswith(cur_bytes):
        return Verdict(True, f"替换：数值无变化；现行版本（报告 #{cur_id}）的原件是本文件被截断的副本"
                       f"（少 {len(new_bytes) - len(cur_bytes)} 字节），改存完整的原件",
                       "replaced: the current version's file is this file cut short", verdict.changes)
    if len(cur_bytes) > len(new_bytes) and cur_bytes.startswith(new_bytes):
        return Verdict(False, f"本文件是现行版本（报告 #{cur_id}）原件被截断的副本（少 "
                       f"{len(cur_bytes) - len(new_bytes)} 字节），保留现行版本及其原件",
                       "this file is the current version's file cut short; kept the current one", verdict.changes,
                       same=True)
    return verdict


def decide(new: dict[str, Any], cur: dict[str, Any], cur_id: int | str, new_ev: Evidence, cur_ev: Evidence,
           older: bool = False) -> Verdict:
    """Whether the new version replaces the current one (report #cur_id), and why not when it does not.

    `older`: the new version is known to be older than the current one (printed date, else file time); that holds
    it only when it is no better by evidence — a better version is current whatever its date."""
    changes = changed_cells(new, cur)
    worse = _worse(new_ev, cur_ev, len(changes))
    if worse:
        return Verdict(False, "；".join(w[0] for w in worse) + f"，未替换现行版本（报告 #{cur_id}）",
                       "; ".join(w[1] for w in worse) + f"; the current version (report #{cur_id}) was kept", changes)
    if not changes and not _better(new_ev, cur_ev):
        # nothing gained: the stored original stays the source (a copy may differ only in damaged bytes)
        return Verdict(False, f"与现行版本（报告 #{cur_id}）读出的数值和正文相同，保留现行版本及其原件",
                       f"reads the same figures and narrative as the current version (report #{cur_id}); kept it",
                       changes, same=True)
    if older and not _better(new_ev, cur_ev):
        return Verdict(False, f"比现行版本（报告 #{cur_id}）更早（按报告落款日期或文件修改时间），未替换",
                       f"older than the current version (report #{cur_id}, by printed date or file time); not used",
                       changes)
    if changes:
        return Verdict(True, f"替换：{len(changes)} 个数值变化（旧值保留在报告 #{cur_id}）",
                       f"replaced: {len(changes)} values changed (old values kept in report #{cur_id})", changes)
    return Verdict(True, "替换：数值无变化，正文更完整", "replaced: same figures, fuller narrative", changes)


def older_than(new: When, cur: When) -> bool:
    """True when the new version is known to be older than the current one: printed dates compared when both
    print one (file times break a tie), else file times when both have one; unknown is never older."""
    if new[0] and cur[0] and new[0] != cur[0]:
        return new[0] < cur[0]
    return bool(new[1] and cur[1] and new[1] < cur[1])


def contexts(con: duckdb.DuckDBPyConnection, keys: set[tuple[int, int]]) -> dict[tuple[int, int], CheckContext]:
    """The check context of each agency-year: its previous year's current report (for X1–X3)."""
    from dashboard.review.findings import current_reports

    prev = current_reports(con, {(a, y - 1) for a, y in keys if isinstance(y, int)})
    return {(a, y): CheckContext(previous=prev[(a, y - 1)][1] if (a, y - 1) in prev else None) for a, y in keys}
