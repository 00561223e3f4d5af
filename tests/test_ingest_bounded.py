"""The ingest's parent holds a bounded number of parsed records, however slow one file is."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_ingest_hostile import _big_docx

from dashboard.ingest.workers import parse_files

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "fixtures" / "000_7180246cedc2b1d8.txt"


def test_a_slow_file_lets_the_workers_run_at_most_ahead_files_past_it(tmp_path: Path) -> None:
    slow = _big_docx(tmp_path / "a_slow.docx", 110_000)  # about a second to read; the text files take milliseconds
    files = [slow]
    for i in range(8):
        files.append(tmp_path / f"b{i}.txt")
        shutil.copyfile(GOOD, files[-1])
    events: list[tuple[str, int]] = []
    for out in parse_files(files, workers=2, ahead=3, on_start=lambda i, _p: events.append(("start", i))):
        events.append(("done", out.index))
    assert sorted(i for e, i in events if e == "done") == list(range(len(files)))
    finished: set[int] = set()
    for event, index in events:
        if event == "done":
            finished.add(index)
            continue
        first_unfinished = min(set(range(len(files))) - finished)
        assert index < first_unfinished + 3, (index, first_unfinished, events)
    # the slow file was still being read when a fast one finished and the window's edge was reached: no file past it
    # was given before the slow one finished (a worker holds its next file while it reads one: PREFETCH)
    assert events.index(("done", 0)) > events.index(("done", 1))
    assert events.index(("done", 0)) < events.index(("start", 3))


def test_the_file_a_worker_held_behind_one_over_its_time_is_read_by_the_next_worker(tmp_path: Path) -> None:
    from dashboard.errors import RESOURCE_ZH
    from dashboard.ingest.workers import Limits

    slow = _big_docx(tmp_path / "a_slow.docx", 110_000)  # about a second to read: over a 0.3 s limit
    files = [slow]
    for i in range(3):
        files.append(tmp_path / f"b{i}.txt")
        shutil.copyfile(GOOD, files[-1])
    outs = {o.index: o for o in parse_files(files, workers=1, limits=Limits(seconds=0.3))}
    assert sorted(outs) == [0, 1, 2, 3]
    assert outs[0].prepared.error_zh == RESOURCE_ZH
    assert all(outs[i].prepared.ok for i in (1, 2, 3))  # b0 waited in the killed worker's pipe: given again
