"""A large synthetic database written straight into DuckDB (no files, no parser): the benchmark's data.

The file generator (`nianbao demo`) writes real report files that must be read and parsed, far too slow for
100,000 reports; this writes rows of the store's schema directly with SQL, in a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.catalogue.codes import (
    APPEAL_COLUMNS,
    APPEAL_GROUPS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    DISCLOSURE_COLUMNS,
)
from dashboard.store.db import open_db
from dashboard.store.schema import rebuild_indicators

KIND_SHARES = [("乡", 0.25), ("镇", 0.25), ("街道", 0.15), ("部门", 0.35)]
FIRST_YEAR, LAST_YEAR = 2019, 2025


def cell_codes() -> pd.DataFrame:
    """Every (template, tbl, row_code, col_code) of both versions of the format."""
    rows = []
    for template in ("2019", "2021"):
        for row, cols in DISCLOSURE_COLUMNS[template].items():
            rows += [(template, "disclosure", row, c) for c in cols]
        for row, _ in APPLICATION_ROWS[template]:
            rows += [(template, "applications", row, c) for c in APPLICATION_COLUMNS]
        for group in APPEAL_GROUPS:
            rows += [(template, "appeals", group, c) for c in APPEAL_COLUMNS]
    return pd.DataFrame(rows, columns=["template", "tbl", "row_code", "col_code"])


def build_bench_db(path: Path, n_reports: int = 100_000, seed: float = 0.42) -> dict[str, int]:
    """Write about n_reports current reports (7 years × n_reports/7 agencies) with cells and findings; returns counts."""
    path = Path(path)
    path.unlink(missing_ok=True)
    years = LAST_YEAR - FIRST_YEAR + 1
    n_agencies = max(1, round(n_reports / years / 0.97))
    con = open_db(path)
    try:
        con.execute("set enable_progress_bar = false")
        con.execute("select setseed(?)", [seed])
        codes = cell_codes()  # noqa: F841 — read by the SQL below
        kinds = pd.DataFrame(KIND_SHARES, columns=["kind", "share"])  # noqa: F841
        con.execute("""
            insert into agencies
            with k as (select kind, sum(share) over (order by kind rows unbounded preceding) as upto from kinds),
            a as (select i as agency_id, random() as r from range(1, $n + 1) t(i))
            select agency_id,
                   '模拟县' || (agency_id // 30 + 1) || '·单位' || agency_id || (case kind when '部门' then '局'
                     when '街道' then '街道办事处' else kind || '人民政府' end),
                   '单位' || agency_id || (case kind when '部门' then '局' else kind end),
                   kind, '模拟县' || (agency_id // 30 + 1), [], true, true, null, null
            from a, lateral (select kind from k where k.upto >= a.r order by upto limit 1)
        """, {"n": n_agencies})
        con.execute("""
            insert into reports (report_id, agency_id, agency_printed, year, template, applications_layout, source_name,
                                 format, sha256, source_bytes, ingested_at, superseded_by, parse_json, simulated)
            with grid as (
              select agency_id, y as year, random() as r from agencies, range($y0, $y1 + 1) t(y)
            ), kept as (
              select *, row_number() over (order by year, agency_id) as report_id from grid where r > 0.03
            )
            select report_id, agency_id, '单位' || agency_id, year,
                   case when year <= 2020 or r > 0.97 then '2019' else '2021' end as template,
                   case when year <= 2020 or r > 0.97 then '2019' else '2021' end,
                   'bench-' || report_id || '.html', 'html', md5(report_id::varchar), 'x'::blob, now(), null, '{}', true
            from kept
        """, {"y0": FIRST_YEAR, "y1": LAST_YEAR})
        # Older versions of ~2% of reports, superseded by the current one.
        con.execute("""
            insert into reports (report_id, agency_id, agency_printed, year, template, applications_layout, source_name,
                                 format, sha256, source_bytes, ingested_at, superseded_by, parse_json, simulated)
            select report_id + 10000000, agency_id, agency_printed, year, template, applications_layout,
                   'old-' || source_name, format, md5('old' || report_id), source_bytes, ingested_at - interval 1 day,
                   report_id, parse_json, true
            from reports where hash(report_id) % 50 = 0
        """)
        con.execute("""
            insert into cells
            select r.report_id, c.tbl, c.row_code, c.col_code,
                   case when random() < 0.02 then null
                        when c.tbl = 'disclosure' and c.col_code in ('amount', 'amount_wan')
                          then round(random() * 500, 2)
                        when random() < 0.6 then 0
                        else floor(random() * (case a.kind when '部门' then 40 else 6 end)) end as value,
                   null, null, null
            from reports r join agencies a using (agency_id) join codes c on c.template = r.template
        """)
        con.execute("update cells set flag = 'blank', printed = '' where value is null")
        con.execute("""
            insert into findings (finding_id, report_id, rule, severity, cells, message, status)
            select row_number() over (), report_id,
                   (['R1', 'R2', 'R3', 'R4', 'X1', 'VERSION_YEAR', 'UNIT', 'SECTION_MISSING'])[(1 + hash(report_id) % 8)::bigint],
                   (['error', 'error', 'error', 'error', 'warning', 'warning', 'warning', 'warning'])[(1 + hash(report_id) % 8)::bigint],
                   ['applications.total.total'], '模拟核对发现', 'open'
            from reports where superseded_by is null and hash(report_id * 7) % 3 = 0
        """)
        # Rows written by SQL bypass the ingest, so fill the indicators table the way an ingest does.
        rebuild_indicators(con)
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("agencies", "reports", "cells", "findings", "indicators")}
        con.execute("checkpoint")
        return counts
    finally:
        con.close()
