"""The source as the reader saw it (a stored PDF's page or table as an image, or the table as read, and the text
before it): the left side of the 校对 page and of a unit on the 审核 page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.pages import common as c
from dashboard.store.originals import read_source as stored_source
from dashboard.store.source_view import pdf_page_png, pdf_table_png, read_source
from dashboard.store.sources import SourceError
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


def show_source(report_id: int, tbl: str, key: str = "w_pr") -> None:
    """Left side: the PDF page of the table as an image, or the table as read; the text just before it."""
    view, data = _source(report_id, c.db_version())
    if view is None:
        st.info("没有保存原件（手工录入或未随报告保存文件）。")
        return
    if view.error:
        st.warning(f"原件无法读取：{md_literal(view.error)}")
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
