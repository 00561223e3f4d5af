"""The one writers' lock: an exclusive fcntl lock on a file, released by the OS when the process dies."""

from __future__ import annotations

import contextlib
import fcntl
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def file_lock(path: Path, what: str, timeout_s: float) -> Iterator[None]:
    """Hold an exclusive lock on `path` (writers queue); TimeoutError naming `what` after `timeout_s` seconds."""
    with open(path, "a+") as fh:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{what}: another writer holds the lock") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
