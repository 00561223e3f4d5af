#!/usr/bin/env bash
# Installs what is missing, then runs the linter and the whole test suite. Non-zero on any failure
# (pytest's exit 5, "no tests collected", is a failure too).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
