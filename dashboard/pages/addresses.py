"""An address that names no page (a mistyped link, an old bookmark, "/overview" for 总览) answered in Chinese.

Streamlit answers such an address with an English notice ("Page not found … Running the app's main page") over the
main page. Before the navigation is built, the app asks which page name the browser asked for; when no page has it,
a hidden page is registered under that very name, which says so in Chinese and links to 总览. "/overview", the
name 总览 would have if it were not the main page, opens 总览 itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

MAIN_URL = "overview"  # what a reader types for 总览
MAIN_INTERNAL_URL = "__main__"  # the main page's own name: it is served at "/", and this name never is typed
NAME_SHOWN = 200  # characters of the unknown address shown back


def requested_name() -> str | None:
    """The page name in the address the browser opened (the path after the app's root), None when the page was
    chosen another way (the menu, a rerun) or Streamlit does not say."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        manager = getattr(get_script_run_ctx(), "pages_manager", None)
    except Exception:  # noqa: BLE001 — an internal of Streamlit: without it, Streamlit's own answer stands
        return None
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = getattr(manager, "intended_page_name", None)
    return name if isinstance(name, str) and name else None


def unknown_address_pages(pages: list[st.Page], main_file: Path, name: str | None = None) -> list[st.Page]:
    """Hidden pages for the address asked for when no page has it: 总览 again under "overview", else a page that
    says the address names no page. Empty when the address is known or cannot be a page's name."""
    name = requested_name() if name is None else name
    known = {p.url_path for p in pages} | {MAIN_INTERNAL_URL}
    if not name or name in known or "/" in name or not name.strip():
        return []
    main = next((p for p in pages if p.url_path == ""), pages[0])  # the main page is served at "/"
    if name == MAIN_URL:
        return [st.Page(main_file, title=main.title, icon=main.icon, url_path=MAIN_URL, visibility="hidden")]
    try:
        return [st.Page(_not_found(name, main), title="页面不存在", icon=":material/help:", url_path=name,
                        visibility="hidden")]
    except Exception:  # noqa: BLE001 — a name Streamlit will not take as a page's: its own notice stands
        return []


def _not_found(name: str, main: st.Page) -> Callable[[], None]:
    def show() -> None:
        st.title("页面不存在")
        shown = name if len(name) <= NAME_SHOWN else name[:NAME_SHOWN] + "……"
        st.write("本系统没有这个地址的页面：")
        st.code(shown, language=None)  # the address as text: never Markdown or HTML
        st.write("地址可能输错了，或是旧版本的链接。请从左侧菜单进入，或：")
        st.page_link(main, label=f"打开{main.title}", icon=main.icon)

    return show
