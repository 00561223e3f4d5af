"""The figures of one agency's reports, year after year: realistic magnitudes, every sum consistent, carry-over kept."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from dashboard.synth.county import Agency
from dashboard.synth.layout import APPEAL_COLS, APPEAL_GROUPS, PARTY_COLS, empty_report, outcome_rows

_PARTY_WEIGHTS = [80, 12, 1, 1, 3, 3]
_OUTCOME_WEIGHTS = {
    "granted": 34, "partial": 10, "withheld_state_secret": 0.5, "withheld_prohibited": 1, "withheld_security": 0.5,
    "withheld_third_party": 2, "withheld_internal": 2, "withheld_process": 2, "withheld_enforcement": 1,
    "withheld_inquiry": 2, "unavailable_not_held": 25, "unavailable_needs_creation": 4, "unavailable_unclear": 3,
    "not_processed_petition": 5, "not_processed_repeat": 3, "not_processed_publication": 1,
    "not_processed_excessive": 0.5, "not_processed_confirmation": 1, "other": 5,
    "other_no_correction": 3, "other_no_fee": 0.5, "other_misc": 1.5,
}
_APPEAL_WEIGHTS = [60, 15, 15, 10]  # upheld, corrected, other, pending


@dataclass
class AgencyState:
    """What one year hands to the next: carry-over, documents in force, item counts."""

    carried_over: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTY_COLS + ["total"], 0))
    in_force: dict[str, int] = field(default_factory=lambda: {"rules": 0, "normative_docs": 0})
    items: dict[str, int] = field(default_factory=dict)  # 2019 prev_items of licensing, penalty, ...
    public_total: dict[str, int] = field(default_factory=lambda: {"rules": 0, "normative_docs": 0})
    last_template: str = ""


def template_for(agency: Agency, year: int) -> tuple[str, str]:
    """(template of section 二, layout of section 三) of an agency's report for a year."""
    template = "2019" if year < max(agency.adopts_2021, 2021) else "2021"
    layout = "2019" if template == "2019" or year in agency.hybrid_years else "2021"
    return template, layout


def _count(rng: random.Random, median: float, sigma: float = 0.9) -> int:
    """A positive count around a median, long-tailed; 0 when the median is 0."""
    if median <= 0:
        return 0
    return max(0, round(rng.lognormvariate(math.log(median), sigma)))


def _new_applications(rng: random.Random, agency: Agency) -> dict[str, int]:
    p_any = min(0.9, agency.pull) if agency.kind != "部门" else min(0.9, 0.35 + 0.12 * agency.pull)
    n = 0
    if rng.random() < p_any:
        median = 1.5 if agency.kind in ("乡", "镇") else 2.5 + 3 * agency.pull
        n = max(1, _count(rng, median, 1.0))
    out = dict.fromkeys(PARTY_COLS, 0)
    for col in rng.choices(PARTY_COLS, weights=_PARTY_WEIGHTS, k=n):
        out[col] += 1
    return out


def _applications(rng: random.Random, agency: Agency, layout: str, state: AgencyState, table: dict) -> None:
    new = _new_applications(rng, agency)
    outcomes = outcome_rows(layout)
    weights = [_OUTCOME_WEIGHTS[r] for r in outcomes]
    for col in PARTY_COLS:
        table["new"][col] = new[col]
        table["carried_in"][col] = state.carried_over[col]
        available = new[col] + state.carried_over[col]
        carried = sum(1 for _ in range(available) if rng.random() < 0.06)
        handled = available - carried
        table["carried_over"][col] = carried
        table["total"][col] = handled
        for row in rng.choices(outcomes, weights=weights, k=handled):
            table[row][col] += 1
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in PARTY_COLS)
    state.carried_over = dict(table["carried_over"])


def _appeals(rng: random.Random, handled: int, table: dict) -> None:
    n_recon = sum(1 for _ in range(handled) if rng.random() < 0.04)
    n_direct = sum(1 for _ in range(handled) if rng.random() < 0.015)
    n_after = sum(1 for _ in range(n_recon) if rng.random() < 0.25)
    for group, n in zip(APPEAL_GROUPS, (n_recon, n_direct, n_after), strict=True):
        for col in rng.choices(APPEAL_COLS[:4], weights=_APPEAL_WEIGHTS, k=n):
            table[group][col] += 1
        table[group]["total"] = n


def _normative_issued(rng: random.Random, agency: Agency) -> int:
    if agency.kind == "部门":
        return _count(rng, 2, 0.8) if rng.random() < 0.15 else 0
    return rng.randint(1, 4) if rng.random() < 0.1 else 0


def _amount_wan(rng: random.Random, agency: Agency, p: float, median: float) -> float:
    if rng.random() >= p:
        return 0.0
    return round(rng.lognormvariate(math.log(median), 1.0), 2)


def _disclosure_2019(rng: random.Random, agency: Agency, state: AgencyState, table: dict) -> None:
    made = _normative_issued(rng, agency)
    table["normative_docs"].update(made=made, published=made,
                                   public_total=state.public_total["normative_docs"] + made)
    state.public_total["normative_docs"] += made
    bases = {"licensing": agency.licensing, "other_services": agency.licensing / 3, "penalty": agency.penalty,
             "coercion": agency.penalty / 20 if rng.random() < 0.1 else 0, "fees": 0}
    for row, scale in bases.items():
        if row not in state.items:
            state.items[row] = (rng.randint(3, 40) if agency.kind == "部门" else rng.randint(0, 3)) if scale else 0
        prev = state.items[row]
        change = rng.choice([0, 0, 0, 1, -1, 2]) if prev else 0
        change = max(change, -prev)
        table[row]["prev_items"] = prev
        table[row]["change"] = change
        if row != "fees":
            table[row]["decisions"] = _count(rng, scale) if prev or scale else 0
        state.items[row] = prev + change
    p_proc = 0.6 if agency.kind == "部门" else 0.25
    projects = _count(rng, 4) if rng.random() < p_proc else 0
    amount_wan = round(projects * rng.lognormvariate(math.log(6), 1.0), 2) if projects else 0.0
    table["procurement"]["projects"] = projects
    if agency.procurement_unit == "元":
        table["procurement"]["amount"] = round(amount_wan * 10000)
    else:
        table["procurement"]["amount"] = amount_wan


def _disclosure_2021(rng: random.Random, agency: Agency, state: AgencyState, table: dict) -> None:
    if state.last_template != "2021":  # first 2021-format year: the count in force is stated afresh
        state.in_force["normative_docs"] = (_count(rng, 8) if agency.kind == "部门" and rng.random() < 0.5
                                            else (rng.randint(1, 5) if rng.random() < 0.12 else 0))
    prev = state.in_force["normative_docs"]
    issued = _normative_issued(rng, agency)
    repealed = min(prev, rng.randint(1, 3)) if prev and rng.random() < 0.2 else 0
    table["normative_docs"].update(issued=issued, repealed=repealed, in_force=prev + issued - repealed)
    state.in_force["normative_docs"] = prev + issued - repealed
    table["licensing"]["decisions"] = _count(rng, agency.licensing)
    table["penalty"]["decisions"] = _count(rng, agency.penalty)
    table["coercion"]["decisions"] = _count(rng, agency.penalty / 20) if rng.random() < 0.1 else 0
    table["fees"]["amount_wan"] = _amount_wan(rng, agency, 0.25 if agency.kind == "部门" else 0.04, 12.0)


def report_numbers(rng: random.Random, agency: Agency, year: int, state: AgencyState) -> dict:
    """The tables of one clean report (identity, template, disclosure, applications, appeals, units)."""
    template, layout = template_for(agency, year)
    rep = empty_report(template, layout)
    if template == "2019":
        _disclosure_2019(rng, agency, state, rep["disclosure"])
        units = {"disclosure.procurement.amount": agency.procurement_unit}
    else:
        _disclosure_2021(rng, agency, state, rep["disclosure"])
        units = {"disclosure.fees.amount_wan": "万元"}
    _applications(rng, agency, layout, state, rep["applications"])
    _appeals(rng, rep["applications"]["total"]["total"], rep["appeals"])
    state.last_template = template
    return {"agency": agency.name, "year": year, "template": template, "applications_layout": layout, **rep,
            "units": units}
