"""单位详情: one agency's reports by year; one report's tables as printed, findings on their cells, versions, source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import scope as sc
from dashboard.catalogue.labels import FINDING_STATUS_ZH, TABLE_ZH, cell_label, humanize, section_label, severity_name
from dashboard.pages import common as c
from dashboard.pages.common import url_int, url_text
from dashboard.pages.correction_grid import proofread_link, show_corrections
from dashboard.pages.report_tables import cell_text, marked_cells, report_table, styled
from dashboard.pages.scope_bar import view
from dashboard.text import md_literal


def pick_report(reports: pd.DataFrame) -> int:
    """A report of the agency (URL ?report=12); default its newest current report."""
    ids = [int(r) for r in reports["report_id"]]
    labels = {int(r.report_id): f"{r.year}年 · {status} · {r.source_name}"
              for r, status in zip(reports.itertuples(), statuses(reports), strict=True)}
    raw = url_text("report")
    wanted = url_int(raw)
    if raw is not None and wanted not in labels:
        st.warning(f"链接中的报告编号“{md_literal(raw[:24])}”不属于这个单位，已改为显示其最新报告。")
    default = wanted if wanted in labels else ids[0]
    value = st.selectbox("报告", ids, index=ids.index(default), format_func=labels.get, key="w_report")
    if st.query_params.get("report") != str(value):
        st.query_params["report"] = str(value)
    return int(value)


def version_status(is_current: bool, held: bool, draft: bool = False, superseded: bool = False) -> str:
    """现行版 / 待核对 (a held version that did not become current) / 已被更正版替换; a review draft is 报送稿（草稿）,
    or 报送稿（已有新稿） once the unit sent a later one — a draft is never current and never a published version."""
    if draft:
        return "报送稿（已有新稿）" if superseded else "报送稿（草稿）"
    return "现行版" if is_current else "待核对" if held else "已被更正版替换"


def statuses(versions: pd.DataFrame) -> list[str]:
    """version_status of every row of detail_reports_of_agency."""
    return [version_status(bool(r.is_current), bool(r.held), bool(r.draft), pd.notna(r.superseded_by))
            for r in versions.itertuples()]


def promote_form(versions: pd.DataFrame) -> None:
    """编辑: make a held (待核对) version of this year current, with a reason (audited)."""
    from dashboard.ingest import guarded
    from dashboard.ingest.settle import SettleError
    from dashboard.pages import login
    from dashboard.review import users

    held = versions[versions["held"]]
    user = login.current_user()
    if held.empty or not users.allows(user, "编辑"):
        return
    names = {int(r.report_id): f"#{int(r.report_id)} · {r.source_name}" for r in held.itertuples()}
    with st.form("detail_promote"):
        rid = st.selectbox("启用待核对版本（成为现行版，原现行版保留为已替换）", list(names), format_func=names.get,
                           key="w_detail_promote")
        why = st.text_input("理由（记入操作记录）", key="w_detail_promote_reason")
        if st.form_submit_button("启用此版本"):
            try:
                out = guarded.guarded_promote(user, int(rid), why, db=c.db_version()[0])
            except (SettleError, users.PermissionDenied) as exc:
                st.error(str(exc))
                return
            st.session_state["detail_done"] = f"报告 #{out.report_id} 已成为现行版本" + (
                f"（原现行版本 #{out.replaced} 保留为已替换）" if out.replaced else "")
            st.rerun()


ACTIVE = ("open", "confirmed")
CLOSED_STYLE = "color: #8a8a8a"


def closed_findings(findings: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Findings a correction resolved or a reviewer excluded, as a closed record: the rule, what it said then, the
    corrected values of its cells now, and who closed it."""
    closed = findings[~findings["status"].isin(ACTIVE)]
    by_key = {f"{r.tbl}.{r.row_code}.{r.col_code}": r for r in cells.itertuples()}

    def now(keys: object) -> str:
        parts = []
        for key in list(keys) if keys is not None else []:
            cell = by_key.get(key)
            if cell is not None and bool(cell.corrected):
                parts.append(f"{cell_label(key)} = {cell_text(cell.value, cell.printed, cell.unit)}")
        return "；".join(parts) or "—"

    return pd.DataFrame({
        "规则": closed["rule"].map(c.rule_name),
        "原问题（更正前）": closed["message"].map(humanize),
        "更正后的值": [now(k) for k in closed["cells"]],
        "状态": closed["status"].map(lambda s: FINDING_STATUS_ZH.get(s, "")),
        "关闭人": closed["reviewed_by"].fillna(""),
        "时间": [("" if pd.isna(t) else pd.Timestamp(t).strftime("%Y-%m-%d %H:%M")) for t in closed["reviewed_at"]],
    })


def show_findings(findings: pd.DataFrame, cells: pd.DataFrame | None = None) -> None:
    """The report's open findings in words a reader understands; below them, greyed, those already closed."""
    if cells is not None and not findings.empty and (~findings["status"].isin(ACTIVE)).any():
        closed = closed_findings(findings, cells)
        findings = findings[findings["status"].isin(ACTIVE)]
    else:
        closed = None
    if findings.empty:
        st.success("核对未发现待处理的问题。" if closed is not None else "核对未发现问题。")
    else:
        _active_table(findings)
    if closed is not None:
        st.markdown("**已关闭的问题**（已因更正关闭或经核实排除，不再标红）")
        st.dataframe(closed.style.map(lambda _: CLOSED_STYLE), hide_index=True, width="stretch")


def _active_table(findings: pd.DataFrame) -> None:
    shown = pd.DataFrame({
        "级别": findings["severity"].map(lambda s: severity_name(s)),
        "规则": findings["rule"].map(c.rule_name),
        "说明": findings["message"].map(humanize),
        "位置": [("；".join(cell_label(k) for k in cells) if cells is not None and len(cells) else "")
               for cells in findings["cells"]],
        "状态": findings["status"].map(lambda s: FINDING_STATUS_ZH.get(s, "")),
    })
    st.dataframe(shown, hide_index=True, width="stretch")


def pick_agency(table: pd.DataFrame, chosen: tuple[int, ...] | None) -> int:
    """One unit of the scope (URL ?unit=3); the scope bar's single chosen unit, else the first with reports."""
    ids = [int(a) for a in table["agency_id"]]
    names = dict(zip(ids, table["short_name"], strict=True))
    raw = url_text("unit")
    wanted = url_int(raw)
    if raw is not None and wanted not in names:
        st.warning(f"链接中的单位编号“{md_literal(raw[:24])}”不在所选范围内，已改为显示{md_literal(names[ids[0]])}。")
        wanted = None
    default = wanted if wanted in names else (chosen[0] if chosen and chosen[0] in names else ids[0])
    value = st.selectbox("单位", ids, index=ids.index(default), format_func=lambda a: names.get(a, ""), key="w_unit")
    if st.query_params.get("unit") != str(value):
        st.query_params["unit"] = str(value)
    return int(value)


def main() -> None:
    """Render the page."""
    st.title("单位详情")
    v = view()
    table = c.agencies()
    table = table[table["reports"] > 0]
    if v.scope.region:
        table = table[table["region"].isin(sc.RegionTree.load().below(v.scope.region))]
    if v.scope.kinds:
        table = table[table["kind"].isin(v.scope.kinds)]
    if v.scope.agency_ids:
        table = table[table["agency_id"].isin(v.scope.agency_ids)]
    if table.empty:
        c.no_data(f"所选范围（{v.label_md}）没有单位的报告。")
    agency = pick_agency(table, v.scope.agency_ids)
    info = table[table["agency_id"] == agency].iloc[0]
    st.text(f"{info['name']} · {info['kind']} · {info['region'] or '地区未注明'}"
            + (" · 模拟数据" if bool(info["simulated"]) else ""))
    reports = c.q("detail_reports_of_agency", agency_id=agency)
    if msg := st.session_state.pop("detail_done", None):
        st.success(msg)
    overview = reports.assign(年度=reports["year"], 格式=reports["template"] + "年版",
                              状态=statuses(reports),
                              待核实问题=reports["findings_open"], 文件=reports["source_name"])
    st.dataframe(overview[["年度", "格式", "状态", "待核实问题", "文件"]], hide_index=True, width="stretch")

    report_id = pick_report(reports)
    rep = reports[reports["report_id"] == report_id].iloc[0]
    cells = c.q("detail_report_cells", report_id=report_id)
    findings = c.q("detail_report_findings", report_id=report_id)
    marks = marked_cells(findings[findings["status"].isin(ACTIVE)])  # a closed finding marks no cell
    st.subheader(f"{rep['year']}年报告（{rep['template']}年版格式）")
    if rep["applications_layout"] and rep["applications_layout"] != rep["template"]:
        st.caption(f"第三部分按{rep['applications_layout']}年版填报（混合格式）。")
    show_findings(findings, cells)
    for tbl in ("disclosure", "applications", "appeals"):
        text, mark = report_table(cells, tbl, str(rep["template"]), str(rep["applications_layout"] or ""), marks)
        st.markdown(f"**{TABLE_ZH[tbl]}**")
        st.dataframe(styled(text, mark), width="stretch", height=min(38 * (len(text) + 1), 1000))
    st.caption("标红的格为核对发现问题的位置；“（空白）”表示原件未填，与填写0不同。")
    show_corrections(cells)  # 人工更正: who, when, why, the value replaced (dashboard/pages/correction_grid.py)
    proofread_link(report_id)  # editors: open this report on 校对

    sections = c.q("detail_report_sections", report_id=report_id)
    for s in sections.itertuples():
        with st.expander(section_label(s.code)):
            st.text(s.body)  # report text is text: never Markdown or HTML (links and images stay inert)

    st.markdown("**版本记录**")
    versions = reports[reports["year"] == rep["year"]]
    st.dataframe(pd.DataFrame({"入库时间": versions["ingested_at"], "文件": versions["source_name"],
                               "状态": statuses(versions),
                               "说明": versions["held_reason"]}),
                 hide_index=True, width="stretch")
    promote_form(versions)
    from dashboard.store.originals import SourceError, read_source  # the file store, hash checked

    try:
        source = read_source(report_id)
    except SourceError as exc:
        st.warning(f"原件无法提供：{md_literal(exc.reason_zh)}")
        source = None
    if source is not None:
        st.text(f"原件文件：{source[0]}")  # a file name is text, never Markdown in a label
        st.download_button("下载原件", data=source[1], file_name=source[0], key="source_download")


main()
