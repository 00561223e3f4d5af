"""The one scope bar of the app: region → 单位类型 → 单位, year, trend start and 含存疑数值, in the sidebar.

app.py draws it before every page, so a choice made on one page holds on every other; its values are written to
the URL on every run, so a link reopens the same view. Values from the URL are parsed strictly (ASCII digits,
known names, ranges checked); an unknown value is not silently replaced: the page says so in Chinese and shows
what it fell back to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from dashboard import scope as sc
from dashboard.pages import common as c
from dashboard.pages.common import set_url, url_int, url_text
from dashboard.text import md_literal


@dataclass
class View:
    """What the scope bar chose, for every page."""

    scope: sc.Scope
    year: int | None
    year_from: int | None
    due_through: int
    as_of: str
    home: str | None
    home_source: str
    agency_names: dict[int, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    due: dict[str, int] = field(default_factory=dict)  # the latest due year of each kind (dashboard.scope.due_map)

    @property
    def label(self) -> str:
        """The scope as a title names it."""
        return self.scope.label(self.agency_names)

    @property
    def label_md(self) -> str:
        """The scope's name for Markdown (notices, captions, buttons): unit names shown literally."""
        return md_literal(self.label)

    def params(self) -> dict:
        """The scope as query parameters ($regions, $kinds, $agency_ids, $include_suspect)."""
        return self.scope.params()

    def filters(self) -> dict:
        """The scope without the suspect switch, for queries that do not total values."""
        p = self.params()
        p.pop("include_suspect")
        return p


def url_ints(raw: str | None) -> tuple[list[int], list[str]]:
    """Comma-separated ASCII integers: (the integers, the parts that were not)."""
    good, bad = [], []
    for part in (raw or "").split(","):
        if not part:
            continue
        value = url_int(part)
        (good.append(value) if value is not None else bad.append(part))
    return good, bad


def _shown(raw: str) -> str:
    """A URL value quoted in a notice: short, printable and literal (a Markdown image or link shows as text)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return md_literal(text[:24]) + ("…" if len(text) > 24 else "")


def _init_from_url(agencies: pd.DataFrame, region_options: list[str], years: list[int], home: str | None,
                   default_year: int | None, notices: list[str]) -> None:
    """First run of a session: the widgets' starting values from the URL (checked), else the defaults."""
    ss = st.session_state
    if "scope_region" not in ss:
        raw = url_text("region")
        if raw is not None and raw != sc.ALL_REGIONS and raw not in region_options:
            notices.append(f"链接中的地区“{_shown(raw)}”不存在，已改为{home or sc.ALL_REGIONS}。")
        ss["scope_region"] = raw if raw in region_options or raw == sc.ALL_REGIONS else (home or sc.ALL_REGIONS)
    if "scope_kinds" not in ss:
        raw = url_text("kind") or ""
        kinds = [k for k in raw.split(",") if k in sc.KINDS]
        if raw and len(kinds) != len([k for k in raw.split(",") if k]):
            notices.append("链接中的单位类型有不认识的值，已忽略。")
        ss["scope_kinds"] = kinds
    if "scope_agencies" not in ss:
        ids, bad = url_ints(url_text("agency"))
        known = set(int(a) for a in agencies["agency_id"])
        unknown = [str(a) for a in ids if a not in known] + [_shown(b) for b in bad]
        if unknown:
            notices.append(f"链接中的单位编号 {'、'.join(unknown[:5])} 不存在，已改为显示全部单位。")
        ss["scope_agencies"] = [a for a in ids if a in known] if not unknown else []
    if "scope_year" not in ss:
        raw = url_text("year")
        year = url_int(raw)
        if raw is not None and year not in years:
            notices.append(f"链接中的年度“{_shown(raw)}”没有数据，已改为{default_year}年。")
        ss["scope_year"] = year if year in years else default_year
    if "scope_from" not in ss:
        raw = url_text("from")
        start = url_int(raw)
        if raw is not None and start not in years:
            notices.append(f"链接中的起始年度“{_shown(raw)}”没有数据，已改为{years[0] if years else ''}年。")
        ss["scope_from"] = start if start in years else (years[0] if years else None)
    if "scope_suspect" not in ss:
        ss["scope_suspect"] = st.query_params.get("suspect") == "1"
    if "scope_present" not in ss:
        ss["scope_present"] = st.query_params.get("present") == "1"


def default_year(coverage: pd.DataFrame) -> int | None:
    """The latest due year in which at least half of the expected reports arrived (else the latest year with any)."""
    if coverage.empty:
        return None
    due = coverage[coverage["due"] & (coverage["expected"] > 0)]
    full = due[due["received"] * 2 >= due["expected"]]
    if not full.empty:
        return int(full["year"].max())
    with_reports = coverage[coverage["received"] > 0]
    return int(with_reports["year"].max()) if not with_reports.empty else None


def scope_bar() -> View:
    """Draw the sidebar scope bar and return the view every page works on."""
    meta = c.meta()
    agencies = c.agencies()
    tree = sc.RegionTree.load()
    home, home_source = sc.home_county(meta, sc.fallback_regions(agencies))
    today = sc.as_of(meta)
    due_by_kind = sc.due_map(today)
    due = max(due_by_kind.values())
    region_options = tree.options(agencies["region"].dropna())
    if home and home not in region_options:
        region_options.append(home)
    notices: list[str] = []

    # Years on offer: those with reports in the home scope's database, up to the latest due year.
    db_years = c.years()
    years = sorted(set(db_years) | ({due} if db_years and due >= min(db_years) else set()))
    initial_scope = sc.Scope(home) if home else sc.Scope(None)
    coverage0 = c.q("coverage_by_year", **_filters(initial_scope, tree), year_from=years[0] if years else due,
                    year_to=years[-1] if years else due, due_through=due_by_kind) if years else pd.DataFrame()
    _init_from_url(agencies, region_options, years, home, default_year(coverage0) or (years[-1] if years else None),
                   notices)

    sb = st.sidebar
    sb.markdown("**数据范围**")
    all_options = [sc.ALL_REGIONS, *region_options]
    if st.session_state.get("scope_region") not in all_options:
        st.session_state["scope_region"] = home if home in all_options else sc.ALL_REGIONS
    region = sb.selectbox("地区", all_options, key="scope_region",
                          format_func=lambda r: r if r == sc.ALL_REGIONS else
                          tree.display(r) + ("（本县）" if r == home else ""))
    kinds = sb.multiselect("单位类型", list(sc.KINDS), key="scope_kinds", placeholder="全部类型")
    region_value = None if region == sc.ALL_REGIONS else region
    in_scope = agencies
    if region_value:
        in_scope = in_scope[in_scope["region"].isin(tree.below(region_value))]
    if kinds:
        in_scope = in_scope[in_scope["kind"].isin(kinds)]
    names = {int(a): str(n) for a, n in zip(agencies["agency_id"], agencies["short_name"], strict=True)}
    chosen_ids = [a for a in st.session_state.get("scope_agencies", []) if a in set(in_scope["agency_id"].astype(int))]
    st.session_state["scope_agencies"] = chosen_ids
    picked = sb.multiselect("单位", [int(a) for a in in_scope["agency_id"]], key="scope_agencies",
                            format_func=lambda a: names.get(a, "（未知单位）"), placeholder="全部单位")
    if years:
        if st.session_state.get("scope_year") not in years:
            st.session_state["scope_year"] = years[-1]
        year = sb.selectbox("年度", years, key="scope_year", format_func=lambda y: f"{y}年")
        starts = [y for y in years if y <= year]
        if st.session_state.get("scope_from") not in starts:
            st.session_state["scope_from"] = starts[0]
        year_from = sb.selectbox("趋势起始年度", starts, key="scope_from", format_func=lambda y: f"{y}年")
    else:
        year, year_from = None, None
    include_suspect = sb.toggle("含存疑数值", key="scope_suspect",
                                help="默认不计入被核对规则判为存疑的数值（如疑似元/万元错填、合计不符）；"
                                     "打开后计入，并在数字旁注明。")
    present = sb.toggle("投影模式", key="scope_present", help="放大图表文字、隐藏页面上的选择控件，适合会议投影。")
    sb.caption(f"本县：{home or '未设置'}" + (f"（{home_source}）" if home_source else "")
               + f" · 报送期限已过的最近年度：{due}年（按 {today.isoformat()} 计）")

    scope = sc.Scope(region_value, tuple(kinds) or None, tuple(int(a) for a in picked) or None, bool(include_suspect))
    set_url("region", region)
    set_url("kind", ",".join(kinds))
    set_url("agency", ",".join(str(a) for a in picked))
    set_url("year", str(year) if year else None)
    set_url("from", str(year_from) if year_from else None)
    set_url("suspect", "1" if include_suspect else None)
    set_url("present", "1" if present else None)
    return View(scope, year, year_from, due, today.isoformat(), home, home_source, names, notices, due_by_kind)


def _filters(scope: sc.Scope, tree: sc.RegionTree) -> dict:
    p = scope.params(tree)
    p.pop("include_suspect")
    return p


def view() -> View:
    """The view the scope bar chose in this run. app.py draws the bar before every page; a page file run on its own
    (AppTest) draws it itself — call this once per run."""
    if st.session_state.get("_view_from_app"):
        return st.session_state["_view"]
    return scope_bar()
