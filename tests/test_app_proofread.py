"""AppTest of logins, roles and 校对 on real corpus reports: what a viewer and an editor can see and do."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ingest.pipeline import ingest_paths
from dashboard.queries import run_query
from dashboard.review import corrections as k
from dashboard.review.users import PermissionDenied, User, add_user, cli_user
from dashboard.store.db import open_db

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PAGES = ROOT / "dashboard" / "pages"
FIXTURES = Path(__file__).parent / "fixtures"
VIEWER = User("李查看", "查看")
EDITOR = User("张编辑", "编辑")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """洪泽区 2023 (R4 fails in the source) and 上海市科委 2024 (cells placed by row order) with two logins."""
    path = tmp_path / "app.duckdb"
    ingest_paths([FIXTURES / "hongze-2023.pdf", FIXTURES / "shanghai-kewei-2024.md"], db=path)
    add_user(cli_user(), VIEWER.name, VIEWER.role, "viewer-password", db=path)
    add_user(cli_user(), EDITOR.name, EDITOR.role, "editor-password", db=path)
    monkeypatch.setenv("NIANBAO_DB", str(path))
    return path


def scalar(db: Path, sql: str, params: list | None = None):  # noqa: ANN201
    con = open_db(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchone()[0]
    finally:
        con.close()


def logged_in(script: Path, user: User, **params: str) -> AppTest:
    """Run a script with this user logged in (the session state the login form leaves) and URL parameters."""
    at = AppTest.from_file(str(script), default_timeout=90)
    at.session_state["auth"] = {"user": user, "login_at": time.time(), "seen_at": time.time()}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_without_a_login_the_app_shows_only_the_login_form_when_users_exist(db: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    assert [t.value for t in at.title] == ["登录"]
    at.text_input(key="login_name").input("李查看")
    at.text_input(key="login_password").input("wrong-password")
    at.button[0].click().run()
    assert "用户名或密码不正确。" in [e.value for e in at.error]
    at.text_input(key="login_password").input("viewer-password")
    at.button[0].click().run()
    assert at.title[0].value == "总览"


def test_a_viewer_sees_no_proofread_or_import_page_and_a_forged_correction_is_refused(db: Path) -> None:
    at = logged_in(APP, VIEWER)
    assert at.title[0].value == "总览"
    for hidden, title in (("proofread.py", "校对"), ("upload.py", "导入"), ("manual_entry.py", "手工录入"),
                          ("audit_log.py", "操作记录")):
        # hidden from the menu; its address says why it does not open (issue 20)
        at.switch_page(str(PAGES / hidden)).run()
        assert not at.exception
        assert any(f"“{title}”页需要" in w.value for w in at.warning), [w.value for w in at.warning]
    rid = scalar(db, "select report_id from current_reports where agency_name like '%洪泽%'")
    with pytest.raises(PermissionDenied):
        k.correct(VIEWER, rid, {"appeals.reconsideration.total": "11"}, "伪造的请求", db=db)
    # the page itself, opened by a forged URL, offers no save
    page = logged_in(PAGES / "proofread.py", VIEWER, report=str(rid))
    assert not [b for b in page.button if b.label in ("保存更正", "保存这一格")]
    assert scalar(db, "select count(*) from corrections") == 0


def test_an_editor_corrects_a_cell_on_proofread_and_it_shows_on_detail_and_in_the_county_total(db: Path) -> None:
    rid = scalar(db, "select report_id from current_reports where agency_name like '%洪泽%'")
    aid = scalar(db, "select agency_id from current_reports where report_id = ?", [rid])
    nav = logged_in(APP, EDITOR)
    nav.switch_page(str(PAGES / "proofread.py"))  # the editor has the page

    at = logged_in(PAGES / "proofread.py", EDITOR, report=str(rid), cell="appeals.reconsideration.total")
    assert at.selectbox(key="w_pr_one_cell").value == "appeals.reconsideration.total"
    at.text_input(key="w_pr_one_value").input("11")
    at.text_input(key="w_pr_one_reason").input("原件总计漏填：维持10+纠正1")
    next(b for b in at.button if b.label == "保存这一格").click().run()
    assert not at.exception
    assert any("已保存 1 处更正" in s.value for s in at.success)
    assert scalar(db, """select value from current_cells where report_id = ? and tbl = 'appeals'
                         and row_code = 'reconsideration' and col_code = 'total'""", [rid]) == 11

    detail = logged_in(PAGES / "detail.py", VIEWER, agency=str(aid), report=str(rid))
    assert "**人工更正**" in [m.value for m in detail.markdown]
    fixed = [df.value for df in detail.dataframe if "更正人" in df.value.columns][0]
    assert fixed.iloc[0]["更正为"] == "11" and fixed.iloc[0]["更正人"] == "张编辑"
    assert fixed.iloc[0]["原读数"] == "0"

    totals = run_query("scope_indicator_totals", db=db, regions=None, kinds=None, agency_ids=None,
                       include_suspect=False, year_from=2019, year_to=2030)
    y2023 = totals[(totals["year"] == 2023) & (totals["indicator"] == "reconsideration_total")]
    assert float(y2023["value"].sum()) == 11


def test_an_editor_confirms_an_unsure_reading_on_proofread_and_the_cell_is_no_longer_marked_unsure(db: Path) -> None:
    rid = scalar(db, "select report_id from current_reports where agency_name like '%科学技术%'")
    unsure = scalar(db, """select count(*) from cells where report_id = ? and flag = 'placed_by_order'""", [rid])
    assert unsure > 0
    at = logged_in(PAGES / "proofread.py", EDITOR, report=str(rid))
    options = at.multiselect(key="w_pr_confirm").options
    assert options
    cell = scalar(db, """select tbl || '.' || row_code || '.' || col_code from cells
                         where report_id = ? and flag = 'placed_by_order' order by 1 limit 1""", [rid])
    at.multiselect(key="w_pr_confirm").set_value([cell])
    at.text_input(key="w_pr_reason").input("与原件第2页核对无误")
    next(b for b in at.button if b.label == "保存更正").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存 1 处更正" in s.value for s in at.success), _debug(at)
    tbl, row, col = cell.split(".")
    flag = scalar(db, """select coalesce(flag, '') from current_cells where report_id = ? and tbl = ? and row_code = ?
                         and col_code = ?""", [rid, tbl, row, col])
    assert flag != "placed_by_order"


def test_the_manual_entry_page_shows_the_live_totals_check_for_the_blank_grid(db: Path) -> None:
    at = logged_in(PAGES / "manual_entry.py", EDITOR)
    assert at.title[0].value == "手工录入"
    table = [df.value for df in at.dataframe if "合计/总计格" in df.value.columns][0]
    assert set(table["一致"]) == {"是"}  # nothing typed: every total is 0 = 0
    assert not [s.value for s in at.success if "R1–R4" in s.value]  # nothing typed: no verdict claimed
    assert len(table) == 25 + 6 + 3  # 三: 25 rows' 总计 + 6 columns' 总计 row; 四: 3 groups (2021 layout)


def test_the_audit_page_is_for_managers_and_lists_user_changes(db: Path) -> None:
    denied = logged_in(PAGES / "audit_log.py", EDITOR)
    assert any("需要「管理」" in w.value for w in denied.warning)
    admin = logged_in(PAGES / "audit_log.py", User("王管理", "管理"))
    shown = [df.value for df in admin.dataframe][0]
    assert "新增用户" in set(shown["操作"])


def _debug(at: AppTest) -> tuple[list, list, list]:
    """Errors, warnings and successes shown, for an assertion message."""
    return [e.value for e in at.error], [w.value for w in at.warning], [s.value for s in at.success]


def test_a_manager_adds_a_login_on_the_audit_page_and_the_change_is_logged(db: Path) -> None:
    at = logged_in(PAGES / "audit_log.py", User("王管理", "管理"))
    at.text_input(key="w_al_user_name").input("赵新人")
    at.selectbox(key="w_al_user_role").set_value("编辑")
    at.text_input(key="w_al_user_pw").input("new-user-password")
    next(b for b in at.button if b.label == "执行").click().run()
    assert not at.exception
    assert scalar(db, "select role from users where name = '赵新人'") == "编辑"
    assert scalar(db, """select who from audit_log where action = 'user_add' order by "at" desc limit 1""") == "王管理"
