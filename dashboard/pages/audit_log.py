"""操作记录 (管理): every import, correction, manual entry, finding decision, user change and export, with filters
and a CSV download; and the logins (add, change role or password, remove)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.pages import common as c
from dashboard.pages import login
from dashboard.pages.audit_sentences import sentence
from dashboard.review import audit
from dashboard.review import users as logins
from dashboard.text import md_literal

LIMIT = 2000


def main() -> None:
    """Render the page."""
    st.title("操作记录")
    c.require_page_role("audit_log", "操作记录")
    user = login.current_user()
    facets = c.q("audit_log_facets")
    people = sorted(str(v) for v in facets[facets["kind"] == "who"]["value"])
    actions = list(facets[facets["kind"] == "action"]["value"])
    top = st.columns([2, 2, 3, 3])
    today = dt.date.today()
    span = top[0].date_input("日期", (today - dt.timedelta(days=30), today), key="w_al_dates")
    who = top[1].selectbox("操作人", [None, *people], format_func=lambda v: "全部" if v is None else v, key="w_al_who")
    chosen = top[2].multiselect("操作", actions, format_func=audit.action_label, placeholder="全部操作",
                                key="w_al_actions")
    text = top[3].text_input("包含文字（对象、单位、格…）", key="w_al_text")
    start, end = (span if isinstance(span, tuple) and len(span) == 2 else (span, span)) if span else (None, None)
    rows = c.q("audit_log_list", date_from=str(start) if start else None, date_to=str(end) if end else None,
               who=who, actions=chosen or None, text=text.strip() or None, limit=LIMIT)
    if rows.empty:
        st.info("所选范围内没有操作记录。")
        users(user)
        return
    names = c.q("audit_report_names")
    reports = {int(r): (str(n), int(y)) for r, n, y in zip(names["report_id"], names["short_name"], names["year"],
                                                            strict=True)}
    shown = pd.DataFrame({"时间": rows["at"].astype(str).str[:19], "操作人": rows["who"],
                          "操作": rows["action"].map(audit.action_label),
                          "经过": [sentence(str(w), str(a), d, reports)
                                 for w, a, d in zip(rows["who"], rows["action"], rows["details"], strict=True)]})
    st.caption(f"共 {len(shown)} 条" + (f"（只列出最近 {LIMIT} 条）" if len(shown) == LIMIT else ""))
    st.dataframe(shown, hide_index=True, width="stretch")
    with st.expander("详情（原始记录，供管理员核查）"):
        st.dataframe(pd.DataFrame({"时间": rows["at"].astype(str).str[:19], "操作人": rows["who"],
                                   "操作": rows["action"], "原始记录": rows["details"].fillna("")}),
                     hide_index=True, width="stretch")
    st.download_button("下载 CSV", data=shown.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"操作记录_{today:%Y%m%d}.csv", mime="text/csv", key="w_al_csv")
    users(user)


def users(user: logins.User) -> None:
    """The logins, and a form to add one, change its role or password, or remove it (管理 only, checked inside)."""
    st.subheader("用户")
    listed = c.q("auth_users")
    if listed.empty:
        st.caption("还没有用户：看板只在本机（127.0.0.1）以“本机管理员”身份使用。添加用户后需登录。")
    else:
        st.dataframe(pd.DataFrame({"用户名": listed["name"], "角色": listed["role"],
                                   "创建时间": listed["created_at"].astype(str).str[:16]}), hide_index=True)
    with st.form("al_user"):
        cols = st.columns([2, 1, 2, 2])
        name = cols[0].text_input("用户名", key="w_al_user_name")
        role = cols[1].selectbox("角色", list(logins.ROLES), key="w_al_user_role",
                                 format_func=lambda r: f"{r}（{logins.ROLE_NOTE[r]}）")
        password = cols[2].text_input(f"密码（至少 {logins.MIN_PASSWORD} 位）", type="password", key="w_al_user_pw")
        action = cols[3].radio("操作", ["新增", "修改角色/密码", "删除"], horizontal=True, key="w_al_user_action")
        ok = st.form_submit_button("执行")
    if not ok:
        return
    try:
        if action == "新增":
            logins.add_user(user, name, role, password, db=c.db_version()[0])
        elif action == "删除":
            logins.remove_user(user, name.strip(), db=c.db_version()[0])
        else:
            logins.set_password(user, name.strip(), password or None, role, db=c.db_version()[0])
    except (logins.AuthError, logins.PermissionDenied) as exc:
        st.error(str(exc))
        return
    st.success(f"已{action}：{md_literal(name)}")


main()
