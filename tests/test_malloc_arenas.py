"""The ingest parent's memory stays flat (issue 23 item 3): glibc's malloc is held to two arenas, however many
threads (DuckDB's, the file store's) allocate. Counted from glibc's own report (malloc_info) in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = """
import ctypes, sys, threading
from dashboard.limits import cap_malloc_arenas
capped = cap_malloc_arenas(2) if sys.argv[1] == "cap" else None
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    for p in [libc.malloc(1000) for _ in range(20000)]:
        libc.free(p)
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
fp = libc.fopen(sys.argv[2].encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(fp))
libc.fclose(ctypes.c_void_p(fp))
print(capped, open(sys.argv[2]).read().count("<heap nr="))
"""


def _arenas(tmp_path: Path, mode: str) -> str:
    out = subprocess.run([sys.executable, "-c", PROGRAM, mode, str(tmp_path / f"{mode}.xml")], cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                         timeout=60, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc arenas are a Linux matter")
def test_eight_allocating_threads_share_two_malloc_arenas_once_capped(tmp_path: Path) -> None:
    assert _arenas(tmp_path, "cap") == "True 2"
    capped, arenas = _arenas(tmp_path, "free").split()
    assert capped == "None" and int(arenas) > 2  # the same threads, uncapped, spread over more
