"""`nianbao parse` as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import FIXTURES, SAMPLE


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, timeout=120)


def test_parse_json_of_one_file_is_one_object() -> None:
    out = _nianbao("parse", str(SAMPLE), "--json")
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    assert rep["agency"] == "红崖子沟乡人民政府" and rep["applications"]["new"]["total"] == 0


def test_parse_json_of_several_files_is_an_array() -> None:
    out = _nianbao("parse", str(SAMPLE), str(FIXTURES / "pingtan-2025.html"), "--json")
    assert out.returncode == 0, out.stderr
    reps = json.loads(out.stdout)
    assert [r["year"] for r in reps] == [2021, 2025]


def test_parse_summary_shows_identity_tables_and_problems() -> None:
    out = _nianbao("parse", str(SAMPLE))
    assert out.returncode == 0, out.stderr
    assert "红崖子沟乡人民政府" in out.stdout and "2019" in out.stdout
    assert "规范性文件" in out.stdout and "normative_docs" not in out.stdout and "未注明金额单位" in out.stdout


def test_parse_of_an_unreadable_file_exits_non_zero_naming_file_and_reason(tmp_path) -> None:
    bad = tmp_path / "坏文件.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    out = _nianbao("parse", str(SAMPLE), str(bad), "--json")
    assert out.returncode != 0
    assert "坏文件.pdf" in out.stderr
    assert len(json.loads(out.stdout)) == 1  # the good file is still reported


def test_every_command_has_help_text() -> None:
    out = _nianbao("--help")
    assert out.returncode == 0
    from dashboard.cli import _register_all, app

    _register_all()
    for cmd in app.registered_commands:
        name = cmd.name or cmd.callback.__name__
        assert (cmd.help or (cmd.callback.__doc__ or "")).strip(), name
