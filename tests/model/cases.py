"""The (scope, year, switch) cases the model comparisons walk, and how a case is written into a page's URL."""

from __future__ import annotations

import itertools
import random

import pandas as pd

from model.reference import Case, World


def same(a: object, b: object) -> bool:
    """Two figures equal (None and NaN are the same absence)."""
    na, nb = a is None or bool(pd.isna(a)), b is None or bool(pd.isna(b))
    if na or nb:
        return na and nb
    return abs(float(a) - float(b)) < 1e-9


def cases_of(world: World, n: int, seed: int) -> list[Case]:
    """A fixed sample of (region, kinds, units, year, switch) over the world."""
    rng = random.Random(seed)
    regions = {a.region for a in world.agencies.values() if a.region}
    regions |= {p for r in list(regions) for p in [world.parent.get(r)] if p}
    region_options = [world.home, None, *sorted(regions - {world.home})]
    kinds_options = [None, ("乡", "镇"), ("部门",), ("街道",), ("镇", "部门")]
    home_units = sorted(a.agency_id for a in world.agencies.values() if a.region == world.home)
    years = sorted({r.year for r in world.current})
    everything = list(itertools.product(region_options, kinds_options, years, (False, True)))
    rng.shuffle(everything)
    out = []
    for region, kinds, year, switch in everything[:n]:
        units = None
        if region == world.home and home_units and rng.random() < 0.2:
            units = tuple(sorted(rng.sample(home_units, min(3, len(home_units)))))
        out.append(Case(region, kinds, units, year, switch))
    return out


def url_of(case: Case) -> dict[str, str]:
    """The scope bar's URL parameters for a case."""
    params = {"region": case.region or "全部地区", "year": str(case.year)}
    if case.kinds:
        params["kind"] = ",".join(case.kinds)
    if case.agency_ids:
        params["agency"] = ",".join(str(a) for a in case.agency_ids)
    if case.include_suspect:
        params["suspect"] = "1"
    return params


def shown_count(value: object) -> str:
    """A count as the pages print it: 1,234, or — when there is none."""
    return "—" if value is None or pd.isna(value) else f"{float(value):,.0f}"


def shown_rate(value: object) -> str:
    """A rate as the pages print it: 56.7%, or — when there is none."""
    return "—" if value is None or pd.isna(value) else f"{float(value):.1%}"


def shown_value(value: object, unit: str) -> str:
    """A figure in its unit as the pages and the pack print it."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "比率":
        return shown_rate(value)
    if unit in ("万元", "按原件"):
        return f"{float(value):,.2f}"
    return shown_count(value)
