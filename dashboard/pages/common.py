"""What every page shares: cached named queries, filters that live in the URL, chart display with PNG download.

A filter reads its starting value from st.query_params and writes the widget's value back, so a view sent as a
link opens as it was. Query results are cached per database version (the file's inode, size and mtime): a new
ingest shows at once, an unchanged file is never read twice for the same question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts
from dashboard.queries import indicator_params, run_query
from dashboard.settings import db_path

KINDS = ["乡", "镇", "街道", "部门", "政府"]
# Reader-facing names of the check rules (codes of dashboard/checks); a code without a name is shown as it is.
RULE_ZH = {
    "R1": "结转平衡（收+结转=办结+结转下年）", "R2": "申请人合计", "R3": "办理结果合计", "R4": "复议诉讼合计",
    "R5": "数值范围", "X1": "与上年结转衔接", "X2": "现行有效件数衔接", "X3": "上年项目数衔接",
    "VERSION_YEAR": "格式版本与年度不符", "HYBRID": "新旧格式混用", "SECTION_MISSING": "缺少章节",
    "BLANK_TOTAL": "总计栏空白", "UNIT": "金额单位存疑", "TEXT_TABLE": "正文数字与表格不符", "SAME_TEXT": "内容与上年雷同",
    "UNKNOWN_AGENCY": "单位不在名录中", "PARSE": "读取时需核对", "CORRECTION_STALE": "人工更正待复核",
}


def rule_name(code: str) -> str:
    """The Chinese name of a check rule."""
    return RULE_ZH.get(str(code), str(code))
ALL_KINDS_LABEL = "全部类型"


def db_version() -> tuple[str, int, int]:
    """The database file and its modification stamp: the cache key of every query."""
    path = db_path()
    if not path.exists():
        return str(path), 0, 0
    st_ = path.stat()
    return str(path), st_.st_mtime_ns, st_.st_ino


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, version: tuple[str, int, int], params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return run_query(name, db=version[0], **{k: (list(v) if isinstance(v, tuple) else v) for k, v in params})


def q(name: str, **params: Any) -> pd.DataFrame:
    """Run a named query through the cache (key: database version and parameters)."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _cached(name, db_version(), frozen)


def iq(name: str, indicator: str, **params: Any) -> pd.DataFrame:
    """A named indicator query, the indicator given by its code (components from dashboard/store/indicators.py)."""
    return q(name, **indicator_params(indicator), **params)


def indicator_defs() -> pd.DataFrame:
    """The indicator catalogue (indicator_defs), indexed by code."""
    return q("app_indicator_defs").set_index("indicator")


def years() -> list[int]:
    """Report years in the database, ascending."""
    return [int(y) for y in q("app_years")["year"]]


def default_year() -> int | None:
    """The latest year with at least half as many reports as the fullest year — not a year whose reports are
    still arriving (in January the new year has a handful) nor one stray late report."""
    counts = q("app_years")
    if counts.empty:
        return None
    full = counts["reports"].max()
    return int(counts[counts["reports"] >= full / 2]["year"].max())


def agencies() -> pd.DataFrame:
    """Every agency with kind and years of reports."""
    return q("app_agencies")


# ---- filters bound to the URL ----

def _param(key: str) -> str | None:
    value = st.query_params.get(key)
    return value if value not in (None, "") else None


def _set_param(key: str, value: str | None) -> None:
    if value in (None, ""):
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def pick_year(available: Sequence[int], key: str = "year", label: str = "年度") -> int:
    """One year (URL ?year=2023); default the latest year most agencies have reported."""
    options = list(available)
    wanted = _param(key)
    fallback = default_year()
    fallback = fallback if fallback in options else options[-1]
    default = int(wanted) if wanted and wanted.isdigit() and int(wanted) in options else fallback
    value = st.selectbox(label, options, index=options.index(default), format_func=lambda y: f"{y}年", key=f"w_{key}")
    _set_param(key, str(value))
    return int(value)


def pick_years(available: Sequence[int], key: str = "years", label: str = "年度范围") -> tuple[int, int]:
    """A range of years (URL ?years=2019-2024); default all."""
    lo, hi = min(available), max(available)
    wanted = _param(key) or ""
    parts = wanted.split("-")
    try:
        start, end = (int(parts[0]), int(parts[-1])) if wanted else (lo, hi)
    except ValueError:
        start, end = lo, hi
    start, end = max(lo, min(start, hi)), min(hi, max(end, lo))
    if lo == hi:
        st.caption(f"{label}：{lo}年")
        value = (lo, hi)
    else:
        value = st.slider(label, lo, hi, (min(start, end), max(start, end)), format="%d年", key=f"w_{key}")
    _set_param(key, f"{value[0]}-{value[1]}")
    return int(value[0]), int(value[1])


def pick_kinds(key: str = "kind", label: str = "单位类型") -> list[str] | None:
    """Kinds of agency (URL ?kind=乡,镇); None = every kind."""
    wanted = [k for k in (_param(key) or "").split(",") if k in KINDS]
    value = st.multiselect(label, KINDS, default=wanted, placeholder=ALL_KINDS_LABEL, key=f"w_{key}")
    _set_param(key, ",".join(value))
    return list(value) or None


def pick_agencies(table: pd.DataFrame, key: str = "agencies", label: str = "单位", max_selections: int | None = None,
                  placeholder: str = "全部单位（合计）") -> list[int] | None:
    """Agencies by id (URL ?agencies=3,7); None = none chosen."""
    ids = [int(a) for a in table["agency_id"]]
    names = dict(zip(ids, table["short_name"], strict=True))
    wanted = [int(a) for a in (_param(key) or "").split(",") if a.strip().isdigit() and int(a) in names]
    value = st.multiselect(label, ids, default=wanted[:max_selections] if max_selections else wanted,
                           format_func=lambda a: names.get(a, str(a)), max_selections=max_selections,
                           placeholder=placeholder, key=f"w_{key}")
    _set_param(key, ",".join(str(a) for a in value))
    return [int(a) for a in value] or None


def pick_agency(table: pd.DataFrame, key: str = "agency", label: str = "单位") -> int | None:
    """One agency by id (URL ?agency=3); default the first with reports."""
    ids = [int(a) for a in table["agency_id"]]
    if not ids:
        return None
    names = dict(zip(ids, table["short_name"], strict=True))
    wanted = _param(key)
    default = int(wanted) if wanted and wanted.isdigit() and int(wanted) in names else ids[0]
    value = st.selectbox(label, ids, index=ids.index(default), format_func=lambda a: names.get(a, str(a)),
                         key=f"w_{key}")
    _set_param(key, str(value))
    return int(value)


def pick_indicator(defs: pd.DataFrame, key: str = "indicator", default: str = "applications_new",
                   label: str = "指标") -> str:
    """One indicator by code (URL ?indicator=granted), shown by its Chinese name."""
    codes = list(defs.index)
    wanted = _param(key)
    chosen = wanted if wanted in codes else (default if default in codes else codes[0])
    value = st.selectbox(label, codes, index=codes.index(chosen), format_func=lambda c: str(defs.loc[c, "name_zh"]),
                         key=f"w_{key}")
    _set_param(key, value)
    return str(value)


def pick_choice(options: dict[str, str], key: str, label: str, default: str) -> str:
    """One of a few named options (URL ?view=heatmap), shown by label."""
    codes = list(options)
    wanted = _param(key)
    chosen = wanted if wanted in codes else default
    value = st.radio(label, codes, index=codes.index(chosen), format_func=options.get, horizontal=True, key=f"w_{key}")
    _set_param(key, value)
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
    st.plotly_chart(fig, width="stretch", theme=None, key=f"chart_{key}")
    title = fig.layout.title.text or "图表"
    st.download_button("下载图片（PNG）", data=lambda: charts.to_png(fig), file_name=charts.png_file_name(title),
                       mime="image/png", key=f"png_{key}")


def format_value(value: Any, unit: str) -> str:
    """A number as a meeting reads it: 1,234 件 / 56.7% / — when there is none."""
    if value is None or pd.isna(value):
        return "—"
    if unit == "比率":
        return f"{float(value):.1%}"
    if unit in ("万元", "按原件"):
        return f"{float(value):,.2f}"
    return f"{float(value):,.0f}"


def scope_label(kinds: list[str] | None, n_agencies: int | None = None) -> str:
    """'全县' or '乡、镇' or '3个单位' for chart titles."""
    if n_agencies:
        return f"{n_agencies}个单位"
    return "、".join(kinds) if kinds else "全部单位"


def no_data(message: str = "数据库中还没有报告。请在“导入”页上传报告文件。") -> None:
    """The empty-state message, then stop the page."""
    st.info(message)
    st.stop()
