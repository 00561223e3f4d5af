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
