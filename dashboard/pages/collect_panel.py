"""导入 page, second part: collect the units' reports from the portal (编辑), as `nianbao collect` does.

The source list is a CSV (unit,url — or 单位,网址) uploaded or typed; only hosts on the allow-list in
data/settings.toml (collect_allow) are fetched, no script is run, what is new or changed is ingested in worker
processes. The run's rows are shown as a table (text, never Markdown).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.ingest.guarded import guarded_collect
from dashboard.pages import common as c
from dashboard.pages import login
from dashboard.review import users
from dashboard.text import md_literal

COLUMNS = {"unit": "单位", "kind": "类型", "file": "页面或文件", "year": "年度", "published": "发布日期",
           "result": "结果", "note": "说明"}


def _sources(upload: object | None, typed: str) -> list:
    from dashboard.ingest.collect import read_sources

    with tempfile.TemporaryDirectory(prefix="nianbao-sources-") as tmp:
        path = Path(tmp) / "sources.csv"
        if upload is not None:
            path.write_bytes(upload.getvalue())
        else:
            lines = [ln.strip() for ln in typed.splitlines() if ln.strip()]
            if lines and not lines[0].lower().startswith(("unit", "单位")):
                lines.insert(0, "unit,url")
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return read_sources(path)


def result_table(run: object) -> pd.DataFrame:
    """A collect run's rows as the page shows them (Chinese headers and statuses)."""
    from dashboard.ingest.collect import STATUS_ZH

    rows = []
    for r in run.rows:  # type: ignore[attr-defined]
        result = STATUS_ZH.get(r.status, r.status)
        if r.report_id and r.status in ("ingested", "superseded", "unchanged", "held", "unidentified"):
            result += f" #{r.report_id}"
        rows.append({"unit": r.unit, "kind": "页面" if r.kind == "page" else "附件", "file": r.file_name or r.url,
                     "year": str(r.year or ""), "published": r.published.isoformat() if r.published else "",
                     "result": result, "note": r.error_zh or r.note_zh})
    return pd.DataFrame(rows, columns=list(COLUMNS)).rename(columns=COLUMNS)


def collect_panel() -> None:
    """The 从门户网站采集 section of the 导入 page."""
    from dashboard.ingest.collect import SourceListError, collect_policy

    user = login.current_user()
    st.subheader("从门户网站采集")
    policy = collect_policy()
    if not policy.allow:
        st.info("允许采集的网站名单为空：请管理员在 data/settings.toml 中设置 collect_allow = [\"网站主机名\"]。")
        return
    st.caption("只访问允许名单中的网站：" + md_literal("、".join(sorted(policy.allow))) + "。不执行网页脚本；"
               "按内容去重，已入库的文件记为未变化。")
    upload = st.file_uploader("采集清单（CSV：unit,url 或 单位,网址）", type=["csv"], key="w_collect_csv")
    typed = st.text_area("或逐行填写：单位,网址", key="w_collect_text", height=100)
    if st.button("开始采集", key="w_collect_go", disabled=not (upload or typed.strip())):
        try:
            sources = _sources(upload, typed)
        except SourceListError as exc:
            st.error(f"无法采集：{md_literal(exc.reason_zh)}")
            return
        try:
            with st.spinner(f"正在采集 {len(sources)} 个单位的年报……"):
                run = guarded_collect(user, sources, db=c.db_version()[0], policy=policy, workers=1)
        except users.PermissionDenied as exc:
            st.error(str(exc))
            return
        st.session_state["collect_result"] = result_table(run)
        st.session_state["collect_summary"] = run.units_with_report()
    table = st.session_state.get("collect_result")
    if table is not None:
        have, lack = st.session_state.get("collect_summary", ([], []))
        st.write(f"采集到年报的单位 {len(have)}/{len(have) + len(lack)}")
        if lack:
            st.text("未采集到：" + "、".join(lack))
        st.dataframe(table, hide_index=True, width="stretch")
