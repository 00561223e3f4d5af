"""Planted problems, at a known small rate, each recorded so the checks can be scored against it."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass

from dashboard.synth.layout import APPEAL_GROUPS

# kind → the finding rule the checks should raise for it
DEFECT_RULES = {
    "r1_sum": "R1",
    "r4_sum": "R4",
    "unit_slip": "UNIT",
    "copied_narrative": "SAME_TEXT",
    "blank_total": "BLANK_TOTAL",
    "missing_report": "MISSING",
}
# format habits that are findings too (not defects of the numbers)
PATTERN_RULES = {"late_adopter": "VERSION_YEAR", "hybrid": "HYBRID"}
DEFAULT_RATE = 0.015


@dataclass
class Defect:
    """One planted defect: its kind, the rule that should catch it, the cells it touches, a note."""

    kind: str
    cells: list[str]
    note: str

    def as_dict(self) -> dict:
        """The defect as recorded in the truth file."""
        return {"kind": self.kind, "rule": DEFECT_RULES[self.kind], "cells": self.cells, "note": self.note}


def plant_r1(rng: random.Random, rep: dict) -> Defect:
    """New applications mistyped in one column (and its row total): R1 fails, R2 and R3 still hold."""
    col = rng.choice(["natural", "commercial"])
    k = rng.randint(1, 3)
    rep["applications"]["new"][col] += k
    rep["applications"]["new"]["total"] += k
    return Defect("r1_sum", [f"applications.new.{col}", "applications.new.total"],
                  f"本年新收 {col} 多填 {k}：第一项加第二项之和不等于第三项加第四项之和")


def plant_r4(rng: random.Random, rep: dict) -> Defect:
    """An appeals group total that is not the sum of its parts (as in the real 洪泽 2023 report)."""
    group = rng.choice(APPEAL_GROUPS)
    cells = rep["appeals"][group]
    if cells["total"]:
        cells["total"] = 0 if rng.random() < 0.5 else cells["total"] + 1
    else:
        cells["upheld"] += 1  # the parts say 1, the total still says 0
    return Defect("r4_sum", [f"appeals.{group}.total"], f"{group} 总计与分项之和不符")


def plant_unit_slip(rng: random.Random, rep: dict) -> Defect:
    """An amount printed in 元 under a 万元 label: the number is 10 000 times too large."""
    if rep["template"] == "2021":
        true_wan = round(rng.uniform(0.5, 30), 2)
        rep["disclosure"]["fees"]["amount_wan"] = round(true_wan * 10000)
        return Defect("unit_slip", ["disclosure.fees.amount_wan"],
                      f"收费金额按元填写在万元栏：印 {round(true_wan * 10000)}，实为 {true_wan} 万元")
    true_yuan = rng.randint(20000, 900000)
    if rep["disclosure"]["procurement"]["projects"] == 0:
        rep["disclosure"]["procurement"]["projects"] = rng.randint(1, 6)
    rep["disclosure"]["procurement"]["amount"] = true_yuan
    rep["units"]["disclosure.procurement.amount"] = "万元"
    return Defect("unit_slip", ["disclosure.procurement.amount"],
                  f"采购金额按元填写却标为万元：印 {true_yuan} 万元，实为 {true_yuan} 元")


def plant_blank_total(rep: dict) -> Defect:
    """The （七）总计 cell of the total column left blank."""
    rep["applications"]["total"]["total"] = None
    rep.setdefault("cell_flags", {})["applications.total.total"] = "blank"
    return Defect("blank_total", ["applications.total.total"], "（七）总计 总计栏为空")


def plant_copied_narrative(rep: dict, previous: dict) -> Defect:
    """Sections 一/五/六 copied word for word from the same agency's previous report."""
    rep["sections"] = copy.deepcopy(previous["sections"])
    return Defect("copied_narrative", ["sections.overview", "sections.problems"],
                  f"文字部分与{previous['year']}年报告完全相同")


def per_kind(n_reports: int, rate: float) -> int:
    """How many reports get each defect kind: round(rate·n), at least one when n ≥ 20 and rate > 0."""
    return max(1 if n_reports >= 20 else 0, round(rate * n_reports)) if rate > 0 else 0
