"""What every page shares: cached named queries, the page's own choices (indicator, view) in the URL, chart
display with PNG download. The scope (region, kinds, units, years) is the scope bar's: dashboard/pages/scope_bar.py.

A page's choice reads its starting value from st.query_params and writes the widget's value back, so a view sent as
a link opens as it was. Query results are cached per database version (the file's inode, size and mtime): a new
ingest shows at once, an unchanged file is never read twice for the same question.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts
from dashboard.catalogue import labels
from dashboard.queries import indicator_params, run_query
from dashboard.store.location import db_path
from dashboard.text import ascii_int


def rule_name(code: str) -> str:
    """The Chinese name of a check rule (the one catalogue: dashboard/catalogue/labels.py)."""
    return labels.rule_name(code)




def db_version() -> tuple[str, int, int]:
    """The database file and its modification stamp: the cache key of every query."""
    path = db_path()
    if not path.exists():
        return str(path), 0, 0
    st_ = path.stat()
    return str(path), st_.st_mtime_ns, st_.st_ino


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, version: tuple[str, int, int], params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return run_query(name, db=version[0], **dict(params))


def q(name: str, **params: Any) -> pd.DataFrame:
    """Run a named query through the cache (key: database version and parameters)."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else frozenset(v.items()) if isinstance(v, dict) else v)
                          for k, v in params.items()))
    return _cached(name, db_version(), frozen)


def iq(name: str, indicator: str, **params: Any) -> pd.DataFrame:
    """A named indicator query, the indicator given by its code (components from dashboard/store/indicators.py)."""
    return q(name, **indicator_params(indicator), **params)


def meta() -> dict[str, str]:
    """The settings stored with the data (home_county, as_of)."""
    table = q("app_meta")
    return {str(k): str(v) for k, v in zip(table["key"], table["value"], strict=True)}


def indicator_defs() -> pd.DataFrame:
    """The indicator catalogue (indicator_defs), indexed by code."""
    return q("app_indicator_defs").set_index("indicator")


def years() -> list[int]:
    """Report years in the database, ascending."""
    return [int(y) for y in q("app_years")["year"]]


def agencies() -> pd.DataFrame:
    """Every agency with kind and years of reports."""
    return q("app_agencies")


# ---- filters bound to the URL ----

MAX_PARAM = 200  # a URL value longer than this is not a value the app wrote


def url_text(key: str) -> str | None:
    """A URL parameter as text, or None when absent, empty or implausibly long."""
    value = st.query_params.get(key)
    if value is None or value == "" or len(value) > MAX_PARAM:
        return None
    return value


def url_int(raw: str | None) -> int | None:
    """An integer written with ASCII digits only ('²', '①', '-1', '1e3' are not numbers here): dashboard.text."""
    return ascii_int(raw)


def set_url(key: str, value: str | None) -> None:
    """Write a choice into the URL (removed when empty), so a link reopens the same view."""
    if value in (None, ""):
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def pick_indicator(defs: pd.DataFrame, key: str = "indicator", default: str = "applications_new",
                   label: str = "指标") -> str:
    """One indicator by code (URL ?indicator=granted), shown by its Chinese name."""
    codes = list(defs.index)
    wanted = url_text(key)
    chosen = wanted if wanted in codes else (default if default in codes else codes[0])
    value = st.selectbox(label, codes, index=codes.index(chosen), format_func=lambda c: str(defs.loc[c, "name_zh"]),
                         key=f"w_{key}")
    set_url(key, value)
    return str(value)


def pick_choice(options: dict[str, str], key: str, label: str, default: str) -> str:
    """One of a few named options (URL ?view=heatmap), shown by label."""
    codes = list(options)
    wanted = url_text(key)
    chosen = wanted if wanted in codes else default
    value = st.radio(label, codes, index=codes.index(chosen), format_func=options.get, horizontal=True, key=f"w_{key}")
    set_url(key, value)
    return str(value)


# ---- display ----

def explain_indicator(defs: pd.DataFrame, code: str) -> None:
    """The indicator's definition and, where the format changed, its series note."""
    row = defs.loc[code]
    unit = "" if row["unit"] in ("比率",) else f"（单位：{row['unit']}）"
    st.caption(f"**{row['name_zh']}**{unit}：{row['definition_zh']}")
    if row.get("series_note_zh"):
        st.caption(f"⚠ 口径说明：{row['series_note_zh']}")


def show_chart(fig: go.Figure, key: str) -> None:
    """Show a figure and offer it as a 3× PNG with a Chinese file name (rendered only when clicked)."""
    st.plotly_chart(fig, width="stretch", theme=None, key=f"chart_{key}", config=charts.PLOTLY_CONFIG)
    title = fig.layout.title.text or "图表"
    st.download_button("下载图片（PNG）", data=lambda: charts.to_png(fig), file_name=charts.png_file_name(title),
                       mime="image/png", key=f"png_{key}")


def presenting() -> bool:
    """True in 投影模式 (the scope bar's switch): charts with projector-sized text, controls hidden."""
    return bool(st.session_state.get("scope_present"))


def format_value(value: Any, unit: str) -> str:
    """A number as a meeting reads it: 1,234 件 / 56.7% / — when there is none."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "比率":
        return f"{float(value):.1%}"
    if unit in ("万元", "按原件"):
        return f"{float(value):,.2f}"
    return f"{float(value):,.0f}"


def not_due_note(v: Any, year: int | None = None) -> str | None:
    """'尚未到期（截止 2026年1月31日）；已收到 0 份' when the year's deadline has not passed for the scope (the year
    of the scope bar unless given), else None: a year not yet due is never read as a fall."""
    from dashboard import scope as sc

    year = int(year if year is not None else v.year)
    row = q("coverage_by_year", **v.filters(), year_from=year, year_to=year, due_through=v.due)
    if row.empty or bool(row["due"].iloc[0]):
        return None
    kinds = sc.kinds_in_scope(agencies(), v.scope)
    return labels.not_due_text(sc.deadline_text(year, kinds), int(row["received"].iloc[0]))


def require_page_role(page: str, title: str) -> None:
    """Stop a page the user's role may not open, saying why (a link or a typed address reaches it; the menu hides
    it). The writes refuse again on their own (dashboard/review/users.py)."""
    from dashboard.pages import login
    from dashboard.review.users import allows

    role = login.PAGE_ROLE.get(page, "查看")
    user = login.current_user()
    if not allows(user, role):
        st.warning(labels.forbidden_page_text(title, role, user.name if user else None, user.role if user else None))
        st.stop()


def no_data(message: str = "数据库中还没有报告。请在“导入”页上传报告文件。") -> None:
    """The empty-state message, then stop the page."""
    st.info(message)
    st.stop()


def link_to(page: str, label: str, container: Any = None, icon: str | None = None) -> None:
    """A link to another page of the app (a page file run on its own, as in AppTest, names the page instead)."""
    from streamlit.errors import StreamlitPageNotFoundError

    target = container or st
    try:
        target.page_link(f"pages/{page}.py", label=label, icon=icon)
    except StreamlitPageNotFoundError:
        target.caption(f"{label}（见左侧导航）")
