"""Migrations written side by side: a database that has a later one applied still gets the earlier ones."""

from __future__ import annotations

from pathlib import Path

import duckdb

from dashboard.store.db import open_db
from dashboard.store.schema import MIGRATIONS


def test_a_database_at_a_later_migration_still_gets_the_earlier_ones_it_missed(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table schema_migrations (version integer, applied_at timestamp)")
    latest = max(v for v, _ in MIGRATIONS)
    skipped = sorted(v for v, _ in MIGRATIONS if 3 < v < latest)
    assert skipped, "there are migrations between 3 and the latest"
    for version, sql in MIGRATIONS:
        if version <= 3 or version == latest:  # as a branch that added only the latest would have left it
            con.execute(sql)
            con.execute("insert into schema_migrations values (?, now())", [version])
    con.close()

    con = open_db(path)
    try:
        applied = [v for (v,) in con.execute("select version from schema_migrations order by version").fetchall()]
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns "
                                             "where table_name = 'reports'").fetchall()}
    finally:
        con.close()
    assert applied == sorted(v for v, _ in MIGRATIONS)
    assert {"held", "entered_by", "source_stored"} <= columns
