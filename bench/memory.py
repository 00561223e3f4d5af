"""Benchmark of issue 23 item 3: the memory of one `nianbao ingest` of the hostile battery, at 300 and at 3,000
files — the whole process tree (the ingest, its forkserver and workers, any LibreOffice they start), sampled every
20 ms. Prints a table: files, peak tree RSS, the parent's peak, the biggest child, wall time, and the ratio of the
large run to the small one (flat memory: ≈ 1.0×; asked: peak ≤ 1.5 GB whatever the number of files).

    python bench/memory.py [--sizes 300,3000] [--workers N] [--keep]

The battery (tests/hostile/generate.py) is written as many times as the size needs, each copy in its own folder,
with the same mix: every hostile kind, the corpus's valid reports, links, a FIFO, unreadable entries. The readable
reports of each copy are filed under their own township names (so every copy stores new reports, not only
`unchanged` ones); the last copy is cut to hit the size, its files drawn from a seeded shuffle of the kinds.
RSS is summed over processes, so pages the workers share with the forkserver count once per process (an upper
bound, as the issue measured it); the tree's PSS (shared pages divided among their sharers, 4 samples a second) is
what it really holds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import generate as battery  # noqa: E402
from tests.test_ingest_hostile import _command  # noqa: E402 — as the battery's test runs nianbao

# Per-copy township prefixes: copy k files the readable reports under 「prefix + 甲家沟乡」 etc.
PREFIX = "东西南北中上下前后左右新"


def _prefix(k: int) -> str:
    """A distinct two-character prefix for copy k (k < 144)."""
    return PREFIX[k // len(PREFIX) % len(PREFIX)] + PREFIX[k % len(PREFIX)]


def build(folder: Path, n_files: int) -> int:
    """Write copies of the battery under folder until it holds n_files entries (files, links, folders the battery
    makes); returns how many it wrote."""
    real_files, real_sample_as = battery._files, battery._sample_as
    cache: dict[str, bytes] = {}
    written = 0
    k = 0
    extras = len(battery.VALID) + 14  # entries a copy holds besides the generated files: valid reports, links, ...
    try:
        while written < n_files:
            entries = real_files()
            if n_files - written < len(entries) + extras:
                # the last copy: a seeded sample of the kinds, so the mix stays the mix
                random.Random(k).shuffle(entries)
                entries = entries[:max(0, n_files - written - extras)]
            prefix = _prefix(k)

            def files(entries: list = entries) -> list:
                out = []
                for kind, name, make, expect in entries:
                    if Path(os.fsdecode(name)).suffix.lower() in (".txt", ".md"):
                        out.append((kind, name, make, expect))  # cheap, and they carry the per-copy agency
                    else:  # the bombs take seconds to compress: made once, written again
                        out.append((kind, name, lambda kind=kind, make=make: cache.get(kind) or
                                    cache.setdefault(kind, make()), expect))
                return out

            battery._files = files
            battery._sample_as = lambda agency, p=prefix: real_sample_as(p + agency)
            kinds = battery.generate(folder / f"c{k:03d}")
            if k == 0:
                extras = len(kinds) - len(entries)
            written += len(kinds)
            k += 1
    finally:
        battery._files, battery._sample_as = real_files, real_sample_as
    return written


def unlock(folder: Path) -> None:
    """Give back the permissions the battery took away, so the folder can be removed."""
    for dirpath, dirnames, _ in os.walk(folder):
        for name in dirnames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o700)


@dataclass
class Sample:
    """What one run of the ingest took."""

    files: int
    peak_tree: int = 0
    peak_pss: int = 0  # the tree's proportional set size: what it really holds, shared pages counted once
    peak_parent: int = 0
    peak_child: int = 0
    child_name: str = ""
    peak_office: int = 0  # LibreOffice processes at once
    seconds: float = 0.0
    code: int = 0
    summary: str = ""
    parent_curve: list[tuple[float, int]] = field(default_factory=list)
    at_peak: list[tuple[int, str]] = field(default_factory=list)  # (RSS, process) when the tree peaked


def _pss(pid: int) -> int:
    """Proportional set size of one process (shared pages divided among their sharers), bytes; 0 if unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run(folder: Path, db: Path, files: int, workers: int | None) -> Sample:
    """One `nianbao ingest` of folder into db, its process tree's RSS sampled every 20 ms."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "1000"}
    args = ["ingest", str(folder), "--db", str(db), "--quiet"] + (["--workers", str(workers)] if workers else [])
    s = Sample(files)
    t0 = time.monotonic()
    proc = subprocess.Popen(_command(args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    top = psutil.Process(proc.pid)
    ingest: psutil.Process | None = None  # under setpriv the ingest is the child that exec'd python
    last_curve = last_pss = 0.0
    while proc.poll() is None:
        try:
            procs = [top, *top.children(recursive=True)]
            rss = {}
            for p in procs:
                try:
                    rss[p] = (p.memory_info().rss, p.name())
                except psutil.Error:
                    pass
            if ingest is None:
                ingest = next((p for p in procs if "python" in rss.get(p, (0, ""))[1]), None)
            tree = sum(r for r, _ in rss.values())
            if time.monotonic() - last_pss >= 0.25:  # PSS costs a page-table walk: four times a second
                s.peak_pss = max(s.peak_pss, sum(_pss(p.pid) for p in rss))
                last_pss = time.monotonic()
            if tree > s.peak_tree:
                s.peak_tree = tree
                s.at_peak = sorted(((r, "ingest" if p == ingest else name) for p, (r, name) in rss.items()
                                    if p != top), reverse=True)
            office: set[int] = set()
            for p, (r, name) in rss.items():
                if p == ingest:
                    s.peak_parent = max(s.peak_parent, r)
                    now = time.monotonic() - t0
                    if now - last_curve >= 1.0:
                        s.parent_curve.append((now, r))
                        last_curve = now
                elif p != top:
                    if r > s.peak_child:
                        s.peak_child, s.child_name = r, name
                    if name.startswith(("soffice", "oosplash")):
                        with contextlib.suppress(OSError):
                            office.add(os.getpgid(p.pid))  # one conversion: a process group
            s.peak_office = max(s.peak_office, len(office))
        except psutil.Error:
            pass
        time.sleep(0.02)
    reader.join()
    s.seconds = time.monotonic() - t0
    s.code = proc.returncode
    out = b"".join(chunks).decode("utf-8", "replace")
    s.summary = next((line for line in out.splitlines() if "个文件" in line), out.strip()[-300:])
    return s


def main() -> None:
    """Build each size, ingest it, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="300,3000", help="numbers of files, comma-separated (the first is the base)")
    ap.add_argument("--workers", type=int, default=None, help="worker processes (default: the ingest's default)")
    ap.add_argument("--keep", action="store_true", help="keep the generated folders and databases")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="nianbao-bench-memory-"))
    samples: list[Sample] = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            folder, db = base / f"in-{n}", base / f"n-{n}.duckdb"
            t0 = time.monotonic()
            wrote = build(folder, n)
            print(f"generated {wrote} files in {time.monotonic() - t0:.1f} s: {folder}", flush=True)
            s = run(folder, db, wrote, args.workers)
            samples.append(s)
            print(f"  {s.summary}", flush=True)
            curve = "  ".join(f"{t:.0f}s:{r / 1e6:.0f}" for t, r in s.parent_curve[:: max(1, len(s.parent_curve) // 12)])
            print(f"  parent RSS over time (MB): {curve}", flush=True)
            print("  at the peak (MB): " + ", ".join(f"{name} {r / 1e6:.0f}" for r, name in s.at_peak), flush=True)
            unlock(folder)
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep:
            unlock(base)
            shutil.rmtree(base, ignore_errors=True)
    first = samples[0]
    print(f"\n{'files':>6} {'peak tree RSS':>14} {'tree PSS':>9} {'parent peak':>12} {'biggest child':>24} {'LibreOffice at once':>20}"
          f" {'wall':>8} {'tree ratio':>11} {'exit':>5}")
    for s in samples:
        child = f"{s.peak_child / 1e6:.0f} MB ({s.child_name[:10]})"
        print(f"{s.files:>6} {s.peak_tree / 1e6:>11.0f} MB {s.peak_pss / 1e6:>6.0f} MB {s.peak_parent / 1e6:>9.0f} MB {child:>24}"
              f" {s.peak_office:>20} {s.seconds:>7.1f}s {s.peak_tree / first.peak_tree:>10.2f}× {s.code:>5}")
    worst = max(s.peak_tree for s in samples)
    print(f"\nworst peak {worst / 1e6:.0f} MB (asked ≤ 1500 MB); parent peak ratio "
          f"{samples[-1].peak_parent / first.peak_parent:.2f}× for {samples[-1].files / first.files:.1f}× the files")
    if any(re.search(r"Traceback", s.summary) for s in samples):
        sys.exit(1)


if __name__ == "__main__":
    main()
