"""The long run of the office state machine (issue 20, Build item 3): many seeds, many steps, the reference model
against the named queries after every step (pages too with --pages, much slower).

    python bench/office_soak.py [--minutes 10] [--steps 25] [--seed 1] [--pages]

Prints one row per seed (steps run, seconds, result) and a total; a failure prints Hypothesis's shortest example,
which becomes a fixed example in tests/test_office_state_machine.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402
from office_machine import Base, OfficeMachine  # noqa: E402


class Counting(OfficeMachine):
    """The machine, counting the steps it took."""

    steps = 0

    def check_invariants(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        type(self).steps += 1
        return super().check_invariants(*args, **kwargs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--steps", type=int, default=25, help="steps per example")
    ap.add_argument("--examples", type=int, default=5, help="examples per seed")
    ap.add_argument("--seed", type=int, default=1, help="first seed")
    ap.add_argument("--pages", action="store_true", help="render every main page after every step (slow)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="office-soak-"))
    t0 = time.perf_counter()
    Counting.base = Base(work / "base")
    Counting.work, Counting.pages = work / "runs", args.pages
    print(f"base county built in {time.perf_counter() - t0:.1f}s; {len(Counting.base.pending)} files left to ingest")
    print(f"{'seed':>6} {'steps':>7} {'seconds':>8}  result")
    total_steps, failures, seed = 0, [], args.seed
    while time.perf_counter() - t0 < args.minutes * 60:
        Counting.steps = 0
        start = time.perf_counter()
        try:
            from hypothesis import seed as hseed

            run = hseed(seed)(lambda: run_state_machine_as_test(Counting, settings=settings(
                max_examples=args.examples, stateful_step_count=args.steps, deadline=None, database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)))
            run()
            result = "ok"
        except Exception as exc:  # a disagreement or a page exception: report it, go on with the next seed
            result = f"FAILED: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            failures.append((seed, traceback.format_exc()))
        total_steps += Counting.steps
        print(f"{seed:>6} {Counting.steps:>7} {time.perf_counter() - start:>8.1f}  {result}", flush=True)
        seed += 1
    print(f"total: {total_steps} steps over seeds {args.seed}–{seed - 1} in {time.perf_counter() - t0:.0f}s; "
          f"{len(failures)} failing seed(s)")
    for s, tb in failures:
        print(f"--- seed {s} ---\n{tb[-3000:]}")


if __name__ == "__main__":
    main()
