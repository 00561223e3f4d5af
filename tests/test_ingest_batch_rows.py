"""The rows the workers compute (indicators, findings) are the rows the store would compute from itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.ingest.pipeline import ingest_paths
from dashboard.review.findings import recheck
from dashboard.store.db import open_db, writer
from dashboard.store.schema import rebuild_indicators
from dashboard.synth import synthesize

INDICATORS = "select report_id, agency_id, year, template, indicator, value, series from indicators"
FINDINGS = "select report_id, rule, severity, cells, message, message_en, status from findings"


def _frame(db: Path, sql: str) -> pd.DataFrame:
    con = open_db(db, read_only=True)
    try:
        df = con.execute(sql).df().astype(str)
    finally:
        con.close()
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def test_indicators_and_findings_written_from_the_batch_equal_a_recomputation_from_the_store(tmp_path: Path) -> None:
    synth = synthesize(tmp_path / "synth", 12, [2020, 2021, 2022, 2023], ["html", "md"], seed=5)
    files = sorted(synth.files)
    db = tmp_path / "s.duckdb"
    # two runs in small batches: previous years come from the batch and from the store
    first = ingest_paths(files[::2], db=db, workers=2, batch_files=7)
    second = ingest_paths(files[1::2], db=db, workers=2, batch_files=7)
    assert first.all_stored() and second.all_stored()
    written_ind, written_find = _frame(db, INDICATORS), _frame(db, FINDINGS)
    assert len(written_ind) > 0 and (written_find["rule"].isin(["X1", "X2", "X3", "SAME_TEXT"])).any()
    with writer(db) as con:
        rebuild_indicators(con)  # FILL_INDICATORS_SQL over every current report
        recheck(con)  # run_checks on every current report against the store's previous year
    pd.testing.assert_frame_equal(written_ind, _frame(db, INDICATORS), obj="indicators")
    pd.testing.assert_frame_equal(written_find, _frame(db, FINDINGS), obj="findings")


def test_the_same_files_get_the_same_report_ids_with_one_worker_or_two(tmp_path: Path) -> None:
    synth = synthesize(tmp_path / "synth", 6, [2021, 2022, 2023], ["md"], seed=9)
    files = sorted(synth.files)
    one = ingest_paths(files, db=tmp_path / "a.duckdb", workers=1, batch_files=5)
    two = ingest_paths(files, db=tmp_path / "b.duckdb", workers=2, batch_files=5)
    assert [(o.source, o.status, o.report_id, o.findings) for o in one.outcomes] == \
           [(o.source, o.status, o.report_id, o.findings) for o in two.outcomes]
