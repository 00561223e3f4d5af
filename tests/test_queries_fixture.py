"""The fixture database of the dashboard tests: real corpus reports plus simulated ones, ingested by the store.

Other test modules define their `fixture_db` fixture with `shared_fixture_db` from here (built once per session).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboard.ingest.pipeline import ingest_paths
from dashboard.synth import synthesize

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = ["000_7180246cedc2b1d8.txt", "shanghai-kewei-2024.md", "pingtan-2025.html"]
SYNTH_AGENCIES, SYNTH_YEARS = 6, [2019, 2020, 2021, 2022, 2023]


def build_fixture_db(tmp: Path) -> Path:
    """Ingest the real corpus files and a simulated county (6 agencies, 2019–2023), then one corrected version."""
    db = tmp / "fixture.duckdb"
    synth = synthesize(tmp / "synth", SYNTH_AGENCIES, SYNTH_YEARS, ["html", "md"], seed=7)
    ingest_paths([FIXTURES / n for n in CORPUS] + sorted(synth.files), db=db)
    # A corrected file for the same agency and year: the store keeps the first as superseded.
    first = sorted(p for p in synth.files if p.suffix == ".html")[0]
    corrected = tmp / "corrected" / first.name
    corrected.parent.mkdir()
    corrected.write_bytes(first.read_bytes() + "\n<!-- 更正版 -->\n".encode())
    ingest_paths([corrected], db=db)
    return db


_BUILT: dict[str, Path] = {}


def shared_fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database file, built once per test session whichever module asks first."""
    if "db" not in _BUILT:
        _BUILT["db"] = build_fixture_db(tmp_path_factory.mktemp("dashboard"))
    return _BUILT["db"]


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database file (built once per test session)."""
    return shared_fixture_db(tmp_path_factory)


def test_fixture_db_holds_real_and_simulated_reports_of_several_years(fixture_db: Path) -> None:
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        agencies = {r[0] for r in con.execute("select agency_printed from current_reports").fetchall()}
        years = {r[0] for r in con.execute("select year from current_reports").fetchall()}
        superseded = con.execute("select count(*) from reports where superseded_by is not null").fetchone()[0]
    finally:
        con.close()
    assert {"红崖子沟乡人民政府", "平潭综合实验区"} <= agencies
    assert set(SYNTH_YEARS) | {2024, 2025} <= years
    assert superseded == 1
