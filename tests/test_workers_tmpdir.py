"""The worker pool starts whatever TMPDIR is: a long one would put the forkserver's socket past what a Unix socket
path may hold ("AF_UNIX path too long", seen under pytest-xdist's longer temporary folders)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = Path(__file__).resolve().parent / "fixtures" / "000_7180246cedc2b1d8.txt"

SCRIPT = """
import sys
from pathlib import Path
from dashboard.ingest.workers import parse_files
print(sum(o.prepared.ok for o in parse_files([Path(sys.argv[1])], workers=1)))
"""


def test_workers_start_under_a_temporary_folder_whose_path_is_too_long_for_a_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("长" * 30) / ("d" * 60)
    deep.mkdir(parents=True)
    assert len(os.fsencode(deep)) > 108
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(deep)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(REPORT)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1"
