"""Issue 20 «Why»: each false or crashing statement found on the demo, reproduced and fixed (demo database, home
county 示例县（模拟））. The demo changes as the generator grows (its "today", its years, its random draws), so each
test chooses its subjects from the data — a unit with no report, a value held back — instead of naming them."""

from __future__ import annotations

from pathlib import Path

import demo_fixture
import duckdb
from demo_fixture import HOME, one
from streamlit.testing.v1 import AppTest

from dashboard.review import corrections as k
from dashboard.review.users import User

PAGES = Path(__file__).resolve().parent.parent / "dashboard" / "pages"
EDITOR = User("王编辑", "编辑")
demo_db, demo = demo_fixture.demo_db, demo_fixture.demo  # fixtures


def page(name: str, **params: str) -> AppTest:
    """One page run alone with URL parameters; no exception."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every text element of a run, joined (what a reader sees, less the charts and tables)."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    return "\n".join(parts)


def agency_id(db: Path, short: str) -> int:
    return int(one(db, "select agency_id from agencies where short_name = ? and region = ?", [short, HOME]))


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Every row of a query on the file (read-only)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def missing_units(db: Path, year: int, kinds: tuple[str, ...] = ("乡", "镇", "街道", "部门")) -> list[str]:
    """Short names of the home county's units of these kinds with no current report for the year, A→Z."""
    return [r[0] for r in rows(db, "select short_name from agencies a where region = ? and list_contains(?, kind) "
                                   "and not exists (select 1 from current_reports r where r.agency_id = a.agency_id "
                                   "and r.year = ?) order by short_name", [HOME, list(kinds), year])]


def test_overview_opens_after_a_report_was_entered_by_hand(demo: Path) -> None:
    owed = missing_units(demo, 2023, ("乡", "镇"))
    assert owed  # a 缺报 of the demo in 2023: the office enters the scanned copy by hand
    bz = agency_id(demo, owed[0])
    report = one(demo, "select report_id from current_reports where agency_id = ? and year = 2023", [bz])
    assert report is None
    k.create_manual_report(EDITOR, bz, 2023, "2021", {"applications.new.natural": "3"}, "扫描件，按原件录入",
                           db=demo)
    at = page("overview", year="2023")
    assert at.metric  # the page shows its figures, no internal error


def ranking_of(at: AppTest, unit: str) -> dict:
    """The row of one unit in the ranking tables of a 对比 page run."""
    for frame in at.dataframe:
        table = frame.value
        if "名次变化" in table and unit in set(table["单位"]):
            return table.set_index("单位").loc[unit].to_dict()
    raise AssertionError(f"{unit} is in no ranking")


def model_ranking(db: Path, code: str, year: int) -> dict[str, dict]:
    """The reference model's ranking of the home county's townships (乡, 镇), by short name: the units a test names
    are chosen by what the model says of them, not by a name that happens to fit today's demo."""
    from model.reference import Case, World

    world = World(db)
    ranked = world.ranking(Case(HOME, ("乡", "镇"), None, year, False), code, ("乡", "镇"))
    return {world.agencies[aid].short: r for aid, r in sorted(ranked.items())}


def chart_titles(at: AppTest) -> list[str]:
    import json

    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_ranking_says_why_a_unit_has_no_rank_the_year_before(demo: Path) -> None:
    owed = [u for u in missing_units(demo, 2023, ("乡", "镇")) if u not in missing_units(demo, 2024)]
    assert owed  # a township that owed its 2023 report, did not send it, and reported in 2024
    at = page("compare", indicator="applications_new", year="2024", kind="乡,镇")
    assert ranking_of(at, owed[0])["名次变化"] == "上年未报"  # 2023 was owed and not received
    both = [u for u, r in model_ranking(demo, "applications_new", 2024).items()
            if r["rank"] and r["previous_rank"]]
    assert both  # a township ranked in both years
    assert ranking_of(at, both[0])["名次变化"].startswith(("↑", "↓", "持平"))
    held = rows(demo, "select r.short_name, r.year + 1 from suspect_values s join current_reports r using (report_id) "
                      "where r.region = ? and r.kind in ('乡', '镇', '街道') and s.indicator = 'applications_new' "
                      "and exists (select 1 from current_reports n where n.agency_id = r.agency_id "
                      "and n.year = r.year + 1) order by r.year, r.short_name", [HOME])
    assert held  # a township whose value was held back (存疑) the year before a year it reported
    unit, year = held[0]
    at = page("compare", indicator="applications_new", year=str(year), kind="乡,镇,街道")
    assert ranking_of(at, unit)["名次变化"] == "上年存疑"  # its value of the year before is held back
    assert "新" not in {f.value["名次变化"].tolist().count("新") and "新" for f in at.dataframe if "名次变化" in f.value}


def test_a_rate_change_is_in_percentage_points_and_a_zero_denominator_cannot_be_computed(demo: Path) -> None:
    at = page("compare", indicator="disclosure_rate", year="2024", kind="乡,镇")
    model = model_ranking(demo, "disclosure_rate", 2024)
    before = [u for u, r in model.items() if r["rank"] and r["previous_status"] == "uncomputable"]
    assert before  # 2023: no application was handled, the rate has no denominator
    assert ranking_of(at, before[0])["名次变化"] == "上年无法计算"
    now = [u for u, r in model.items() if r["status"] == "uncomputable"]
    assert now
    assert ranking_of(at, now[0])["状态"] == "无法计算"  # 0 handled: 0 / 0
    blank = rows(demo, "select r.short_name, r.year from findings f join current_reports r using (report_id) "
                       "where r.region = ? and r.kind in ('乡', '镇') and f.rule = 'BLANK_TOTAL' "
                       "and list_contains(f.cells, 'applications.total.total') order by r.year desc", [HOME])
    assert blank  # a township whose 总计 cell is blank in its report
    blank_at = page("compare", indicator="disclosure_rate", year=str(blank[0][1]), kind="乡,镇")
    assert ranking_of(blank_at, blank[0][0])["状态"] == "未填此项"  # blank, not 0: the rate is not computed
    changes: list[str] = []
    for year in range(2024, 2019, -1):  # the first year with a rate in both years (most townships handle none)
        for kinds in ("乡,镇", "部门"):
            at = page("compare", indicator="disclosure_rate", year=str(year), kind=kinds)
            changes = [x for f in at.dataframe if "变化" in f.value for x in f.value["变化"] if x != "—"]
            if changes:
                break
        if changes:
            break
    assert changes and all(x.endswith("个百分点") for x in changes)


def test_top_and_bottom_lists_never_share_a_unit(demo: Path) -> None:
    at = page("compare", indicator="applications_new", year="2024", kind="乡,镇")
    titles = chart_titles(at)
    assert not [t for t in titles if "后" in t and "名" in t]  # 17 ranked < 2 × 10: one list
    assert [t for t in titles if "全部17个单位" in t]
    at.slider(key="w_rank_n").set_value(5).run()
    titles = chart_titles(at)
    assert [t for t in titles if "前5名" in t] and [t for t in titles if "后5名" in t]


def received_in(db: Path, year: int) -> int:
    """How many current (published, not draft) reports of the home county the year has."""
    return int(one(db, "select count(*) from current_reports where region = ? and year = ?", [HOME, year]))


def test_a_year_not_yet_due_says_so_on_every_page_never_a_fall(demo: Path) -> None:
    received = received_in(demo, 2025)  # the demo's "today" is 2026-01-27: a few units have published already
    due = f"尚未到期（截止 2026年1月31日）；已收到 {received} 份"
    at = page("overview", year="2025")
    text = texts(at)
    assert due in text
    assert "只收到" not in text and f"{received} / 30" not in text
    assert not [m for m in at.metric if m.label.startswith("收到报告") and m.delta]
    assert due in texts(page("quality", year="2025"))
    assert due in texts(page("compare", year="2025", indicator="applications_new"))
    at = page("trend", year="2025", **{"from": "2019"}, indicator="applications_new")
    assert due in texts(at)
    assert [t for t in chart_titles(at) if "2019—2024年" in t]  # the axis ends at 2024: so does the title
    assert not [t for t in chart_titles(at) if "2025" in t]


def test_the_pack_of_a_year_not_yet_due_says_so_and_never_shows_a_fall(demo: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "--year", "2025", "--out",
                          str(demo.parent / "pack"), "--db", str(demo)], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=300)
    received = received_in(demo, 2025)
    due = f"尚未到期（截止 2026年1月31日）；已收到 {received} 份"
    if received == 0:  # nothing to show: the pack is refused, saying why
        assert out.returncode == 3, out.stdout + out.stderr
        assert due in (out.stdout + out.stderr).replace("\n", "")
        return
    # a few early reports: the pack is made, says the year is not due, and compares no total with last year
    assert out.returncode == 0, out.stdout + out.stderr
    from docx import Document
    from pptx import Presentation

    folder = demo.parent / "pack"
    brief = "\n".join(p.text for p in Document(str(next(folder.glob("*.docx")))).paragraphs)
    deck = "\n".join(sh.text_frame.text for slide in Presentation(str(next(folder.glob("*.pptx")))).slides
                     for sh in slide.shapes if sh.has_text_frame)
    for text in (brief, deck):
        assert due in text.replace("\n", "")
        falls = [w for w in ("较上年下降", "较上年增长", "较上年增加", "较上年提高", "与上年持平") if w in text]
        assert not falls, falls


def test_due_dates_follow_article_49_by_kind_and_the_settings_file(tmp_path: Path, monkeypatch) -> None:
    import datetime as dt

    from dashboard import scope as sc

    monkeypatch.setattr(sc, "SETTINGS_TOML", tmp_path / "none.toml")
    feb = sc.due_map(dt.date(2026, 2, 15))
    assert feb["部门"] == feb["乡"] == feb["镇"] == feb["街道"] == 2025  # 31 January has passed
    assert feb["政府"] == 2024  # the county government publishes by 31 March
    assert sc.due_map(dt.date(2026, 4, 1))["政府"] == 2025
    assert sc.deadline_text(2025, ["部门", "政府"]) == "2026年1月31日（政府 2026年3月31日）"
    settings = tmp_path / "settings.toml"
    settings.write_text('[due]\n"街道" = "03-15"\n"部门" = "bad"\n', encoding="utf-8")
    monkeypatch.setattr(sc, "SETTINGS_TOML", settings)
    feb = sc.due_map(dt.date(2026, 2, 15))
    assert feb["街道"] == 2024 and feb["部门"] == 2025  # configured; an invalid value keeps the spec's date


def test_quality_by_rule_table_has_every_year_and_the_missing_count_says_what_it_counts(demo: Path) -> None:
    at = page("quality", year="2024", **{"from": "2019"})
    by_rule = [d.value for d in at.dataframe if getattr(d.value.index, "name", None) == "规则"][0]
    assert list(by_rule.columns) == [f"{y}年" for y in range(2019, 2025)]
    labels = [m.label for m in at.metric]
    assert "缺报（单位·年）" in labels and "缺报" not in labels
    assert "一个单位缺报两年计2" in texts(at)


def test_excluding_a_finding_is_recorded_as_excluded_and_the_note_is_cleared(demo: Path) -> None:
    at = page("quality", year="2024", status="open")
    fid = at.selectbox(key="w_finding").value
    at.text_input(key="w_note").input("原件如此，核对无误")
    [b for b in at.button if b.label.startswith("排除")][0].click().run()
    assert not at.exception
    assert at.text_input(key="w_note").value == ""  # the next review does not carry this note
    assert "已排除" in texts(at) and "已驳回" not in texts(at)
    assert one(demo, "select status from findings where finding_id = ?", [fid]) == "dismissed"


def blank_total_report(db: Path) -> tuple[int, int]:
    """(report id, agency id) of the home county's latest report whose 三、（七）总计 · 总计 is blank."""
    found = rows(db, "select r.report_id, r.agency_id from findings f join current_reports r using (report_id) "
                     "where r.region = ? and f.rule = 'BLANK_TOTAL' and list_contains(f.cells, "
                     "'applications.total.total') order by r.year desc, r.report_id", [HOME])
    assert found  # the demo has a report with a blank 总计
    return int(found[0][0]), int(found[0][1])


def implied_total(db: Path, rid: int) -> int:
    """The 总计 the report's other rows imply: 一 + 二 − 四 (申请结转关系)."""
    cell = {r[0]: r[1] or 0 for r in rows(db, "select row_code, value from current_cells where report_id = ? and "
                                               "tbl = 'applications' and col_code = 'total'", [rid])}
    return int(cell["new"] + cell["carried_in"] - cell["carried_over"])


def test_detail_shows_a_finding_a_correction_resolved_as_resolved_not_as_an_open_error(demo: Path) -> None:
    from dashboard.catalogue.labels import rule_name

    rid, xy = blank_total_report(demo)
    value = implied_total(demo, rid)  # what the other rows say the blank 总计 is
    before = rows(demo, "select rule from findings where report_id = ? and status = 'open'", [rid])
    assert before
    result = k.correct(EDITOR, rid, {"applications.total.total": str(value)}, f"核对原件：总计为{value}", db=demo)
    assert len(result.resolved_findings) == len(before)  # the correction resolves every finding of the report
    at = page("detail", unit=str(xy), report=str(rid))
    tables = [d for d in at.dataframe if "规则" in d.value]
    active = [d.value for d in tables if "原问题（更正前）" not in d.value]
    closed = [d for d in tables if "原问题（更正前）" in d.value][0]
    resolved_rules = {rule_name(r[0]) for r in before}
    assert "总计栏空白" in resolved_rules
    assert not active or not (set(active[0]["规则"]) & resolved_rules)  # no longer listed as open errors
    shown_rows = closed.value.set_index("规则")
    assert resolved_rules <= set(shown_rows.index)
    assert set(shown_rows.loc[list(resolved_rules), "状态"]) == {"已因更正关闭"}
    assert set(shown_rows.loc[list(resolved_rules), "关闭人"]) == {"王编辑"}
    assert f"三、（七）总计 · 总计 = {value}" in shown_rows.loc["总计栏空白", "更正后的值"]
    assert "8a8a8a" in str(closed.proto)  # greyed
    assert not active  # the correction resolved every finding of this report
    styles = " ".join(str(d.proto) for d in at.dataframe if "总计" in d.value.columns)
    assert "fde2e1" not in styles  # cells of closed findings are not red


def cli(demo: Path, *args: str) -> tuple[int, str]:
    """Run `nianbao` on the demo copy; (exit code, stdout + stderr with line breaks removed)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "dashboard.cli", *args, "--db", str(demo)], capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parent.parent, timeout=300,
                         env={**__import__("os").environ, "COLUMNS": "250"})
    return out.returncode, out.stdout + out.stderr


def test_proofread_and_manual_entry_open_inside_the_scope_bar_scope(demo: Path) -> None:
    at = page("proofread", year="2024")
    offered = at.selectbox(key="w_pr_report").options
    assert offered and all("示例县" in o or any(u in o for u in ("镇", "乡", "街道")) for o in offered)
    assert not [o for o in offered if "上海" in o or "平潭" in o]
    assert at.selectbox(key="w_pr_report").value is not None and "2024年" in at.selectbox(key="w_pr_report").options[0]
    at = page("manual_entry", year="2024")
    units = at.selectbox(key="w_me_agency").options
    assert len(units) == 30 and all(u.startswith("示例县") for u in units)


def test_check_lists_the_home_county_unless_asked_for_another_region(demo: Path) -> None:
    year = str(rows(demo, "select r.year from findings f join current_reports r using (report_id) group by r.year "
                          "having count(*) filter (where r.region = ?) > 0 and count(*) filter (where r.region <> ? "
                          "or r.region is null) > 0 order by r.year desc", [HOME, HOME])[0][0])
    code, home = cli(demo, "check", "--year", year, "--json")  # a year with findings at home and elsewhere
    assert code == 0
    import json

    listed = json.JSONDecoder().raw_decode(home[home.index("["):])[0]
    agencies = {r["agency"] for r in listed}
    assert agencies and all(a.startswith("示例县") for a in agencies)
    code, everywhere = cli(demo, "check", "--year", year, "--json", "--region", "全部地区")
    assert code == 0
    assert {r["agency"] for r in json.JSONDecoder().raw_decode(everywhere[everywhere.index("["):])[0]} - agencies  # other regions too


def test_a_page_the_role_may_not_open_says_why_instead_of_landing_on_the_overview(demo: Path) -> None:
    import time

    from dashboard.review import users as auth

    auth.add_user(auth.cli_user(), "李查看", "查看", "viewer-password", db=demo)
    at = AppTest.from_file(str(Path(__file__).parent / "app_entry.py"), default_timeout=120)
    now = time.time()
    at.session_state["auth"] = {"user": auth.User("李查看", "查看"), "login_at": now, "seen_at": now}
    at.run()
    assert not at.exception and at.title[0].value == "总览"
    at.switch_page("../dashboard/pages/proofread.py").run()
    assert not at.exception
    said = texts(at)
    assert "“校对”页需要「编辑」或更高角色" in said and "「查看」" in said
    assert "总览" not in [t.value for t in at.title]


def test_a_file_that_is_not_what_its_extension_claims_says_so(tmp_path: Path) -> None:
    import random

    import pytest

    from dashboard.errors import ReportError
    from dashboard.readers import read_document

    noise = tmp_path / "x.pdf"
    rng = random.Random(20)
    noise.write_bytes(bytes(rng.randrange(256) for _ in range(100)))
    with pytest.raises(ReportError) as err:
        read_document(noise)
    assert "不完整" not in err.value.reason_zh
    assert "文件内容不是PDF 文件：扩展名为 .pdf，但内容无法识别" in err.value.reason_zh
    page = tmp_path / "report.docx"
    page.write_text("<!DOCTYPE html><html><body>404 页面不存在</body></html>", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        read_document(page)
    assert "扩展名为 .docx，但内容是网页（HTML）" in err.value.reason_zh


def test_reports_history_and_agencies_print_chinese_headers_and_values(demo: Path) -> None:
    code, out = cli(demo, "reports")
    assert code == 0
    assert "报告编号" in out and "格式版本" in out and "现行版" in out
    assert "report_id" not in out and "source_name" not in out and "True" not in out and "2021年版格式" in out
    code, out = cli(demo, "agencies")
    assert code == 0 and "名录中" in out and "in_registry" not in out and "agency_id" not in out
    code, out = cli(demo, "history", "西营镇", "2021")
    assert code == 0 and "入库时间" in out and "ingested_at" not in out


def test_correct_takes_a_cell_as_the_pages_print_it_and_names_the_nearest_when_it_refuses(demo: Path) -> None:
    code, out = cli(demo, "correct", "西营镇", "2021", "三、（七）总计 · 总计=5", "--reason", "核对原件")
    assert code == 0, out
    code, out = cli(demo, "correct", "西营镇", "2021", "三/四、结转下年度继续办理/总计=0", "--reason", "核对原件")
    assert code == 0, out
    code, out = cli(demo, "correct", "西营镇", "2021", "四、结转下年度继续办 · 总计=1", "--reason", "核对原件")
    assert code != 0
    assert "最接近的格" in out and "「四、结转下年度继续办理 · 总计」" in out


def test_the_audit_log_reads_as_chinese_sentences_with_the_raw_record_behind_details(demo: Path) -> None:
    from dashboard.review.findings import set_finding_status
    from dashboard.review.users import add_user, cli_user

    rid, _ = blank_total_report(demo)
    unit, year = rows(demo, "select short_name, year from current_reports where report_id = ?", [rid])[0]
    result = k.correct(EDITOR, rid, {"applications.total.total": "5"}, "核对原件", db=demo)
    k.revert(EDITOR, result.correction_ids[0], "改回", db=demo)
    fid, r1_unit, r1_year = rows(demo, "select f.finding_id, r.short_name, r.year from findings f join current_reports r "
                                       "using (report_id) where r.region = ? and f.rule = 'R1' and f.status = 'open' "
                                       "order by r.year, r.report_id", [HOME])[0]
    set_finding_status(fid, "dismissed", "李四", "原件如此", db=demo)
    add_user(cli_user(), "张三", "查看", "password-123", db=demo)
    at = AppTest.from_file(str(PAGES / "audit_log.py"), default_timeout=120)
    import time

    at.session_state["auth"] = {"user": User("张三管理", "管理"), "login_at": time.time(), "seen_at": time.time()}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    said = "\n".join(table["经过"])
    assert f"王编辑将{unit}{year}年报告的“三、（七）总计 · 总计”由空白改为5（理由：核对原件）" in said
    assert f"李四将{r1_unit}{r1_year}年报告的问题“申请结转关系不平”标为已排除（说明：原件如此）" in said
    assert "新增用户" in said and "张三" in said
    for raw in ("{", "\\\\u", "R1", "BLANK_TOTAL", "report_id", "applications."):
        assert raw not in said, raw
    assert [e for e in at.expander if "详情" in e.label]


def test_detail_names_a_review_draft_as_a_draft_never_as_a_replaced_published_version(demo: Path) -> None:
    """A unit's 2025 submissions to the review are 报送稿: never 现行版, and not 已被更正版替换 (nothing was published)."""
    aid = one(demo, "select r.agency_id from reports r join agencies a using (agency_id) where r.draft and a.region = ? "
                    "group by r.agency_id order by count(*) desc, r.agency_id limit 1", [HOME])
    con = duckdb.connect(str(demo), read_only=True)
    try:
        files = {f for (f,) in con.execute("select source_name from reports where draft and agency_id = ?",
                                           [aid]).fetchall()}
    finally:
        con.close()
    at = page("detail", unit=str(aid))
    table = at.dataframe[0].value
    drafts = table[table["文件"].isin(files)]
    assert len(drafts) == len(files) >= 1
    assert set(drafts["状态"]) <= {"报送稿（草稿）", "报送稿（已有新稿）"}, list(drafts["状态"])
