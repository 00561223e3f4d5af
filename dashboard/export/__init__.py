"""Exports for meetings: chart images (PNG 3×, SVG, PDF), the PPTX deck, the DOCX brief and the XLSX workbook."""

from __future__ import annotations

from dashboard.export.data import EmptyPackError, PackData, PackScope
from dashboard.export.images import cjk_font_warning, figure_bytes, start_renderer
from dashboard.export.pack import build_pack

__all__ = ["EmptyPackError", "PackData", "PackScope", "build_pack", "cjk_font_warning", "figure_bytes",
           "start_renderer"]
