"""The source as the reader saw it (a stored PDF's page or table as an image, or the table as read, and the text
before it): the left side of the 校对 page and of a unit on the 审核 page."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard.pages import common as c
from dashboard.store.originals import read_source as stored_source
from dashboard.store.source_view import pdf_page_png, pdf_table_png, read_source, scan_page_png, scan_tables
from dashboard.store.sources import SourceError, scan_view, store_for
from dashboard.text import md_literal


@st.cache_data(show_spinner="正在读取原件……", max_entries=8)
def _source(report_id: int, version: tuple) -> tuple:
    try:  # the file store (dashboard/store/sources.py), hash checked
        found = stored_source(report_id, version[0])
    except SourceError:
        found = None
    if found is None:
        return None, None
    name, data = found
    return read_source(name, data), data


@st.cache_data(show_spinner=False, max_entries=8)
def _scan_manifest(report_id: int, version: tuple) -> dict | None:
    _view, data = _source(report_id, version)
    if not data:
        return None
    return scan_view(store_for(version[0]), hashlib.sha256(data).hexdigest())


@st.cache_data(show_spinner=False, max_entries=32)
def _scan_png(db: str, png_sha: str, page: dict, table: dict | None) -> bytes | None:
    try:
        return scan_page_png(store_for(db).get(png_sha), page, table)
    except SourceError:
        return None


def show_scan(report_id: int, tbl: str, data: bytes, key: str = "w_pr") -> None:
    """A scanned source: the page images and cell boxes saved at ingest (never OCR in the web server); the table's
    part of its page, the cells the recogniser doubted outlined in red."""
    version = c.db_version()
    manifest = _scan_manifest(report_id, version)
    if manifest is None or not manifest.get("pages"):
        st.info("这份扫描件入库时未保存识别页面（较早导入的版本），重新导入原件后可在此对照各格；下面是原件页面。")
        if data.startswith(b"%PDF"):
            from dashboard.store.source_view import pdf_page_count

            n = pdf_page_count(data)
            page = int(st.number_input("页码", 1, max(n, 1), 1, key=f"{key}_page_{tbl}")) - 1
            st.image(pdf_page_png(data, page), caption=f"原件第 {page + 1} 页（共 {n} 页）", width="stretch")
        else:
            st.image(data, caption="原件", width="stretch")
        return
    pages = manifest["pages"]
    table = scan_tables(manifest).get(tbl)
    numbers = [int(p["page"]) for p in pages]
    start = numbers.index(int(table["page"])) if table and int(table["page"]) in numbers else 0
    cols = st.columns([1, 1])
    at = int(cols[0].number_input("页码", 1, len(pages), start + 1, key=f"{key}_page_{tbl}")) - 1
    whole = cols[1].toggle("显示整页", key=f"{key}_whole_{tbl}")
    page = pages[at]
    shown = table if table and not whole and int(table["page"]) == int(page["page"]) else None
    image = _scan_png(version[0], page["png"], page, shown) if page.get("png") else None
    if image is None:
        st.warning("识别页面图像缺失或已被改动，无法显示。")
        return
    where = "（表格所在部分；红框为识别时不确定的格）" if shown else ""
    st.image(image, caption=f"扫描件第 {page['page']} 页{where}（共 {len(pages)} 页，识别时所见）", width="stretch")


def show_source(report_id: int, tbl: str, key: str = "w_pr") -> None:
    """Left side: the PDF page of the table as an image, or the table as read; the text just before it."""
    view, data = _source(report_id, c.db_version())
    if view is None:
        st.info("没有保存原件（手工录入或未随报告保存文件）。")
        return
    if view.error:
        st.warning(f"原件无法读取：{md_literal(view.error)}")
        return
    if view.format == "scan" and data:
        show_scan(report_id, tbl, data, key)
        return
    if view.format == "pdf" and data:
        table_page = view.table_pages.get(tbl, 0)
        cols = st.columns([1, 1])
        page = int(cols[0].number_input("页码", 1, max(view.pages, 1), table_page + 1, key=f"{key}_page_{tbl}")) - 1
        whole = cols[1].toggle("显示整页", key=f"{key}_whole_{tbl}")
        image, cropped = (pdf_page_png(data, page), False) if whole or page != table_page else \
            pdf_table_png(data, page, tbl)
        where = "（表格所在部分）" if cropped else ""
        st.image(image, caption=f"原件第 {page + 1} 页{where}（共 {view.pages} 页）", width="stretch")
    elif tbl in view.tables:
        rows = view.tables[tbl]
        width = max((len(r) for r in rows), default=0)
        st.dataframe(pd.DataFrame([r + [""] * (width - len(r)) for r in rows]).astype(str), hide_index=True,
                     width="stretch")
    else:
        st.caption("原件中未找到这张表。")
    if view.context.get(tbl):
        with st.expander("表格前的文字"):
            st.text(view.context[tbl])
