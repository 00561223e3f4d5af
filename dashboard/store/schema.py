"""The DuckDB schema: versioned migrations for tables, and derived objects rebuilt on open when their definition
changed (views, indicator_defs, and the indicators table recomputed from cells).

Tables change only through a new entry at the end of MIGRATIONS (never edit an applied one). Derived objects are
rebuilt on a writable open whose digest differs: changing a view or an indicator needs no migration. The
indicators table holds one row per (current report, indicator); each write keeps it in step (update_indicators).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import duckdb

from dashboard.store.indicators import FILL_INDICATORS_SQL, INDICATORS, indicator_cell_rows, indicator_ratio_rows
from dashboard.store.scope_views import SCOPE_VIEWS

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    create table agencies (
        agency_id integer primary key,
        name varchar unique not null,      -- canonical full name, e.g. 红崖子沟乡人民政府
        short_name varchar,                -- e.g. 红崖子沟乡
        kind varchar,                      -- 乡/镇/街道/部门/政府 (dashboard.registry.classify_kind)
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
    (4, """
    -- A version held back for review (待核对): a file for an agency-year with a clean current version that did not
    -- qualify to replace it (errors while reading, fewer figures, an older one of several in one run). It is not
    -- current (superseded_by names the version that stayed current); held_reason says why, and a HELD finding too.
    alter table reports add column held boolean;  -- NULL = not held (no default: DuckLake adds no defaults)
    alter table reports add column held_reason varchar;
    alter table reports add column source_mtime timestamp;
    alter table reports add column source_name_hex varchar;
    """),
    (5, """
    -- Corrections are a layer over the parsed cells (which stay as read): one row per change of one cell.
    -- status: active (applied) | replaced (a later correction of the same cell) | reverted | stale (carried from an
    -- older version whose parsed value no longer matches: not applied, waiting for review) | reapplied | dropped.
    create table corrections (
        correction_id integer primary key,
        report_id integer not null,
        tbl varchar not null, row_code varchar not null, col_code varchar not null,
        value_before double, printed_before varchar,  -- the cell's current value when corrected (NULL = blank/none)
        parsed_value double,                          -- the parsed value under the correction (carry-over compares it)
        value_after double,                           -- NULL = blank (空白)
        who varchar not null, "at" timestamp not null, reason varchar not null,
        status varchar not null default 'active',
        kind varchar not null default 'correction',   -- correction | entry (manual entry over an empty parse)
        carried_from integer                          -- the correction of the older version this one continues
    );
    -- Logins: roles 查看 / 编辑 / 管理; argon2 hashes only (dashboard/review/users.py).
    create table users (
        name varchar primary key, role varchar not null, password_hash varchar not null,
        created_at timestamp, updated_at timestamp
    );
    -- A login that survives a page reload: the sha256 of a random token kept in the browser's cookie.
    create table sessions (token_hash varchar primary key, name varchar not null, created_at timestamp,
                           expires_at timestamp not null);
    -- Manual entry: a report created by hand over a blank grid (reports.format = 'manual').
    alter table reports add column entered_by varchar;
    """),
    (7, """
    -- Source files live in a content-addressed file store beside the database (dashboard/store/sources.py):
    -- true = the file with this row's sha256 is there and source_bytes is NULL (NULL: no file stored). Old rows keep their bytes until the
    -- first writer moves them out (sources.move_out, run by dashboard.store.db after migrating).
    alter table reports add column source_stored boolean;  -- no default: DuckLake 1.5.5 refuses "default false" here (a non-literal default, it says)
    """),
    (8, """
    -- Settings that belong to the data, not the installation: home_county, as_of (dashboard/scope.py).
    create table if not exists meta (key varchar primary key, value varchar);
    """),
    (9, """
    -- `nianbao collect` (dashboard/ingest/collect.py): one row per page and attachment of each run — what was asked,
    -- where it led, the page's publication date (as printed too), when it was fetched, its sha256 and size, what
    -- became of it (ingested/superseded/unchanged/held/failed/not_fetched/page) with the report it is, or why not.
    create table collect_log (
        run_id varchar, unit varchar, page_url varchar, url varchar, kind varchar, final_url varchar,
        http_status integer, published date, published_text varchar, fetched_at timestamp, status varchar,
        sha256 varchar, size bigint, report_id integer, agency varchar, year integer, file_name varchar,
        error_zh varchar, error_en varchar, note_zh varchar
    );
    """),
    (10, """
    -- The office's yearly review (dashboard/review/rounds.py). A draft is a stored version of a unit's report sent to
    -- the office before publishing (draft = true; NULL = a published version): never current, so no total counts it,
    -- until it is marked published or the published file is ingested. submitted_at: when the office received it.
    alter table reports add column draft boolean;
    alter table reports add column submitted_at timestamp;
    -- One round per report year: its internal deadline for drafts and the publication deadline per unit kind.
    create table review_rounds (
        round_id integer primary key, year integer not null, title varchar, region varchar,
        draft_deadline date, deadlines json,  -- {"乡": "2026-01-31", ...}
        opened_by varchar, opened_at timestamp
    );
    -- The office's decisions on a unit's submission: returned (退回修改, with the opinion), passed (通过),
    -- published (标记已公布). The unit's status is derived from its latest submission and latest decision.
    create table review_decisions (
        decision_id integer primary key, round_id integer not null, agency_id integer not null,
        report_id integer, action varchar not null, opinion varchar, who varchar not null, "at" timestamp not null
    );
    """),
]

VIEWS = """
create or replace view current_reports as
select r.report_id, r.agency_id, r.agency_printed, r.year, r.template, r.applications_layout, r.source_name,
       r.format, r.sha256, r.ingested_at, a.name as agency_name, a.short_name, a.kind, a.region,
       coalesce(a.simulated, false) or coalesce(r.simulated, false) as simulated, a.in_registry
from reports r left join agencies a using (agency_id)
where r.superseded_by is null and r.draft is not true;  -- a draft is never current (review_rounds)

-- Current values: the parsed cells with the active corrections applied (a corrected cell that the parse did not
-- have is added). `parsed_value` keeps what was read; `corrected` marks the cell for 人工更正 and its trail.
create or replace view effective_cells as
with a as (select * from corrections where status = 'active')
select c.report_id, c.tbl, c.row_code, c.col_code,
       case when a.correction_id is null then c.value else a.value_after end as value,
       case when a.correction_id is null then c.printed
            when a.value_after is null then ''
            when a.value_after = trunc(a.value_after) then cast(cast(a.value_after as bigint) as varchar)
            else cast(a.value_after as varchar) end as printed,
       case when a.correction_id is null then c.flag when a.value_after is null then 'blank' else null end as flag,
       c.unit,
       a.correction_id is not null as corrected,
       c.value as parsed_value, c.printed as parsed_printed, c.flag as parsed_flag,
       a.correction_id, a.who as corrected_by, a."at" as corrected_at, a.reason as correction_reason,
       a.value_before as correction_before, a.kind as correction_kind
from cells c
left join a on a.report_id = c.report_id and a.tbl = c.tbl and a.row_code = c.row_code and a.col_code = c.col_code
union all
-- a corrected cell the parse did not have (a row the reader missed)
select a.report_id, a.tbl, a.row_code, a.col_code, a.value_after,
       case when a.value_after is null then ''
            when a.value_after = trunc(a.value_after) then cast(cast(a.value_after as bigint) as varchar)
            else cast(a.value_after as varchar) end,
       case when a.value_after is null then 'blank' end, null, true, null, null, null,
       a.correction_id, a.who, a."at", a.reason, a.value_before, a.kind
from a
where not exists (select 1 from cells c where c.report_id = a.report_id and c.tbl = a.tbl
                  and c.row_code = a.row_code and c.col_code = a.col_code);

create or replace view current_cells as
select c.*, r.agency_id, r.year, r.template
from effective_cells c join reports r using (report_id)
where r.superseded_by is null and r.draft is not true;

-- The audit trail with its common fields as columns (they live in details: object, before, after).
create or replace view audit_entries as
select "at", who, action, details ->> 'object' as object, details -> 'before' as before,
       details -> 'after' as after, details
from audit_log;
"""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty database."""
    con.execute("create table if not exists schema_migrations (version integer, applied_at timestamp)")
    return int(con.execute("select coalesce(max(version), 0) from schema_migrations").fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection, adapt: Callable[[str], str] = lambda sql: sql) -> int:
    """Apply every migration not yet applied, each in its own transaction, then rebuild the derived objects; returns
    the highest version. "Not yet applied", not "above the highest": migrations written side by side (4, 5, 7 after
    a database already at 8) must still run. `adapt` rewrites each migration for another engine (DuckLake)."""
    schema_version(con)  # creates schema_migrations on an empty database
    applied = {int(v) for (v,) in con.execute("select version from schema_migrations").fetchall()}
    for version, sql in MIGRATIONS:
        if version in applied:
            continue
        con.execute("begin")
        try:
            con.execute(adapt(sql))
            con.execute("insert into schema_migrations values (?, now())", [version])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.add(version)
    refresh_derived(con)
    return max(applied, default=0)


def _derived_digest() -> str:
    text = VIEWS + SCOPE_VIEWS + FILL_INDICATORS_SQL + json.dumps(INDICATORS, ensure_ascii=False, sort_keys=True, default=str)
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
    con.execute(SCOPE_VIEWS)
    rebuild_indicators(con)  # the definitions changed: recompute every current report
    con.execute("delete from indicator_defs")
    con.executemany("insert into indicator_defs values (?, ?, ?, ?, ?, ?)",
                    [[d["indicator"], d["name_zh"], d["unit"], d["definition_zh"], d.get("series_note_zh", ""),
                      d.get("formula", "")] for d in INDICATORS])


def rebuild_indicators(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the indicators table of every current report (new definitions, or rows written by SQL)."""
    con.execute("delete from indicators")
    fill_indicators(con, "reports")


def fill_indicators(con: duckdb.DuckDBPyConnection, ids: str) -> None:
    """Insert the indicator rows of the current reports named by the relation `ids` (a table or a subquery with a
    report_id column). Every table is read only between the smallest and largest of those ids, so the cost is the
    batch's, not the store's."""
    lo, hi = con.execute(f"select min(report_id), max(report_id) from {ids}").fetchall()[0]
    if lo is None:
        return
    con.execute(FILL_INDICATORS_SQL.format(ids=ids, lo=int(lo), hi=int(hi)))


def update_indicators(con: duckdb.DuckDBPyConnection, new_ids: str, superseded_ids: str | None = None) -> None:
    """Keep the indicators table in step with a write: rows for the new reports (computed from the batch's ids
    only), none for superseded ones."""
    if superseded_ids:
        con.execute(f"delete from indicators where report_id in (select report_id from {superseded_ids})")
    fill_indicators(con, new_ids)
