"""The app's one scope bar in AppTest: it holds across pages, says when a link asks for something unknown, names
the non-reporters, never counts a year not yet due as 缺报, and survives hostile URL parameters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_queries_scope import build_scope_db

APP = Path(__file__).resolve().parent / "app_entry.py"  # runs dashboard/app.py (see its docstring)
PAGES_DIR = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
PAGES = ["overview", "trend", "compare", "detail", "quality"]


@pytest.fixture(scope="module")
def scope_db(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The two-region database of test_queries_scope (home county = the simulated county, set in the database)."""
    return build_scope_db(tmp_path_factory.mktemp("app_scope"))


@pytest.fixture
def db(scope_db: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    copy = tmp_path / "app.duckdb"
    shutil.copyfile(scope_db["db"], copy)
    monkeypatch.setenv("NIANBAO_DB", str(copy))
    monkeypatch.delenv("NIANBAO_COUNTY", raising=False)
    monkeypatch.setenv("NIANBAO_AS_OF", "2024-06-30")  # 2023 is due, 2024 is not
    return {**scope_db, "db": copy}


def app(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "warning", "info", "success", "error",
                                  "text") for e in getattr(at, kind)]
    parts += [e.value for kind in ("warning", "caption", "markdown") for e in getattr(at.sidebar, kind)]
    return "\n".join(str(p) for p in parts)


def test_the_app_opens_on_the_home_county_of_the_database(db: dict) -> None:
    at = app()
    assert not at.exception
    assert at.sidebar.selectbox(key="scope_region").value == db["region"]
    assert db["region"] in at.subheader[0].value


def test_a_scope_chosen_on_the_overview_holds_on_trend_and_compare(db: dict) -> None:
    at = app()
    at.sidebar.selectbox(key="scope_region").select("江苏省").run()
    at.sidebar.multiselect(key="scope_kinds").select("政府").run()
    at.sidebar.selectbox(key="scope_year").select(2023).run()
    for page in ("trend", "compare", "quality", "detail", "overview"):
        visit(at, page)
        assert at.sidebar.selectbox(key="scope_region").value == "江苏省", page
        assert at.sidebar.multiselect(key="scope_kinds").value == ["政府"], page
        assert at.sidebar.selectbox(key="scope_year").value == 2023, page
        assert "江苏省" in str(at.query_params["region"]), page


def test_a_link_with_an_unknown_agency_says_so_in_chinese_and_shows_every_unit(db: dict) -> None:
    at = app(agency="999")
    assert not at.exception
    assert any("单位编号 999 不存在" in w.value for w in at.warning)
    assert at.sidebar.multiselect(key="scope_agencies").value == []


def test_a_link_with_a_year_without_data_falls_back_visibly(db: dict) -> None:
    at = app(year="1999")
    assert any("年度“1999”没有数据" in w.value for w in at.warning)
    assert at.sidebar.selectbox(key="scope_year").value == 2023


def test_the_non_reporters_list_names_exactly_the_units_left_out(db: dict) -> None:
    at = visit(app(year="2023"), "quality")
    lists = [d.value for d in at.dataframe if "连续缺报（年）" in d.value.columns]
    assert lists, "缺报名单 is shown"
    shown = lists[0].set_index("单位")["连续缺报（年）"].to_dict()
    a, b = db["agencies"][0], db["agencies"][1]
    assert shown == {a.short_name: 2, b.short_name: 1}
    overview = visit(at, "overview")
    metric = {m.label: m.value for m in overview.metric}
    assert metric["缺报（个，2023年）"] == "2" and metric["收到报告（份）"] == "4 / 6"


def test_a_year_not_yet_due_has_no_missing_reports(db: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_AS_OF", "2023-12-31")  # 2023's reports are due by 31 January 2024
    at = app(year="2023")
    metric = {m.label: m.value for m in at.metric}
    assert metric["缺报（个，2023年）"] == "未到期"
    at = visit(at, "quality")
    assert any("尚未到期" in i.value for i in at.info)


def test_the_overview_never_adds_another_regions_reports_to_the_home_county(db: dict) -> None:
    home = app(year="2023")
    jiangsu = app(year="2023", region="江苏省")
    h = {m.label: m.value for m in home.metric}
    j = {m.label: m.value for m in jiangsu.metric}
    assert j["行政处罚处理决定（件）"] == "4,119"  # 洪泽区's 处罚, never in the home county's total
    assert h["行政处罚处理决定（件）"] != "4,119"


def test_a_held_back_value_is_said_beside_the_figure_and_the_switch_puts_it_back(db: dict) -> None:
    at = app(year="2023", region="洪泽区")
    m = {x.label: x.value for x in at.metric}
    assert m["行政复议总计（件）"] == "—"
    assert any("另有1个存疑数值未计入" in cap.value for cap in at.caption)
    at.sidebar.toggle(key="scope_suspect").set_value(True).run()
    m = {x.label: x.value for x in at.metric}
    assert m["行政复议总计（件）"] == "0"
    assert "1" == str(at.query_params["suspect"][0] if isinstance(at.query_params["suspect"], list)
                      else at.query_params["suspect"])


HOSTILE = ["²", "①", "-1", "99999", "'; drop table reports; --", "x" * 20000, "%00", "<script>alert(1)</script>"]


@pytest.mark.parametrize("page", PAGES)
def test_hostile_url_parameters_never_show_a_traceback(db: dict, page: str) -> None:
    for value in HOSTILE:
        at = AppTest.from_file(str(APP), default_timeout=90)
        for key in ("year", "from", "agency", "region", "kind", "unit", "report", "indicator", "view", "suspect"):
            at.query_params[key] = value
        at.run()
        visit(at, page)
        assert not at.exception, (page, value[:20])
        assert "Traceback" not in all_text(at)


MARKDOWN_HOSTILE = ["![](//127.0.0.1:9/m)", "[点我](http://127.0.0.1:9/l)", "<img src=//127.0.0.1:9/i>", ":red[x]"]
ALL_PAGES = PAGES + ["upload", "export_page", "proofread", "manual_entry", "audit_log"]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_link_values_reach_the_page_as_escaped_text_never_as_markdown(db: dict, page: str) -> None:
    """Whatever a link carries, the Markdown the page hands to Streamlit has it escaped: no image, link, HTML or
    colour directive of the sender's choosing."""
    import re

    for value in MARKDOWN_HOSTILE:
        at = AppTest.from_file(str(APP), default_timeout=90)
        for key in ("year", "from", "agency", "region", "kind", "unit", "report", "indicator", "view", "status"):
            at.query_params[key] = value
        at.run()
        first = all_text(at)  # the link's notices are said on the session's first run
        visit(at, page)
        text = first + "\n" + all_text(at)
        assert "链接中的" in first, (page, value)
        assert not re.search(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<img|(?<!\\):red\[", text), (page, value, text[:300])
