"""Paths and settings in one place: the project root, bundled data, the named queries' folder and the lake's data
folder (NIANBAO_DATA_PATH). Where the store is (NIANBAO_DB, NIANBAO_SOURCES) is dashboard/store/location.py."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"
DEFAULT_DB = DATA_DIR / "nianbao.duckdb"


def data_path() -> str | None:
    """The lake's data folder or fsspec URL ($NIANBAO_DATA_PATH); None: the one recorded in the lake's catalog."""
    return os.environ.get("NIANBAO_DATA_PATH") or None
