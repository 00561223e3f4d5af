"""The store's commands as a user runs them: real subprocesses, a real DuckDB chosen by --db or NIANBAO_DB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
FILES = [FIXTURES / "000_7180246cedc2b1d8.txt", FIXTURES / "hongze-2023.pdf"]


def nianbao(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    if db:
        env["NIANBAO_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two corpus reports ingested through NIANBAO_DB."""
    path = tmp_path_factory.mktemp("cli") / "env.duckdb"
    out = nianbao("ingest", *map(str, FILES), "--quiet", db=path)
    assert out.returncode == 0, out.stderr
    assert "新入库 2" in out.stdout
    return path


def test_ingest_prints_a_summary_with_failures_and_their_reasons(tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    out = nianbao("ingest", str(FILES[0]), str(empty), "--db", str(tmp_path / "x.duckdb"), "--quiet")
    assert out.returncode == 2
    assert "新入库 1" in out.stdout and "失败 1" in out.stdout
    assert "empty.docx" in out.stdout and "文件为空" in out.stdout


def test_reports_json_lists_what_is_stored(db: Path) -> None:
    out = nianbao("reports", "--json", db=db)
    assert out.returncode == 0, out.stderr
    reps = json.loads(out.stdout)
    assert sorted((r["agency"], r["year"], r["template"]) for r in reps) == [
        ("洪泽区人民政府", 2023, "2021"), ("红崖子沟乡人民政府", 2021, "2019")]


def test_the_db_option_overrides_the_environment(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    nianbao("ingest", str(FILES[0]), "--db", str(other), "--quiet", db=db)
    out = nianbao("reports", "--json", "--db", str(other), db=db)
    assert [r["year"] for r in json.loads(out.stdout)] == [2021]


def test_history_finds_an_agency_by_its_short_name(db: Path) -> None:
    out = nianbao("history", "红崖子沟乡", "2021", "--json", db=db)
    assert out.returncode == 0, out.stderr
    hist = json.loads(out.stdout)
    assert [h["source_name"] for h in hist] == ["000_7180246cedc2b1d8.txt"]


def test_history_of_an_unknown_agency_says_so(db: Path) -> None:
    out = nianbao("history", "不存在乡", "2021", db=db)
    assert out.returncode == 1 and "未找到机关" in out.stderr


def test_check_json_filters_by_year_and_names_the_cells(db: Path) -> None:
    out = nianbao("check", "--year", "2023", "--json", db=db)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert {f["agency"] for f in found} == {"洪泽区人民政府"}
    r4 = sorted(f["cells"][0] for f in found if f["rule"] == "R4")
    assert r4 == ["appeals.litigation_after.total", "appeals.reconsideration.total"]


def test_agencies_lists_registry_rows(db: Path) -> None:
    out = nianbao("agencies", "--json", db=db)
    rows = {r["name"]: r for r in json.loads(out.stdout)}
    assert rows["红崖子沟乡人民政府"]["reports"] == 1 and rows["红崖子沟乡人民政府"]["in_registry"]


def test_every_store_command_has_help_text_and_a_db_option() -> None:
    import typer
    from typer.testing import CliRunner

    from dashboard.cli.store import register

    app = typer.Typer()
    register(app)
    for cmd in ("ingest", "reports", "history", "agencies", "check"):
        out = CliRunner().invoke(app, [cmd, "--help"], env={"COLUMNS": "200"})
        assert out.exit_code == 0 and "--db" in out.output, cmd
        assert app.registered_commands and all(c.callback.__doc__ for c in app.registered_commands)
