"""Chart images from the shared kaleido session in /usr/bin/chromium: PNG at 3×, SVG, PDF, with a CJK font."""

from __future__ import annotations

import struct

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import charts
from dashboard.export.images import EXPORT_FONT, cjk_font_warning, cjk_fonts, export_style, figure_bytes


@pytest.fixture(scope="module")
def fig() -> go.Figure:
    """A small ranking chart with Chinese labels, built by the dashboard's figure builder."""
    import pandas as pd

    data = pd.DataFrame({"short_name": ["红崖子沟乡", "威远镇"], "value": [3.0, 5.0]})
    return charts.ranking_figure(data, "本年新收申请·各单位 · 2024年", "件")


def test_a_cjk_font_is_installed_and_no_warning_is_given() -> None:
    assert cjk_fonts(), "fc-list :lang=zh found no font"
    assert cjk_font_warning() is None


def test_export_style_sets_plotly_white_and_the_cjk_font(fig: go.Figure) -> None:
    styled = export_style(fig)
    assert styled.layout.font.family == EXPORT_FONT
    assert styled.layout.template.layout.plot_bgcolor == pio.templates["plotly_white"].layout.plot_bgcolor
    assert fig.layout.font.family != EXPORT_FONT  # the dashboard's figure is left as it was


def test_png_is_rendered_at_three_times_its_size(fig: go.Figure) -> None:
    png = figure_bytes(fig, "png", width=800, height=400)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (2400, 1200)


def test_svg_names_the_cjk_font_and_keeps_the_chinese_text(fig: go.Figure) -> None:
    svg = figure_bytes(fig, "svg", width=800, height=400).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and EXPORT_FONT in svg and "红崖子沟乡" in svg


def test_pdf_is_a_pdf(fig: go.Figure) -> None:
    assert figure_bytes(fig, "pdf", width=800, height=400)[:5] == b"%PDF-"


def test_unknown_format_is_refused(fig: go.Figure) -> None:
    with pytest.raises(ValueError, match="不支持的图片格式"):
        figure_bytes(fig, "gif")


def test_a_render_that_never_returns_is_given_up_and_cannot_block_the_process_from_exiting() -> None:
    import threading
    import time

    from dashboard.export.images import _with_deadline

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        _with_deadline(lambda: time.sleep(30) or b"", 0.2)
    assert time.monotonic() - started < 5
    stuck = [t for t in threading.enumerate() if t.name == "kaleido-render" and t.is_alive()]
    assert stuck and all(t.daemon for t in stuck)  # left behind, but never joined at exit
    assert _with_deadline(lambda: b"png", 5) == b"png"
