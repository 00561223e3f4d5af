"""Which address gets a page of its own: only one no page has, and one Streamlit can take as a page's name.
(The browser test, tests/test_e2e_browser.py, opens such addresses in Chromium.)"""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def _pages_for(names: list[str]) -> None:
    """In a script run (st.Page needs one): the pages unknown_address_pages adds for each name, as JSON."""
    import json
    from pathlib import Path

    import streamlit as st

    from dashboard.pages.addresses import MAIN_INTERNAL_URL, unknown_address_pages

    pages_dir = Path(__import__("dashboard").__file__).parent / "pages"
    pages = [st.Page(pages_dir / "overview.py", title="总览", url_path=MAIN_INTERNAL_URL, default=True),
             st.Page(pages_dir / "trend.py", title="趋势", url_path="trend"),
             st.Page(pages_dir / "audit_log.py", title="操作记录", url_path="audit_log", visibility="hidden")]
    out = {name: [[p.title, p.url_path, p.visibility] for p in unknown_address_pages(pages, pages_dir / "overview.py",
                                                                                     name=name)]
           for name in names}
    st.text(json.dumps(out, ensure_ascii=False))


def added(names: list[str]) -> dict[str, list[list[str]]]:
    at = AppTest.from_function(_pages_for, args=(names,), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return json.loads(at.text[0].value)


def test_overview_typed_in_the_address_opens_the_overview_page_itself() -> None:
    assert added(["overview"]) == {"overview": [["总览", "overview", "hidden"]]}


def test_an_unknown_address_gets_a_hidden_chinese_page_under_its_own_name() -> None:
    names = ["no-such-page", "<img src=x>**粗**:red[x]", "①²\u0007" + "长" * 300]
    assert added(names) == {n: [["页面不存在", n, "hidden"]] for n in names}


def test_known_nested_and_blank_addresses_are_left_to_the_navigation() -> None:
    names = ["trend", "audit_log", "__main__", "a/b", "![](//127.0.0.1:9/p)", "   ", ""]
    assert added(names) == {n: [] for n in names}
