"""Build a meeting pack (会议材料): chart images, the PPTX deck, the DOCX brief and the XLSX workbook.

`build_pack` is what the page and `nianbao export` call. Progress is reported through an optional callback
`progress(fraction, message)` (0.0–1.0, Chinese message), which the CLI drives with a rich bar and the page
with st.progress.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dashboard.export.brief import write_brief
from dashboard.export.data import PackData, PackScope, load_pack_data
from dashboard.export.deck import write_deck
from dashboard.export.figures import Chart, image_height, pack_charts
from dashboard.export.images import WIDTH, start_renderer, write_figure
from dashboard.export.workbook import write_workbook
from dashboard.store.location import db_path

Progress = Callable[[float, str], None]
IMAGE_SHARE = 0.75  # of the progress bar: rendering dominates the time
HALF_WIDTH = 620  # px of a picture that fills half a slide


def _safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s·]+', "_", text).strip("_") or "图表"


def pack_stem(data: PackData) -> str:
    """The files' common name, e.g. '2024年政府信息公开年报会议材料_全部单位'."""
    return _safe(f"{data.year}年政府信息公开年报会议材料_{data.scope}")


def render_chart_images(charts: list[Chart], folder: Path, fmt: str = "png",
                        progress: Progress | None = None, start: float = 0.0, share: float = 1.0,
                        embeds: bool = False) -> dict[str, list[Path]]:
    """Render every chart into `folder` (NN_title.fmt; a chart of several pages gets one file a page) with the
    shared kaleido session; `embeds` renders the bare figures for the deck and the brief. Returns key → paths."""
    out: dict[str, list[Path]] = {}
    for i, chart in enumerate(charts, start=1):
        if progress:
            what = "排版图片" if embeds else "生成图片"
            progress(start + share * (i - 1) / max(len(charts), 1), f"{what} {i}/{len(charts)}：{chart.title}")
        sets = {chart.key: chart.embeds, f"{chart.key}@deck": chart.deck_embeds} if embeds else \
            {chart.key: chart.figures}
        for key, figs in sets.items():
            paths = []
            for k, fig in enumerate(figs, start=1):
                page = f"_{k}" if len(figs) > 1 else ""
                suffix = "_deck" if key.endswith("@deck") else ""
                path = folder / f"{i:02d}_{_safe(chart.title)}{page}{suffix}.{fmt}"
                width = (fig.layout.width or HALF_WIDTH) if key.endswith("@deck") else WIDTH
                paths.append(write_figure(fig, path, fmt, width, image_height(fig)))
            if paths:
                out[key] = paths
    return out


def build_pack(year: int, agencies: list[int] | None, db: Path | None, out_dir: Path,
               progress: Progress | None = None, formats: tuple[str, ...] = ("png",),
               scope: PackScope | None = None) -> dict[str, Path]:
    """Build the pack for a year and a scope (or a set of agency ids; None = all) into out_dir; returns kind → file.

    Kinds: 'pptx', 'docx', 'xlsx', and 'images' (the folder of chart images). `formats` adds SVG/PDF copies
    of every chart next to the PNGs. A scope with no report for the year raises EmptyPackError before any file
    is written.
    """
    report = progress or (lambda _f, _m: None)
    t0 = time.perf_counter()
    report(0.0, "读取数据")
    db = Path(db) if db else db_path()
    scope = scope or PackScope(agency_ids=tuple(sorted(set(agencies))) if agencies else None)
    data = load_pack_data(int(year), None, db, scope)
    start_renderer()
    charts = pack_charts(data)
    report(0.05, f"共 {len(charts)} 张图表")
    out_dir = Path(out_dir)
    stem = pack_stem(data)
    folder = out_dir / f"{stem}_图表"
    extra = [f for f in formats if f != "png"]
    share = IMAGE_SHARE / (2 + len(extra))
    render_chart_images(charts, folder, "png", report, 0.05, share)
    for k, fmt in enumerate(extra):
        render_chart_images(charts, folder, fmt, report, 0.05 + share * (k + 1), share)
    with tempfile.TemporaryDirectory(prefix="nianbao-embed-") as tmp:
        embeds = render_chart_images(charts, Path(tmp), "png", report, 0.05 + share * (1 + len(extra)), share,
                                     embeds=True)
        report(0.05 + IMAGE_SHARE, "生成演示文稿（PPTX）")
        files = {"pptx": write_deck(data, charts, embeds, out_dir / f"{stem}.pptx")}
        report(0.87, "生成会议材料（Word）")
        files["docx"] = write_brief(data, charts, embeds, out_dir / f"{stem}.docx")
    report(0.95, "生成数据表（Excel）")
    files["xlsx"] = write_workbook(data, charts, out_dir / f"{stem}.xlsx")
    files["images"] = folder
    report(1.0, f"完成（{time.perf_counter() - t0:.1f} 秒）")
    return files
