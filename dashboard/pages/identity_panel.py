"""待认定: the reports whose unit or year could not be settled, listed on 导入 and 校对; an 编辑 assigns both from
the registry (candidates first, a search box), the assignment is audited and the supersede rules then apply."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.ingest import guarded
from dashboard.ingest.settle import SettleError
from dashboard.pages import common as c
from dashboard.pages import login
from dashboard.registry import Registry
from dashboard.review import users

OUTCOME_ZH = {"ingested": "已成为当前版本", "superseded": "已成为当前版本（替换原现行版本）",
              "held": "已归入该单位，但未替换现行版本（待核对）"}
MAX_LISTED = 50


def candidates(raw: object) -> list[dict]:
    """The candidates the reader found (agency, year, why not taken), from the stored record's JSON."""
    try:
        found = json.loads(str(raw)) if raw else []
    except (TypeError, ValueError):
        return []
    return [x for x in found if isinstance(x, dict)] if isinstance(found, list) else []


def agency_options(found: list[dict], registry: Registry) -> list[str]:
    """Registry names, the candidates that are registry names first."""
    names = [a.name for a in registry.agencies]
    first = [str(x.get("agency")) for x in found if x.get("agency") in names]
    return list(dict.fromkeys([*first, *sorted(names)]))


def _default_year(row: pd.Series, found: list[dict]) -> int:
    for y in [row["year"], *[x.get("year") for x in found]]:
        if isinstance(y, int | float) and y == y and 2000 <= int(y) <= 2100:
            return int(y)
    return date.today().year - 1


def _assign_form(row: pd.Series, found: list[dict], registry: Registry, user: users.User, prefix: str) -> None:
    rid = int(row["report_id"])
    options = agency_options(found, registry)
    with st.form(f"{prefix}_assign_{rid}"):
        agency = st.selectbox("单位（可输入文字搜索）", options, index=0 if options else None,
                              key=f"w_{prefix}_agency_{rid}", placeholder="选择名录中的单位")
        year = st.number_input("年度", 2000, 2100, _default_year(row, found), step=1, key=f"w_{prefix}_year_{rid}")
        if st.form_submit_button("认定单位和年度", type="primary"):
            try:
                out = guarded.guarded_assign_identity(user, rid, str(agency or ""), int(year), db=c.db_version()[0])
            except (SettleError, users.PermissionDenied) as exc:
                st.error(str(exc))
                return
            text = f"报告 #{rid} 已认定为 {out.agency} {out.year} 年度：{OUTCOME_ZH.get(out.status, out.status)}"
            st.session_state[f"{prefix}_identity_done"] = text + (f"（{out.reason_zh}）" if out.reason_zh else "")
            st.rerun()


def pending_panel(prefix: str) -> int:
    """List the 待认定 reports (with an assignment form for 编辑); returns how many there are."""
    if msg := st.session_state.pop(f"{prefix}_identity_done", None):
        st.success(msg)
    pending = c.q("identity_pending")
    if pending.empty:
        return 0
    user = login.current_user()
    editable = users.allows(user, "编辑")
    registry = Registry.load()
    st.subheader(f"待认定的报告（{len(pending)} 份）")
    st.caption("这些报告已保存，但未能确定所属单位或年度：不算作任何单位的报告，不计入统计。"
               + ("请逐份认定单位和年度；认定后按替换规则成为当前版本或待核对版本，并记入操作记录。" if editable
                  else "认定需要「编辑」角色。"))
    for row in pending.head(MAX_LISTED).itertuples(index=False):
        s = pd.Series(row._asdict())
        found = candidates(s["candidates_json"])
        with st.expander(f"#{int(s['report_id'])} · {s['source_name']} · 读出 {int(s['figures'])} 项数据"):
            st.text(str(s["held_reason"]))  # a file name or printed name inside is text, never Markdown
            if found:
                st.dataframe(pd.DataFrame({
                    "候选单位": [str(x.get("agency") or "（无）") for x in found],
                    "年度": [str(x.get("year")) if x.get("year") else "" for x in found],
                    "未采用的原因": [str(x.get("why_zh") or "") for x in found]}), hide_index=True, width="stretch")
            if editable:
                _assign_form(s, found, registry, user, prefix)
    if len(pending) > MAX_LISTED:
        st.caption(f"另有 {len(pending) - MAX_LISTED} 份未列出，可用命令 nianbao assign 认定。")
    return len(pending)
