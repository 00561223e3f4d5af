"""Issue 20 «Why»: each false or crashing statement found on the demo, reproduced and fixed (demo database, home
county 示例县（模拟）, as of 2025-06-30)."""

from __future__ import annotations

from pathlib import Path

import demo_fixture
from demo_fixture import HOME, one
from streamlit.testing.v1 import AppTest

from dashboard.auth import User
from dashboard.store import corrections as k

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
EDITOR = User("王编辑", "编辑")
demo_db, demo = demo_fixture.demo_db, demo_fixture.demo  # fixtures


def page(name: str, **params: str) -> AppTest:
    """One page run alone with URL parameters; no exception."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every text element of a run, joined (what a reader sees, less the charts and tables)."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    return "\n".join(parts)


def agency_id(db: Path, short: str) -> int:
    return int(one(db, "select agency_id from agencies where short_name = ? and region = ?", [short, HOME]))


def test_overview_opens_after_a_report_was_entered_by_hand(demo: Path) -> None:
    bz = agency_id(demo, "北庄镇")
    report = one(demo, "select report_id from current_reports where agency_id = ? and year = 2023", [bz])
    assert report is None  # 北庄镇 2023 is a 缺报 of the demo: the office enters the scanned copy by hand
    k.create_manual_report(EDITOR, bz, 2023, "2021", {"applications.new.natural": "3"}, "扫描件，按原件录入",
                           db=demo)
    at = page("overview", year="2023")
    assert at.metric  # the page shows its figures, no internal error
