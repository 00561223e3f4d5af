"""The demo database (bundled real reports + 示例县（模拟）, "today" as the demo sets it) for tests: built once per session,
copied for each test that writes to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.synth.demo import build_demo

HOME = "示例县（模拟）"
_BUILT: dict[str, Path] = {}


def shared_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database file, built once per test session (seed 2024, as `nianbao demo` builds it)."""
    if "db" not in _BUILT:
        folder = tmp_path_factory.mktemp("demo")
        build_demo(folder / "demo.duckdb", work_dir=folder / "work")
        _BUILT["db"] = folder / "demo.duckdb"
    return _BUILT["db"]


def copy_db(src: Path, dest_dir: Path) -> Path:
    """A private copy of a database file with its source files beside it."""
    copy = dest_dir / src.name
    shutil.copyfile(src, copy)
    sources = src.with_name(src.name + ".sources")
    if sources.exists():
        shutil.copytree(sources, copy.with_name(copy.name + ".sources"))
    return copy


def one(db: Path, sql: str, params: list | None = None):  # noqa: ANN201
    """The first column of the first row of a query on the file (read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]
    finally:
        con.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (read it only; copy it to write)."""
    return shared_demo_db(tmp_path_factory)


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo database, given to the app and the CLI through NIANBAO_DB."""
    copy = copy_db(demo_db, tmp_path)
    monkeypatch.setenv("NIANBAO_DB", str(copy))
    monkeypatch.delenv("NIANBAO_COUNTY", raising=False)
    monkeypatch.delenv("NIANBAO_AS_OF", raising=False)
    return copy
