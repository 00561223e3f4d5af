"""Server-side chart images: one long-lived kaleido session in the system Chromium, PNG (3×), SVG and PDF.

kaleido 1.x starts a Chromium per call unless its sync server runs; `start_renderer()` starts that server once
per process (`kaleido.start_sync_server`), and every later call — ours and `plotly.io.to_image` — uses it.
Chromium is Debian's /usr/bin/chromium: kaleido's Chrome downloader is never called (there is no internet).
MathJax is switched off for the same reason (kaleido would fetch it from a CDN).

kaleido reloads its page after every image (~0.55 s of the ~0.7 s an image costs on two cores), so rendered
bytes are kept in a small cache keyed by the figure's JSON: a pack built twice from the same data renders once.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

BROWSER = "/usr/bin/chromium"
EXPORT_FONT = "WenQuanYi Micro Hei"
EXPORT_TEMPLATE = "plotly_white"
FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 3
WIDTH = 1000
FONT_SIZE = 18  # px at WIDTH: about 16 pt on a 16:9 slide, 8 pt across an A4 text column
CACHE_ENTRIES = 128

_lock = threading.Lock()  # the sync server answers one caller at a time (Streamlit runs sessions in threads)
_cache: OrderedDict[str, bytes] = OrderedDict()
_font_checked: str | None = None


class RenderError(RuntimeError):
    """A chart could not be rendered (no browser, kaleido failed); the message is Chinese and English."""


def cjk_fonts() -> list[str]:
    """Families of the installed fonts that cover Chinese (`fc-list :lang=zh family`); empty if none or no fc-list."""
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False)
    return sorted({line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()})


def cjk_font_warning() -> str | None:
    """A clear warning when no CJK font is installed (every Chinese character would render as a box), else None."""
    global _font_checked
    if _font_checked is None:
        fonts = cjk_fonts()
        if not fonts:
            _font_checked = ("未安装中文字体：导出图片中的汉字将显示为方框。请安装 fonts-wqy-microhei"
                             "（apt-get install fonts-wqy-microhei）。 / No CJK font installed (fc-list :lang=zh is "
                             "empty): every Chinese character in exported images will render as a box.")
        elif not any(EXPORT_FONT.lower() in f.lower() for f in fonts):
            _font_checked = (f"未找到字体 {EXPORT_FONT}，将使用 {fonts[0]}。 / Font {EXPORT_FONT} not found; "
                             f"Chromium will fall back to {fonts[0]}.")
        else:
            _font_checked = ""
    return _font_checked or None


# kaleido's shared server waits on its queue without a deadline: a browser that died mid-render would hang the
# export (and the page) forever. Each render runs on a helper thread and is given up after this many seconds.
RENDER_TIMEOUT_S = 120


def _with_deadline(call: Callable[[], bytes], seconds: float) -> bytes:
    """call() on a daemon thread, given up (TimeoutError) after `seconds`. A daemon thread, not a pool: a render
    stuck for good must not keep the process from exiting."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["data"] = call()
        except BaseException as exc:  # noqa: BLE001 — handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=run, name="kaleido-render", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["data"]  # type: ignore[return-value]


def start_renderer() -> None:
    """Start the process-wide kaleido session in /usr/bin/chromium (idempotent); warns when no CJK font exists."""
    import kaleido

    message = cjk_font_warning()
    if message:
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    if kaleido._global_server.is_running():  # noqa: SLF001 — kaleido offers no public "is running"
        return
    if not Path(BROWSER).exists() and not os.environ.get("BROWSER_PATH"):
        raise RenderError(f"未找到浏览器 {BROWSER}，无法生成图片 / Chromium not found at {BROWSER}; "
                          "install the Debian package chromium (kaleido's downloader is not used)")
    path = os.environ.get("BROWSER_PATH") or BROWSER
    os.environ.setdefault("BROWSER_PATH", path)  # plotly.io.to_image without our server finds the same browser
    kaleido.start_sync_server(n=1, timeout=90, mathjax=False, path=path, silence_warnings=True)


def stop_renderer() -> None:
    """Stop the kaleido session (it is also stopped at interpreter exit)."""
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


@lru_cache(maxsize=1)
def _template() -> dict:
    return pio.templates[EXPORT_TEMPLATE].to_plotly_json()


def export_spec(fig: go.Figure) -> dict:
    """The figure as a plain dict with the export template (plotly_white) and the CJK font set explicitly.

    Working on the dict, not the Figure, skips plotly's validation of the whole template (0.2 s a figure).
    """
    spec = fig.to_plotly_json()
    spec = {"data": [dict(t) for t in spec.get("data", [])], "layout": copy.deepcopy(spec.get("layout", {}))}
    for trace in spec["data"]:
        if trace.get("type") == "bar" and trace.get("textposition") == "outside":
            trace["cliponaxis"] = False  # a value label past the longest bar is drawn, not cut off
    layout = spec["layout"]
    layout["template"] = _template()
    layout["paper_bgcolor"] = "white"
    layout["font"] = {**layout.get("font", {}), "family": EXPORT_FONT, "size": FONT_SIZE}
    title = layout.get("title") or {}
    layout["title"] = {**(title if isinstance(title, dict) else {"text": title}),
                       "font": {**(title.get("font", {}) if isinstance(title, dict) else {}),
                                "family": EXPORT_FONT, "size": FONT_SIZE + 4}}
    layout["legend"] = {**layout.get("legend", {}), "font": {"family": EXPORT_FONT}}
    return spec


def export_style(fig: go.Figure) -> go.Figure:
    """A copy of the figure in the export style (for a caller that wants a Figure, e.g. to show it)."""
    return go.Figure(export_spec(fig))


def _opts(spec: dict, fmt: str, width: int, height: int | None, scale: float | None) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"不支持的图片格式 / unsupported image format: {fmt!r}; choose from {', '.join(FORMATS)}")
    h = height or spec["layout"].get("height") or 500
    return {"format": fmt, "width": int(width), "height": int(h),
            "scale": float(scale if scale is not None else (PNG_SCALE if fmt == "png" else 1))}


def figure_bytes(fig: go.Figure, fmt: str = "png", width: int = WIDTH, height: int | None = None,
                 scale: float | None = None) -> bytes:
    """One chart as PNG (3× by default), SVG or PDF, in the export style, from the shared kaleido session."""
    import kaleido

    spec = export_spec(fig)
    opts = _opts(spec, fmt, width, height, scale)
    text = pio.to_json(spec, validate=False, engine="json") + json.dumps(opts, sort_keys=True)
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        start_renderer()
        try:
            data = _with_deadline(lambda: kaleido.calc_fig_sync(spec, opts=opts), RENDER_TIMEOUT_S)
        except TimeoutError:
            raise RenderError(f"图表渲染超时（{RENDER_TIMEOUT_S}秒），请稍后重试 / chart rendering timed out") from None
        except Exception as exc:  # kaleido raises its own and choreographer's errors
            raise RenderError(f"图表渲染失败：{exc} / chart rendering failed: {exc!r}") from exc
        _cache[key] = data
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)
        return data


def write_figure(fig: go.Figure, path: Path, fmt: str | None = None, width: int = WIDTH,
                 height: int | None = None, scale: float | None = None) -> Path:
    """Render one chart to a file; the format follows the suffix unless given."""
    path = Path(path)
    data = figure_bytes(fig, fmt or path.suffix.lstrip(".").lower(), width, height, scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def clear_cache() -> None:
    """Forget rendered images (the benchmark measures a render with a warm browser but a cold cache)."""
    with _lock:
        _cache.clear()
