"""Run the hostile battery through `nianbao ingest` twice and print its table: kinds, outcomes, peak memory, time.

    python -m tests.hostile.measure [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import duckdb

from tests.hostile.generate import generate
from tests.test_ingest_hostile import _shown, run_ingest


def main() -> None:
    """Generate, ingest twice, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="nianbao-hostile-"))
    folder, db = base / "in", base / "n.duckdb"
    kinds = generate(folder)
    runs = [run_ingest(folder, db), run_ingest(folder, db)]
    code, out, peak, seconds = runs[0]
    con = duckdb.connect(str(db), read_only=True)
    stored = {n: ("held" if h else "current" if s is None else "stored, not current")
              for n, s, h in con.execute("select source_name, superseded_by, held from reports").fetchall()}
    con.close()
    failed = {name for name in re.findall(r"^失败 (.+?): ", out, re.M)}
    passed = re.findall(r"^未读取 (.+?): ", out, re.M)
    outcome: Counter[tuple[str, str]] = Counter()
    for k in kinds:
        name = _shown(k)
        if any(p.endswith(os.fsdecode(k.name)) for p in passed):
            got = "not read (listed)"
        elif any(f.endswith(name) for f in failed):
            got = "failed (listed with reason)"
        elif os.fsdecode(k.name).split("/")[-1] in stored or name in stored:
            got = stored.get(name) or stored[os.fsdecode(k.name).split("/")[-1]]
        else:
            got = "unchanged / ignored"
        outcome[(k.expect, got)] += 1
    if os.path.exists(folder / "locked"):
        os.chmod(folder / "locked", 0o700)
    print(f"\n{len(kinds)} entries, {len({k.kind for k in kinds})} kinds")
    print(f"{'expected':<10} {'outcome':<30} {'files':>6}")
    for (exp, got), n in sorted(outcome.items()):
        print(f"{exp:<10} {got:<30} {n:>6}")
    for i, (code, out, peak, seconds) in enumerate(runs, start=1):
        summary = out.strip().splitlines()[0] if out.strip() else ""
        print(f"run {i}: exit {code}, peak memory (all processes) {peak / 1e6:.0f} MB, {seconds:.1f} s — {summary}")


if __name__ == "__main__":
    main()
