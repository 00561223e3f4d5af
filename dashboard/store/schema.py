"""The DuckDB schema: versioned migrations for tables, and derived objects rebuilt on open when their definition
changed (views, indicator_defs, and the indicators table recomputed from cells).

Tables change only through a new entry at the end of MIGRATIONS (never edit an applied one). Derived objects are
rebuilt on a writable open whose digest differs: changing a view or an indicator needs no migration. The
indicators table holds one row per (current report, indicator); each write keeps it in step (update_indicators).
"""

from __future__ import annotations

import hashlib
import json

import duckdb

from dashboard.store.indicators import FILL_INDICATORS_SQL, INDICATORS, indicator_cell_rows, indicator_ratio_rows

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    create table agencies (
        agency_id integer primary key,
        name varchar unique not null,      -- canonical full name, e.g. 红崖子沟乡人民政府
        short_name varchar,                -- e.g. 红崖子沟乡
        kind varchar,                      -- 乡/镇/街道/部门/政府 (dashboard.store.agencies.classify_kind)
        region varchar,                    -- county, e.g. 互助县
        aliases varchar[],
        simulated boolean default false,
        in_registry boolean
    );
    create table reports (
        report_id integer primary key,
        agency_id integer,
        agency_printed varchar,
        year integer,
        template varchar,                  -- '2019' | '2021': version of section 二
        applications_layout varchar,       -- '2019' | '2021': which （六） rows section 三 prints
        source_name varchar,
        format varchar,
        sha256 varchar unique,
        source_bytes blob,
        ingested_at timestamp,
        superseded_by integer,
        parse_json json,
        source_path varchar,
        simulated boolean default false
    );
    create table cells (
        report_id integer, tbl varchar, row_code varchar, col_code varchar,
        value double, printed varchar, flag varchar, unit varchar
    );
    create table sections (report_id integer, code varchar, body varchar);
    create table findings (
        finding_id integer primary key,
        report_id integer,
        rule varchar,
        severity varchar,
        cells varchar[],
        message varchar,
        status varchar default 'open',     -- open | confirmed | dismissed
        reviewed_by varchar,
        reviewed_at timestamp,
        message_en varchar
    );
    create table audit_log ("at" timestamp, who varchar, action varchar, details json);
    create table indicator_defs (
        indicator varchar primary key, name_zh varchar, unit varchar, definition_zh varchar, series_note_zh varchar,
        formula varchar
    );
    """),
    (2, """
    drop view if exists indicators;
    create table indicators (agency_id integer, year integer, report_id integer, template varchar,
                             indicator varchar, value double, series varchar);
    create table indicator_cells (indicator varchar, tbl varchar, row_code varchar, col_code varchar,
                                  template varchar, series varchar);
    create table indicator_ratios (indicator varchar, numerators varchar[], denominator varchar,
                                   templates varchar[], series varchar);
    """),
    (3, """
    -- The years a registry agency owes a report (a township merged away, a department founded): NULL = open.
    alter table agencies add column expected_from integer;
    alter table agencies add column expected_to integer;
    """),
    (7, """
    -- Source files live in a content-addressed file store beside the database (dashboard/store/sources.py):
    -- true = the file with this row's sha256 is there and source_bytes is NULL (NULL: no file stored). Old rows keep their bytes until the
    -- first writer moves them out (sources.move_out, run by dashboard.store.db after migrating).
    alter table reports add column source_stored boolean;  -- no default: DuckLake 1.5.5 refuses "default false" here (a non-literal default, it says)
    """),
]

VIEWS = """
create or replace view current_reports as
select r.report_id, r.agency_id, r.agency_printed, r.year, r.template, r.applications_layout, r.source_name,
       r.format, r.sha256, r.ingested_at, a.name as agency_name, a.short_name, a.kind, a.region,
       coalesce(a.simulated, false) or coalesce(r.simulated, false) as simulated, a.in_registry
from reports r left join agencies a using (agency_id)
where r.superseded_by is null;

create or replace view current_cells as
select c.*, r.agency_id, r.year, r.template
from cells c join reports r using (report_id)
where r.superseded_by is null;
"""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty database."""
    con.execute("create table if not exists schema_migrations (version integer, applied_at timestamp)")
    return int(con.execute("select coalesce(max(version), 0) from schema_migrations").fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations, each in its own transaction, then rebuild the derived objects; returns the version."""
    current = schema_version(con)
    for version, sql in MIGRATIONS:
        if version <= current:
            continue
        con.execute("begin")
        try:
            con.execute(sql)
            con.execute("insert into schema_migrations values (?, now())", [version])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        current = version
    refresh_derived(con)
    return current


def _derived_digest() -> str:
    text = VIEWS + FILL_INDICATORS_SQL + json.dumps(INDICATORS, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refresh_derived(con: duckdb.DuckDBPyConnection, force: bool = False) -> None:
    """Replace the views and refill indicator_defs from dashboard.store.indicators, when their definition changed."""
    digest = _derived_digest()
    con.execute("create table if not exists derived_version (digest varchar)")
    if not force and con.execute("select count(*) from derived_version where digest = ?", [digest]).fetchall()[0][0]:
        return
    con.execute("delete from derived_version")
    con.execute("insert into derived_version values (?)", [digest])
    con.execute(VIEWS)
    con.execute("delete from indicator_cells")
    con.executemany("insert into indicator_cells values (?, ?, ?, ?, ?, ?)", indicator_cell_rows())
    con.execute("delete from indicator_ratios")
    con.executemany("insert into indicator_ratios values (?, ?, ?, ?, ?)", indicator_ratio_rows())
    rebuild_indicators(con)  # the definitions changed: recompute every current report
    con.execute("delete from indicator_defs")
    con.executemany("insert into indicator_defs values (?, ?, ?, ?, ?, ?)",
                    [[d["indicator"], d["name_zh"], d["unit"], d["definition_zh"], d.get("series_note_zh", ""),
                      d.get("formula", "")] for d in INDICATORS])


def rebuild_indicators(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the indicators table of every current report (new definitions, or rows written by SQL)."""
    con.execute("delete from indicators")
    con.execute(FILL_INDICATORS_SQL.format(ids="reports"))


def update_indicators(con: duckdb.DuckDBPyConnection, new_ids: str, superseded_ids: str | None = None) -> None:
    """Keep the indicators table in step with a write: rows for the new reports, none for superseded ones."""
    if superseded_ids:
        con.execute(f"delete from indicators where report_id in (select report_id from {superseded_ids})")
    con.execute(FILL_INDICATORS_SQL.format(ids=new_ids))
