"""What the pages and the exports ask of the named queries: indicator parameters, definition changes, the figures
stated in the text. The SQL itself is one file per question in queries/, run by dashboard/store/named.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.store.indicators import INDICATORS
from dashboard.store.named import QueryError, run_query, run_writes

__all__ = ["QueryError", "run_query", "run_writes", "indicator_def", "indicator_params", "definition_markers",
           "mixed_version_note", "stated_in_text", "agency_named"]

_BY_CODE = {d["indicator"]: d for d in INDICATORS}


def indicator_def(code: str) -> dict[str, Any]:
    """The definition of one indicator (dashboard/store/indicators.py)."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise QueryError(f"未知指标 / unknown indicator: {code!r}") from None


def indicator_params(code: str) -> dict[str, Any]:
    """The components of an indicator as query parameters: num (codes summed) and den (code or None)."""
    d = indicator_def(code)
    if "ratio" in d:
        nums, den = d["ratio"]
        return {"num": list(nums), "den": den}
    return {"num": [code], "den": None}


def definition_markers(code: str, rows: pd.DataFrame) -> list[tuple[int, str]]:
    """Where a series that spans both versions changed definition: (first year most reports used the 2021 version,
    note naming both columns). rows: a trend (columns year, reports_2019, reports_2021), total or per agency."""
    versions = indicator_def(code).get("versions_zh")
    if not versions or rows.empty:
        return []
    by_year = rows.groupby("year")[["reports_2019", "reports_2021"]].sum().sort_index()
    by_year = by_year[(by_year["reports_2019"] + by_year["reports_2021"]) > 0]
    old = by_year["reports_2019"] >= by_year["reports_2021"]
    for (_, was_old), (year, is_old) in zip(old.iloc[:-1].items(), old.iloc[1:].items(), strict=True):
        if was_old and not is_old:
            return [(int(year), f"{int(year)}年起口径：“{versions['2019']}”→“{versions['2021']}”")]
    return []


def mixed_version_note(row: pd.Series) -> str:
    """'含2019年版口径3份' when a year's total counts reports of both versions, else ''."""
    if row.get("reports_2019", 0) and row.get("reports_2021", 0):
        return f"含2019年版口径{int(row['reports_2019'])}份"
    return ""


def stated_in_text(sections: pd.DataFrame) -> pd.DataFrame:
    """主动公开政府信息 N 条 as each report states it (rows of text_overview_sections): one row per report that states
    it, with the sentence as provenance and whether the text calls it approximate (…余条)."""
    from dashboard.parse.narrative_figures import proactive_items

    rows = []
    for r in sections.itertuples():
        body = r.body if isinstance(r.body, str) else ""  # a manual report has no narrative: NULL reads as NaN
        fig = proactive_items(body, int(r.year))
        if fig is not None:
            rows.append({"report_id": r.report_id, "agency_id": r.agency_id, "short_name": r.short_name,
                         "kind": r.kind, "year": int(r.year), "value": fig.value, "approximate": fig.approximate,
                         "sentence": fig.sentence})
    return pd.DataFrame(rows, columns=["report_id", "agency_id", "short_name", "kind", "year", "value", "approximate",
                                       "sentence"])


def agency_named(text: str, db: Path | str) -> tuple[int, str] | None:
    """(agency id, name) of the stored agency a typed text means, or None: its id written in ASCII digits (as
    `nianbao agencies` lists it), else its name, short name or an alias, compared after normalising (name_key).
    When two agencies share a name, the registry's is meant before a printed name that matched none, then the
    lower id (queries/agency_names.sql gives that order)."""
    from dashboard.parse.names import name_key
    from dashboard.text import ascii_int

    text = text.strip()
    rows = run_query("agency_names", db=db)
    if (wanted := ascii_int(text)) is not None:
        hit = rows[rows["agency_id"].astype(int) == wanted]
        return (int(hit.iloc[0]["agency_id"]), str(hit.iloc[0]["name"])) if len(hit) else None
    key = name_key(text)
    if not key:
        return None
    for aid, name, short, aliases in rows.itertuples(index=False):
        if key in {name_key(n) for n in [name, short, *list(aliases)] if isinstance(n, str) and n}:
            return int(aid), str(name)
    return None
