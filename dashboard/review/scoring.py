"""年报质量评分: a score per unit-year from a scoring sheet kept as data (`data/review_scoring.toml`), each deduction
traceable to the finding it comes from.

The sheet lists items (按时, 完整, 准确, 不雷同 by default, the four things the 2021 format's instructions hold against
a report), each with its points, the rules that belong to it and the points one finding deducts by severity; an item
never goes below 0. `overdue` deducts from an item when the unit has not published by its deadline (a deduction with
no finding: its reason says so); `late_draft` when its first draft came after the round's deadline for drafts.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.settings import DATA_DIR

DEFAULT_SHEET = DATA_DIR / "review_scoring.toml"
OTHER_KIND = "其他"


@dataclass(frozen=True)
class Item:
    """One line of the scoring sheet."""

    name: str
    points: float
    rules: tuple[str, ...]
    deduct: Mapping[str, float]
    overdue: float = 0.0
    late_draft: float = 0.0


@dataclass(frozen=True)
class Sheet:
    """A scoring sheet: its title and items."""

    title: str
    items: tuple[Item, ...]

    @property
    def full(self) -> float:
        """The highest score (the sum of the items' points)."""
        return sum(i.points for i in self.items)

    def kind_of(self, rule: str) -> str:
        """The item a rule belongs to (按时/完整/准确/不雷同), 其他 when none."""
        for item in self.items:
            if rule in item.rules:
                return item.name
        return OTHER_KIND


@dataclass(frozen=True)
class Deduction:
    """Points taken off one item, and why: the finding (id, rule, message) or a reason without one."""

    item: str
    points: float
    finding_id: int | None
    rule: str | None
    reason: str


@dataclass
class Score:
    """A unit-year's score with every deduction."""

    total: float
    full: float
    by_item: dict[str, float] = field(default_factory=dict)
    deductions: list[Deduction] = field(default_factory=list)


def load_sheet(path: Path | None = None) -> Sheet:
    """The scoring sheet at `path` (default data/review_scoring.toml)."""
    data = tomllib.loads(Path(path or DEFAULT_SHEET).read_text(encoding="utf-8"))
    items = tuple(Item(str(i["name"]), float(i["points"]), tuple(i.get("rules", [])),
                       {str(k): float(v) for k, v in (i.get("deduct") or {}).items()}, float(i.get("overdue", 0)),
                       float(i.get("late_draft", 0)))
                  for i in data.get("items", []))
    if not items:
        raise ValueError(f"评分表没有评分项：{path or DEFAULT_SHEET}")
    return Sheet(str(data.get("title", "年报质量评分")), items)


def score(findings: Iterable[Mapping[str, Any]], sheet: Sheet, overdue: bool = False,
          late_draft: bool = False) -> Score:
    """Score one report from its standing findings (dicts with finding_id, rule, severity, message)."""
    out = Score(0.0, sheet.full)
    for item in sheet.items:
        left = item.points
        if overdue and item.overdue:
            take = min(left, item.overdue)
            out.deductions.append(Deduction(item.name, take, None, None, "到公布期限仍未公布"))
            left -= take
        if late_draft and item.late_draft and left > 0:
            take = min(left, item.late_draft)
            out.deductions.append(Deduction(item.name, take, None, None, "报送稿晚于审核轮次规定的报送期限"))
            left -= take
        for f in findings:
            if f.get("rule") not in item.rules:
                continue
            take = min(left, item.deduct.get(str(f.get("severity")), 0.0))
            if take <= 0:
                continue
            out.deductions.append(Deduction(item.name, take, int(f["finding_id"]) if f.get("finding_id") is not None
                                            else None, str(f.get("rule")), str(f.get("message") or "")))
            left -= take
        out.by_item[item.name] = left
    out.total = sum(out.by_item.values())
    return out
