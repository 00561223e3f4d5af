"""The rows the workers compute (cells, indicators, record-only findings) are the rows the store would compute from
itself, and the same files give the same store with one worker, two workers, or none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard.ingest.finish import finished_of, prepare_finished
from dashboard.ingest.pipeline import ingest_paths
from dashboard.registry import Agency, Registry
from dashboard.review.findings import recheck
from dashboard.store.db import open_db, writer
from dashboard.store.schema import rebuild_indicators
from dashboard.synth import synthesize

ROOT = Path(__file__).resolve().parents[1]
INDICATORS = "select report_id, agency_id, year, template, indicator, value, series from indicators"
FINDINGS = "select report_id, rule, severity, cells, message, message_en, status from findings"
TABLES = {
    "reports": "select report_id, agency_id, agency_printed, year, template, applications_layout, source_name, "
               "format, sha256, superseded_by, held, held_reason, parse_json, source_stored from reports",
    "cells": "select report_id, tbl, row_code, col_code, value, printed, flag, unit from cells",
    "sections": "select report_id, code, body from sections",
    "indicators": INDICATORS,
    "findings": FINDINGS,
}


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
    # two runs in small batches: previous years come from the batch and from the store, later years are rechecked
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


def test_the_same_files_give_the_same_rows_with_one_worker_two_workers_or_none(tmp_path: Path) -> None:
    synth = synthesize(tmp_path / "synth", 6, [2021, 2022, 2023], ["md", "html"], seed=9)
    files = sorted(synth.files)
    runs = {n: ingest_paths(files, db=tmp_path / f"w{n}.duckdb", workers=n, batch_files=5) for n in (0, 1, 2)}
    outcomes = {n: [(o.source, o.status, o.report_id, o.findings) for o in r.outcomes] for n, r in runs.items()}
    assert outcomes[1] == outcomes[2] == outcomes[0]
    # report ids follow the input order batch by batch (inside a batch, versions are taken by their dates)
    ids = [o[2] for o in outcomes[1]]
    batches = [ids[k:k + 5] for k in range(0, len(ids), 5)]
    assert all(max(a) < min(b) for a, b in zip(batches, batches[1:], strict=False)), batches
    for name, sql in TABLES.items():
        one = _frame(tmp_path / "w1.duckdb", sql)
        assert len(one) > 0, name
        pd.testing.assert_frame_equal(one, _frame(tmp_path / "w2.duckdb", sql), obj=name)
        pd.testing.assert_frame_equal(one, _frame(tmp_path / "w0.duckdb", sql), obj=name)


def test_the_workers_rows_are_not_used_for_a_record_edited_after_them_or_another_registry() -> None:
    item = prepare_finished(ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt")
    registry = Registry.load()
    assert finished_of(item, registry) is not None
    other = Registry([*registry.agencies, Agency("某某县某某局", "部门")])
    assert finished_of(item, other) is None  # matched against another registry: the writer does it itself
    item.report["simulated"] = True  # a caller edited the record after the worker (the demo does this)
    assert finished_of(item, registry) is None
