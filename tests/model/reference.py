"""A deliberately plain model of every figure the product states, for comparison with the named queries, the pages,
the pack and the CLI (issue 20, Build item 2).

It reads the raw stored facts — each report's canonical record (parse_json), the active corrections, the registry
(agencies), the findings and their review status, the region hierarchy (data/regions.csv), the settings (home
county, as_of) — and computes everything else itself, in loops over Python dicts: which reports are current, what
is owed and due (《条例》第四十九条 by kind), each indicator per report with corrections applied, which values are
suspect, totals with suspect values held back, ranks and the words for their change. It imports neither the SQL
(queries/, dashboard.queries, the store's views) nor the page code; the one shared definition is the indicator
catalogue (dashboard/store/indicators.py: which cells an indicator adds up), which is data, not logic.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dashboard.store.indicators import INDICATORS

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("乡", "镇", "街道", "部门", "政府")
GROUPS = {"乡镇": ("乡", "镇"), "街道": ("街道",), "部门": ("部门",), "政府": ("政府",)}
# 《政府信息公开条例》第四十九条: departments 31 January; the county government 31 March; townships and streets
# follow the January date (provincial rules). Month and day of the next year.
DUE = {"部门": (1, 31), "乡": (1, 31), "镇": (1, 31), "街道": (1, 31), "政府": (3, 31)}
SUSPECT_WARNINGS = ("UNIT", "PARSE")
TABLES = ("disclosure", "applications", "appeals")


@dataclass
class Agency:
    agency_id: int
    name: str
    short: str
    kind: str | None
    region: str | None
    in_registry: bool
    expected_from: int | None
    expected_to: int | None


@dataclass
class Report:
    report_id: int
    agency_id: int
    year: int
    template: str
    current: bool
    cells: dict[str, float | None] = field(default_factory=dict)  # 'tbl.row.col' → value (None = blank)


@dataclass
class Finding:
    finding_id: int
    report_id: int
    rule: str
    severity: str
    status: str
    cells: list[str]
    reviewed_by: str | None = None


@dataclass(frozen=True)
class Case:
    """One (scope, year, switch) to compare: region None = every region."""

    region: str | None
    kinds: tuple[str, ...] | None
    agency_ids: tuple[int, ...] | None
    year: int
    include_suspect: bool


class World:
    """Everything stored, read plainly from the database file."""

    def __init__(self, db: Path, as_of: dt.date | None = None) -> None:
        con = duckdb.connect(str(db), read_only=True)
        try:
            self.meta = dict(con.execute("select key, value from meta").fetchall())
            self.agencies = {int(r[0]): Agency(int(r[0]), r[1], r[2] or r[1], r[3], r[4], bool(r[5]),
                                               None if r[6] is None else int(r[6]), None if r[7] is None else int(r[7]))
                             for r in con.execute("""select agency_id, name, short_name, kind, region, in_registry,
                                                     expected_from, expected_to from agencies""").fetchall()}
            corrections: dict[int, dict[str, float | None]] = {}
            for rid, tbl, row, col, value in con.execute(
                    "select report_id, tbl, row_code, col_code, value_after from corrections where status = 'active'"
            ).fetchall():
                corrections.setdefault(int(rid), {})[f"{tbl}.{row}.{col}"] = value
            self.reports: list[Report] = []
            self.corrected: dict[int, dict[str, float | None]] = {}  # report → cell → a person's value
            for rid, aid, year, template, superseded, draft, pj in con.execute(
                    "select report_id, agency_id, year, template, superseded_by, draft, parse_json from reports"
            ).fetchall():
                if aid is None or year is None:
                    continue  # 待认定: no unit or year yet, never counted anywhere until an editor settles it
                record = json.loads(pj) if pj else {}
                cells: dict[str, float | None] = {}
                for tbl in TABLES:
                    for row, cols in (record.get(tbl) or {}).items():
                        for col, value in (cols or {}).items():
                            cells[f"{tbl}.{row}.{col}"] = None if value is None else float(value)
                cells.update(corrections.get(int(rid), {}))  # a person's value wins
                self.corrected[int(rid)] = dict(corrections.get(int(rid), {}))
                self.reports.append(Report(int(rid), int(aid), int(year), str(template),
                                           superseded is None and draft is not True, cells))  # a draft is never current
            self.findings = [Finding(int(r[0]), int(r[1]), r[2], r[3], r[4], list(r[5] or []), r[6])
                             for r in con.execute("select finding_id, report_id, rule, severity, status, cells, "
                                                  "reviewed_by from findings").fetchall()]
        finally:
            con.close()
        self.as_of = as_of or dt.date.fromisoformat(self.meta.get("as_of") or dt.date.today().isoformat())
        self.home = self.meta.get("home_county")
        self.parent: dict[str, str] = {}
        with (ROOT / "data" / "regions.csv").open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                if (row.get("parent") or "").strip():
                    self.parent[row["region"].strip()] = row["parent"].strip()
        self.current = [r for r in self.reports if r.current]
        # Nothing is owed before the first year anything is known of: the national format's first year (2019), or
        # an earlier report or registry start.
        self.first_year = min([2019, *(r.year for r in self.reports),
                               *(a.expected_from for a in self.agencies.values() if a.expected_from is not None)])
        self._by_agency_year: dict[tuple[int, int], list[Report]] = {}
        for r in self.current:
            self._by_agency_year.setdefault((r.agency_id, r.year), []).append(r)
        self._suspect = self._suspect_cells()

    # ---- scope, owed, due ----
    def regions_below(self, region: str) -> set[str]:
        out = {region}
        for r in self.parent:
            node, seen = self.parent.get(r), set()
            while node and node not in seen:
                if node == region:
                    out.add(r)
                seen.add(node)
                node = self.parent.get(node)
        return out

    def in_scope(self, case: Case, kinds: tuple[str, ...] | None = None) -> list[Agency]:
        kinds = kinds if kinds is not None else case.kinds
        below = self.regions_below(case.region) if case.region else None
        return [a for a in self.agencies.values()
                if (below is None or a.region in below) and (kinds is None or a.kind in kinds)
                and (case.agency_ids is None or a.agency_id in case.agency_ids)]

    def due_year(self, kind: str | None) -> int:
        month, day = DUE.get(kind or "", (1, 31))
        return self.as_of.year - 1 if self.as_of > dt.date(self.as_of.year, month, day) else self.as_of.year - 2

    def has_report(self, agency_id: int, year: int) -> bool:
        return (agency_id, year) in self._by_agency_year

    def owed(self, a: Agency, year: int) -> bool:
        if year < self.first_year:
            return False
        if a.in_registry and (a.expected_from is None or year >= a.expected_from) \
                and (a.expected_to is None or year <= a.expected_to):
            return True
        years = [y for (aid, y) in self._by_agency_year if aid == a.agency_id]
        return bool(years) and min(years) <= year <= max(years)

    # ---- coverage ----
    def coverage(self, case: Case) -> dict[str, object]:
        received = expected = missing = not_due = 0
        due = True
        for a in self.in_scope(case):
            has, owes = self.has_report(a.agency_id, case.year), self.owed(a, case.year)
            received += has
            expected += has or owes
            if owes:
                if case.year <= self.due_year(a.kind):
                    missing += not has
                else:
                    not_due += 1
                    due = False
        return {"received": received, "expected": expected, "missing": missing, "not_due": not_due, "due": due}

    def non_reporters(self, case: Case) -> set[int]:
        return {a.agency_id for a in self.in_scope(case)
                if self.owed(a, case.year) and not self.has_report(a.agency_id, case.year)
                and case.year <= self.due_year(a.kind)}

    # ---- values ----
    def _suspect_cells(self) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for f in self.findings:
            if f.status not in ("open", "confirmed"):
                continue  # dismissed by a reviewer or resolved by a correction: released
            if not (f.severity == "error" or (f.severity == "warning" and f.rule in SUSPECT_WARNINGS)):
                continue
            for key in f.cells:
                if key.split(".")[0] in TABLES:
                    out.setdefault(f.report_id, set()).add(key)
        return out

    @staticmethod
    def cells_of(code: str, template: str) -> list[str]:
        d = next(x for x in INDICATORS if x["indicator"] == code)
        if template not in d["templates"]:
            return []
        col = d["col"][template] if isinstance(d["col"], dict) else d["col"]
        return [f"{d['tbl']}.{row}.{col}" for row in d["rows"]]

    def plain_value(self, r: Report, code: str) -> tuple[bool, float | None, bool]:
        """(the report has this indicator at all, its value — None when every cell is blank —, suspect)."""
        keys = self.cells_of(code, r.template)
        if not keys:
            return False, None, False
        values = [r.cells[k] for k in keys if r.cells.get(k) is not None]
        doubted = self._suspect.get(r.report_id, set())
        suspect = any(k in doubted or k.rsplit(".", 1)[0] in doubted for k in keys)
        return True, (sum(values) if values else None), suspect

    def ratio_parts(self, r: Report, code: str) -> tuple[float | None, float | None, bool, bool]:
        """(numerator, denominator, suspect, the report has any component)."""
        d = next(x for x in INDICATORS if x["indicator"] == code)
        nums, den_code = d["ratio"]
        num, any_num, suspect, has = None, False, False, False
        for n in nums:
            present, value, sus = self.plain_value(r, n)
            has |= present
            suspect |= sus and present
            if value is not None:
                num = (num or 0.0) + value
                any_num = True
        present, den, sus = self.plain_value(r, den_code)
        has |= present
        suspect |= sus and present
        return (num if any_num else None), den, suspect, has

    def totals(self, case: Case) -> dict[str, dict[str, object]]:
        """indicator → {value, reports, held_back} over the scope's current reports of the year."""
        ids = {a.agency_id for a in self.in_scope(case)}
        reports = [r for r in self.current if r.agency_id in ids and r.year == case.year]
        out: dict[str, dict[str, object]] = {}
        for d in INDICATORS:
            code = d["indicator"]
            if "ratio" in d:
                num_sum = den_sum = 0.0
                counted = held = 0
                seen = False
                templates: dict[str, int] = {}
                for r in reports:
                    num, den, suspect, has = self.ratio_parts(r, code)
                    seen |= has
                    if den is None:
                        continue
                    if suspect and not case.include_suspect:
                        held += 1
                        continue
                    counted += 1
                    templates[r.template] = templates.get(r.template, 0) + 1
                    num_sum += num or 0.0
                    den_sum += den
                if seen:
                    out[code] = {"value": (num_sum / den_sum) if den_sum else None, "reports": counted,
                                 "held_back": held, "templates": templates}
                continue
            total, counted, held, seen = None, 0, 0, False
            templates = {}
            for r in reports:
                present, value, suspect = self.plain_value(r, code)
                seen |= present
                if value is None:
                    continue
                if suspect and not case.include_suspect:
                    held += 1
                    continue
                counted += 1
                templates[r.template] = templates.get(r.template, 0) + 1
                total = (total or 0.0) + value
            if seen:
                out[code] = {"value": None if d["unit"] == "按原件" else total, "reports": counted, "held_back": held,
                             "templates": templates}
        return out

    # ---- ranking ----
    def agency_value(self, agency_id: int, year: int, code: str, include: bool) -> dict[str, object] | None:
        """One unit's figure in a year: None without a report; else value / held / uncomputable."""
        reports = self._by_agency_year.get((agency_id, year))
        if not reports:
            return None
        r = reports[0]
        d = next(x for x in INDICATORS if x["indicator"] == code)
        if "ratio" in d:
            num, den, suspect, _ = self.ratio_parts(r, code)
            value = None if den in (None, 0) or num is None else num / den
            uncomputable = den == 0
        else:
            _, value, suspect = self.plain_value(r, code)
            uncomputable = False
        return {"value": value, "held": suspect and not include, "uncomputable": uncomputable}

    def ranking(self, case: Case, code: str, group_kinds: tuple[str, ...]) -> dict[int, dict[str, object]]:
        """agency_id → rank, previous_rank, status, previous_status for one group of like units."""
        chosen = self.in_scope(case, tuple(k for k in group_kinds if case.kinds is None or k in case.kinds))
        year = case.year

        def ranks(y: int) -> dict[int, int]:
            vals = {}
            for a in chosen:
                v = self.agency_value(a.agency_id, y, code, case.include_suspect)
                if v and v["value"] is not None and not v["held"]:
                    vals[a.agency_id] = v["value"]
            return {aid: 1 + sum(1 for x in vals.values() if x > v) for aid, v in vals.items()}

        now, before = ranks(year), ranks(year - 1)
        out = {}
        for a in chosen:
            has = self.has_report(a.agency_id, year)
            if not has and not (self.owed(a, year) and year <= self.due_year(a.kind)):
                continue
            v = self.agency_value(a.agency_id, year, code, case.include_suspect)
            pv = self.agency_value(a.agency_id, year - 1, code, case.include_suspect)
            if not has:
                status = "missing"
            elif v["held"]:
                status = "held"
            elif a.agency_id not in now:
                status = "uncomputable" if v["uncomputable"] else "blank"
            else:
                status = "ranked"
            if pv is None:
                previous_status = "missing" if self.owed(a, year - 1) else "not_expected"
            elif pv["held"]:
                previous_status = "held"
            elif a.agency_id in before:
                previous_status = "ranked"
            else:
                previous_status = "uncomputable" if pv["uncomputable"] else "blank"
            out[a.agency_id] = {"rank": now.get(a.agency_id), "previous_rank": before.get(a.agency_id),
                                "status": status, "previous_status": previous_status}
        return out

    # ---- findings ----
    def findings_of(self, case: Case) -> set[int]:
        """Finding ids of the scope's current reports of the year (every status)."""
        return {f.finding_id for f in self.findings_in(case, case.year, case.year)}

    def findings_in(self, case: Case, year_from: int, year_to: int) -> list[Finding]:
        """The findings of the scope's current reports of the years (every status: open, confirmed — both still
        standing —, dismissed by a reviewer, resolved by a correction)."""
        ids = {a.agency_id for a in self.in_scope(case)}
        current = {r.report_id for r in self.current if r.agency_id in ids and year_from <= r.year <= year_to}
        return [f for f in self.findings if f.report_id in current]

    def report(self, report_id: int) -> Report:
        return next(r for r in self.reports if r.report_id == report_id)

    # ---- 缺报名单 details, 报送情况 ----
    def missed_in_row(self, a: Agency, year: int) -> int:
        """Owed years without a report, counted back from `year` until a year that is not such a gap."""
        n, y = 0, year
        while y >= self.first_year and self.owed(a, y) and not self.has_report(a.agency_id, y):
            n += 1
            y -= 1
        return n

    def last_report_year(self, agency_id: int, year: int) -> int | None:
        years = [y for (aid, y) in self._by_agency_year if aid == agency_id and y <= year]
        return max(years) if years else None

    def versions(self, agency_id: int, year: int) -> int:
        """Every stored version of a unit's year (current, replaced, held, drafts)."""
        return sum(1 for r in self.reports if r.agency_id == agency_id and r.year == year)

    def coverage_counts(self, case: Case, year_from: int) -> dict[str, int]:
        """单位·年 over year_from..case.year: published (one version), superseded (more than one stored), missing
        (owed, due, none), not_due (owed, deadline not passed, none)."""
        out = {"published": 0, "superseded": 0, "missing": 0, "not_due": 0}
        for a in self.in_scope(case):
            for y in range(max(year_from, self.first_year), case.year + 1):
                if self.has_report(a.agency_id, y):
                    out["superseded" if self.versions(a.agency_id, y) > 1 else "published"] += 1
                elif self.owed(a, y):
                    out["missing" if y <= self.due_year(a.kind) else "not_due"] += 1
        return out

    # ---- trend ----
    def trend(self, case: Case, code: str, year_from: int) -> dict[int, dict[str, object]]:
        """year → the scope's total of one indicator (as totals()), for each year of year_from..case.year in which
        some report of the scope has the indicator; a year not yet due for the scope is left out (its few early
        reports are not a fall)."""
        out = {}
        for y in range(year_from, case.year + 1):
            one = Case(case.region, case.kinds, case.agency_ids, y, case.include_suspect)
            if y == case.year and not self.coverage(one)["due"]:
                continue
            t = self.totals(one).get(code)
            if t is not None:
                out[y] = t
        return out

    def definition_change_year(self, case: Case, code: str, year_from: int) -> int | None:
        """The first year whose counted reports are mostly of the 2021 format after a year mostly of the 2019 one,
        for an indicator whose question changed with the format (versions_zh in the catalogue); else None."""
        d = next(x for x in INDICATORS if x["indicator"] == code)
        if not d.get("versions_zh"):
            return None
        rows = self.trend(case, code, year_from)
        old = [(y, t["templates"].get("2019", 0) >= t["templates"].get("2021", 0)) for y, t in sorted(rows.items())
               if sum(t["templates"].values())]
        for (_, was_old), (y, is_old) in zip(old[:-1], old[1:], strict=True):
            if was_old and not is_old:
                return y
        return None

    # ---- a year against the one before (the pack's key figures) ----
    def reporting(self, case: Case, year: int) -> set[int]:
        ids = {a.agency_id for a in self.in_scope(case)}
        return {aid for (aid, y) in self._by_agency_year if y == year and aid in ids}

    def compared(self, case: Case, code: str) -> tuple[float | None, float | None]:
        """(this year's total, last year's or None): no comparison for a year not yet due, nor when either year has
        no value, nor when no unit reported in both years."""
        cur = self.totals(case).get(code, {}).get("value")
        if not self.coverage(case)["due"]:
            return cur, None
        last = Case(case.region, case.kinds, case.agency_ids, case.year - 1, case.include_suspect)
        prev = self.totals(last).get(code, {}).get("value")
        if cur is None or prev is None or not (self.reporting(case, case.year) & self.reporting(case, case.year - 1)):
            return cur, None
        return cur, prev


def rank_change_words(rank: int | None, previous_rank: int | None, previous_status: str) -> str:
    """名次变化 as the model says it (written again here, not imported from the labels catalogue)."""
    if rank is None:
        return "—"
    if previous_rank is None:
        return {"not_expected": "新", "missing": "上年未报", "held": "上年存疑", "blank": "上年未填",
                "uncomputable": "上年无法计算"}[previous_status]
    d = previous_rank - rank
    return f"↑{d}" if d > 0 else f"↓{-d}" if d < 0 else "持平"
