#!/usr/bin/env bash
# Installs what is missing, then runs the linter and the quick tests (the README's test command; a few minutes).
# `bash scripts/test.sh --all` (what .ci/run does) then runs the long tests marked `slow` too, and the DuckLake
# tests in the lake environment. Non-zero on any failure (pytest's exit 5, "no tests collected", is a failure too).
set -euo pipefail
cd "$(dirname "$0")/.."
# The tests run on every core (pytest-xdist), a test file's tests in one process (its module fixtures built once).
PAR=(-n auto --dist loadfile)
bash scripts/setup.sh
.venv/bin/ruff check .
if [ "${1:-}" = "--all" ]; then
  shift
  # each run lists its slowest tests, so a CI run that nears its 20 minutes says where they went
  .venv/bin/python -m pytest -q "${PAR[@]}" -m "not slow" --durations=8 "$@"
  .venv/bin/python -m pytest -q "${PAR[@]}" -m "slow and not serial" --durations=12 "$@"
  # the ones that measure time or count processes, one at a time
  .venv/bin/python -m pytest -q -m "slow and serial" --durations=5 "$@"
  # The DuckLake tests in the lake environment (duckdb pinned to the extensions'); they fail there, never skip.
  NIANBAO_REQUIRE_LAKE=1 .venv-lake/bin/python -m pytest -q tests/test_store_lake.py
elif [ "$#" -gt 0 ]; then
  .venv/bin/python -m pytest -q "$@"   # the files or options given, slow or not
else
  .venv/bin/python -m pytest -q "${PAR[@]}" -m "not slow"
fi
