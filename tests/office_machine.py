"""The office's operations as a Hypothesis state machine (issue 20, Build item 3), shared by the CI test
(tests/test_office_state_machine.py, seeded and bounded) and the long run (bench/office_soak.py).

Steps: ingest a report (new, superseding, corrupt, held for identity), settle a held report's unit and year, promote
a held version, correct a cell, revert a correction, enter a report by hand,
confirm / dismiss / reopen a finding, add a user, move "today" across a deadline, change the home county. After
every step the reference model (tests/model/reference.py) must equal the named queries for the home county and a
random scope; with `pages` on, every main page also renders for both scopes without an exception (AppTest).
"""

from __future__ import annotations

import os
import random
import re
import shutil
from pathlib import Path

import duckdb
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from model.cases import url_of
from model.reference import Case, World
from model.worlds import EDITOR
from test_model_compare import compare_queries

from dashboard.ingest.pipeline import IngestSummary, ingest_prepared
from dashboard.ingest.prepare import prepare_file
from dashboard.ingest.settle import assign_identity, promote
from dashboard.review import corrections as k
from dashboard.review.findings import set_finding_status
from dashboard.review.users import User, add_user, cli_user
from dashboard.store.db import writer
from dashboard.synth.county import build_county
from dashboard.synth.demo import ingest_simulated, simulated_registry
from dashboard.synth.generate import synthesize

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
MAIN_PAGES = ("overview", "trend", "compare", "detail", "quality", "proofread", "manual_entry", "export_page")
AS_OF = ("2025-01-20", "2025-02-01", "2025-03-31", "2025-04-01", "2025-06-30", "2026-02-01")
CELLS = ("applications.new.total", "applications.total.total", "applications.granted.total",
         "appeals.reconsideration.total", "disclosure.penalty.decisions", "applications.carried_over.total")


class Base:
    """One small simulated county built once: most of its files stored, the rest kept to ingest as steps."""

    def __init__(self, folder: Path, seed: int = 31) -> None:
        rng = random.Random(seed)
        self.agencies = build_county(rng, 3, 5, 3)
        synth = synthesize(folder / "synth", len(self.agencies), list(range(2020, 2025)), ["html", "md"], seed=seed,
                           agencies=self.agencies)
        files = sorted(synth.files)
        rng.shuffle(files)
        keep = len(files) * 3 // 4
        self.stored, self.pending = sorted(files[:keep]), sorted(files[keep:])
        self.db = folder / "base.duckdb"
        ingest_simulated(self.stored, self.agencies, self.db)
        self.folder = folder


def copy_db(src: Path, dest: Path) -> Path:
    shutil.copyfile(src, dest)
    sources = src.with_name(src.name + ".sources")
    if sources.exists():
        shutil.copytree(sources, dest.with_name(dest.name + ".sources"), dirs_exist_ok=True)
    return dest


class OfficeMachine(RuleBasedStateMachine):
    """Configure with OfficeMachine.base (a Base), .work (a scratch folder) and .pages before running."""

    base: Base
    work: Path
    pages: bool = True
    runs = 0
    log: list[str] = []

    def __init__(self) -> None:
        super().__init__()
        type(self).runs += 1
        self.dir = self.work / f"run{type(self).runs}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = copy_db(self.base.db, self.dir / "office.duckdb")
        self.old_env = os.environ.get("NIANBAO_DB")
        os.environ["NIANBAO_DB"] = str(self.db)
        self.pending = list(self.base.pending)
        self.rng = random.Random(type(self).runs)
        self.users = 0

    def teardown(self) -> None:
        if self.old_env is None:
            os.environ.pop("NIANBAO_DB", None)
        else:
            os.environ["NIANBAO_DB"] = self.old_env
        shutil.rmtree(self.dir, ignore_errors=True)

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def ingest(self, files: list[Path]) -> IngestSummary:
        return ingest_prepared([prepare_file(f) for f in files], self.db,
                               registry=simulated_registry(self.base.agencies))

    # ---- the office's operations ----
    @precondition(lambda self: bool(self.pending))
    @rule(pick=st.integers(0, 1000))
    def ingest_new_report(self, pick: int) -> None:
        self.ingest([self.pending.pop(pick % len(self.pending))])

    @rule(pick=st.integers(0, 1000))
    def ingest_a_corrected_file(self, pick: int) -> None:
        src = self.base.stored[pick % len(self.base.stored)]
        new = self.dir / f"v{pick}" / src.name
        new.parent.mkdir(exist_ok=True)
        tail = f"\n<!-- 更正版 {pick} -->\n" if src.suffix == ".html" else f"\n\n（更正版 {pick}）\n"
        new.write_bytes(src.read_bytes() + tail.encode())
        self.ingest([new])

    @rule(size=st.integers(1, 300))
    def ingest_a_corrupt_file(self, size: int) -> None:
        bad = self.dir / f"bad{size}.pdf"
        bad.write_bytes(bytes(self.rng.randrange(256) for _ in range(size)))
        before = self.rows("select count(*) from reports")
        self.ingest([bad])
        assert self.rows("select count(*) from reports") == before  # a failed file changes nothing

    @rule(pick=st.integers(0, 1000), blank=st.sampled_from(["unit", "year", "both"]))
    def ingest_a_file_held_for_identity(self, pick: int, blank: str) -> None:
        """A scan's text with the unit's name or the year blanked out: stored as 待认定, never counted."""
        src = self.base.stored[pick % len(self.base.stored)]
        text = src.read_text("utf-8")
        if blank in ("unit", "both"):
            a = next(a for a in self.base.agencies if a.name in text)
            for name in (a.name, a.short_name, a.county, a.region):
                text = text.replace(name, "")
        if blank in ("year", "both"):
            text = re.sub(r"20\d\d", "", text)
        new = self.dir / f"扫描件{pick}{blank}{src.suffix}"
        new.write_text(text, encoding="utf-8")
        current = self.rows("select count(*) from current_reports")
        ingest = self.ingest([new])
        statuses = {o.status for o in ingest.outcomes}
        assert statuses <= {"unidentified", "unchanged"}, [(o.status, o.reason_zh) for o in ingest.outcomes]
        assert self.rows("select count(*) from current_reports") == current  # held, not counted

    @rule(pick=st.integers(0, 1000), unit=st.integers(0, 1000), year=st.integers(2020, 2024))
    def settle_a_held_report(self, pick: int, unit: int, year: int) -> None:
        held = [r[0] for r in self.rows("select report_id from reports where held and held_reason like '待认定%' "
                                        "order by 1")]
        if held:
            name = self.base.agencies[unit % len(self.base.agencies)].name
            assign_identity(held[pick % len(held)], name, year, EDITOR.name, db=self.db,
                            registry=simulated_registry(self.base.agencies))

    @rule(pick=st.integers(0, 1000))
    def promote_a_held_version(self, pick: int) -> None:
        held = [r[0] for r in self.rows("select report_id from reports where held and held_reason not like '待认定%' "
                                        "and agency_id is not null order by 1")]
        if held:
            promote(held[pick % len(held)], "状态机：以此版本为准", EDITOR.name, db=self.db,
                    registry=simulated_registry(self.base.agencies))

    @rule(pick=st.integers(0, 1000), cell=st.sampled_from(CELLS), value=st.integers(0, 40))
    def correct_a_cell(self, pick: int, cell: str, value: int) -> None:
        ids = [r[0] for r in self.rows("select report_id from reports where superseded_by is null order by 1")]
        k.correct(EDITOR, ids[pick % len(ids)], {cell: str(value)}, "状态机：按原件更正", db=self.db)

    @rule(pick=st.integers(0, 1000))
    def revert_a_correction(self, pick: int) -> None:
        ids = [r[0] for r in self.rows("select correction_id from corrections where status = 'active' "
                                       "and kind = 'correction' order by 1")]
        if ids:
            k.revert(EDITOR, ids[pick % len(ids)], "状态机：撤销", db=self.db)

    @rule(pick=st.integers(0, 1000), new=st.integers(0, 9))
    def enter_a_report_by_hand(self, pick: int, new: int) -> None:
        gaps = self.rows("""select a.agency_id, y.year from agencies a, (select unnest(range(2020, 2025)) as year) y
                            where a.in_registry and not exists (select 1 from reports r where r.agency_id = a.agency_id
                            and r.year = y.year) order by 1, 2""")
        if gaps:
            aid, year = gaps[pick % len(gaps)]
            k.create_manual_report(EDITOR, aid, year, "2021", {"applications.new.total": str(new),
                                                               "applications.new.natural": str(new)},
                                   "状态机：扫描件录入", db=self.db)

    @rule(pick=st.integers(0, 1000), status=st.sampled_from(["confirmed", "dismissed", "open"]))
    def review_a_finding(self, pick: int, status: str) -> None:
        ids = [r[0] for r in self.rows("select finding_id from findings where status != 'resolved' order by 1")]
        if ids:
            set_finding_status(ids[pick % len(ids)], status, "状态机核实员", None, db=self.db)

    @rule(role=st.sampled_from(["查看", "编辑", "管理"]))
    def add_a_user(self, role: str) -> None:
        self.users += 1
        add_user(cli_user(), f"用户{self.users}", role, "office-password-1", db=self.db)

    @rule(day=st.sampled_from(AS_OF))
    def move_today(self, day: str) -> None:
        with writer(self.db) as con:
            con.execute("insert or replace into meta values ('as_of', ?)", [day])

    @rule(region=st.sampled_from(["示例县（模拟）", "互助县", None]))
    def change_the_home_county(self, region: str | None) -> None:
        home = region or self.base.agencies[0].region
        with writer(self.db) as con:
            con.execute("insert or replace into meta values ('home_county', ?)", [home])

    # ---- after every step ----
    @invariant()
    def the_model_equals_the_queries_and_every_page_renders(self) -> None:
        world = World(self.db)
        years = sorted({r.year for r in world.current}) or [2024]
        year = self.rng.choice(years)
        regions = sorted({a.region for a in world.agencies.values() if a.region})
        cases = [Case(world.home, None, None, year, False),
                 Case(self.rng.choice([None, *regions]), self.rng.choice([None, ("乡", "镇"), ("部门",)]), None,
                      self.rng.choice(years), self.rng.random() < 0.5)]
        bad = [b for case in cases for b in compare_queries(world, self.db, case)]
        assert not bad, "\n".join(bad[:10])
        if self.pages:
            self.render(cases, world)

    def render(self, cases: list[Case], world: World) -> None:
        from streamlit.testing.v1 import AppTest

        import dashboard.review.users as auth

        for case in cases:
            for name in MAIN_PAGES:
                at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120)
                for key, value in url_of(case).items():
                    at.query_params[key] = value
                if self.users:  # once users exist the pages ask for a login: act as a 管理
                    now = __import__("time").time()
                    at.session_state["auth"] = {"user": User("用户1", "管理"), "login_at": now, "seen_at": now}
                at.run()
                assert not at.exception, (name, case, [e.value for e in at.exception])
                errors = [e.value for e in at.error if "内部错误" in str(e.value)]
                assert not errors, (name, case, errors)
        _ = auth
