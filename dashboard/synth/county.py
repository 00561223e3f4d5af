"""The simulated county: its agencies (乡/镇/街道 and departments), named so they cannot pass for real ones."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SIMULATED_MARK = "（模拟）"
_NUMERALS = "一二三四五六七八九十"

_FIRST = "东西南北青白石柳杨桃花龙凤金银高新长安平和兴清水云山红黄古双"
_SECOND = "河山桥湾口坪坝岭沟营庄集屯塘岗溪源林湖铺田"

# Departments: name, licensing scale, penalty scale (medians of a lognormal, 0 = none), application pull
DEPARTMENTS = [
    ("教育局", 120, 0, 1.0), ("卫生健康局", 300, 15, 1.0), ("自然资源局", 90, 3, 2.0),
    ("住房和城乡建设局", 150, 8, 3.0), ("市场监督管理局", 400, 25, 1.5), ("公安局", 200, 30, 2.0),
    ("民政局", 0, 0, 0.8), ("财政局", 0, 0, 1.0), ("人力资源和社会保障局", 30, 2, 1.5),
    ("农业农村局", 20, 4, 0.6), ("交通运输局", 40, 10, 0.8), ("生态环境局", 15, 6, 1.2),
    ("司法局", 0, 0, 0.4), ("水利局", 10, 2, 0.5), ("文化和旅游局", 25, 2, 0.4),
    ("应急管理局", 8, 5, 0.5), ("统计局", 0, 0, 0.2), ("林业局", 12, 3, 0.4),
]


@dataclass
class Agency:
    """One simulated agency and the habits that shape its reports."""

    name: str
    short_name: str
    kind: str  # 乡 / 镇 / 街道 / 部门
    region: str
    county: str
    licensing: float = 0.0
    penalty: float = 0.0
    pull: float = 0.3  # how many applications it attracts
    adopts_2021: int = 2021  # first report year printed in the 2021 format
    hybrid_years: set[int] = field(default_factory=set)
    procurement_unit: str = "元"
    unit_style: str = "header"  # where the procurement unit is printed: in the column label or in the cell
    fmt_pref: str = ""  # one format for all its reports, when the generator lets agencies keep a habit

    def as_registry_row(self) -> dict:
        """The agency as a row for the store's agency registry."""
        return {"name": self.name, "short_name": self.short_name, "kind": self.kind, "region": self.region,
                "aliases": [self.short_name], "simulated": True}


def county_name(i: int) -> str:
    """示例县, 示例二县, 示例三县, … (never a real county's name)."""
    if i == 0:
        return "示例县"
    n = i + 1
    if n <= 10:
        num = _NUMERALS[n - 1]
    elif n < 100:
        tens, ones = divmod(n, 10)
        num = ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")
    else:
        num = str(n)
    return f"示例{num}县"


def _township_names(rng: random.Random, n: int) -> list[str]:
    pairs = [a + b for a in _FIRST for b in _SECOND]
    rng.shuffle(pairs)
    return pairs[:n]


def build_county(rng: random.Random, index: int, n_townships: int, n_departments: int) -> list[Agency]:
    """One county: townships (乡/镇/街道 in realistic shares) and departments."""
    county = county_name(index)
    region = county + SIMULATED_MARK
    out: list[Agency] = []
    for base in _township_names(rng, n_townships):
        kind = rng.choices(["乡", "镇", "街道"], weights=[3, 4, 2])[0]
        short = base + kind
        full = f"{county}{short}{'办事处' if kind == '街道' else '人民政府'}"
        pull = {"乡": 0.06, "镇": 0.18, "街道": 0.35}[kind] * rng.lognormvariate(0, 0.6)
        licensing = 0.0 if rng.random() > 0.1 else rng.choice([5, 30, 200])
        penalty = 0.0 if rng.random() > (0.5 if kind != "乡" else 0.2) else rng.choice([3, 9, 30, 90])
        out.append(Agency(full, short, kind, region, county, licensing, penalty, pull))
    depts = rng.sample(DEPARTMENTS, min(n_departments, len(DEPARTMENTS)))
    while len(depts) < n_departments:  # more than the pool: numbered offices
        depts.append((f"第{len(depts) + 1}办公室", 0, 0, 0.5))
    for dname, lic, pen, pull in depts:
        full = county + dname
        out.append(Agency(full, full, "部门", region, county, lic * rng.lognormvariate(0, 0.4),
                          pen * rng.lognormvariate(0, 0.4), pull * rng.lognormvariate(0, 0.5)))
    for a in out:
        a.procurement_unit = "万元" if (a.kind == "部门" and rng.random() < 0.6) or rng.random() < 0.25 else "元"
        a.unit_style = "cell" if rng.random() < 0.3 else "header"
        r = rng.random()
        if r < 0.12:
            a.adopts_2021 = 2022  # late adopter: 2021 report still in the 2019 format
        elif r < 0.16:
            a.adopts_2021 = 2023
        if rng.random() < 0.08:  # hybrid: 2021 section 二 with the 2019 single （六） row
            first = max(a.adopts_2021, 2021)
            a.hybrid_years = {first, first + 1}
    return out


def build_agencies(rng: random.Random, n_agencies: int, per_county: int = 30) -> list[Agency]:
    """N agencies in counties of about `per_county` (two thirds townships, one third departments)."""
    out: list[Agency] = []
    index = 0
    while len(out) < n_agencies:
        size = min(per_county, n_agencies - len(out))
        n_dept = max(size // 3, 1) if size > 1 else 0
        out.extend(build_county(rng, index, size - n_dept, n_dept))
        index += 1
    return out[:n_agencies]
