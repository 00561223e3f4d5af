"""Python's cycle collector held back while an ingest writes: fewer, cheaper collections in the writing process.

The writer unpickles every worker's record (thousands of small dicts, lists and strings a report) and drops each
batch after writing it. Nearly all of that is freed by reference counting; the cycle collector still runs a young
collection every 700 new objects, and now and then a full one that walks every object the process holds (its
modules, a dashboard server's sessions). Measured on the issue-23 mix, 2 workers: 0.14 ms a file of the writer's
CPU went to the collector (about 7 % of the writer's share); with the thresholds below and the process's older
objects frozen, 0.04 ms.

Nothing is lost: objects that were already garbage when the block began are collected once it ends (they go back
to the oldest generation), and the thresholds are put back. The settings are the process's, so nested or
concurrent ingests (the dashboard's upload threads) apply them once and restore them when the last one ends; objects
another part of the process froze are left frozen (Python cannot unfreeze only some).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

YOUNG_THRESHOLD = 10_000  # new container objects between young collections (Python's default: 700)
MIDDLE_EVERY = 20  # young collections between collections of the middle generation (default 10)
OLD_EVERY = 100  # middle collections between full ones (default 10; Python also waits for 25 % more old objects)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None
_froze = False  # whether this module froze the objects (never unfreeze what someone else froze)


@contextlib.contextmanager
def writing_batches() -> Iterator[None]:
    """Inside the block: the process's present objects frozen (never walked) and collections rarer; after it, the
    thresholds as they were and the frozen objects collectable again."""
    global _depth, _saved, _froze
    with _lock:
        _depth += 1
        if _depth == 1:
            _saved = gc.get_threshold()
            _froze = gc.get_freeze_count() == 0  # another part of the process froze objects: theirs to unfreeze
            if _froze:
                gc.freeze()
            gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_EVERY, OLD_EVERY)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _saved is not None:
                    gc.set_threshold(*_saved)
                if _froze:
                    gc.unfreeze()
                _saved, _froze = None, False
