"""The indicators table, filled from each batch's own reports only, equals the indicators computed over the whole
store from the current values (the effective_cells view): after batches, a correction, and a superseding version."""

from __future__ import annotations

from pathlib import Path

from test_corrections import EDITOR, HONGYA, HONGZE, report_id_of, variant_with_wrong_total

from dashboard.ingest.pipeline import ingest_paths
from dashboard.review import corrections as k
from dashboard.store.db import open_db

FIXTURES = Path(__file__).parent / "fixtures"

# Independent of FILL_INDICATORS_SQL: every current report against the whole effective_cells view.
WHOLE_STORE = """
with base as (
  select r.agency_id, r.year, r.report_id, r.template, m.indicator, sum(c.value) as value,
         case when m.series = 'template' then r.template else m.series end as series
  from reports r
  join indicator_cells m on m.template = r.template
  left join effective_cells c on c.report_id = r.report_id and c.tbl = m.tbl and c.row_code = m.row_code
                   and c.col_code = m.col_code
  where r.superseded_by is null
  group by all
),
ratios as (
  select b.agency_id, b.year, b.report_id, b.template, q.indicator,
         coalesce(sum(b.value) filter (where list_contains(q.numerators, b.indicator)), 0)
           / nullif(max(b.value) filter (where b.indicator = q.denominator), 0) as value,
         case when q.series = 'template' then b.template else q.series end as series
  from base b join indicator_ratios q on list_contains(q.templates, b.template)
  group by all
)
select * from base union all select * from ratios
"""
COLUMNS = "agency_id, year, report_id, template, indicator, value, series"


def _tables(db: Path) -> tuple[list, list]:
    con = open_db(db, read_only=True)
    try:
        stored = con.execute(f"select {COLUMNS} from indicators order by all").fetchall()
        expected = con.execute(f"select {COLUMNS} from ({WHOLE_STORE}) order by all").fetchall()
    finally:
        con.close()
    return stored, expected


def test_batch_filled_indicators_equal_the_whole_store_computation_through_corrections_and_supersession(
        tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    ingest_paths([HONGZE], db=db)
    # a second batch, higher report ids: 红崖子沟乡's first version has a wrong total (R4), fixed by a later version
    ingest_paths([variant_with_wrong_total(tmp_path), FIXTURES / "pingtan-2025.html"], db=db)
    stored, expected = _tables(db)
    assert stored == expected and len({r[2] for r in stored}) == 3

    rid = report_id_of(db, "洪泽")
    k.correct(EDITOR, rid, {"appeals.reconsideration.total": "11"}, "原件总计漏填，维持10+纠正1", db=db)
    stored, expected = _tables(db)
    assert stored == expected
    assert [r[5] for r in stored if r[2] == rid and r[4] == "reconsideration_total"] == [11]

    old = report_id_of(db, "红崖子沟")
    summary = ingest_paths([HONGYA], db=db)  # the corrected file: cleaner, so it supersedes the first version
    assert [o.status for o in summary.outcomes] == ["superseded"]
    stored, expected = _tables(db)
    assert stored == expected
    assert old not in {r[2] for r in stored} and summary.outcomes[0].report_id in {r[2] for r in stored}
