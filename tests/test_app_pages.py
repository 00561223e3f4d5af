"""Every dashboard page in AppTest on the fixture database: real numbers, a filter change, the URL round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from test_queries_fixture import FIXTURES, shared_fixture_db

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
APP = PAGES.parent / "app.py"


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture database (real corpus reports + a simulated county), built once per session."""
    return shared_fixture_db(tmp_path_factory)


@pytest.fixture
def db(fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the fixture database, given to the app through NIANBAO_DB."""
    copy = tmp_path / "app.duckdb"
    shutil.copyfile(fixture_db, copy)
    # the source files live beside the database (dashboard/store/sources.py): 下载原件 reads them there
    shutil.copytree(fixture_db.with_name(fixture_db.name + ".sources"), copy.with_name(copy.name + ".sources"))
    monkeypatch.setenv("NIANBAO_DB", str(copy))
    return copy


def page(name: str, **params: str) -> AppTest:
    """Run one page with the given URL query parameters."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def one_id(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_app_opens_on_the_overview_page(db: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not at.exception
    assert at.title[0].value == "总览"


def test_overview_shows_the_2025_figures_of_the_pingtan_report(db: Path) -> None:
    m = metrics(page("overview", year="2025", region="平潭综合实验区"))
    assert m["收到报告（份）"] == "1 / 1"
    assert m["本年新收申请（件）"] == "154"
    assert m["办理结果总计（件）"] == "148"
    assert m["实质公开率"] == "48.0%"  # (33 + 38) / 148
    assert m["行政复议总计（件）"] == "36"


def test_overview_year_comes_from_the_url_and_goes_back_to_it(db: Path) -> None:
    at = page("overview", year="2021", region="全部地区")
    assert at.sidebar.selectbox(key="scope_year").value == 2021
    assert "政府集中采购项目数（个）" in metrics(at)  # 红崖子沟乡 2021 is in the 2019 format
    at.sidebar.selectbox(key="scope_year").select(2022).run()
    assert at.query_params["year"] == ["2022"] or at.query_params["year"] == "2022"
    assert "政府集中采购项目数（个）" not in metrics(at)


def test_overview_kind_filter_changes_the_counts(db: Path) -> None:
    at = page("overview", year="2025", region="全部地区")
    assert metrics(at)["收到报告（份）"].startswith("1 /")
    at.sidebar.multiselect(key="scope_kinds").select("乡").run()
    assert metrics(at)["收到报告（份）"].startswith("0 /")
    assert "乡" in str(at.query_params["kind"])


def test_trend_of_normative_docs_is_one_line_and_names_the_reports_of_the_old_version(db: Path) -> None:
    at = page("trend", indicator="normative_docs_issued", region="全部地区", year="2025", **{"from": "2019"})
    assert at.selectbox(key="w_indicator").value == "normative_docs_issued"
    table = at.dataframe[0].value
    assert table["年度"].is_unique  # one row a year: one series over both versions
    in_2021 = table.set_index("年度").loc["2021年"]
    assert in_2021["说明"].startswith("含2019年版口径")  # 红崖子沟乡 reported 2021 in the 2019 format


def test_trend_indicator_change_goes_to_the_url(db: Path) -> None:
    at = page("trend", region="全部地区", year="2025")
    at.selectbox(key="w_indicator").select("reconsideration_total").run()
    assert "reconsideration_total" in str(at.query_params["indicator"])
    table = at.dataframe[0].value
    assert table.set_index("年度").loc["2025年", "数值"] == "36"


def test_compare_ranking_of_2025_lists_pingtan_with_its_figure(db: Path) -> None:
    at = page("compare", indicator="applications_new", year="2025", region="全部地区")
    tables = [d.value for d in at.dataframe]
    pingtan = [t for t in tables if t["单位"].str.startswith("平潭").any()][0]
    assert pingtan.iloc[0]["名次"] == "1" and pingtan.iloc[0]["数值"] == "154"


def test_compare_view_and_kind_come_from_the_url(db: Path) -> None:
    at = page("compare", view="heatmap", kind="乡", indicator="granted", region="全部地区")
    assert at.radio(key="w_view").value == "heatmap"
    assert at.sidebar.multiselect(key="scope_kinds").value == ["乡"]
    at.radio(key="w_view").set_value("multiples").run()
    assert "multiples" in str(at.query_params["view"])
    assert not at.exception


def test_detail_shows_the_pingtan_tables_with_chinese_labels(db: Path) -> None:
    aid = one_id(db, "select agency_id from current_reports where agency_printed = '平潭综合实验区'")
    at = page("detail", unit=str(aid), region="全部地区")
    assert at.selectbox(key="w_unit").value == aid
    new = "本年新收申请"
    apps = [d.value for d in at.dataframe if new in list(getattr(d.value, "index", []))][0]
    assert apps.loc[new, "总计"] == "154"
    assert apps.loc[new, "自然人"] == "151"
    assert at.download_button(key="source_download") is not None


def test_detail_report_choice_goes_to_the_url_and_shows_versions(db: Path) -> None:
    aid = one_id(db, "select agency_id from reports where superseded_by is not null")
    old = one_id(db, "select report_id from reports where superseded_by is not null")
    at = page("detail", unit=str(aid), region="全部地区")
    at.selectbox(key="w_report").select(old).run()
    assert str(old) in str(at.query_params["report"])
    versions = at.dataframe[-1].value
    assert set(versions["状态"]) == {"现行版", "已被更正版替换"}


def test_quality_page_shows_coverage_and_findings(db: Path) -> None:
    at = page("quality", region="全部地区", year="2025", **{"from": "2019"})
    m = metrics(at)
    assert int(m["已公开（有更正版）（单位·年）"]) == 1 and int(m["缺报（单位·年）"]) > 0
    at.sidebar.selectbox(key="scope_from").select(2024).run()
    assert "2024" in str(at.query_params["from"])


def test_dismissing_a_finding_on_the_quality_page_is_recorded(db: Path) -> None:
    at = page("quality", status="open", region="全部地区")
    fid = at.selectbox(key="w_finding").value
    at.text_input(key="w_who").input("李四")
    [b for b in at.button if b.label.startswith("排除")][0].click().run()
    assert not at.exception
    con = duckdb.connect(str(db), read_only=True)
    status, who = con.execute("select status, reviewed_by from findings where finding_id = ?", [fid]).fetchone()
    con.close()
    assert (status, who) == ("dismissed", "李四")


def test_upload_ingests_several_files_and_reports_each(db: Path) -> None:
    at = page("upload")
    at.file_uploader(key="w_upload").set_value([
        ("hongze-2023.pdf", (FIXTURES / "hongze-2023.pdf").read_bytes(), "application/pdf"),
        ("empty.txt", b"", "text/plain"),
    ]).run()
    [b for b in at.button if b.label.startswith("导入")][0].click().run()
    assert not at.exception
    result = at.dataframe[0].value.set_index("文件")
    assert result.loc["hongze-2023.pdf", "结果"] == "已导入"
    assert result.loc["empty.txt", "结果"] == "失败" and result.loc["empty.txt", "原因"]
    assert one_id(db, "select count(*) from current_reports where year = 2023 and agency_printed like '%洪泽%'") == 1


def test_detail_names_the_rules_of_findings_in_chinese_not_by_code(db: Path) -> None:
    aid = one_id(db, "select agency_id from current_reports where agency_printed = '红崖子沟乡人民政府'")
    at = page("detail", unit=str(aid), region="全部地区")
    findings = at.dataframe[1].value
    assert "格式版本与年度不符" in set(findings["规则"])
    assert "VERSION_YEAR" not in set(findings["规则"])


def test_app_says_in_the_sidebar_when_simulated_agencies_are_shown(db: Path) -> None:
    plain = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not [w for w in plain.sidebar.warning if "模拟" in w.value]
    from dashboard.store.db import writer

    with writer(db) as con:  # the app's reader has the file attached: write the way the store does
        con.execute("update agencies set simulated = true, region = '示例县（模拟）' where name like '示例县%'")
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert not at.exception
    notes = [w.value for w in at.sidebar.warning if "模拟" in w.value]
    assert notes and "示例县（模拟）" in notes[0]
