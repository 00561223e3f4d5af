"""导入: upload several report files at once; each is read and checked, then stored, with a result per file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.pages import common as c
from dashboard.store.prepare import prepare_file

STATUS_ZH = {"ingested": "已导入", "superseded": "已导入（替换旧版）", "unchanged": "未变化（已存在）", "failed": "失败"}
ACCEPTED = ["pdf", "docx", "html", "htm", "md", "txt"]


def ingest_uploads(files: list) -> pd.DataFrame:
    """Save the uploads to a temporary folder, read and check each (with progress), store them in one write."""
    bar = st.progress(0.0, text="正在读取和核对……")
    with tempfile.TemporaryDirectory(prefix="nianbao-upload-") as tmp:
        prepared = []
        for i, up in enumerate(files, start=1):
            path = Path(tmp) / Path(up.name).name
            path.write_bytes(up.getvalue())
            prepared.append(prepare_file(path))
            bar.progress(i / (len(files) + 1), text=f"已读取 {i}/{len(files)}：{up.name}")
        bar.progress(len(files) / (len(files) + 1), text="正在写入数据库……")
        readable = [p for p in prepared if p.ok]
        summary = auth.guarded_ingest(auth.current_user(), readable, db=Path(c.db_version()[0])) if readable else None
    bar.progress(1.0, text="完成")
    outcomes = {o.source: o for o in (summary.outcomes if summary else [])}
    rows = []
    for p in prepared:
        o = outcomes.get(p.source_name)
        if not p.ok or o is None:
            rows.append({"文件": p.source_name, "结果": "失败", "单位": "", "年度": None, "核对问题": None,
                         "原因": p.error_zh or "未写入数据库"})
        else:
            rows.append({"文件": p.source_name, "结果": STATUS_ZH.get(o.status, o.status), "单位": o.agency or "",
                         "年度": o.year, "核对问题": o.findings, "原因": o.reason_zh})
    return pd.DataFrame(rows)


def main() -> None:
    """Render the page."""
    st.title("导入报告")
    st.write("可一次选择多个文件（PDF、Word、网页、文本）。每个文件会被读取、核对并存入数据库；"
             "同一单位同一年度的新文件会替换旧版，旧版保留在版本记录中。")
    files = st.file_uploader("选择报告文件", type=ACCEPTED, accept_multiple_files=True, key="w_upload")
    if files and st.button(f"导入 {len(files)} 个文件", type="primary"):
        result = ingest_uploads(files)
        st.session_state["upload_result"] = result
    result = st.session_state.get("upload_result")
    if result is not None:
        counts = result["结果"].value_counts()
        st.success("；".join(f"{k} {v} 个" for k, v in counts.items()))
        st.dataframe(result, hide_index=True, width="stretch")


main()
