"""The app's own stylesheet: Chinese in place of the few English strings Streamlit gives no option for.

Streamlit 1.67 writes some texts itself, in English, with no parameter to change them: the file uploader's drop
zone ("200MB per file • MD, HTML", its "Upload" button) and the multiselect's bulk option ("Select all",
"Select N matches"). The smallest honest fix is CSS: the English text is set to zero size and a Chinese
`::after` takes its place; the widget keeps working as before (same element, same click target). The selectors
are Streamlit's data-testid / data-key attributes; if a Streamlit upgrade renames them, the English text simply
shows again (tests/test_export_page.py does not depend on this).

`inject_style()` is called once per page run from app.py.

What stays English (Streamlit 1.67 has neither an option nor a stable element to restyle; for the README):
- tooltips of Streamlit's own element toolbar on charts and tables ("Fullscreen", "Download as CSV", "Search"),
  and st.dataframe's column menu (sort, pin, hide) — tooltips and menus CSS cannot rewrite;
- the running indicator and its "Stop" button, and the "Connection error" dialog when the server is gone;
- the multiselect's "No results" when a typed filter matches nothing;
- the browser's own file dialog (the operating system's language).
The Plotly toolbar is Chinese through charts.PLOTLY_CONFIG (its dictionary travels with the config).
"""

from __future__ import annotations

import streamlit as st

from dashboard.limits import MAX_BYTES

MAX_UPLOAD_MB = MAX_BYTES // (1024 * 1024)  # dashboard/limits.py (= .streamlit/config.toml maxUploadSize)

STYLE = f"""
<style>
/* 文件上传区：按钮与说明文字 */
[data-testid="stFileUploaderDropzone"] button {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button * {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "选择文件"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "拖放文件到此处，或点击“选择文件”；单个文件不超过 {MAX_UPLOAD_MB}MB";
  font-size: 0.875rem; white-space: normal;
}}
/* 多选框的批量选项 */
[data-key="__select_all__"] [data-item-hl],
[data-key="__select_matches__"] [data-item-hl] {{ font-size: 0 !important; }}
[data-key="__select_all__"] [data-item-hl]::after {{ content: "全选"; font-size: 0.875rem; }}
[data-key="__select_matches__"] [data-item-hl]::after {{ content: "全选匹配项"; font-size: 0.875rem; }}
</style>
"""

# Presentation mode (投影模式): larger text for a projector, widgets' labels included.
PRESENT_STYLE = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.1rem; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
/* the controls of the page itself: a projected page shows figures, not widgets (the sidebar keeps the switch) */
[data-testid="stMain"] [data-testid="stSelectbox"], [data-testid="stMain"] [data-testid="stRadio"],
[data-testid="stMain"] [data-testid="stSlider"], [data-testid="stMain"] [data-testid="stDownloadButton"],
[data-testid="stMain"] [data-testid="stMultiSelect"], [data-testid="stToolbar"] { display: none !important; }
</style>
"""


def inject_style(present: bool = False) -> None:
    """Add the app's stylesheet to the page (and the presentation-mode sizes when `present`)."""
    st.html(STYLE + (PRESENT_STYLE if present else ""))
