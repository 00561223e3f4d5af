"""What `nianbao serve` runs: dashboard/app.py as a Streamlit `st.App` behind the door of dashboard/web_guard.py.

`streamlit run dashboard/web_app.py` finds the `app = st.App(...)` assignment below and serves it with uvicorn;
the pages themselves are dashboard/app.py, unchanged. Streamlit imports this file as the top-level module
`web_app` (its folder is put on sys.path), so the project root must be importable too (serve runs from it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.web_guard import middleware  # noqa: E402  (after the path fix above)

app = st.App(Path(__file__).resolve().parent / "app.py", middleware=middleware())
