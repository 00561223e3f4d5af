"""The figures of a meeting pack, read with the dashboard's named queries so that every number matches a page.

A pack is built for a `PackScope` (region → 单位类型 → 单位, and whether suspect values are included), the same
scope as the dashboard's scope bar (dashboard.scope.Scope): county totals are the overview's (scope_indicator_totals,
suspect values held back and counted), per-agency values the compare page's (compare_agency_year), coverage, the
缺报名单 and the held-back values the quality page's (quality_coverage, coverage_non_reporters,
quality_held_back_values), with the same deadlines by unit kind (《条例》第四十九条, dashboard.scope.due_map); the
ranking is 对比's (compare_ranking per group of like units, with its words for a change of rank).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.catalogue.labels import not_due_text
from dashboard.errors import ReportError
from dashboard.queries import indicator_params, run_query
from dashboard.review.rounds import year_scores
from dashboard.scope import (
    KIND_GROUPS,
    RegionTree,
    Scope,
    as_of,
    deadline_text,
    due_map,
    fallback_regions,
    home_county,
    kinds_in_scope,
)
from dashboard.store.indicators import INDICATORS

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
    by_year: pd.DataFrame  # year, received, expected, missing, due (coverage_by_year, as on the pages)
    findings: pd.DataFrame  # open and confirmed findings of the year (dismissed and resolved ones counted apart)
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
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)  # 年报质量评分 of the year's reports (review.rounds)
    not_due: str | None = None  # '尚未到期（截止 …）；已收到 n 份' for a year whose deadline has not passed
    resolved: int = 0  # findings of the year a correction closed (已因更正关闭): not data problems any more
    # compare_ranking of RANKED[0] per group of like units (dashboard.scope.KIND_GROUPS), as 对比 ranks them:
    # rank, previous_rank, status, previous_status, value, previous, change, group
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame)

    def counts(self, year: int) -> tuple[int, int]:
        """(received, expected) reports of a year in scope — the pages' coverage_by_year."""
        row = self.by_year[self.by_year["year"] == year]
        return (0, 0) if row.empty else (int(row["received"].iloc[0]), int(row["expected"].iloc[0]))

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
    """Agency ids for names, short names, aliases or ids as typed (None = every agency); an unknown name is an error.
    One rule with the command line's other commands: dashboard.queries.agency_named."""
    if not names:
        return None
    from dashboard.queries import agency_named

    ids: list[int] = []
    for text in names:
        hit = agency_named(text, db)
        if hit is None:
            raise ReportError(str(db), f"未找到单位“{text.strip()}”（可用 nianbao agencies 查看）",
                              f"no agency named {text.strip()!r} in the database", "UNKNOWN_AGENCY")
        ids.append(hit[0])
    return sorted(set(ids))


def _scope(scope: PackScope) -> Scope:
    return Scope(scope.region, tuple(scope.kinds) if scope.kinds else None,
                 tuple(int(a) for a in scope.agency_ids) if scope.agency_ids else None, scope.include_suspect)


def scope_agency_ids(scope: PackScope, db: Path) -> list[int] | None:
    """The agency ids a scope covers (None = every agency): the region and the regions under it, then kinds."""
    if scope.agency_ids:
        return sorted({int(a) for a in scope.agency_ids})
    if not scope.region and not scope.kinds:
        return None
    table = run_query("app_agencies", db=db)
    if scope.region:
        tree = RegionTree.load()
        known = set(tree.options(table["region"].dropna()))
        if scope.region not in known:
            listed = "、".join(sorted(known)) or "无"
            raise ReportError(str(db), f"没有地区“{scope.region}”（已有地区：{listed}）",
                              f"no region {scope.region!r} in the database", "UNKNOWN_REGION")
        table = table[table["region"].isin(tree.below(scope.region))]
    if scope.kinds:
        table = table[table["kind"].isin(scope.kinds)]
    return sorted(int(a) for a in table["agency_id"])


def _non_reporters(db: Path, filters: dict, year: int, due: dict[str, int]) -> pd.DataFrame:
    """缺报名单 of the year (coverage_non_reporters): unit, type, years missed in a row, last report."""
    nr = run_query("coverage_non_reporters", db=db, **filters, year=year, due_through=due)
    return pd.DataFrame({"agency_id": nr["agency_id"].astype(int), "short_name": nr["short_name"].astype(str),
                         "kind": nr["kind"].astype(str), "years_missed": nr["missed_in_row"].astype(int),
                         "last_report": nr["last_year"]})


def _per_agency(db: Path, year: int, params: dict, first_year: int) -> pd.DataFrame:
    frames = []
    # The key figures too, so that every headline change can name the agency that drove it.
    for code in dict.fromkeys([*RANKED, "reconsideration_corrected", "applications_carried_over",
                               "normative_docs_issued"]):
        df = run_query("compare_agency_year", db=db, **indicator_params(code), year_from=first_year, year_to=year,
                       **params)
        frames.append(df.assign(indicator=code))
    return pd.concat(frames, ignore_index=True)


def home_region(db: Path) -> tuple[str | None, str]:
    """The installation's home county for this database and where the setting came from (dashboard.scope)."""
    meta = dict(run_query("app_meta", db=db).itertuples(index=False))
    return home_county(meta, fallback_regions(run_query("app_agencies", db=db)))


def _due_through(db: Path) -> dict[str, int]:
    meta = dict(run_query("app_meta", db=db).itertuples(index=False))
    return due_map(as_of(meta))


def load_pack_data(year: int, agency_ids: list[int] | None, db: Path, scope: PackScope | None = None) -> PackData:
    """Read every figure of the pack for `year` and a scope (or the chosen agencies; None = all) from named queries.

    Totals leave out suspect values unless the scope includes them, and count what they left out; coverage and
    the 缺报名单 follow the deadline of each unit's kind. Raises EmptyPackError when the scope has no report for the year:
    a pack of nothing is never written.
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
    label = _scope(scope).label(names)  # named as the pages name it (dashboard.scope.Scope.label)
    reports = run_query("export_reports_of_year", db=db, year=year, agency_ids=agency_ids)
    if agency_ids == []:
        reports = reports.iloc[0:0]
    params = _scope(scope).params()
    filters = {k: v for k, v in params.items() if k != "include_suspect"}
    due = _due_through(db)
    not_due = _not_due(db, _scope(scope), filters, year, due, agencies)
    if reports.empty:
        why = f"{year}年度报告{not_due}" if not_due else f"{year}年没有收到任何报告"
        raise EmptyPackError(str(db), f"“{label}”{why}，未生成会议材料。请换一个年度或范围",
                             f"no reports for {year} in this scope; nothing was written", "NO_DATA")
    defs = run_query("app_indicator_defs", db=db).set_index("indicator")
    first = min(years)
    totals = run_query("scope_indicator_totals", db=db, **params, year_from=first, year_to=year)
    series = {d["indicator"]: d["series"] for d in INDICATORS}
    totals = totals.assign(series=totals["indicator"].map(series).fillna("all"))
    coverage = run_query("quality_coverage", db=db, **filters, year_from=first, year_to=year, due_through=due,
                         limit=ALL_AGENCIES)
    findings = run_query("export_findings_of_year", db=db, year=year, agency_ids=agency_ids)
    dismissed = int((findings["status"] == "dismissed").sum())
    resolved = int((findings["status"] == "resolved").sum())
    findings = findings[findings["status"].isin(["open", "confirmed"])].reset_index(drop=True)
    by_year = run_query("coverage_by_year", db=db, **filters, year_from=first, year_to=year, due_through=due)
    received, expected = (int(by_year.loc[by_year["year"] == year, k].iloc[0]) for k in ("received", "expected"))
    held = run_query("quality_held_back_values", db=db, **filters, year_from=year, year_to=year)
    return PackData(
        year=year, agency_ids=agency_ids, scope=label, defs=defs, totals=totals,
        per_agency=_per_agency(db, year, params, max(first, year - 1)), reports=reports,
        coverage=coverage, by_year=by_year, findings=findings, dismissed=dismissed, resolved=resolved,
        ranking=_ranking(db, _scope(scope), year, due),
        years=[y for y in years if y <= year],
        received=received, expected=expected, non_reporters=_non_reporters(db, filters, year, due),
        suspect_values=len(held), suspect_held_back=not scope.include_suspect,
        include_suspect=scope.include_suspect, region=scope.region, not_due=not_due,
        quality=year_scores(year, db, **filters, with_round=False))


def _not_due(db: Path, scope: Scope, filters: dict, year: int, due: dict[str, int], agencies: pd.DataFrame) -> str | None:
    """'尚未到期（截止 …）；已收到 n 份' when the year's deadline has not passed for the scope, as the pages say it."""
    row = run_query("coverage_by_year", db=db, **filters, year_from=year, year_to=year, due_through=due)
    if row.empty or bool(row["due"].iloc[0]):
        return None
    kinds = kinds_in_scope(agencies, scope)
    return not_due_text(deadline_text(year, kinds), int(row["received"].iloc[0]))


def agency_values(data: PackData, code: str, year: int) -> pd.DataFrame:
    """short_name, kind, series, value of one indicator per agency in one year (rows of compare_agency_year)."""
    d = data.per_agency
    return d[(d["indicator"] == code) & (d["year"] == year)][["agency_id", "short_name", "kind", "series", "value"]]


def ranking_table(data: PackData) -> pd.DataFrame:
    """The ranking by 本年新收申请 per group of like units (对比's compare_ranking: rank, previous rank, status and
    why a unit has no previous rank), with the other ranked indicators of each unit."""
    return data.memo("ranking", lambda: _ranking_table(data)).copy()


def _ranking(db: Path, scope: Scope, year: int, due: dict[str, int]) -> pd.DataFrame:
    """compare_ranking of RANKED[0] for each group of like units in the scope, exactly as 对比 asks it: 乡镇 with 乡镇,
    部门 with 部门; every unit that owes a due report is listed (未报 last), suspect values held back unless included."""
    frames = []
    for group, kinds in KIND_GROUPS.items():
        chosen = [k for k in kinds if not scope.kinds or k in scope.kinds]
        if not chosen:
            continue
        frame = run_query("compare_ranking", db=db, **indicator_params(RANKED[0]), year=year, due_through=due,
                          **scope.with_kinds(chosen).params())
        if not frame.empty:
            frames.append(frame.assign(group=group))
    columns = ["rank", "previous_rank", "agency_id", "short_name", "kind", "value", "previous", "change", "status",
               "previous_status", "suspect", "group"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _ranking_table(data: PackData) -> pd.DataFrame:
    out = data.ranking.copy()
    for code in RANKED[1:]:
        cur = agency_values(data, code, data.year).groupby("agency_id")["value"].sum(min_count=1)
        out[code] = out["agency_id"].map(cur)
    return out.reset_index(drop=True)


def coverage_of_year(data: PackData, year: int) -> dict[str, object]:
    """Expected, received and missing agencies of one year (the pack's year: PackData's coverage fields)."""
    if year == data.year:
        return {"expected": data.expected, "received": data.received,
                "missing": list(data.non_reporters["short_name"].astype(str))}
    received, expected = data.counts(year)
    c = data.coverage[(data.coverage["year"] == year) & (data.coverage["status"] == "missing")]
    return {"expected": expected, "received": received, "missing": list(c["short_name"].astype(str))}
