"""Exports for meetings: chart images (PNG 3×, SVG, PDF), the PPTX deck, the DOCX brief and the XLSX workbook."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dashboard.export.data import EmptyPackError, PackData, PackScope
    from dashboard.export.images import cjk_font_warning, figure_bytes, start_renderer
    from dashboard.export.pack import build_pack

# Loaded on first use: the pack pulls in pandas, plotly and the checks (seconds), and every `nianbao` command —
# `nianbao parse` too — imports this package when the CLI registers `export`.
_HOME = {"EmptyPackError": "data", "PackData": "data", "PackScope": "data", "build_pack": "pack",
         "cjk_font_warning": "images", "figure_bytes": "images", "start_renderer": "images"}

__all__ = ["EmptyPackError", "PackData", "PackScope", "build_pack", "cjk_font_warning", "figure_bytes",
           "start_renderer"]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(f"dashboard.export.{_HOME[name]}"), name)
    raise AttributeError(f"module 'dashboard.export' has no attribute {name!r}")
