"""Faults speak Chinese: a read-only, full, truncated or corrupted database gives each command one Chinese sentence
naming the file and what to do, the README's exit code, and no traceback; reading survives a read-only disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.ingest.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def nianbao(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NIANBAO_DB", None)
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("faults") / "n.duckdb"
    ingest_paths([FIXTURES / "shanghai-kewei-2024.md"], db=db)
    return db


@pytest.fixture
def read_only_copy(stored: Path, tmp_path: Path) -> Iterator[Path]:
    """The database on a read-only bind mount (root can write through chmod, not through a read-only mount)."""
    src, mnt = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    mnt.mkdir()
    shutil.copy(stored, src / "n.duckdb")
    if not (_mount("--bind", str(src), str(mnt)) and _mount("-o", "remount,bind,ro", str(mnt))):
        subprocess.run(["umount", str(mnt)], capture_output=True)
        pytest.skip("a read-only bind mount cannot be made here (needs root and mount)")
    yield mnt / "n.duckdb"
    subprocess.run(["umount", str(mnt)], capture_output=True)


def _one_chinese_line(result: subprocess.CompletedProcess, words: str) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]
    assert words in result.stderr, result.stderr[-2000:]


def test_writing_commands_on_a_read_only_database_say_so_in_chinese_and_reading_still_works(
        read_only_copy: Path) -> None:
    db = str(read_only_copy)
    for args in (["check", "--year", "2024"], ["user", "add", "王五", "--role", "管理", "--password", "password-1"],
                 ["correct", "上海市科委", "2024", "applications.new.total=5", "--reason", "核对原件"]):
        result = nianbao(*args, "--db", db)
        assert result.returncode == 1, (args, result.stderr[-1500:])
        _one_chinese_line(result, "不可写")
    result = nianbao("reports", "--db", db, "--json")
    assert result.returncode == 0 and "上海" in result.stdout, result.stderr[-1500:]


def test_a_truncated_database_is_named_as_damaged_by_every_command(stored: Path, tmp_path: Path) -> None:
    db = tmp_path / "cut.duckdb"
    data = stored.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    for args in (["reports"], ["check"], ["agencies"], ["history", "上海市科委", "2024"]):
        result = nianbao(*args, "--db", str(db))
        assert result.returncode == 1, (args, result.stderr[-1500:])
        _one_chinese_line(result, "已损坏或不完整")


def test_a_database_with_garbage_in_its_header_is_named_as_damaged(stored: Path, tmp_path: Path) -> None:
    db = tmp_path / "flipped.duckdb"
    data = bytearray(stored.read_bytes())
    data[0:4096] = os.urandom(4096)
    db.write_bytes(bytes(data))
    result = nianbao("reports", "--db", str(db))
    assert result.returncode == 1
    _one_chinese_line(result, "已损坏或不完整")


def test_an_ingest_onto_a_full_disk_says_so_and_leaves_the_database_as_it_was(stored: Path, tmp_path: Path) -> None:
    mnt = tmp_path / "small"
    mnt.mkdir()
    size = stored.stat().st_size
    if not _mount("-t", "tmpfs", "-o", f"size={size + 64 * 1024}", f"small{uuid.uuid4().hex[:6]}", str(mnt)):
        pytest.skip("a small tmpfs cannot be mounted here (needs root and mount)")
    try:
        db = mnt / "n.duckdb"
        shutil.copy(stored, db)
        before = db.read_bytes()
        result = nianbao("ingest", str(FIXTURES / "pingtan-2025.html"), "--db", str(db), "--quiet")
        assert result.returncode in (1, 2), result.stderr[-1500:]
        assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]
        assert "磁盘已满" in result.stderr + result.stdout, (result.stdout[-1500:], result.stderr[-1500:])
        assert db.read_bytes() == before
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
