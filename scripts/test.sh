#!/usr/bin/env bash
# Installs what is missing, then runs the linter and the whole test suite. Non-zero on any failure
# (pytest's exit 5, "no tests collected", is a failure too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
# The DuckLake tests in the lake environment (duckdb pinned to the extensions'); they fail there, never skip.
if [ "$#" -eq 0 ]; then
  NIANBAO_REQUIRE_LAKE=1 .venv-lake/bin/python -m pytest -q tests/test_store_lake.py
fi
