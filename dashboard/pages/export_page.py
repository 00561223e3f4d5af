"""导出会议材料: build the meeting pack (PPTX, Word, Excel, chart images) for a year and a set of agencies."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import streamlit as st

from dashboard.export import build_pack, cjk_font_warning
from dashboard.export.data import EmptyPackError, PackScope
from dashboard.export.images import FORMATS, RenderError
from dashboard.pages import common as c
from dashboard.settings import db_path

MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip",
        "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
LABEL = {"pptx": "下载演示文稿（PPTX）", "docx": "下载会议材料（Word）", "xlsx": "下载数据表（Excel）"}


def exports_dir() -> Path:
    """Where packs are written: an `exports` folder beside the database (data/exports by default)."""
    return db_path().parent / "exports"


def _zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    return buf.getvalue()


ALL_REGIONS = "全部地区"


def _chosen_scope() -> tuple[PackScope, str]:
    """Region → 单位类型 → 单位, as the pack's scope, and how the button names it."""
    table = c.agencies()
    table = table[table["reports"] > 0]
    regions = sorted({str(r) for r in table["region"].dropna() if str(r)})
    region = st.selectbox("地区", [ALL_REGIONS, *regions], key="export_region")
    if region != ALL_REGIONS:
        table = table[table["region"] == region]
    kinds = c.pick_kinds(key="export_kind")
    if kinds:
        table = table[table["kind"].isin(kinds)]
    picked = c.pick_agencies(table, key="export_agencies", placeholder="所选范围的全部单位")
    scope = PackScope(region=None if region == ALL_REGIONS else region, kinds=tuple(kinds) if kinds else None,
                      agency_ids=tuple(picked) if picked else None)
    label = f"{len(picked)} 个单位" if picked else (region if region != ALL_REGIONS else "全部单位") + \
        ("（" + "、".join(kinds) + "）" if kinds else "")
    return scope, label


def _build(year: int, scope: PackScope, formats: tuple[str, ...]) -> None:
    out = exports_dir() / datetime.now().strftime("%Y%m%d-%H%M%S")
    bar = st.progress(0.0, text="准备中……")
    try:
        files = build_pack(year, None, db_path(), out, progress=lambda f, m: bar.progress(min(f, 1.0), text=m),
                           formats=formats, scope=scope)
    except EmptyPackError as exc:
        bar.empty()
        st.session_state.pop("export_files", None)
        st.warning(f"未生成：{exc.reason_zh}。", icon=":material/info:")
        return
    except RenderError as exc:
        bar.empty()
        st.error(f"生成失败：{exc}")
        return
    st.session_state["export_files"] = {k: str(v) for k, v in files.items()}


def _offer(files: dict[str, str]) -> None:
    st.success(f"已生成，文件保存在 {Path(files['pptx']).parent}")
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
    available = c.years()
    if not available:
        c.no_data()
    left, right = st.columns([1, 3])
    with left:
        year = c.pick_year(available, key="export_year")
    with right:
        scope, label = _chosen_scope()
    extra = st.multiselect("图表另存格式（PNG 总会生成）", [f for f in FORMATS if f != "png"], default=[],
                           format_func=str.upper, key="export_formats", placeholder="不另存")
    include = st.toggle("含存疑数值", value=False, key="export_suspect",
                        help="默认不把被核对规则标为错误的数值计入合计；打开后计入。")
    if st.button(f"生成 {year} 年会议材料（{label}）", type="primary"):
        _build(year, PackScope(scope.region, scope.kinds, scope.agency_ids, include), ("png", *extra))
    files = st.session_state.get("export_files")
    if files and all(Path(p).exists() for p in files.values()):
        _offer(files)
    st.caption("提示：第一次生成需启动浏览器渲染图片，约需半分钟；之后同一数据再次生成只需数秒。")


main()
