"""Databases for the model comparison: the demo and random synthetic counties, each worked a little as an office
does (a correction, a finding excluded, a report entered by hand, a corrected file sent again) so the model meets
corrections, reviews and replaced versions."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb

from dashboard.ingest.pipeline import ingest_prepared
from dashboard.ingest.prepare import prepare_file
from dashboard.review import corrections as k
from dashboard.review.users import User
from dashboard.store.db import writer
from dashboard.store.originals import read_source
from dashboard.synth.county import build_county
from dashboard.synth.demo import demo_county, ingest_simulated, simulated_registry
from dashboard.synth.generate import synthesize

EDITOR = User("模型校对员", "编辑")
AS_OF_CHOICES = ("2025-06-30", "2025-02-15", "2025-01-20", "2024-12-01")


def build_synthetic_county(folder: Path, seed: int) -> Path:
    """A random county (its size, years, formats and 'today' drawn from the seed), stored as the demo stores its
    own; then one correction, one exclusion and one manual report where the county has a gap."""
    rng = random.Random(seed)
    agencies = build_county(rng, seed % 7 + 1, rng.randint(4, 9), rng.randint(2, 5))
    first = rng.choice([2019, 2020, 2021])
    years = list(range(first, 2025))
    synth = synthesize(folder / "synth", len(agencies), years, ["html", "md"], seed=seed, agencies=agencies)
    db = folder / "county.duckdb"
    ingest_simulated(sorted(synth.files), agencies, db)
    with writer(db) as con:
        con.execute("insert or replace into meta values ('as_of', ?)", [rng.choice(AS_OF_CHOICES)])
    work_the_office(db, rng)
    ingest_a_corrected_file(db, rng, agencies, folder)
    return db


def work_the_office(db: Path, rng: random.Random) -> None:
    """A correction of a cell an open error names, an excluded finding, a manual report for a missing year."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        errors = con.execute("""select f.report_id, f.cells from findings f join reports r using (report_id)
                                where r.superseded_by is null and r.draft is not true and f.status = 'open'
                                and f.severity = 'error'
                                order by f.finding_id""").fetchall()
        others = [r[0] for r in con.execute("select finding_id from findings where status = 'open' "
                                            "order by finding_id").fetchall()]
        gaps = con.execute("""select a.agency_id, y.year from agencies a, (select unnest(range(2020, 2025)) as year) y
                              where a.in_registry and a.simulated and not exists (
                                select 1 from reports r where r.agency_id = a.agency_id and r.year = y.year
                                and r.draft is not true)
                              order by a.agency_id, y.year""").fetchall()
    finally:
        con.close()
    if errors:
        rid, cells = rng.choice(errors)
        cell = next((c for c in cells if c.count(".") == 2), None)
        if cell:
            k.correct(EDITOR, int(rid), {cell: str(rng.randint(0, 9))}, "模型比较：按原件更正", db=db)
    if others:
        from dashboard.review.findings import set_finding_status

        set_finding_status(rng.choice(others), "dismissed", "模型核实员", "原件如此", db=db)
    if gaps:
        aid, year = rng.choice(gaps)
        k.create_manual_report(EDITOR, int(aid), int(year), "2021",
                               {"applications.new.total": "2", "applications.new.natural": "2",
                                "applications.granted.total": "1", "applications.granted.natural": "1",
                                "applications.total.total": "1", "applications.total.natural": "1",
                                "applications.carried_over.total": "1", "applications.carried_over.natural": "1"},
                               "模型比较：扫描件手工录入", db=db)


def ingest_a_corrected_file(db: Path, rng: random.Random, agencies: list | None, folder: Path) -> None:
    """A unit sends its report again, corrected (a note appended): a second version of a simulated unit's year.
    agencies: the simulated county's units (None = the demo's)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = [r[0] for r in con.execute("""select r.report_id from reports r join agencies a using (agency_id)
                                            where a.simulated and r.superseded_by is null and r.draft is not true
                                            and r.source_name like '%.html' order by r.report_id""").fetchall()]
    finally:
        con.close()
    name, data = read_source(int(rng.choice(ids)), db=db)
    new = folder / "corrected" / name
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_bytes(data + "\n<!-- 更正版 -->\n".encode())
    ingest_prepared([prepare_file(new)], db, registry=simulated_registry(agencies or demo_county()))
