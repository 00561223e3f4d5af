"""Issue 20, Build item 3: the office's ordinary sequence of work, as a seeded Hypothesis state machine
(tests/office_machine.py). Marked slow (about two minutes): `pytest -m "not slow"` skips it. The long run is
bench/office_soak.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from office_machine import Base, OfficeMachine


@pytest.mark.slow
def test_after_any_sequence_of_office_work_the_model_equals_the_queries_and_every_page_renders(
        tmp_path: Path) -> None:
    OfficeMachine.base = Base(tmp_path / "base")
    OfficeMachine.work = tmp_path / "runs"
    OfficeMachine.pages = True
    run_state_machine_as_test(OfficeMachine, settings=settings(
        max_examples=2, stateful_step_count=4, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck), print_blob=True))


@pytest.mark.slow
def test_a_report_held_for_identity_then_settled_and_promoted_keeps_the_model_equal_to_the_queries(
        tmp_path: Path) -> None:
    """The 待认定 path as the office walks it: a scan without its unit's name is held and not counted; an editor
    files it under a unit and year that already has a report (so it waits as 待核对) and then promotes it."""
    OfficeMachine.base = Base(tmp_path / "base")
    OfficeMachine.work = tmp_path / "runs"
    OfficeMachine.pages = False
    office = OfficeMachine()
    try:
        office.the_model_equals_the_queries_and_every_page_renders()
        office.ingest_a_file_held_for_identity(pick=3, blank="both")
        office.the_model_equals_the_queries_and_every_page_renders()
        ((rid, aid, year),) = office.rows("select report_id, agency_id, year from reports "
                                          "where held_reason like '待认定%'")
        assert aid is None and year is None
        (aid, year), = office.rows("select agency_id, year from current_reports order by report_id limit 1")
        unit = next(i for i, a in enumerate(office.base.agencies)
                    if office.rows("select 1 from agencies where agency_id = ? and name = ?", [aid, a.name]))
        office.settle_a_held_report(pick=0, unit=unit, year=year)
        office.the_model_equals_the_queries_and_every_page_renders()
        (status,), = office.rows("select held from reports where report_id = ?", [rid])
        if status:  # a weaker reading than the report in place: it waits as 待核对 until promoted
            office.promote_a_held_version(pick=0)
            office.the_model_equals_the_queries_and_every_page_renders()
        assert office.rows("select report_id from current_reports where agency_id = ? and year = ?",
                           [aid, year]) == [(rid,)]
    finally:
        office.teardown()
