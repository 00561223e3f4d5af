"""审核: the office's yearly review round — every unit's status, days to or past its deadline, problems and score,
filterable by kind and status; a unit's problems beside its source, what changed since its previous submission,
and the actions 退回修改 (with the opinion), 通过, 标记已公布 for 编辑 and 管理 (查看 sees the board only).
Every action is written by dashboard/review/rounds.py, which checks the role and writes the audit row.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import scope as sc
from dashboard.catalogue.labels import TABLE_ZH, cell_label, section_label
from dashboard.export import opinions as op
from dashboard.pages import common as c
from dashboard.pages import correction_grid as g
from dashboard.pages import login
from dashboard.pages.source_panel import show_source
from dashboard.review import rounds, users
from dashboard.review.diff import ABSENT
from dashboard.review.scoring import load_sheet

TABLES = ["disclosure", "applications", "appeals"]


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _value(v: object) -> str:
    if v is ABSENT:
        return "（无此项）"
    if v is None:
        return "空白"
    return g.number_text(v) if isinstance(v, int | float) else str(v)


def open_round_form(user: users.User | None, years: list[int]) -> None:
    """管理: open the round of a year (its deadline for drafts; the publication deadlines by kind are the 条例's)."""
    if not users.allows(user, "管理"):
        return
    with st.expander("开启审核轮次" if not years else "开启或修改审核轮次"):
        with st.form("w_rv_open"):
            today = sc.as_of(c.meta())
            year = st.number_input("报告年度", 2019, 2100, today.year - 1 if today.month <= 6 else today.year)
            draft = st.date_input("报送稿截止日期", dt.date(int(year) + 1, 1, 20))
            st.caption("公布期限：部门、乡镇（街道）为次年1月31日，县级人民政府为次年3月31日（《条例》第四十九条）。")
            if st.form_submit_button("开启"):
                region = sc.home_county(c.meta(), sc.fallback_regions(c.agencies()))[0]
                rnd = rounds.open_round(user, int(year), draft, region=region, db=c.db_path())
                st.session_state["rv_done"] = f"已开启“{rnd.title}”。"
                st.rerun()


def board_view(units: list[rounds.UnitStatus]) -> list[rounds.UnitStatus]:
    """Filters (kind, status), the counts and the board; returns the units shown."""
    sheet = load_sheet()
    kinds = sorted({u.kind or "未分类" for u in units}, key=lambda k: (rounds.KIND_ORDER + (k,)).index(k))
    cols = st.columns([2, 3])
    chosen_kinds = cols[0].multiselect("单位类别", kinds, default=[], placeholder="全部类别", key="w_rv_kinds")
    chosen_status = cols[1].multiselect("状态", list(rounds.STATUSES), default=[], placeholder="全部状态",
                                        key="w_rv_status")
    shown = [u for u in units if (not chosen_kinds or (u.kind or "未分类") in chosen_kinds)
             and (not chosen_status or u.status in chosen_status)]
    counts = st.columns(len(rounds.STATUSES))
    for col, status in zip(counts, rounds.STATUSES, strict=True):
        col.metric(status, sum(1 for u in shown if u.status == status))
    frame = rounds.board_frame(shown, sheet)
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"评分": st.column_config.NumberColumn("评分", format="%.0f")})
    return shown


def pick_unit(units: list[rounds.UnitStatus]) -> rounds.UnitStatus | None:
    """A unit of the board (URL ?unit=ID)."""
    if not units:
        return None
    ids = [u.agency_id for u in units]
    labels = {u.agency_id: f"{u.short_name} · {u.status}" + (f" · 问题 {len(u.findings)}" if u.findings else "")
              for u in units}
    wanted = c.url_int(c.url_text("unit"))
    first = next((u.agency_id for u in units if u.status == "待审核" and u.findings), ids[0])  # the most urgent
    default = wanted if wanted in labels else first
    value = st.selectbox("打开单位", ids, index=ids.index(default), format_func=labels.get, key="w_rv_unit")
    if st.query_params.get("unit") != str(value):
        st.query_params["unit"] = str(value)
    return next(u for u in units if u.agency_id == value)


def problems_tab(unit: rounds.UnitStatus, rnd: rounds.Round) -> None:
    """Each problem: where, what, the basis, how to fix it (the opinion's 问题清单)."""
    if not unit.report_id:
        st.info("该单位尚未报送。")
        return
    items = op.problems_of(unit, op.record_of(unit.report_id, c.db_path()))
    if not items:
        st.success("未发现需要修改的问题。")
    for n, p in enumerate(items, start=1):
        with st.container(border=True):
            st.markdown(f"**{n}. {p.title}**")
            st.text(f"位置：{p.where}\n问题：{p.what}\n依据：{p.basis}\n修改要求：{p.fix}")
    if unit.score is not None:
        trail = [f"{d.item} −{d.points:g}：" + (f"问题 {d.finding_id}" if d.finding_id is not None else d.reason)
                 for d in unit.score.deductions]
        st.caption(f"年报质量评分 {unit.score.total:g}/{unit.score.full:g}" + ("；扣分：" + "；".join(trail) if trail
                                                                             else "（无扣分）"))


def source_tab(unit: rounds.UnitStatus) -> None:
    """The 校对 page's view: the source beside the table, the cells the problems name marked."""
    if not unit.report_id:
        st.info("该单位尚未报送。")
        return
    cells = c.q("detail_report_cells", report_id=unit.report_id)
    findings = c.q("detail_report_findings", report_id=unit.report_id)
    marks = g.cell_marks(cells, findings)
    detail = c.q("review_report_layout", report_id=unit.report_id)
    template = str(detail.iloc[0]["template"]) if not detail.empty else "2021"
    layout = str(detail.iloc[0]["applications_layout"]) if not detail.empty else template
    marked = [k.split(".")[0] for k in marks if k.split(".")[0] in TABLES]
    tbl = st.radio("表格", TABLES, index=TABLES.index(marked[0]) if marked else 1, format_func=TABLE_ZH.get,
                   horizontal=True, key="w_rv_table")
    left, right = st.columns([3, 4])
    with left:
        st.markdown("**原件（读取时所见）**")
        show_source(unit.report_id, tbl, key="w_rv")
    with right:
        st.markdown(f"**{TABLE_ZH[tbl]}**")
        text, keys = g.grid(cells, tbl, template, layout)
        st.dataframe(g.style_grid(text, keys, marks), width="stretch", height=min(36 * (len(text) + 1) + 4, 700))
        reasons = g.reasons_table(marks, tbl)
        if not reasons.empty:
            st.dataframe(reasons, hide_index=True, width="stretch")
    sections = c.q("detail_report_sections", report_id=unit.report_id)
    if not sections.empty:
        with st.expander("正文（一、五、六）"):
            for r in sections.itertuples():
                st.markdown(f"**{section_label(str(r.code))}**")
                st.text(str(r.body or ""))


def diff_tab(unit: rounds.UnitStatus, rnd: rounds.Round) -> None:
    """What changed since the previous submission: cells, passages, problems resolved and new."""
    found = rounds.submission_diff(rnd, unit.agency_id, c.db_path())
    if found is None:
        st.info("只有一次报送，没有可比较的上一稿。")
        return
    old_id, new_id, diff = found
    st.caption(f"上一稿（报告编号 {old_id}）→ 最新一稿（报告编号 {new_id}）")
    cols = st.columns(3)
    cols[0].metric("已解决的问题", len(diff.resolved))
    cols[1].metric("新出现的问题", len(diff.new))
    cols[2].metric("改动的数字", len(diff.cells))
    if diff.resolved:
        st.markdown("**已解决的问题**")
        st.dataframe(pd.DataFrame([{"问题": c.rule_name(f["rule"]), "说明": f["message"]} for f in diff.resolved]),
                     hide_index=True, width="stretch")
    if diff.new:
        st.markdown("**新出现的问题**")
        st.dataframe(pd.DataFrame([{"问题": c.rule_name(f["rule"]), "说明": f["message"]} for f in diff.new]),
                     hide_index=True, width="stretch")
    if diff.cells:
        st.markdown("**改动的数字**")
        st.dataframe(pd.DataFrame([{"位置": cell_label(ch.key), "上一稿": _value(ch.old), "最新一稿": _value(ch.new)}
                                   for ch in diff.cells]), hide_index=True, width="stretch")
    if diff.passages:
        st.markdown("**改动的段落**")
        st.dataframe(pd.DataFrame([{"部分": section_label(p.section), "上一稿": "\n".join(p.old) or "（无）",
                                    "最新一稿": "\n".join(p.new) or "（无）"} for p in diff.passages]),
                     hide_index=True, width="stretch")
    if diff.unchanged:
        st.info("两稿内容相同。")


def history_tab(unit: rounds.UnitStatus, rnd: rounds.Round) -> None:
    """The unit's submissions and the office's decisions."""
    hist = rounds.unit_history(rnd, unit.agency_id, c.db_path())
    if not hist.empty:
        st.dataframe(pd.DataFrame({
            "报告编号": hist["report_id"], "类型": ["报送稿" if d else "已公布版本" for d in hist["draft"]],
            "报送时间": [str(t)[:16] if pd.notna(t) else "" for t in hist["submitted_at"]],
            "文件": hist["source_name"]}), hide_index=True, width="stretch")
    dec = rounds.unit_decisions(rnd, unit.agency_id, c.db_path())
    if not dec.empty:
        st.dataframe(pd.DataFrame({"时间": [str(t)[:16] for t in dec["at"]], "审核": dec["action_zh"],
                                   "审核人": dec["who"], "意见": dec["opinion"].fillna("")}),
                     hide_index=True, width="stretch")


def actions(user: users.User, unit: rounds.UnitStatus, rnd: rounds.Round) -> None:
    """退回修改 (with the opinion), 通过, 标记已公布, and the opinion as a Word file."""
    if not unit.draft_id and not unit.published_id:
        st.caption("该单位尚未报送，暂无可审核的稿件。")
        return
    db = c.db_path()
    today = sc.as_of(c.meta())
    st.download_button("下载审核意见书（Word）", op.write_opinion(unit, rnd, db=db, today=today),
                       file_name=op.opinion_file_name(unit, rnd.year), key="w_rv_docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if not unit.draft_id or (unit.published_id and unit.draft_id < unit.published_id):
        st.caption("该单位的报告已公布；收到新的报送稿后可再审核。")
        return
    default = "；".join(dict.fromkeys(p.title.split("（")[0] for p in op.problems_of(
        unit, op.record_of(unit.report_id, db)))) if unit.findings else ""
    with st.form("w_rv_return"):
        opinion = st.text_area("修改意见（退回时必填）", value=f"请修改：{default}。" if default else "", key="w_rv_opinion")
        cols = st.columns(3)
        back = cols[0].form_submit_button("退回修改")
        passed = cols[1].form_submit_button("通过")
        published = cols[2].form_submit_button("标记已公布")
    try:
        if back:
            rounds.decide(user, rnd.year, unit.agency_id, "returned", opinion, db)
            st.session_state["rv_done"] = f"已退回 {unit.short_name} 修改。"
            st.rerun()
        if passed:
            rounds.decide(user, rnd.year, unit.agency_id, "passed", None, db)
            st.session_state["rv_done"] = f"{unit.short_name} 已通过。"
            st.rerun()
        if published:
            rounds.decide(user, rnd.year, unit.agency_id, "published", None, db)
            st.session_state["rv_done"] = f"{unit.short_name} 已标记为已公布，其报告计入总览。"
            st.rerun()
    except rounds.RoundError as exc:
        st.error(str(exc))


def main() -> None:
    """Render the page."""
    st.title("审核")
    user = login.current_user()
    can_act = users.allows(user, "编辑")
    if msg := st.session_state.pop("rv_done", None):
        st.success(msg)
    years = rounds.round_years(c.db_path())
    open_round_form(user, years)
    if not years:
        st.info("还没有开启审核轮次。管理员可在上方开启某一年度的审核轮次（命令行：nianbao review open --year 年度）。")
        return
    year = st.selectbox("审核轮次（报告年度）", years, format_func=lambda y: f"{y}年度", key="w_rv_year")
    today = sc.as_of(c.meta())
    rnd, units = rounds.board(int(year), c.db_path(), today=today)
    if rnd is None:
        return
    deadline = f"报送稿截止 {_day(rnd.draft_deadline)}" if rnd.draft_deadline else "未设报送稿截止日期"
    st.caption(f"{rnd.title}（{rnd.region or '全部地区'}）· {deadline} · 今天 {_day(today)}")
    shown = board_view(units)
    cols = st.columns(2)
    cols[0].download_button("下载审核汇总表（Excel）", op.summary_xlsx(int(year), db=c.db_path()),
                            file_name=f"{year}年度年报审核汇总.xlsx", key="w_rv_xlsx")
    if can_act:
        cols[1].download_button("下载全部审核意见书（ZIP）", op.opinions_zip(int(year), c.db_path()),
                                file_name=f"{year}年度年报审核意见书.zip", key="w_rv_zip")
    unit = pick_unit(shown)
    if unit is None:
        st.info("没有符合筛选条件的单位。")
        return
    st.subheader(f"{unit.name}（{unit.status}）")
    st.caption(f"进度：{unit.stage} · 公布期限 {_day(unit.deadline)}（{rounds.days_text(unit)}）· "
               f"报送 {unit.submissions} 次" + (" · 报送稿晚于截止日期" if unit.late_draft else ""))
    tabs = st.tabs(["问题", "原件与表格", "与上一稿比较", "报送与审核记录"])
    with tabs[0]:
        problems_tab(unit, rnd)
    with tabs[1]:
        source_tab(unit)
    with tabs[2]:
        diff_tab(unit, rnd)
    with tabs[3]:
        history_tab(unit, rnd)
    if can_act:
        st.markdown("**审核**")
        actions(user, unit, rnd)
    else:
        st.caption("当前角色只能查看审核进度；退回、通过和标记已公布需要「编辑」角色。")


main()
