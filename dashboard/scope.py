"""The scope of every figure: region → 单位类型 → 单位, the installation's home county, and which years are due.

A county total only ever adds the reports of one scope. The default scope is the home county the installation
serves; other regions' reports (the bundled real reports of the demo) enter a total only when a user picks their
region. The home county is, in this order:

1. `NIANBAO_COUNTY` in the environment (one process, e.g. a test);
2. the database's own `meta` table, key `home_county` (the demo database says 示例县（模拟）);
3. `home_county` in `data/settings.toml` (the installation);
4. else the region with the most units that have reports (see `fallback_regions`), and the page says so.

A year's report is due by a date of the next year that depends on the unit's kind (《政府信息公开条例》第四十九条):
a county government's departments by 31 January, the county government itself by 31 March; townships and street
offices follow the January date under provincial rules. The dates are configurable per kind in data/settings.toml
(`[due]`, "月-日"). An agency's year not yet due never counts as 缺报. "Today" is `NIANBAO_AS_OF` (YYYY-MM-DD), else the database's `meta.as_of`, else `as_of` in
data/settings.toml, else the real date — the demo database, whose simulated county ends in 2024, sets its own.

Regions form a hierarchy (省 / 市 / 县) in `data/regions.csv` (region, parent, level); choosing a region includes
every region below it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dashboard.settings import DATA_DIR

SETTINGS_TOML = DATA_DIR / "settings.toml"
REGIONS_CSV = DATA_DIR / "regions.csv"
ALL_REGIONS = "全部地区"

# Like is compared with like: a township's figures are not ranked against a department's.
KIND_GROUPS: dict[str, tuple[str, ...]] = {"乡镇": ("乡", "镇"), "街道": ("街道",), "部门": ("部门",), "政府": ("政府",)}
KINDS = ("乡", "镇", "街道", "部门", "政府")
ENV_VARS = {"home_county": "NIANBAO_COUNTY", "as_of": "NIANBAO_AS_OF"}
# 《政府信息公开条例》第四十九条 (and the provinces' rules for 乡镇/街道): the month and day of the next year by which a
# kind of unit publishes its report. data/settings.toml's [due] table overrides any of them.
DEFAULT_DUE: dict[str, tuple[int, int]] = {"部门": (1, 31), "政府": (3, 31), "乡": (1, 31), "镇": (1, 31),
                                           "街道": (1, 31)}
OTHER_KIND = ""  # the key of due_map for a unit of no known kind: the earliest date


@dataclass(frozen=True)
class Scope:
    """What a figure covers: a region (None = every region), kinds (None = all), agencies (None = all of those)."""

    region: str | None
    kinds: tuple[str, ...] | None = None
    agency_ids: tuple[int, ...] | None = None
    include_suspect: bool = False

    def with_kinds(self, kinds: Iterable[str] | None) -> Scope:
        """The same scope narrowed to other kinds (e.g. one group of a ranking)."""
        return replace(self, kinds=tuple(kinds) if kinds else None)

    def params(self, hierarchy: RegionTree | None = None) -> dict[str, Any]:
        """The scope as bound query parameters: $regions, $kinds, $agency_ids, $include_suspect."""
        tree = hierarchy or RegionTree.load()
        return {"regions": tree.below(self.region) if self.region else None,
                "kinds": list(self.kinds) if self.kinds else None,
                "agency_ids": [int(a) for a in self.agency_ids] if self.agency_ids else None,
                "include_suspect": bool(self.include_suspect)}

    def label(self, agency_names: dict[int, str] | None = None) -> str:
        """How a title names the scope: 示例县（模拟）· 乡、镇 · 3个单位."""
        parts = [self.region or ALL_REGIONS]
        if self.kinds:
            parts.append("、".join(self.kinds))
        if self.agency_ids:
            names = [agency_names.get(a, "") for a in self.agency_ids] if agency_names else []
            named = [n for n in names if n]
            parts.append("、".join(named) if named and len(named) <= 3 else f"{len(self.agency_ids)}个单位")
        return " · ".join(parts)


@dataclass
class RegionTree:
    """The region hierarchy of data/regions.csv: parent and level (省/市/县) of each region."""

    parent: dict[str, str]
    level: dict[str, str]

    @classmethod
    def load(cls, path: Path | None = None) -> RegionTree:
        """Read the hierarchy (a missing file is an empty hierarchy: every region stands alone)."""
        path = path or REGIONS_CSV
        parent: dict[str, str] = {}
        level: dict[str, str] = {}
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    name = (row.get("region") or "").strip()
                    if not name:
                        continue
                    if (row.get("parent") or "").strip():
                        parent[name] = row["parent"].strip()
                    if (row.get("level") or "").strip():
                        level[name] = row["level"].strip()
        return cls(parent, level)

    def ancestors(self, region: str) -> list[str]:
        """The regions above one region, nearest first (a cycle in the file stops the walk)."""
        out: list[str] = []
        node = self.parent.get(region)
        while node and node not in out and node != region:
            out.append(node)
            node = self.parent.get(node)
        return out

    def below(self, region: str) -> list[str]:
        """The region and every region under it."""
        return sorted({region} | {r for r in self.parent if region in self.ancestors(r)})

    def options(self, regions_with_agencies: Iterable[str]) -> list[str]:
        """Every region a user may choose: those with agencies and every region above them, 省 before 市 before 县."""
        names = {r for r in regions_with_agencies if r}
        names |= {a for r in list(names) for a in self.ancestors(r)}
        return sorted(names, key=lambda r: (self.path(r), r))

    def path(self, region: str) -> tuple[str, ...]:
        """The region's path from the top (江苏省, 淮安市, 洪泽区): sorts a region under its parent."""
        return (*reversed(self.ancestors(region)), region)

    def display(self, region: str) -> str:
        """The region indented by its depth, for a select box (　淮安市 under 江苏省)."""
        return "　" * len(self.ancestors(region)) + region


def _settings_file() -> dict[str, Any]:
    if not SETTINGS_TOML.exists():
        return {}
    try:
        return tomllib.loads(SETTINGS_TOML.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def configured(key: str, meta: dict[str, str] | None = None) -> tuple[str | None, str]:
    """A setting (home_county, as_of) and where it came from: 环境变量 / 数据库 / 配置文件 / None."""
    env = os.environ.get(ENV_VARS.get(key, f"NIANBAO_{key.upper()}"))
    if env:
        return env.strip(), "环境变量"
    if meta and meta.get(key):
        return str(meta[key]).strip(), "数据库设置"
    value = _settings_file().get(key)
    if value:
        return str(value).strip(), "配置文件 data/settings.toml"
    return None, ""


def home_county(meta: dict[str, str], agency_regions: Iterable[str]) -> tuple[str | None, str]:
    """The home county and where it came from; the busiest region when none is set (None when no agencies)."""
    value, source = configured("home_county", meta)
    if value:
        return value, source
    counts: dict[str, int] = {}
    for region in agency_regions:
        if region:
            counts[region] = counts.get(region, 0) + 1
    if not counts:
        return None, ""
    return max(counts, key=lambda r: (counts[r], r)), "未设置，取有报告的单位最多的地区"


def fallback_regions(agencies: Any) -> list[str]:
    """The regions to choose a home county from when none is set: of registry units with reports, else of every
    registry unit (agencies: rows of app_agencies)."""
    registered = agencies[agencies["in_registry"].fillna(False).astype(bool)]
    reporting = registered[registered["reports"] > 0]
    return [str(r) for r in (reporting if not reporting.empty else registered)["region"].dropna()]


def as_of(meta: dict[str, str] | None = None) -> dt.date:
    """The date that decides which years are due (setting, else today)."""
    value, _ = configured("as_of", meta)
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return dt.date.today()


def data_as_of(db: Path | None = None) -> dt.date:
    """as_of for the database at `db` (its meta settings read with the app's named query)."""
    from dashboard.store.named import run_query

    meta = run_query("app_meta", db=db)
    return as_of(dict(zip(meta["key"], meta["value"], strict=True)) if not meta.empty else {})


def data_home_county(db: Path | None = None) -> str | None:
    """The home county of the database at `db` (setting, else the busiest region)."""
    from dashboard.store.named import run_query

    meta = run_query("app_meta", db=db)
    agencies = run_query("app_agencies", db=db)
    return home_county(dict(zip(meta["key"], meta["value"], strict=True)) if not meta.empty else {},
                       [str(r) for r in agencies["region"].dropna()])[0]


def due_dates() -> dict[str, tuple[int, int]]:
    """(month, day) of the next year by which each kind publishes: the spec's dates, overridden by [due] in
    data/settings.toml ("部门" = "01-31"); a value that is not a valid 月-日 is ignored."""
    dates = dict(DEFAULT_DUE)
    table = _settings_file().get("due")
    if isinstance(table, dict):
        for kind, value in table.items():
            try:
                month, day = (int(x) for x in str(value).strip().split("-"))
                dt.date(2001, month, day)  # a valid day of a common year
            except (ValueError, TypeError):
                continue
            if kind in KINDS:
                dates[kind] = (month, day)
    return dates


def deadline(year: int, kind: str | None) -> dt.date:
    """The date by which a unit of this kind publishes its report of `year`."""
    dates = due_dates()
    month, day = dates.get(kind or OTHER_KIND) or min(dates.values())
    return dt.date(year + 1, month, day)


def due_map(day: dt.date) -> dict[str, int]:
    """For each kind (and OTHER_KIND), the latest report year whose deadline has passed on `day`: the $due_through
    parameter of the coverage and ranking queries."""
    out = {}
    for kind, (month, dday) in {**due_dates(), OTHER_KIND: min(due_dates().values())}.items():
        out[kind] = day.year - 1 if day > dt.date(day.year, month, dday) else day.year - 2
    return out


def due_through(day: dt.date) -> int:
    """The latest report year due for some kind on `day` (the latest of due_map): the latest year a page offers."""
    return max(due_map(day).values())


def kinds_in_scope(agencies: Any, scope: Scope, tree: RegionTree | None = None) -> list[str]:
    """The kinds of the registry's units a scope covers (agencies: rows of app_agencies), for naming deadlines."""
    table = agencies
    if scope.region:
        table = table[table["region"].isin((tree or RegionTree.load()).below(scope.region))]
    if scope.kinds:
        table = table[table["kind"].isin(scope.kinds)]
    if scope.agency_ids:
        table = table[table["agency_id"].isin(scope.agency_ids)]
    return sorted({str(k) for k in table["kind"].dropna()}, key=lambda k: KINDS.index(k) if k in KINDS else 99)


def deadline_text(year: int, kinds: Iterable[str] | None = None) -> str:
    """The deadline of a year's reports as a sentence names it: '2026年1月31日', or with the kinds' dates when they
    differ: '2026年1月31日（政府 2026年3月31日）'."""
    chosen = [k for k in (kinds or KINDS) if k in KINDS] or list(KINDS)
    by_date: dict[dt.date, list[str]] = {}
    for kind in chosen:
        by_date.setdefault(deadline(year, kind), []).append(kind)
    dates = sorted(by_date)

    def zh(d: dt.date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    if len(dates) == 1:
        return zh(dates[0])
    first, rest = dates[0], dates[1:]
    return zh(first) + "（" + "；".join(f"{'、'.join(by_date[d])} {zh(d)}" for d in rest) + "）"


def kind_group(kind: str) -> str:
    """The group a kind is ranked in: 乡 and 镇 together as 乡镇; 街道, 部门, 政府 each alone."""
    for group, kinds in KIND_GROUPS.items():
        if kind in kinds:
            return group
    return kind
