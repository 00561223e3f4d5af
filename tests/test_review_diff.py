"""What changed between two submissions (issue 22 item 3): cells, passages, resolved and new findings — exactly,
on the real 平潭 2025 report and edited copies of it (a unit's draft and its resubmission)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from dashboard.checks import CheckContext, run_checks
from dashboard.parse import parse_file
from dashboard.registry import default_registry
from dashboard.review.diff import ABSENT, CellChange, PassageChange, diff_submissions, finding_changes

FIXTURES = Path(__file__).parent / "fixtures"
CTX = CheckContext(agency_kind="政府")
R1_CELLS = ["applications.new.total", "applications.carried_in.total", "applications.total.total",
            "applications.carried_over.total"]
R2_CELLS = ["applications.carried_over.total"] + [f"applications.carried_over.{c}" for c in
                                                  ("natural", "commercial", "research", "social", "legal", "other_org")]
FEE_CELLS = ["sections.other_matters", "applications.other_no_fee.total"]
NEW_SIX = "2025年发出信息处理费收费通知2件，申请人逾期未缴纳，实际收取信息处理费0元。"
ADDED = "（六）补充说明：全年依法依规答复全部申请。"


@pytest.fixture(scope="module")
def published() -> dict:
    """平潭 2025 as published (its 六 says no fee while table 三 counts 2 unpaid fee notices: FEE_REPORT)."""
    return parse_file(FIXTURES / "pingtan-2025.html", default_registry())


def _edited(rep: dict) -> dict:
    """A resubmission: one cell changed (carried over 6 → 7), 六 rewritten, a paragraph added to 一, one edited in 五."""
    new = copy.deepcopy(rep)
    new["applications"]["carried_over"]["total"] = 7
    new["sections"]["other_matters"] = NEW_SIX
    new["sections"]["overview"] += "\n" + ADDED
    five = new["sections"]["problems"].split("\n")
    five[0] = five[0].replace("平台互动功能仍有不足", "平台互动功能仍有不足；政策解读形式较为单一")
    new["sections"]["problems"] = "\n".join(five)
    return new


def _keys(findings: list[dict]) -> list[tuple[str, list[str]]]:
    return [(f["rule"], f["cells"]) for f in findings]


def test_the_changed_cells_passages_and_findings_of_a_resubmission_are_exact(published: dict) -> None:
    new = _edited(published)
    diff = diff_submissions(published, new, run_checks(published, CTX), run_checks(new, CTX))
    assert diff.fields == []
    assert diff.cells == [CellChange("applications.carried_over.total", 6, 7)]
    old_five = published["sections"]["problems"].split("\n")[0]
    assert diff.passages == [
        PassageChange("overview", "insert", (), (ADDED,)),
        PassageChange("problems", "replace", (old_five,),
                      (old_five.replace("平台互动功能仍有不足", "平台互动功能仍有不足；政策解读形式较为单一"),)),
        PassageChange("other_matters", "replace", ("2025年，无收取信息处理费情况。",), (NEW_SIX,)),
    ]
    assert _keys(diff.resolved) == [("FEE_REPORT", FEE_CELLS)]
    assert _keys(diff.new) == [("R1", R1_CELLS), ("R2", R2_CELLS), ("TEXT_TABLE", ["applications.carried_over.total"])]
    assert diff.kept == []


def test_a_corrected_draft_resolves_its_errors_and_keeps_what_it_did_not_fix(published: dict) -> None:
    draft = copy.deepcopy(published)
    draft["applications"]["carried_over"]["total"] = 7  # the draft's slip, fixed in the published report
    diff = diff_submissions(draft, published, run_checks(draft, CTX), run_checks(published, CTX))
    assert diff.cells == [CellChange("applications.carried_over.total", 7, 6)]
    assert diff.passages == []
    assert _keys(diff.resolved) == [("R1", R1_CELLS), ("R2", R2_CELLS),
                                    ("TEXT_TABLE", ["applications.carried_over.total"])]
    assert diff.new == []
    assert _keys(diff.kept) == [("FEE_REPORT", FEE_CELLS)]


def test_the_same_submission_twice_has_no_difference(published: dict) -> None:
    found = run_checks(published, CTX)
    diff = diff_submissions(published, copy.deepcopy(published), found, found)
    assert diff.unchanged and len(diff.kept) == len(found)


def test_a_dropped_row_and_an_identity_change_are_named(published: dict) -> None:
    new = copy.deepcopy(published)
    del new["appeals"]["litigation_after"]
    new["year"] = 2024
    new["applications"]["new"]["natural"] = None  # written → blank
    diff = diff_submissions(published, new)
    assert diff.fields == [CellChange("year", 2025, 2024)]
    old_natural = published["applications"]["new"]["natural"]
    assert diff.cells[0] == CellChange("applications.new.natural", old_natural, None)
    assert [c.key for c in diff.cells[1:]] == [f"appeals.litigation_after.{c}" for c in
                                               ("upheld", "corrected", "other", "pending", "total")]
    assert all(c.new is ABSENT for c in diff.cells[1:])


def test_stored_findings_match_by_rule_and_cells_even_with_new_figures_in_the_message() -> None:
    old = [{"rule": "R1", "cells": json.dumps(["applications.new.total"]), "message": "… 7 …"},
           {"rule": "R1", "cells": ["applications.new.total"], "message": "… 8 …"},
           {"rule": "SECTION_MISSING", "cells": [], "message": "报告缺少“四、…”的表格。"}]
    new = [{"rule": "R1", "cells": ["applications.new.total"], "message": "… 9 …"},
           {"rule": "SECTION_MISSING", "cells": [], "message": "报告缺少“二、…”的表格。"}]
    resolved, added, kept = finding_changes(old, new)
    assert [f["message"] for f in kept] == ["… 9 …"]
    assert [f["message"] for f in resolved] == ["… 8 …", "报告缺少“四、…”的表格。"]
    assert [f["message"] for f in added] == ["报告缺少“二、…”的表格。"]


def test_findings_read_through_pandas_match_by_their_cells() -> None:
    import numpy as np

    old = [{"rule": "R2", "cells": np.array(["applications.new.total", "applications.new.natural"]), "message": "a"}]
    new = [{"rule": "R2", "cells": ["applications.new.natural", "applications.new.total"], "message": "b"}]
    assert finding_changes(old, new)[2] == new
