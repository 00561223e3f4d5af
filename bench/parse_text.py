"""Text parse (md/txt) per report: the baseline tree beside this tree in the same run, with the ratio.

usage: python bench/parse_text.py [--baseline /work/main] [--rounds 7] [--synth 120]

Each tree runs in its own worker process (PYTHONPATH = that tree) over the same files: the corpus's text and
markdown reports (tests/fixtures/*.md|*.txt and tests/fixtures/variants/*.md|*.txt) and simulated markdown reports
(dashboard/synth, written to bench/out/parse_text). The parent alternates the two workers round by round, so the
load of a shared machine falls on both alike. A round is one `parse_document(read_document(path))` of every file,
timed in CPU ms per report; the table prints the fastest round (on a shared machine the steadiest figure).

Three figures per file set, by what the parser has seen before (its lru_caches of labels, lines and table rows):
"again" — the same files parsed again (how the figure beside govnianbao was taken); "ingest" — caches cleared at
the start of each round, then every file once, in order (a county's reports share their labels, as in an ingest);
"first sight" — caches cleared before every report.
The last column counts reports whose parsed dict is identical in both trees: accuracy is kept only when it is all.

Goal (issue 23): ≤ 2 ms a report. The peer parser govnianbao is not in the package index this machine can reach;
its figure (0.93–1.01 ms a report, measured beside this parser earlier) is quoted, not measured here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOAL_MS = 2.0
# When the dashboard's lru_caches are cleared: never (the same files again), once a round (an ingest of these files
# in order: labels seen in one report are known in the next), before every file (nothing seen before).
MODES = {"none": "again", "round": "ingest", "each": "first sight"}


def corpus_files() -> list[Path]:
    """The corpus's text and markdown reports and their variants."""
    return sorted(p for d in (FIXTURES, FIXTURES / "variants") for p in d.iterdir() if p.suffix in (".md", ".txt"))


def synth_files(n: int, out: Path) -> list[Path]:
    """About n simulated markdown reports (generated once per count; kept under bench/out)."""
    folder = out / f"parse_text_{n}"
    if not (folder / "manifest.json").exists():
        sys.path.insert(0, str(ROOT))
        from dashboard.synth.generate import parse_years, synthesize

        years = parse_years("2019-2024")
        synthesize(folder, max(1, -(-n // len(years))), years, ["md"], seed=23)
    return sorted((folder / "reports").rglob("*.md"))


# ---- worker: one tree, commands on stdin, one JSON answer per line on stdout ----

def _clear_caches() -> None:
    for name, mod in list(sys.modules.items()):
        if name.startswith("dashboard"):
            for obj in list(vars(mod).values()):
                if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", "") == name:
                    obj.cache_clear()


def worker() -> None:
    """Serve rounds for the tree on sys.path[0]: {"files": [...], "cold": mode} → {"ms": [...], "digest": [...]}."""
    import time

    from dashboard.parse import parse_document
    from dashboard.readers import read_document

    for line in sys.stdin:
        cmd = json.loads(line)
        ms: list[float] = []
        digests: list[str] = []
        if cmd["cold"] == "round":
            _clear_caches()
        for f in cmd["files"]:
            if cmd["cold"] == "each":
                _clear_caches()
            t0 = time.process_time()
            try:
                rep: object = parse_document(read_document(f))
            except Exception as e:  # noqa: BLE001 - a file refused is an outcome to compare, not a crash
                rep = {"refused": repr(e)}
            ms.append((time.process_time() - t0) * 1000)
            if cmd.get("digest"):
                text = json.dumps(rep, ensure_ascii=False, default=str)  # key order too: the stored JSON is the same
                digests.append(hashlib.sha1(text.encode()).hexdigest())
        print(json.dumps({"ms": ms, "digest": digests}), flush=True)


class Tree:
    """A worker process parsing with one tree."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(root)})

    def run(self, files: list[Path], cold: str, digest: bool = False) -> dict:
        """One round over files."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"files": [str(f) for f in files], "cold": cold, "digest": digest}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        """End the worker."""
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait()


def main() -> None:
    """Time both trees over both file sets and print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", type=Path, default=Path("/work/main"), help="tree to compare against")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--synth", type=int, default=120, help="about how many simulated md reports")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker()
        return
    sets = {"corpus md/txt": corpus_files(), "simulated md": synth_files(args.synth, args.out)}
    base, new = Tree(args.baseline), Tree(ROOT)
    print(f"baseline: {args.baseline}   new: {ROOT}   rounds: {args.rounds} (fastest round shown; CPU ms a report)")
    print(f"{'files':<14} {'reports':>7} {'mode':<11} {'baseline ms':>11} {'new ms':>7} {'ratio':>6} {'goal ms':>7}"
          f" {'identical':>9}")
    try:
        for label, files in sets.items():
            same = sum(a == b for a, b in zip(base.run(files, "none", True)["digest"],
                                              new.run(files, "none", True)["digest"], strict=True))
            for cold in MODES:
                rounds: dict[str, list[float]] = {"base": [], "new": []}
                for _ in range(args.rounds):  # alternate: the machine's load falls on both alike
                    rounds["base"].append(statistics.mean(base.run(files, cold)["ms"]))
                    rounds["new"].append(statistics.mean(new.run(files, cold)["ms"]))
                b, n = min(rounds["base"]), min(rounds["new"])
                print(f"{label:<14} {len(files):>7} {MODES[cold]:<11} {b:>11.2f} {n:>7.2f}"
                      f" {b / n:>5.2f}x {GOAL_MS:>7.1f} {f'{same}/{len(files)}':>9}")
    finally:
        base.close()
        new.close()


if __name__ == "__main__":
    main()
