"""审核意见书: the office's written opinion on one unit's report, a DOCX in the brief's 公文 layout
(dashboard/export/brief.py): 标题, 主送单位, 单位与年度, the numbered 问题清单 — where (表/行/列, or 段落 quoting the
text), what is wrong, the rule's basis, how to fix it — then the office's name and the date. One per unit, or every
unit of a round with problems in one ZIP named by unit; and the office's XLSX summary of the round.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from dashboard.catalogue.labels import (
    TABLE_ZH,
    cell_label,
    humanize,
    rule_basis,
    rule_name,
    section_label,
    severity_name,
)
from dashboard.export.brief import BODY_PT, _plain, _setup_page, _styles
from dashboard.review.rounds import Round, UnitStatus, board, board_frame, load_round
from dashboard.scope import data_as_of
from dashboard.store.named import run_query

NUMERALS = "一二三四五六七八九十"
QUOTE_CHARS = 40
# How to put each problem right, in the words an office writes to a unit.
FIX_ZH: dict[str, str] = {
    "R1": "请核对第三部分各列：本年新收与上年结转之和应等于办理结果总计与结转下年度继续办理之和，改正填错的数字。",
    "R2": "请核对第三部分该行：总计应等于自然人与各类法人或其他组织之和。",
    "R3": "请核对第三部分该列：办理结果总计应等于各项办理结果之和。",
    "R4": "请核对第四部分：总计应等于结果维持、结果纠正、其他结果、尚未审结之和。",
    "R5": "请改正为不小于0的整数（金额不小于0）。",
    "X1": "请核对本年“上年结转”是否等于上年报告的“结转下年度继续办理”，如上年数字有误请说明。",
    "X2": "请核对现行有效件数：应等于上年现行有效件数加本年制发、减本年废止。",
    "X3": "请核对“上一年项目数量”与上年报告是否一致。",
    "TEXT_TABLE": "请使“总体情况”正文所述数字与表格一致。",
    "VERSION_YEAR": "请使用该年度应使用的年度报告格式（2021年度起为国办公开办函〔2021〕30号格式）。",
    "HYBRID": "请统一使用同一版本格式的表格。",
    "SECTION_MISSING": "请补齐规定的六个部分。",
    "SECTION_ORDER": "请按格式依次列出一至六部分，使用规定的序号和标题。",
    "ROWS_COMPLETE": "请按格式列出表格的全部行和列；没有发生的事项填0，不得删去该行。",
    "PROBLEMS_MEASURES": "请在“五、存在的主要问题及改进情况”中既写明存在的主要问题，也写明改进措施（及上年问题的整改情况）。",
    "FEE_REPORT": "请在“六、其他需要报告的事项”中写明本年度信息处理费的收取情况；未收取的，写明“未收取信息处理费”。",
    "TITLE": "请在标题中写明单位全称和报告年度，如“××2025年政府信息公开工作年度报告”。",
    "LATE": "请按规定期限在政府网站公布年度报告；已逾期的，请尽快公布并说明原因。",
    "SAME_TEXT": "请结合本单位本年度实际工作重新撰写相关内容，不得照搬上年报告或其他单位的报告。",
    "BLANK_TOTAL": "请填写总计栏（没有发生的填0）。",
    "UNIT": "请核对金额单位（表二收费金额以万元计），并在表中注明。",
}
TO_PAGE = re.compile(r"（[^（）]*“校对”页[^（）]*）")
WHERE_BY_RULE = {"LATE": "公布日期", "TITLE": "标题", "VERSION_YEAR": "表格格式", "HYBRID": "表格格式"}


@dataclass
class Problem:
    """One numbered item of the 问题清单."""

    title: str
    where: str
    what: str
    basis: str
    fix: str


def _quote(text: str) -> str:
    text = re.sub(r"\s+", "", text or "")
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"


def where_of(finding: dict[str, Any], record: dict[str, Any]) -> str:
    """Where the problem is: 表/行/列 for cells, 段落 quoting the text for narrative sections."""
    parts: list[str] = []
    cells = [str(c) for c in (finding.get("cells") or [])]
    for key in cells[:4]:
        if key.startswith("sections."):
            code = key.split(".", 1)[1]
            body = (record.get("sections") or {}).get(code) or ""
            quoted = f"，原文“{_quote(body)}”" if body.strip() else "（未见该部分内容）"
            parts.append(f"“{section_label(code)}”段落{quoted}")
        else:
            table = TABLE_ZH.get(key.split(".", 1)[0], "")
            parts.append(f"“{table}”表：{cell_label(key)}" if table else cell_label(key))
    if len(cells) > 4:
        parts.append(f"等 {len(cells)} 处")
    if parts:
        return "；".join(parts)
    if finding.get("rule") == "TITLE" and record.get("title"):
        return f"标题“{_quote(str(record['title']))}”"
    return WHERE_BY_RULE.get(str(finding.get("rule")), "全文")


def problems_of(unit: UnitStatus, record: dict[str, Any]) -> list[Problem]:
    """The unit's standing problems as items of the opinion, errors first."""
    out = []
    for f in unit.findings:
        rule = str(f["rule"])
        what = TO_PAGE.sub("", humanize(f["message"])).strip()
        out.append(Problem(f"{rule_name(rule)}（{severity_name(f['severity'])}）", where_of(f, record), what,
                           rule_basis(rule) or "国办公开办函〔2021〕30号年度报告格式",
                           FIX_ZH.get(rule, "请核对原件，如确有错误请改正后重新报送。")))
    return out


def record_of(report_id: int | None, db: Path | None) -> dict[str, Any]:
    """The canonical record of a stored version ({} when none)."""
    if not report_id:
        return {}
    import json

    rows = run_query("review_report_record", db=db, report_id=int(report_id))
    return json.loads(rows.iloc[0]["parse_json"]) if not rows.empty else {}


def office_name(rnd: Round | None, db: Path | None = None) -> str:
    """The office's name from the settings (office_name: environment, the database's meta, data/settings.toml)."""
    from dashboard.scope import configured

    meta = run_query("app_meta", db=db)
    value, _ = configured("office_name", dict(zip(meta["key"], meta["value"], strict=True)) if not meta.empty else {})
    if value:
        return value
    region = (rnd.region if rnd else None) or ""
    return f"{region.replace('（模拟）', '')}政府信息公开工作主管部门" if region else "政府信息公开工作主管部门"


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def write_opinion(unit: UnitStatus, rnd: Round, path: Path | None = None, db: Path | None = None,
                  today: dt.date | None = None, office: str | None = None) -> bytes:
    """The DOCX opinion of one unit (written to `path` when given); returns its bytes."""
    record = record_of(unit.report_id, db)
    today = today or data_as_of(db)
    office = office or office_name(rnd, db)
    doc = Document()
    _styles(doc)
    _setup_page(doc)
    ppr = doc.styles["Title"].element.pPr
    for border in ([] if ppr is None else ppr.findall(qn("w:pBdr"))):
        ppr.remove(border)  # a 公文 title has no rule under it
    year = rnd.year
    doc.add_paragraph(f"关于{unit.name}{year}年政府信息公开工作年度报告的审核意见", style="Title").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    _plain(doc, f"单位：{unit.name}　　年度：{year}年度", align=WD_ALIGN_PARAGRAPH.CENTER)
    _plain(doc, f"{unit.name}：", align=WD_ALIGN_PARAGRAPH.LEFT)
    last = unit.last_submitted
    received = f"（{_date_zh(last.date() if isinstance(last, dt.datetime) else last)}收到，第 {unit.submissions} 次报送）" \
        if last is not None and unit.submissions else ""
    problems = problems_of(unit, record)
    if problems:
        lead = (f"你单位报送的{year}年政府信息公开工作年度报告{received}已收悉。经审核，发现以下 {len(problems)} 个"
                f"问题，请逐项修改后重新报送，并于{_date_zh(unit.deadline)}前在本单位政府网站公布。")
    else:
        lead = f"你单位报送的{year}年政府信息公开工作年度报告{received}已收悉。经审核，未发现需要修改的问题。"
    _plain(doc, lead)
    if unit.opinion and unit.decision == "returned":
        _plain(doc, f"审核意见：{unit.opinion}")
    if problems:
        doc.add_heading("一、问题清单", level=1)
        for n, p in enumerate(problems, start=1):
            doc.add_heading(f"（{NUMERALS[n - 1] if n <= 10 else n}）{p.title}", level=2)
            for label, text in (("位置", p.where), ("问题", p.what), ("依据", p.basis), ("修改要求", p.fix)):
                para = doc.add_paragraph()
                head = para.add_run(f"{label}：")
                head.bold = True
                para.add_run(text)
        doc.add_heading("二、有关要求", level=1)
        _plain(doc, "请对照《中华人民共和国政府信息公开条例》第四十九条、第五十条和国办公开办函〔2021〕30号规定的格式"
                    "认真修改，确保按时、完整、准确发布，避免内容雷同。修改稿请注明修改之处。")
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the signature never stands alone on a page
    doc.add_paragraph().paragraph_format.keep_with_next = True
    for k, text in enumerate((office, _date_zh(today))):
        para = doc.add_paragraph(text)
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        para.paragraph_format.first_line_indent = Pt(0)
        para.paragraph_format.right_indent = Pt(2 * BODY_PT)
        para.paragraph_format.keep_with_next = k == 0
    buf = io.BytesIO()
    doc.save(buf)
    data = buf.getvalue()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return data


def safe_name(text: str) -> str:
    """A file name made of the unit's name (no path separators or control characters)."""
    return re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", text).strip() or "单位"


def opinion_file_name(unit: UnitStatus, year: int) -> str:
    """'和沟乡-2025年度年报审核意见书.docx'."""
    return f"{safe_name(unit.short_name)}-{year}年度年报审核意见书.docx"


def units_with_problems(units: list[UnitStatus]) -> list[UnitStatus]:
    """The units whose looked-at report has standing problems."""
    return [u for u in units if u.report_id and u.findings]


def write_opinions(year: int, out_dir: Path, db: Path | None = None, today: dt.date | None = None
                   ) -> list[Path]:
    """One opinion per unit with problems, in `out_dir`; returns the files written."""
    rnd, units = board(year, db, today=data_as_of(db))
    if rnd is None:
        return []
    office = office_name(rnd, db)
    return [_write(u, rnd, out_dir / opinion_file_name(u, year), db, today, office) for u in units_with_problems(units)]


def _write(unit: UnitStatus, rnd: Round, path: Path, db: Path | None, today: dt.date | None, office: str) -> Path:
    write_opinion(unit, rnd, path, db, today, office)
    return path


def opinions_zip(year: int, db: Path | None = None, today: dt.date | None = None,
                 agency_ids: list[int] | None = None) -> bytes:
    """Every opinion of the round (units with problems, or the given units) in one ZIP, one file per unit."""
    rnd, units = board(year, db, today=data_as_of(db))
    if rnd is None:
        return b""
    office = office_name(rnd, db)
    chosen = [u for u in units if u.agency_id in agency_ids] if agency_ids else units_with_problems(units)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for u in chosen:
            zf.writestr(opinion_file_name(u, year), write_opinion(u, rnd, None, db, today, office))
    return buf.getvalue()


def summary_xlsx(year: int, path: Path | None = None, db: Path | None = None) -> bytes:
    """The office's XLSX summary of the round: unit × status × problems by kind × dates, Chinese headers."""
    rnd, units = board(year, db, today=data_as_of(db))
    frame = board_frame(units)
    problems = pd.DataFrame([{"单位": u.short_name, "问题类型": rule_name(f["rule"]),
                              "严重程度": severity_name(f["severity"]), "说明": humanize(f["message"])}
                             for u in units for f in u.findings], columns=["单位", "问题类型", "严重程度", "说明"])
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        frame.to_excel(xw, sheet_name="审核进度", index=False)
        problems.to_excel(xw, sheet_name="问题清单", index=False)
        info = pd.DataFrame([{"项目": "审核轮次", "内容": rnd.title if rnd else f"{year}年度（未开启）"},
                             {"项目": "报送稿截止", "内容": str(rnd.draft_deadline or "未设") if rnd else ""}])
        info.to_excel(xw, sheet_name="说明", index=False)
        for ws in xw.book.worksheets:
            for col in ws.columns:
                width = max(len(str(c.value or "")) for c in col)
                ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width * 2))
    data = buf.getvalue()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return data


def round_or_none(year: int, db: Path | None = None) -> Round | None:
    """The round of `year` (a convenience for callers that import only this module)."""
    return load_round(year, db)
