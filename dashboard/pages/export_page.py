"""导出会议材料: build the meeting pack (PPTX, Word, Excel, chart images) for a year and a set of agencies."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import streamlit as st

from dashboard.errors import ReportError
from dashboard.export import build_pack, cjk_font_warning
from dashboard.export.data import EmptyPackError, PackScope
from dashboard.export.images import FORMATS, RenderError
from dashboard.pages import common as c
from dashboard.pages import login
from dashboard.pages.scope_bar import view
from dashboard.review import audit, read_only
from dashboard.store.location import db_path
from dashboard.text import md_literal

MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip",
        "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
LABEL = {"pptx": "下载演示文稿（PPTX）", "docx": "下载会议材料（Word）", "xlsx": "下载数据表（Excel）"}


def exports_dir() -> Path:
    """Where packs are written: an `exports` folder beside the database (data/exports by default); while the
    database's folder cannot be written (dashboard/review/read_only.py), a folder in the system's temporary directory."""
    if read_only.active():
        return Path(tempfile.gettempdir()) / "nianbao-exports"
    return db_path().parent / "exports"


def _zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    return buf.getvalue()


def _build(year: int, scope: PackScope, formats: tuple[str, ...]) -> None:
    out = exports_dir() / datetime.now().strftime("%Y%m%d-%H%M%S")
    bar = st.progress(0.0, text="准备中……")
    try:
        files = build_pack(year, None, db_path(), out, progress=lambda f, m: bar.progress(min(f, 1.0), text=m),
                           formats=formats, scope=scope)
    except EmptyPackError as exc:
        bar.empty()
        st.session_state.pop("export_files", None)
        st.warning(f"未生成：{md_literal(exc.reason_zh)}。", icon=":material/info:")
        return
    except (RenderError, ReportError) as exc:  # a chart that cannot be drawn: said, nothing kept
        bar.empty()
        st.session_state.pop("export_files", None)
        st.error(f"生成失败：{md_literal(getattr(exc, 'reason_zh', None) or exc)}")
        return
    st.session_state["export_files"] = {k: str(v) for k, v in files.items()}
    if not read_only.active():  # a read-only database cannot take the audit row: the export is a read, it goes on
        audit.export_done(getattr(login.current_user(), "name", None), year, list(scope.agency_ids or []) or None,
                          files, db_path())  # audit row


def _offer(files: dict[str, str]) -> None:
    st.success(f"已生成，文件保存在 {md_literal(Path(files['pptx']).parent)}")
    cols = st.columns(4)
    for col, kind in zip(cols, ("pptx", "docx", "xlsx"), strict=False):
        path = Path(files[kind])
        col.download_button(LABEL[kind], data=path.read_bytes(), file_name=path.name, mime=MIME[kind],
                            key=f"dl_{kind}", width="stretch")
    folder = Path(files["images"])
    cols[3].download_button("下载全部图表（PNG，ZIP）", data=_zip_folder(folder), file_name=folder.name + ".zip",
                            mime=MIME["zip"], key="dl_images", width="stretch")
    with st.expander("预览图表，单张下载 PNG（3倍）/ SVG / PDF"):
        for png in sorted(folder.glob("*.png")):
            st.image(str(png), caption=png.stem)
            others = [f for f in FORMATS if f != "png" and png.with_suffix("." + f).exists()]
            row = st.columns(1 + len(others))
            row[0].download_button("PNG", data=png.read_bytes(), file_name=png.name, mime=MIME["png"],
                                   key=f"dl_{png.name}")
            for col, fmt in zip(row[1:], others, strict=True):
                p = png.with_suffix("." + fmt)
                col.download_button(fmt.upper(), data=p.read_bytes(), file_name=p.name, mime=MIME[fmt],
                                    key=f"dl_{p.name}")


def main() -> None:
    """Render the page."""
    st.title("导出会议材料")
    st.caption("为选定年度和单位生成会议用的 PPT 演示文稿、Word 会议材料、Excel 数据表和图表图片；数字与看板一致。")
    warning = cjk_font_warning()
    if warning:
        st.warning(warning)
    v = view()
    if v.year is None:
        c.no_data()
    year = int(v.year)
    scope = PackScope(v.scope.region, v.scope.kinds, v.scope.agency_ids, v.scope.include_suspect)
    st.text(f"范围：{v.label} · {year}年（在左侧“数据范围”中更改）"
            + ("；含存疑数值" if v.scope.include_suspect else "；存疑数值不计入合计"))
    extra = st.multiselect("图表另存格式（PNG 总会生成）", [f for f in FORMATS if f != "png"], default=[],
                           format_func=str.upper, placeholder="不另存（只生成 PNG）", key="export_formats")
    if st.button(f"生成 {year} 年会议材料（{v.label_md}）", type="primary"):
        _build(year, scope, ("png", *extra))
    files = st.session_state.get("export_files")
    if files and all(Path(p).exists() for p in files.values()):
        _offer(files)
    st.caption("提示：第一次生成需启动浏览器渲染图片，约需半分钟；之后同一数据再次生成只需数秒。")


main()
