"""导入: upload several report files at once; each is read in a worker process (never in the server), checked and
stored, with a result per file. Imports queue one at a time, each user sees their place in the line."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.errors import ReportError
from dashboard.ingest import drafts, guarded
from dashboard.ingest.workers import UPLOADS, Limits
from dashboard.limits import refuse_size
from dashboard.pages import common as c
from dashboard.pages import identity_panel, login
from dashboard.pages.collect_panel import collect_panel
from dashboard.text import md_literal

STATUS_ZH = {"ingested": "已导入", "superseded": "已导入（替换旧版）", "unchanged": "未变化（已存在）", "failed": "失败",
             "held": "待核对（未替换当前版本）", "unidentified": "待认定（单位或年度未能确定）"}
BASE_TYPES = ["pdf", "docx", "html", "htm", "md", "txt", "png", "jpg", "jpeg", "tif", "tiff"]  # images: OCR
UPLOAD_WORKERS = 1  # one import at a time and one worker: an upload never takes more than one core from the readers
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def accepted_types() -> tuple[list[str], bool]:
    """The suffixes the uploader takes, and whether .doc/.wps are among them (LibreOffice installed)."""
    office = bool(shutil.which("soffice") or shutil.which("libreoffice"))
    return BASE_TYPES + (["doc", "wps"] if office else []), office


def _save(files: list, folder: Path, refused: dict[str, str]) -> list[tuple[str, Path]]:
    """(name shown, saved path) of each upload: the browser's name without folders or control characters, made
    unique — two uploads of the same name are two files. An upload over the size limit (dashboard/limits.py) is
    not written at all: its reason goes to `refused` under the name shown."""
    out, used = [], set()
    for i, up in enumerate(files):
        name = _UNSAFE.sub("_", Path(str(up.name)).name).strip() or f"文件{i + 1}"
        stem, suffix = Path(name).stem[:100], Path(name).suffix[:10]
        name = f"{stem}{suffix}"
        n = 2
        while name in used:
            name, n = f"{stem}（{n}）{suffix}", n + 1
        used.add(name)
        try:
            refuse_size(name, int(up.size))
        except ReportError as exc:
            refused[str(up.name)] = exc.reason_zh
            continue
        path = folder / name
        path.write_bytes(up.getvalue())
        out.append((str(up.name), path))
    return out


def ingest_uploads(files: list, draft: bool = False) -> pd.DataFrame:
    """Save the uploads, wait for this import's turn, read each in a worker (with progress), store them."""
    status = st.empty()
    bar = st.progress(0.0, text="等待中……")
    ticket = UPLOADS.join()
    try:
        UPLOADS.wait_turn(ticket, lambda ahead: status.info(f"排队中：前面还有 {ahead} 个导入任务，请稍候……"))
        status.empty()
        with tempfile.TemporaryDirectory(prefix="nianbao-upload-") as tmp:
            refused: dict[str, str] = {}
            saved = _save(files, Path(tmp), refused)
            total = len(saved)

            def advance(done: int, _total: int, name: str) -> None:
                bar.progress(done / (total + 1), text=f"已读取 {done}/{total}：{name}")

            store = drafts.guarded_ingest_draft_paths if draft else guarded.guarded_ingest_paths
            summary = store(login.current_user(), [p for _, p in saved], db=Path(c.db_version()[0]),
                            workers=UPLOAD_WORKERS, limits=Limits(), on_file=advance)
    finally:
        UPLOADS.leave(ticket)
    bar.progress(1.0, text="完成")
    outcomes = {o.source: o for o in summary.outcomes}
    rows = [{"文件": shown, "结果": "失败", "单位": "", "年度": "", "核对问题": "", "原因": why}
            for shown, why in refused.items()]
    for shown, path in saved:
        o = outcomes.get(path.name)
        if o is None:
            rows.append({"文件": shown, "结果": "失败", "单位": "", "年度": "", "核对问题": "",
                         "原因": "未写入数据库"})
            continue
        rows.append({"文件": shown, "结果": STATUS_ZH.get(o.status, "失败"), "单位": o.agency or "",
                     "年度": str(o.year) if o.year else "", "核对问题": str(o.findings) if o.status != "failed" else "",
                     "原因": o.reason_zh})
    return pd.DataFrame(rows)


def show_result(result: pd.DataFrame) -> None:
    """Stored files in a success box, held ones as a warning, failures as an error with each reason."""
    failed = result[result["结果"] == "失败"]
    held = result[result["结果"].str.startswith("待核对") | result["结果"].str.startswith("待认定")]
    stored = result[~result.index.isin(failed.index) & ~result.index.isin(held.index)]
    if len(stored):
        counts = stored["结果"].value_counts()
        st.success("；".join(f"{k} {v} 个" for k, v in counts.items()))
    if len(held):
        st.warning(f"{len(held)} 个文件已保存但未成为当前版本（待核对或待认定）：\n\n"
                   + "\n\n".join(f"- {md_literal(r.文件)}：{md_literal(r.原因)}" for r in held.itertuples()))
    if len(failed):
        st.error(f"{len(failed)} 个文件导入失败：\n\n"
                 + "\n\n".join(f"- {md_literal(r.文件)}：{md_literal(r.原因)}" for r in failed.itertuples()))
    st.dataframe(result, hide_index=True, width="stretch")


def main() -> None:
    """Render the page."""
    st.title("导入报告")
    c.require_page_role("upload", "导入")
    types, office = accepted_types()
    st.write("可一次选择多个文件（PDF、Word、网页、文本）。每个文件在独立的读取进程中读取（有内存和时间上限）、"
             "核对并存入数据库；同一单位同一年度的新文件至少与现行版本同样完整、勾稽错误不多于现行版本时替换旧版，否则保存为待核对版本；未能确定单位或年度的报告保存为待认定，由编辑认定。")
    if not office:
        st.caption("本机未安装 LibreOffice，不能导入旧版 .doc / .wps 文件：请先另存为 .docx。")
    files = st.file_uploader("选择报告文件", type=types, accept_multiple_files=True, key="w_upload",
                             help="支持 " + "、".join(f".{t}" for t in types))
    draft = st.checkbox("作为单位报送稿导入（年度审核用：存为草稿版本，不计入总览，在“审核”页审核）", key="w_upload_draft")
    if files and st.button(f"导入 {len(files)} 个文件", type="primary"):
        st.session_state["upload_result"] = ingest_uploads(files, draft)
    result = st.session_state.get("upload_result")
    if result is not None:
        show_result(result)
    identity_panel.pending_panel("up")  # 待认定: assign unit and year (dashboard/pages/identity_panel.py)
    st.divider()
    collect_panel()


main()
