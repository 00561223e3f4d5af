"""The cycle collector is held back only while an ingest writes: its settings come back afterwards."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from dashboard.ingest import collector
from dashboard.ingest.pipeline import ingest_paths
from tests.conftest import SAMPLE


def test_an_ingest_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen: list[tuple[int, int, int]] = []
    summary = ingest_paths([SAMPLE], db=tmp_path / "store.duckdb", workers=1,
                           on_file=lambda *_: seen.append(gc.get_threshold()))
    assert summary.counts()["ingested"] == 1
    assert seen == [(collector.YOUNG_THRESHOLD, collector.MIDDLE_EVERY, collector.OLD_EVERY)]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_an_ingest_that_raises_still_puts_the_collector_back(tmp_path: Path) -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_paths([SAMPLE], db=tmp_path / "store.duckdb", workers=1, on_file=stop)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_garbage_made_before_an_ingest_is_still_collected_after_it() -> None:
    class Node:
        other: object = None

    was_enabled = gc.isenabled()
    gc.disable()  # no collection may free the cycle before the block freezes it
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: only the collector frees it
        ref = weakref.ref(a)
        del a, b
        with collector.writing_batches():
            gc.collect()
            assert ref() is not None  # frozen inside the block: never walked
    finally:
        if was_enabled:
            gc.enable()
    gc.collect()
    assert ref() is None


def test_overlapping_ingests_restore_the_settings_once_the_last_ends() -> None:
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    first, second = collector.writing_batches(), collector.writing_batches()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, collector.MIDDLE_EVERY, collector.OLD_EVERY)
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_objects_someone_else_froze_stay_frozen_after_an_ingest() -> None:
    gc.freeze()  # e.g. a server that froze its start-up objects
    try:
        frozen = gc.get_freeze_count()
        with collector.writing_batches():
            assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
