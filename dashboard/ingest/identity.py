"""待认定: a report whose unit or year cannot be settled is stored, held and not counted, never lost.

Two kinds of file land here: one the parser read (a known format, figures) but whose agency or year it could not
establish, and one whose printed agency is not in the registry but one or two characters from a registry name
("红崖子沟民政府" beside 红崖子沟乡人民政府) — a misreading is never made a new agency. Each keeps the candidates
the reader found and why each was rejected, for the 编辑 who assigns unit and year (dashboard/ingest/settle.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dashboard.ingest.prepare import Prepared
from dashboard.parse.identity_sources import SOURCE_ZH
from dashboard.parse.names import name_key
from dashboard.registry import Registry

PENDING = "待认定"  # held_reason of such a report starts with this word
IMAGE_FORMATS = {"png", "jpg", "jpeg", "tif", "tiff"}
NEAR_EDITS = 2  # one character changed, or up to this many lost: held, not made a new agency
ID_PROBLEMS = ("agency_unknown", "year_unknown", "agency_near_registry")


@dataclass
class Hold:
    """Why a report is 待认定, with the candidates the reader found (each: agency, year, why not taken)."""

    report: dict[str, Any]
    reason_zh: str
    reason_en: str
    candidates: list[dict[str, Any]] = field(default_factory=list)


def near_registry(name: str, registry: Registry) -> tuple[str, int] | None:
    """(registry name, edits) of the one registry entry a name not in the registry is 1–2 characters from."""
    from rapidfuzz.distance import Levenshtein

    from dashboard.parse.names import normalize_name

    key, full = name_key(name or ""), normalize_name(name or "")
    if len(key) < 3 or registry.match(name).agency is not None:
        return None
    best: dict[str, int] = {}
    for a in registry.agencies:
        for theirs in [*a.keys(), *(normalize_name(n) for n in [a.name, *a.aliases] if n)]:
            mine = full if len(theirs) > len(key) + NEAR_EDITS else key
            for cand in {mine, full, key}:
                d = Levenshtein.distance(cand, theirs, score_cutoff=NEAR_EDITS)
                # one character different, or up to two lost (红崖子沟乡人民政府 read as 红崖子沟民政府)
                if d == 1 or (0 < d <= NEAR_EDITS and len(theirs) - len(cand) == d and _subsequence(cand, theirs)):
                    best[a.name] = min(d, best.get(a.name, d))
    if not best:
        return None
    top = min(best.values())
    hits = [n for n, d in best.items() if d == top]
    return (hits[0], top) if len(hits) == 1 else None


def _subsequence(short: str, long: str) -> bool:
    """True when `short` is `long` with some characters left out."""
    it = iter(long)
    return all(ch in it for ch in short)


def _year_of(report: dict[str, Any]) -> int | None:
    y = report.get("year")
    return y if isinstance(y, int) and 2000 <= y <= 2100 else None


def _candidates(report: dict[str, Any], registry: Registry, near: tuple[str, int] | None) -> list[dict[str, Any]]:
    """What the reader found about whose report this is, and why it was not taken (only what the record offers)."""
    out: list[dict[str, Any]] = []
    year = _year_of(report)
    if near:
        out.append({"agency": near[0], "year": year, "why_zh": f"读出的名称“{report.get('agency')}”与此名录单位相差 "
                    f"{near[1]} 个字，可能是读取错误，未自动归入"})
    for ev in report.get("identity_evidence") or []:  # the parser's readings (parse/identity_sources.py)
        if not isinstance(ev, dict) or ev.get("field") not in ("agency", "year"):
            continue
        where = SOURCE_ZH.get(str(ev.get("source")), str(ev.get("source") or ""))
        fate = str(ev.get("note") or ("已采用" if ev.get("used") else "未采用"))
        why = f"{where}（{ev.get('rule') or ''}）：{fate}" + (f"；原文“{str(ev.get('line'))[:60]}”" if ev.get("line") else "")
        if ev["field"] == "agency":
            hit = registry.match(str(ev.get("value") or "")).agency
            out.append({"agency": hit.name if hit else str(ev.get("value") or ""), "year": year, "why_zh": why})
        else:
            value = ev.get("value")
            out.append({"agency": "", "year": value if isinstance(value, int) else None, "why_zh": why})
    for p in report.get("problems") or []:
        if isinstance(p, dict) and p.get("code") in ID_PROBLEMS:
            out.append({"agency": "", "year": None, "why_zh": str(p.get("message_zh") or "")})
    title = str(report.get("title") or "")
    if title:
        hint = registry.match(title).suggestion
        if hint and not any(c["agency"] == hint for c in out):
            out.append({"agency": hint, "year": year, "why_zh": f"标题“{title[:60]}”与此名录单位相近，仅为提示，未采用"})
    return [c for c in out if c["agency"] or c["why_zh"]]


def _one_page_note(it: Prepared, report: dict[str, Any]) -> str:
    fmt = str(report.get("format") or it.format or "").lower()
    if fmt not in IMAGE_FORMATS and not it.source_name.lower().endswith(tuple(IMAGE_FORMATS)):
        return ""
    return (f"本文件是一页图片，读出 {report.get('figures') or 0} 项数据，可能是多页报告中的一页"
            "（其余页面可一并导入，或由编辑认定单位和年度）")


def identity_hold(it: Prepared, registry: Registry) -> Hold | None:
    """The 待认定 hold of a prepared file, or None when its unit and year are settled."""
    if not it.ok:
        report = it.extra.get("unidentified")
        if not isinstance(report, dict):
            return None
        missing = [w for w, bad in (("单位", not (report.get("agency") or "").strip()),
                                    ("年度", _year_of(report) is None)) if bad]
        reason = f"{PENDING}：未能确定报告的{'和'.join(missing) or '单位'}"
        note = _one_page_note(it, report)
        reason_zh = reason + (f"；{note}" if note else "")
        return Hold(report, reason_zh, f"unit or year could not be settled ({', '.join(missing)})",
                    _candidates(report, registry, None))
    return near_hold(it.report, registry)


def near_hold(report: dict[str, Any], registry: Registry) -> Hold | None:
    """The 待认定 hold of a report read with a unit and a year whose unit is a misreading of a registry name (1–2
    characters off), else None. Reads only the record and the registry: a worker computes it beside the parse."""
    if report.get("simulated") or report.get("identity_source") in ("采集清单", "人工认定"):
        return None
    near = near_registry(report["agency"], registry)
    if not near:
        return None
    return Hold(report, f"{PENDING}：读出的单位名称“{report['agency']}”不在名录中，与名录中的“{near[0]}”只差 "
                f"{near[1]} 个字，可能是读取错误，未作为新单位入库",
                f"the printed agency is {near[1]} character(s) from the registry's; held, not made a new agency",
                _candidates(report, registry, near))
