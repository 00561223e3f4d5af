"""Paths and settings in one place: the project root, bundled data, the DuckDB file (NIANBAO_DB)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
DEFAULT_DB = DATA_DIR / "nianbao.duckdb"


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB file: an explicit --db, else $NIANBAO_DB, else data/nianbao.duckdb."""
    if override:
        return Path(override)
    env = os.environ.get("NIANBAO_DB")
    return Path(env) if env else DEFAULT_DB
