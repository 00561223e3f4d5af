"""Finding an agency by what a user types (`nianbao history`, `correct`, `export --agencies`, …): one rule for
every command — an ASCII id, else a name, short name or alias; the registry's agency before a printed name."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.errors import ReportError
from dashboard.export.data import resolve_agencies
from dashboard.queries import agency_named
from dashboard.store.db import writer


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "names.duckdb"
    with writer(path) as con:
        # id 1: a printed name that matched no registry entry, short name 城关镇; id 2: the registry's 城关镇
        con.execute("insert into agencies (agency_id, name, short_name, kind, region, aliases, in_registry) values "
                    "(1, '城关镇党政办公室', '城关镇', '镇', '示例县', [], false), "
                    "(2, '城关镇人民政府', '城关镇', '镇', '示例县', ['城关'], true), "
                    "(3, '示例县财政局', '财政局', '部门', '示例县', [], true)")
    return path


def test_a_name_two_agencies_share_means_the_registrys_agency_in_every_command(db: Path) -> None:
    assert agency_named("城关镇", db) == (2, "城关镇人民政府")
    assert resolve_agencies(["城关镇"], db) == [2]


def test_a_full_name_an_alias_and_an_id_each_find_their_agency(db: Path) -> None:
    assert agency_named(" 城关镇党政办公室 ", db) == (1, "城关镇党政办公室")
    assert agency_named("城关", db) == (2, "城关镇人民政府")
    assert agency_named("3", db) == (3, "示例县财政局")
    assert resolve_agencies(["3", "城关镇党政办公室"], db) == [1, 3]


@pytest.mark.parametrize("text", ["①", "²", "٣", "99", "", "   ", "不存在的乡"])
def test_digits_that_are_not_ascii_an_unknown_id_or_no_name_find_nothing_and_say_so(db: Path, text: str) -> None:
    assert agency_named(text, db) is None
    with pytest.raises(ReportError, match="未找到单位"):
        resolve_agencies([text], db)
