"""The unit a collect source list names as evidence of whose report a fetched file is.

The office's list says "this page is 某某镇's report page": strong evidence, but not the only one. A report that
prints no readable agency is filed under the listed unit (said in an info problem); a printed name one character
from a registry entry is settled by the list when the list names that entry; a printed name that is another unit
altogether is kept as printed — a report's name is never overwritten — with a warning that the list disagrees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dashboard.errors import ReportError
from dashboard.ingest.prepare import Prepared, _validate
from dashboard.parse.identity import registry_near
from dashboard.parse.names import name_key
from dashboard.registry import Registry
from dashboard.store.records import printed_date

SOURCE_LIST = "采集清单"


def _problem(code: str, severity: str, zh: str, en: str) -> dict[str, Any]:
    return {"code": code, "severity": severity, "message_zh": zh, "message_en": en, "cells": []}


def listed_name(unit: str, registry: Registry) -> str:
    """The registry's name for the unit the list gives, else the list's text as written."""
    hit = registry.match(unit).agency
    return hit.name if hit else unit.strip()


def same_unit(a: str, b: str, registry: Registry) -> bool:
    """True when two names are one unit: the same registry entry, or the same normalized name."""
    ma, mb = registry.match(a).agency, registry.match(b).agency
    if ma is not None or mb is not None:
        return ma is not None and mb is not None and ma.name == mb.name
    return name_key(a) == name_key(b)


def _name_unnamed(item: Prepared, unit: str, registry: Registry) -> tuple[Prepared, str]:
    report = item.extra.pop("unnamed_report")
    name = listed_name(unit, registry)
    said = [p for p in report.get("problems", []) if p.get("code") == "agency_unknown"]
    why = said[0]["message_zh"] if said else "报告中未能读出单位名称"
    report["agency"] = name
    report["source"] = item.source_name
    report["held_for_review"] = False
    report["identity_source"] = SOURCE_LIST
    report["problems"] = [p for p in report.get("problems", []) if p.get("code") != "agency_unknown"] + [_problem(
        "agency_from_source_list", "info",
        f"报告中未能确定单位名称（{why}），按采集清单中此网址的单位归入“{name}”",
        f"the report names no agency it could be filed under; filed under '{name}', the collect list's unit for its URL")]
    try:
        _validate(Path(item.source_name), report)
    except ReportError as exc:  # still no year or format: the file fails with that reason
        item.error_zh, item.error_en = exc.reason_zh, exc.reason_en
        item.extra["error_code"] = exc.code
        return item, ""
    item.report = report
    item.error_zh = item.error_en = ""
    item.extra.pop("error_code", None)
    item.format = str(report.get("format") or item.format)
    item.extra["printed_date"] = printed_date(report)
    return item, f"报告未写明单位，按采集清单归入“{name}”"


def _only_weakly_named(report: dict[str, Any]) -> bool:
    """True when the agency was settled only by weak readings (identity_evidence: no strong reading used)."""
    used = [e for e in report.get("identity_evidence") or [] if e.get("field") == "agency" and e.get("used")]
    return bool(used) and all(e.get("strength") != "strong" for e in used)


def apply_source_unit(item: Prepared, unit: str, registry: Registry) -> tuple[Prepared, str]:
    """The prepared file with the list's unit taken as evidence of its agency, and a note for the collect record."""
    if not unit.strip():
        return item, ""
    if not item.ok:
        if "unnamed_report" in item.extra:
            return _name_unnamed(item, unit, registry)
        return item, ""
    report = item.report
    printed = report["agency"]
    if same_unit(printed, unit, registry):
        return item, ""
    name = listed_name(unit, registry)
    if registry.match(unit).agency is not None and _only_weakly_named(report):
        # the unit came only from weak readings (a page header, a file name, a signature): the list, which names a
        # registry unit for this URL, is the stronger evidence
        report["agency"] = name
        report["identity_source"] = SOURCE_LIST
        report["problems"] = report.get("problems", []) + [_problem(
            "agency_from_source_list", "info",
            f"报告标题与正文未写明单位（只从页眉、文件名等处读到“{printed}”），按采集清单中此网址的单位归入“{name}”",
            f"the report's title and text name no agency (only '{printed}' from a header or file name); filed under "
            f"'{name}', the collect list's unit for its URL")]
        return item, f"报告未写明单位（页眉等处为“{printed}”），按采集清单归入“{name}”"
    doubt = [p for p in report.get("problems", []) if p.get("code") == "agency_near_registry"]
    if doubt and registry.match(unit).agency is not None and registry_near(printed, registry) == name:
        # the printed name is one character from the registry's; the list names that entry: it settles the doubt
        report["agency"] = name
        report["identity_source"] = SOURCE_LIST
        report["problems"] = [p for p in report["problems"] if p.get("code") != "agency_near_registry"] + [_problem(
            "agency_from_source_list", "info",
            f"报告中的单位名称“{printed}”与名录中的“{name}”只差一个字，采集清单写明是“{name}”，按清单归档",
            f"the printed '{printed}' is one character from the registry's '{name}', which the collect list names")]
        return item, f"报告中的单位名称“{printed}”按采集清单确认为“{name}”"
    report.setdefault("problems", []).append(_problem(
        "agency_source_list_conflict", "warning",
        f"采集清单中此网址属于“{name}”，报告中的单位是“{printed}”，按报告归档，请核对",
        f"the collect list gives '{name}' for this URL; the report prints '{printed}'; filed as printed"))
    return item, f"清单中的单位“{name}”与报告中的“{printed}”不一致，按报告归档"
