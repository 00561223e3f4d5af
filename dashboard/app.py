"""The Streamlit dashboard: `nianbao serve` runs `streamlit run dashboard/app.py` (database from NIANBAO_DB)."""

from __future__ import annotations

import base64
import logging
import sys
import uuid
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project
    sys.path.insert(0, str(ROOT))

from dashboard.pages import login  # noqa: E402  (after the path fix above)
from dashboard.pages.addresses import MAIN_INTERNAL_URL, MAIN_URL, unknown_address_pages  # noqa: E402
from dashboard.review import users  # noqa: E402  (after the path fix above)

PAGES_DIR = Path(__file__).resolve().parent / "pages"
# A local file, sent inline as a data: URL: a :material/…: page icon makes every browser fetch its SVG from the
# internet, and a file path is served under /media/, which the login door (web_guard) closes before a login.
ICON = Path(__file__).resolve().parent / "assets" / "icon.png"
ICON_URL = "data:image/png;base64," + base64.b64encode(ICON.read_bytes()).decode("ascii")
PAGES = [
    ("overview.py", "总览", ":material/dashboard:", "overview"),
    ("trend.py", "趋势", ":material/show_chart:", "trend"),
    ("compare.py", "对比", ":material/leaderboard:", "compare"),
    ("detail.py", "单位详情", ":material/description:", "detail"),
    ("quality.py", "数据质量", ":material/fact_check:", "quality"),
    ("upload.py", "导入", ":material/upload_file:", "upload"),
    ("export_page.py", "导出", ":material/download:", "export"),  # the export helper's page (dashboard/export)
    ("proofread.py", "校对", ":material/edit_note:", "proofread"),
    ("review_round.py", "审核", ":material/rule:", "review_round"),
    ("manual_entry.py", "手工录入", ":material/keyboard:", "manual_entry"),
    ("audit_log.py", "操作记录", ":material/history:", "audit_log"),
]


LOG = logging.getLogger("nianbao.app")


def main() -> None:
    """Set up the page, ask for a login where one is needed, draw the scope bar every page shares, run the page."""
    st.set_page_config(page_title="政府信息公开年报", page_icon=ICON_URL, layout="wide")
    user = login.read_only_cap(login.require_login())  # login form until signed in; the local 管理 on 127.0.0.1 without
    if st.session_state.get("auth"):  # users; 查看 at most while the database cannot be written
        st.session_state["auth"]["user"] = user
    allowed = login.allowed_pages(PAGES, user)
    # A page the role may not open stays reachable by its address, hidden from the menu: it says why it does not
    # open (dashboard/pages/common.require_page_role) instead of landing on 总览 without a word.
    # 总览 is the main page, served at "/" (its own name is never typed; "/overview" opens it too: addresses.py)
    pages = [st.Page(PAGES_DIR / f, title=t, icon=i, url_path=MAIN_INTERNAL_URL if u == MAIN_URL else u,
                     default=(u == MAIN_URL), visibility="visible" if (f, t, i, u) in allowed else "hidden")
             for f, t, i, u in PAGES]
    # an address no page has is answered in Chinese, not by Streamlit's English "Page not found"
    nav = st.navigation(pages + unknown_address_pages(pages, PAGES_DIR / "overview.py"))
    st.sidebar.caption("政府信息公开工作年度报告 · 统计与核对")
    login.sidebar_account(user)
    login.read_only_note()
    guarded(lambda: _scope_and_page(nav))


def _scope_and_page(nav: st.navigation) -> None:  # type: ignore[valid-type]
    from dashboard.pages.scope_bar import scope_bar
    from dashboard.pages.style import inject_style

    view = scope_bar()
    inject_style(present=bool(st.session_state.get("scope_present")))
    st.session_state["_view"] = view
    st.session_state["_view_from_app"] = True
    _simulated_note()
    for notice in view.notices:
        st.warning(notice, icon=":material/link_off:")
    nav.run()


def guarded(run) -> None:  # noqa: ANN001
    """Run a page; an unexpected error shows a Chinese message and an error id, the traceback goes to the log.

    st.stop / st.rerun are BaseExceptions and pass through.
    """
    try:
        run()
    except users.PermissionDenied as exc:  # refused inside the write: say so, it is not an error of the app
        st.error(str(exc))
    except Exception as exc:
        from dashboard.store.faults import store_fault

        if (fault := store_fault(exc)) is not None:  # the database or its file store: say which and what to do
            LOG.exception("store fault")
            st.error(fault)
            return
        error_id = uuid.uuid4().hex[:8]
        LOG.exception("page error %s", error_id)
        st.error(f"页面出现内部错误，已记录（错误编号 {error_id}）。请刷新页面或调整数据范围后重试；"
                 "如仍出现，请将错误编号告知系统管理员。")


def _simulated_note() -> None:
    # The demo mixes real reports with a simulated county; nobody should take its numbers for real ones.
    from dashboard.pages import common

    agencies = common.agencies()
    sim = agencies[agencies["simulated"].astype(bool) & (agencies["reports"] > 0)]
    if not sim.empty:
        regions = "、".join(sorted({str(r) for r in sim["region"].dropna()})) or "示例县"
        st.sidebar.warning(f"演示数据：{regions}的 {len(sim)} 个单位为模拟单位，其报告由程序生成，"
                           "不是真实数据；其余为真实发布的报告。", icon=":material/science:")


main()
