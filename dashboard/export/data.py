"""The figures of a meeting pack, read with the dashboard's named queries so that every number matches a page.

County totals use the overview's sums (export_indicator_totals = overview_indicators_by_year for a set of agencies)
and its ratio formula (dashboard.queries.county_ratio); per-agency values use the compare page's query
(compare_agency_year); coverage and findings use the quality page's queries, kept to the chosen agencies.

A pack is built for a `PackScope` (region → 单位类型 → 单位, and whether suspect values are included). Three parts
are read by the small functions marked "swap point" below — coverage of the year (`_coverage_counts`), the
缺报名单 (`_non_reporters`) and the suspect values (`_suspect_values`); each returns what the dashboard's scope
queries (coverage_of_year, non_reporters, the held-back count) return, so moving to those queries changes only
these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard.errors import ReportError
from dashboard.queries import indicator_params, run_query, with_county_ratios

ALL_AGENCIES = 2**31 - 1  # quality_coverage's $limit: the pack lists every chosen agency
OUTCOMES = ["granted", "partial", "withheld", "unavailable", "not_processed", "other_handling"]
# Per-agency indicators of the ranking table, in column order (the first one ranks).
RANKED = ["applications_new", "applications_total_handled", "disclosure_rate", "reconsideration_total",
          "litigation_total", "licensing_decisions", "penalty_decisions"]


class EmptyPackError(ReportError):
    """The chosen year and scope have no report: nothing to present, no file is written."""


@dataclass(frozen=True)
class PackScope:
    """What a pack covers: a region, kinds of agency, chosen agencies (None = all of the level above) and whether
    values held back as suspect are put back into the totals."""

    region: str | None = None
    kinds: tuple[str, ...] | None = None
    agency_ids: tuple[int, ...] | None = None
    include_suspect: bool = False


@dataclass
class PackData:
    """Everything a pack shows for one year and one set of agencies."""

    year: int
    agency_ids: list[int] | None
    scope: str
    defs: pd.DataFrame  # indicator_defs, indexed by code
    totals: pd.DataFrame  # year, indicator, series, value, reports (ratios added)
    per_agency: pd.DataFrame  # agency_id, short_name, kind, year, series, value, indicator
    reports: pd.DataFrame  # current reports of the year
    coverage: pd.DataFrame  # agency × year status (quality_coverage)
    findings: pd.DataFrame  # findings of the year, dismissed ones left out
    dismissed: int = 0
    years: list[int] = field(default_factory=list)
    received: int = 0  # current reports of the year in scope
    expected: int = 0  # reports due for the year in scope (received + missing)
    non_reporters: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["agency_id", "short_name", "kind", "years_missed", "last_report"]))
    suspect_values: int = 0  # cells named by an open or confirmed error finding, in the year's reports in scope
    suspect_held_back: bool = False  # True once totals leave those values out (the scope queries do)
    include_suspect: bool = False
    region: str | None = None

    def __post_init__(self) -> None:
        rows = self.totals[self.totals["value"].notna()]
        self._values: dict[tuple[str, int], list[tuple[float, str, int]]] = {}
        for r in rows.itertuples(index=False):
            self._values.setdefault((str(r.indicator), int(r.year)), []).append(
                (float(r.value), str(r.series), int(r.reports)))
        published = self.coverage[self.coverage["status"].isin(["published", "superseded"])]
        self._reporting = {int(y): set(g["agency_id"].astype(int)) for y, g in published.groupby("year")}
        self._memo: dict[object, object] = {}

    def year_value(self, code: str, year: int) -> tuple[float | None, str | None, int, int]:
        """(value, series, reports stating it, reports of another series) of one indicator's total in one year.

        When a year mixes both versions of the format, the series most reports use is shown and the others are
        counted, never added (the overview page, dashboard/pages/overview.py, does the same).
        """
        rows = self._values.get((code, int(year)))
        if not rows:
            return None, None, 0, 0
        value, series, n = max(rows, key=lambda r: r[2])
        return value, series, n, sum(r[2] for r in rows) - n

    def reporting(self, year: int) -> set[int]:
        """Agencies with a current report in a year (quality_coverage: published or superseded)."""
        return self._reporting.get(int(year), set())

    def memo(self, key: object, make):  # noqa: ANN001, ANN201 — a tiny cache for derived tables
        """The value of make() for key, computed once per pack."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def name(self, code: str) -> str:
        """The Chinese name of an indicator."""
        return str(self.defs.loc[code, "name_zh"])

    def unit(self, code: str) -> str:
        """The unit of an indicator (件, 比率, 万元, …)."""
        return str(self.defs.loc[code, "unit"])


def resolve_agencies(names: list[str] | None, db: Path) -> list[int] | None:
    """Agency ids for names, short names, aliases or ids as typed (None = every agency); an unknown name is an error."""
    if not names:
        return None
    from dashboard.store.agencies import name_key

    table = run_query("store_agencies", db=db)
    keys: dict[str, int] = {}
    for row in table.itertuples(index=False):
        aliases = list(row.aliases) if row.aliases is not None else []
        for n in (row.name, row.short_name, *aliases):
            if isinstance(n, str) and n:
                keys.setdefault(name_key(n), int(row.agency_id))
    ids: list[int] = []
    for text in names:
        text = text.strip()
        if text.isdigit() and int(text) in set(table["agency_id"].astype(int)):
            ids.append(int(text))
        elif name_key(text) in keys:
            ids.append(keys[name_key(text)])
        else:
            raise ReportError(str(db), f"未找到单位“{text}”（可用 nianbao agencies 查看）",
                              f"no agency named {text!r} in the database", "UNKNOWN_AGENCY")
    return sorted(set(ids))


def scope_label(agency_ids: list[int] | None, names: dict[int, str], region: str | None = None,
                kinds: tuple[str, ...] | list[str] | None = None, chosen_agencies: bool = False) -> str:
    """'示例县（模拟）', '示例县（模拟）乡、镇', 'A、B' for up to three chosen agencies, 'N个单位', or '全部单位'."""
    if chosen_agencies and agency_ids:
        if len(agency_ids) <= 3:
            return "、".join(names.get(a, "未知单位") for a in agency_ids)
        return f"{region or ''}{len(agency_ids)}个单位"
    label = (region or "") + ("、".join(kinds) if kinds else "")
    return label or "全部单位"


def scope_agency_ids(scope: PackScope, db: Path) -> list[int] | None:
    """The agency ids a scope covers (None = every agency), from the registry's region and kind."""
    if scope.agency_ids:
        return sorted({int(a) for a in scope.agency_ids})
    if not scope.region and not scope.kinds:
        return None
    table = run_query("app_agencies", db=db)
    if scope.region:
        if scope.region not in set(table["region"].dropna()):
            listed = "、".join(sorted(set(table["region"].dropna()))) or "无"
            raise ReportError(str(db), f"没有地区“{scope.region}”（已有地区：{listed}）",
                              f"no region {scope.region!r} in the database", "UNKNOWN_REGION")
        table = table[table["region"] == scope.region]
    if scope.kinds:
        table = table[table["kind"].isin(scope.kinds)]
    return sorted(int(a) for a in table["agency_id"])


def _coverage_counts(coverage: pd.DataFrame, year: int) -> tuple[int, int]:
    """(received, expected) of the year. Swap point: the dashboard's coverage_of_year query.

    A year whose reports are not yet due (before 1月31日 of the next year) has no 缺报: expected = received.
    """
    c = coverage[coverage["year"] == year]
    received = int(c["status"].isin(["published", "superseded"]).sum())
    missing = int((c["status"] == "missing").sum())
    if date.today() <= date(year + 1, 1, 31):
        missing = 0
    return received, received + missing


def _non_reporters(coverage: pd.DataFrame, year: int) -> pd.DataFrame:
    """缺报名单: unit, type, years missed in a row up to `year`, last report. Swap point: the non_reporters query."""
    cols = ["agency_id", "short_name", "kind", "years_missed", "last_report"]
    if date.today() <= date(year + 1, 1, 31):
        return pd.DataFrame(columns=cols)
    c = coverage[coverage["status"].notna()]
    rows = []
    for agency_id, g in c.groupby("agency_id"):
        by_year = dict(zip(g["year"].astype(int), g["status"], strict=True))
        if by_year.get(year) != "missing":
            continue
        run, y = 0, year
        while by_year.get(y) == "missing":
            run, y = run + 1, y - 1
        last = max((y for y, st in by_year.items() if y < year and st in ("published", "superseded")), default=None)
        rows.append({"agency_id": int(agency_id), "short_name": str(g["short_name"].iloc[0]),
                     "kind": str(g["kind"].iloc[0]), "years_missed": run,
                     "last_report": last})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["years_missed", "short_name"], ascending=[False, True]).reset_index(drop=True)


def _suspect_values(findings: pd.DataFrame) -> tuple[int, bool]:
    """(how many cells are suspect, whether the totals leave them out). Swap point: the held-back count.

    Today's totals (export_indicator_totals) still include them, so the pack says they are included.
    """
    errors = findings[(findings["severity"] == "error") & findings["cells"].notna()]
    cells = {(int(r.report_id), c) for r in errors.itertuples(index=False) for c in list(r.cells)
             if str(c).count(".") == 2}
    return len(cells), False


def _per_agency(db: Path, year: int, agency_ids: list[int] | None, first_year: int) -> pd.DataFrame:
    frames = []
    # The key figures too, so that every headline change can name the agency that drove it.
    for code in dict.fromkeys([*RANKED, "reconsideration_corrected", "applications_carried_over",
                               "normative_docs_issued"]):
        df = run_query("compare_agency_year", db=db, **indicator_params(code), year_from=first_year, year_to=year,
                       kinds=None, agency_ids=agency_ids)
        frames.append(df.assign(indicator=code))
    return pd.concat(frames, ignore_index=True)


def load_pack_data(year: int, agency_ids: list[int] | None, db: Path, scope: PackScope | None = None) -> PackData:
    """Read every figure of the pack for `year` and a scope (or the chosen agencies; None = all) from named queries.

    Raises EmptyPackError when the scope has no report for the year: a pack of nothing is never written.
    """
    scope = scope or PackScope(agency_ids=tuple(agency_ids) if agency_ids else None)
    years = [int(y) for y in run_query("app_years", db=db)["year"]]
    if year not in years:
        listed = "、".join(str(y) for y in years) or "无"
        raise EmptyPackError(str(db), f"数据库中没有 {year} 年的报告（已有年度：{listed}），未生成会议材料",
                             f"no reports for {year} in the database (years: {years})", "NO_DATA")
    agency_ids = scope_agency_ids(scope, db)
    agencies = run_query("app_agencies", db=db)
    names = dict(zip(agencies["agency_id"].astype(int), agencies["short_name"].astype(str), strict=True))
    label = scope_label(agency_ids, names, scope.region, scope.kinds, chosen_agencies=bool(scope.agency_ids))
    reports = run_query("export_reports_of_year", db=db, year=year, agency_ids=agency_ids)
    if agency_ids == []:
        reports = reports.iloc[0:0]
    if reports.empty:
        raise EmptyPackError(str(db), f"“{label}”{year}年没有收到任何报告，未生成会议材料。请换一个年度或范围",
                             f"no reports for {year} in this scope; nothing was written", "NO_DATA")
    defs = run_query("app_indicator_defs", db=db).set_index("indicator")
    totals = with_county_ratios(run_query("export_indicator_totals", db=db, agency_ids=agency_ids, year_to=year))
    first = min(years)
    coverage = run_query("quality_coverage", db=db, year_from=first, year_to=year, kinds=None, limit=ALL_AGENCIES)
    if agency_ids is not None:
        coverage = coverage[coverage["agency_id"].isin(agency_ids)].reset_index(drop=True)
    findings = run_query("export_findings_of_year", db=db, year=year, agency_ids=agency_ids)
    dismissed = int((findings["status"] == "dismissed").sum())
    findings = findings[findings["status"] != "dismissed"].reset_index(drop=True)
    received, expected = _coverage_counts(coverage, year)
    suspect, held_back = _suspect_values(findings)
    return PackData(
        year=year, agency_ids=agency_ids, scope=label, defs=defs, totals=totals,
        per_agency=_per_agency(db, year, agency_ids, max(first, year - 1)), reports=reports,
        coverage=coverage, findings=findings, dismissed=dismissed, years=[y for y in years if y <= year],
        received=received, expected=expected, non_reporters=_non_reporters(coverage, year),
        suspect_values=suspect, suspect_held_back=held_back and not scope.include_suspect,
        include_suspect=scope.include_suspect, region=scope.region)


def agency_values(data: PackData, code: str, year: int) -> pd.DataFrame:
    """short_name, kind, series, value of one indicator per agency in one year (rows of compare_agency_year)."""
    d = data.per_agency
    return d[(d["indicator"] == code) & (d["year"] == year)][["agency_id", "short_name", "kind", "series", "value"]]


def ranking_table(data: PackData) -> pd.DataFrame:
    """One row per agency with a report in the year: rank by 本年新收申请, the ranked indicators, last year's figure."""
    return data.memo("ranking", lambda: _ranking_table(data)).copy()


def _ranking_table(data: PackData) -> pd.DataFrame:
    base = data.reports[["agency_id", "short_name", "kind"]].drop_duplicates("agency_id")
    out = base.copy()
    for code in RANKED:
        cur = agency_values(data, code, data.year).groupby("agency_id")["value"].sum(min_count=1)
        out[code] = out["agency_id"].map(cur)
    first = RANKED[0]
    cur = agency_values(data, first, data.year).set_index("agency_id")
    prev = agency_values(data, first, data.year - 1).set_index("agency_id")
    same = prev["series"].reindex(cur.index) == cur["series"]
    out["previous"] = out["agency_id"].map(prev["value"].reindex(cur.index).where(same))
    out["change"] = out[first] - out["previous"]
    out["rank"] = out[first].rank(method="min", ascending=False)
    return out.sort_values(["rank", "short_name"], na_position="last").reset_index(drop=True)


def coverage_of_year(data: PackData, year: int) -> dict[str, object]:
    """Expected, received and missing agencies of one year (the pack's year: PackData's coverage fields)."""
    if year == data.year:
        return {"expected": data.expected, "received": data.received,
                "missing": list(data.non_reporters["short_name"].astype(str))}
    received, expected = _coverage_counts(data.coverage, year)
    c = data.coverage[(data.coverage["year"] == year) & (data.coverage["status"] == "missing")]
    return {"expected": expected, "received": received, "missing": list(c["short_name"].astype(str))}
