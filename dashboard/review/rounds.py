"""The office's yearly review round: who has sent what, what the office decided, and each unit's status.

A round is opened for one report year by a 管理 (`open_round`) with the office's internal deadline for drafts and
the publication deadline by unit kind (条例 第四十九条: departments, townships and street offices by 31 January of
the next year, the county government by 31 March). Every expected unit (the registry's agencies owing the year in
the round's region, and any unit that sent a report) has a status derived from its submissions (drafts in the
store's history, dashboard/review/submissions.py), its published version and the office's latest decision:

    未提交 → 待审核 → 需修改 → 已通过 → 已公布,  and 逾期 where a deadline passed

(逾期: not published after the publication deadline, or nothing sent after the drafts' deadline). A decision
(退回修改 with the opinion, 通过, 标记已公布) is a row of review_decisions and an audit row; a newer draft than the
decided one puts the unit back to 待审核. The drafts are checked by `check_round` against the unit's previous year
and the same year's other units (SAME_TEXT across units) with the round's deadlines (LATE).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.catalogue.labels import rule_name
from dashboard.checks import Finding, run_checks
from dashboard.checks.review_context import ReviewContext
from dashboard.review import audit
from dashboard.review.scoring import Score, Sheet, load_sheet, score
from dashboard.review.users import User, require_role
from dashboard.store.named import run_query

STAGES = ("未提交", "待审核", "需修改", "已通过", "已公布")
OVERDUE = "逾期"
STATUSES = (*STAGES, OVERDUE)
# The board's order: what needs the office now first (to review, overdue to chase, returned), then the settled.
BOARD_ORDER = ("待审核", "逾期", "需修改", "未提交", "已通过", "已公布")
ACTION_ZH = {"returned": "退回修改", "passed": "通过", "published": "标记已公布"}
# The parser's own doubts and the store's bookkeeping are the office's business, not the unit's: not in opinions.
INTERNAL_RULES = frozenset({"PARSE", "UNKNOWN_AGENCY", "HELD", "CORRECTION_STALE"})
KIND_ORDER = ("乡", "镇", "街道", "部门", "政府")


class RoundError(ValueError):
    """A round action that cannot be done (no round, no submission to decide on); the message is Chinese."""


@dataclass(frozen=True)
class Round:
    """One year's review round."""

    round_id: int
    year: int
    title: str
    region: str | None
    draft_deadline: dt.date | None
    deadlines: dict[str, dt.date]
    opened_by: str = ""
    opened_at: dt.datetime | None = None

    def deadline(self, kind: str | None) -> dt.date:
        """The publication deadline of a unit of this kind (31 March, the latest, for an unknown kind)."""
        return self.deadlines.get(kind or "", dt.date(self.year + 1, 3, 31))

    def check_deadlines(self) -> dict[str, tuple[int, int]]:
        """The deadlines as the LATE rule reads them: kind → (month, day)."""
        return {k: (d.month, d.day) for k, d in self.deadlines.items()}


def default_deadlines(year: int) -> dict[str, dt.date]:
    """The publication deadlines of year `year` by kind (条例 第四十九条; townships and street offices: 31 January)."""
    jan, mar = dt.date(year + 1, 1, 31), dt.date(year + 1, 3, 31)
    return {"乡": jan, "镇": jan, "街道": jan, "部门": jan, "政府": mar}


def _as_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date"):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _round_of(row: pd.Series) -> Round:
    raw = row["deadlines"]
    deadlines = {str(k): dt.date.fromisoformat(str(v)) for k, v in (json.loads(raw) if raw else {}).items()}
    region = row["region"] if isinstance(row["region"], str) and row["region"] else None
    return Round(int(row["round_id"]), int(row["year"]), str(row["title"]), region, _as_date(row["draft_deadline"]),
                 deadlines, str(row["opened_by"] or ""), row["opened_at"])


def load_round(year: int, db: Path | None = None) -> Round | None:
    """The review round of `year`, None when none was opened."""
    df = run_query("review_round", db=db, year=int(year))
    return None if df.empty else _round_of(df.iloc[0])


def open_round(user: User | None, year: int, draft_deadline: dt.date | None = None,
               deadlines: dict[str, dt.date] | None = None, title: str | None = None, region: str | None = None,
               db: Path | None = None) -> Round:
    """Open (or re-set the deadlines of) the review round of `year` (管理 only); audited."""
    from dashboard.store.db import writer

    user = require_role(user, "管理", "开启审核轮次")
    dl = {**default_deadlines(year), **(deadlines or {})}
    title = title or f"{year}年度政府信息公开工作年度报告审核"
    with writer(db) as con:
        old = con.execute("select round_id, draft_deadline, deadlines from review_rounds where year = ?",
                          [int(year)]).fetchone()
        values = [title, region, draft_deadline, json.dumps({k: v.isoformat() for k, v in dl.items()},
                                                           ensure_ascii=False)]
        if old:
            con.execute("update review_rounds set title = ?, region = ?, draft_deadline = ?, deadlines = ?::json "
                        "where round_id = ?", [*values, old[0]])
            before: Any = {"draft_deadline": str(old[1]) if old[1] else None, "deadlines": json.loads(old[2] or "{}")}
        else:
            rid = con.execute("select coalesce(max(round_id), 0) + 1 from review_rounds").fetchone()[0]
            con.execute("insert into review_rounds values (?, ?, ?, ?, ?, ?::json, ?, now()::timestamp)",
                        [rid, int(year), *values, user.name])
            before = None
        audit.log(con, user.name, "round_open", title, before,
                  {"draft_deadline": str(draft_deadline) if draft_deadline else None,
                   "deadlines": {k: v.isoformat() for k, v in dl.items()}, "region": region}, year=int(year))
    found = load_round(year, db)
    assert found is not None
    return found


# ---- the board ----

@dataclass
class UnitStatus:
    """One unit's place in the round."""

    agency_id: int
    name: str
    short_name: str
    kind: str | None
    stage: str  # one of STAGES
    status: str  # the stage, or 逾期
    deadline: dt.date
    days_left: int | None  # to the publication deadline (negative: past it); None once published
    submissions: int
    draft_id: int | None
    published_id: int | None
    published_on: dt.date | None
    first_submitted: dt.datetime | None
    last_submitted: dt.datetime | None
    decision: str | None  # returned | passed | published
    decided_at: dt.datetime | None
    opinion: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    score: Score | None = None

    @property
    def report_id(self) -> int | None:
        """The version the office looks at: the latest draft when one is newer than the published, else the published."""
        if self.draft_id and (not self.published_id or self.draft_id > self.published_id):
            return self.draft_id
        return self.published_id

    late_draft: bool = False  # the first draft came after the round's deadline for drafts
    no_draft_past_deadline: bool = False  # no draft came, and the round's deadline for drafts has passed

    @property
    def errors(self) -> int:
        """Error-level problems of the version looked at."""
        return sum(1 for f in self.findings if f["severity"] == "error")

    @property
    def warnings(self) -> int:
        """Warnings and hints of the version looked at."""
        return sum(1 for f in self.findings if f["severity"] != "error")


def _none(value: Any) -> Any:
    return None if value is None or value is pd.NaT or (isinstance(value, float) and value != value) else value


def derive_status(row: dict[str, Any], rnd: Round, today: dt.date) -> tuple[str, str, int | None]:
    """(stage, status, days to the publication deadline) of one unit's board row."""
    deadline = rnd.deadline(row.get("kind"))
    draft, published = _none(row.get("draft_id")), _none(row.get("published_id"))
    decided, decision = _none(row.get("decided_report_id")), _none(row.get("decision"))
    if published and not (draft and draft > published):
        stage = "已公布"
    elif not draft:
        stage = "未提交"
    elif decided is None or int(decided) < int(draft):
        stage = "待审核"
    elif decision == "returned":
        stage = "需修改"
    elif decision == "passed":
        stage = "已通过"
    else:
        stage = "待审核"
    overdue = (not published and today > deadline) or (
        stage == "未提交" and rnd.draft_deadline is not None and today > rnd.draft_deadline)
    days = None if published else (deadline - today).days
    return stage, OVERDUE if overdue else stage, days


def board(year: int, db: Path | None = None, today: dt.date | None = None, sheet: Sheet | None = None,
          rnd: Round | None = None) -> tuple[Round | None, list[UnitStatus]]:
    """The round of `year` and every expected unit's status, problems and score (empty when no round)."""
    rnd = rnd or load_round(year, db)
    if rnd is None:
        return None, []
    today = today or dt.date.today()  # callers pass the data's as_of (dashboard.scope.data_as_of)
    sheet = sheet or load_sheet()
    rows = run_query("review_round_units", db=db, year=int(year), region=rnd.region, round_id=rnd.round_id)
    units: list[UnitStatus] = []
    for rec in rows.to_dict("records"):
        stage, status, days = derive_status(rec, rnd, today)
        units.append(UnitStatus(
            int(rec["agency_id"]), str(rec["name"]), str(rec["short_name"]), _none(rec["kind"]), stage, status,
            rnd.deadline(_none(rec["kind"])), days, int(rec["submissions"]),
            int(rec["draft_id"]) if _none(rec["draft_id"]) else None,
            int(rec["published_id"]) if _none(rec["published_id"]) else None, _as_date(_none(rec["published_on"])),
            _none(rec["first_submitted"]), _none(rec["last_submitted"]), _none(rec["decision"]),
            _none(rec["decided_at"]), _none(rec["opinion"])))
    units.sort(key=lambda u: (BOARD_ORDER.index(u.status), u.short_name))
    ids = [u.report_id for u in units if u.report_id]
    found = run_query("review_round_findings", db=db, report_ids=ids) if ids else pd.DataFrame()
    by_report: dict[int, list[dict[str, Any]]] = {}
    for f in found.to_dict("records"):
        if f["rule"] in INTERNAL_RULES:
            continue
        f["cells"] = [str(c) for c in (f["cells"] if f["cells"] is not None else [])]
        by_report.setdefault(int(f["report_id"]), []).append(f)
    for u in units:
        first = _as_date(u.first_submitted)
        u.late_draft = bool(first and rnd.draft_deadline and first > rnd.draft_deadline)
        u.no_draft_past_deadline = bool(not first and rnd.draft_deadline and today > rnd.draft_deadline)
        if u.report_id:
            u.findings = by_report.get(u.report_id, [])
            u.score = score(u.findings, sheet, overdue=u.status == OVERDUE, late_draft=u.late_draft)
    return rnd, units


def problems_by_kind(unit: UnitStatus, sheet: Sheet) -> dict[str, int]:
    """How many standing problems the unit's report has per item of the scoring sheet (按时/完整/准确/不雷同/其他)."""
    out = {i.name: 0 for i in sheet.items}
    for f in unit.findings:
        kind = sheet.kind_of(f["rule"])
        out[kind] = out.get(kind, 0) + 1
    return out


def days_text(unit: UnitStatus) -> str:
    """'还有 5 天' / '已逾期 3 天' / '今天到期' / '已公布'."""
    if unit.days_left is None:
        return "已公布"
    if unit.days_left > 0:
        return f"还有 {unit.days_left} 天"
    return "今天到期" if unit.days_left == 0 else f"已逾期 {-unit.days_left} 天"


def _stamp(value: Any) -> str:
    value = _none(value)
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)[:16]


def draft_late_text(unit: UnitStatus) -> str:
    """报送稿逾期 as the board says it: 是 when the first draft came after the drafts' deadline, 是（未报送） when none
    came and that deadline has passed, 否 otherwise (a unit that sent nothing before the deadline is not late yet)."""
    if unit.late_draft:
        return "是"
    return "是（未报送）" if unit.no_draft_past_deadline else "否"


def board_frame(units: list[UnitStatus], sheet: Sheet | None = None) -> pd.DataFrame:
    """The board as a table with Chinese headers (the page, `nianbao review status` and the XLSX summary)."""
    sheet = sheet or load_sheet()
    kinds = [i.name for i in sheet.items]
    rows = []
    for u in units:
        by_kind = problems_by_kind(u, sheet)
        rows.append({
            "单位": u.short_name, "类别": u.kind or "未分类", "状态": u.status, "进度": u.stage,
            "公布期限": u.deadline.isoformat(), "期限": days_text(u), "报送次数": u.submissions,
            "首次报送": _stamp(u.first_submitted), "最近报送": _stamp(u.last_submitted),
            "报送稿逾期": draft_late_text(u),
            "最近审核意见": ACTION_ZH.get(u.decision or "", ""), "审核时间": _stamp(u.decided_at),
            "公布日期": u.published_on.isoformat() if u.published_on else "",
            "错误": u.errors, "提醒": u.warnings,
            **{f"{k}问题": by_kind.get(k, 0) for k in kinds},
            "评分": round(u.score.total, 1) if u.score else None,
        })
    columns = ["单位", "类别", "状态", "进度", "公布期限", "期限", "报送次数", "首次报送", "最近报送", "报送稿逾期", "最近审核意见",
               "审核时间", "公布日期", "错误", "提醒", *[f"{k}问题" for k in kinds], "评分"]
    return pd.DataFrame(rows, columns=columns)


# ---- decisions ----

def decide(user: User | None, year: int, agency_id: int, action: str, opinion: str | None = None,
           db: Path | None = None, at: dt.datetime | None = None) -> None:
    """The office's decision on a unit's latest submission (编辑 or higher): returned (with the opinion), passed, or
    published (the latest draft becomes the published version). One review_decisions row and one audit row."""
    decide_many(user, year, [(agency_id, action, opinion, at)], db)


def decide_many(user: User | None, year: int, decisions: list[tuple[int, str, str | None, dt.datetime | None]],
                db: Path | None = None) -> None:
    """Several decisions (agency_id, action, opinion, at) in one write, in order; all or none."""
    from dashboard.store.db import writer

    for _, action, opinion, _ in decisions:
        if action not in ACTION_ZH:
            raise RoundError(f"未知的审核操作：{action}")
        user = require_role(user, "编辑", ACTION_ZH[action])
        if action == "returned" and not (opinion or "").strip():
            raise RoundError("退回修改须写明修改意见。")
    user = require_role(user, "编辑", "审核")
    rnd = load_round(year, db)
    if rnd is None:
        raise RoundError(f"{year} 年度还没有开启审核轮次。")
    with writer(db) as con:
        for agency_id, action, opinion, at in decisions:
            _decide(con, rnd, user, int(agency_id), action, opinion, at)


def _decide(con: duckdb.DuckDBPyConnection, rnd: Round, user: User, agency_id: int, action: str,
            opinion: str | None, at: dt.datetime | None) -> None:
    from dashboard.review.submissions import promote_draft

    year = rnd.year
    name = con.execute("select coalesce(short_name, name) from agencies where agency_id = ?", [agency_id]).fetchone()
    if name is None:
        raise RoundError(f"没有编号为 {agency_id} 的单位。")
    draft = con.execute("""select max(report_id) from reports where agency_id = ? and year = ? and draft
                           and superseded_by is null""", [agency_id, year]).fetchone()[0]
    published = con.execute("""select max(report_id) from reports where agency_id = ? and year = ?
                               and superseded_by is null and draft is not true""", [agency_id, year]).fetchone()[0]
    target = draft or published
    if target is None:
        raise RoundError(f"{name[0]} 尚未报送 {year} 年度报告，无法{ACTION_ZH[action]}。")
    if action == "published" and draft is None:
        raise RoundError(f"{name[0]} 没有待公布的报送稿（已公布的版本无需再标记）。")
    before = con.execute("""select action from review_decisions where round_id = ? and agency_id = ?
                            order by "at" desc, decision_id desc limit 1""", [rnd.round_id, agency_id]).fetchone()
    did = con.execute("select coalesce(max(decision_id), 0) + 1 from review_decisions").fetchone()[0]
    text = (opinion or "").strip() or None
    con.execute("insert into review_decisions values (?, ?, ?, ?, ?, ?, ?, coalesce(?, now()::timestamp))",
                [did, rnd.round_id, agency_id, int(target), action, text, user.name, at])
    replaced = promote_draft(con, int(target)) if action == "published" else None
    audit.log(con, user.name, f"round_{action}", f"{name[0]} {year} 年度报告",
              {"decision": ACTION_ZH.get(before[0], before[0]) if before else None},
              {"decision": ACTION_ZH[action], "opinion": text},
              year=year, agency_id=agency_id, report_id=int(target), replaced=replaced)


# ---- checking the drafts of a round ----

def check_round(con: duckdb.DuckDBPyConnection, year: int, deadlines: dict[str, tuple[int, int]] | None = None
                ) -> dict[int, list[Finding]]:
    """Check every latest draft of `year` against its unit's previous year and the same year's other units (each
    unit's latest draft, else its published report) sent before it — of two identical texts, the later is the
    copy; save the findings. Inside an open writer connection."""
    from dashboard.review.corrected import active_changes, apply_to_record
    from dashboard.review.findings import save_findings

    if deadlines is None:
        row = con.execute("select deadlines from review_rounds where year = ? order by round_id desc limit 1",
                          [int(year)]).fetchone()
        deadlines = {k: (dt.date.fromisoformat(v).month, dt.date.fromisoformat(v).day)
                     for k, v in json.loads(row[0] or "{}").items()} if row else {}
    rows = con.execute("""select report_id, agency_id, year, parse_json, coalesce(draft, false),
                                 coalesce(submitted_at, ingested_at) from reports
                          where year in (?, ?) and superseded_by is null and held is not true""",
                       [int(year), int(year) - 1]).fetchall()
    changes = active_changes(con, [r[0] for r in rows])
    drafts: dict[int, tuple[int, dict, Any]] = {}
    subjects: dict[int, tuple[dict, Any]] = {}
    previous: dict[int, dict] = {}
    for rid, aid, y, js, is_draft, when in rows:
        rec = json.loads(js)
        rec = apply_to_record(rec, changes[rid]) if rid in changes else rec
        if y == year - 1:
            if not is_draft:
                previous[aid] = rec
        elif is_draft:
            drafts[aid] = (rid, rec, when)
            subjects[aid] = (rec, when)
        elif aid not in drafts:
            subjects.setdefault(aid, (rec, when))
    agencies = {aid: (kind, bool(known)) for aid, kind, known in con.execute(
        "select agency_id, kind, coalesce(in_registry, false) from agencies").fetchall()}
    results: dict[int, list[Finding]] = {}
    for aid, (rid, rec, when) in drafts.items():
        kind, known = agencies.get(aid, (None, False))
        # the same text as a unit that sent its report earlier: the later one is the copy
        peers = [r for other, (r, t) in subjects.items() if other != aid and (t is None or when is None or t < when)]
        ctx = ReviewContext(previous=previous.get(aid), agency_kind=kind, agency_known=known, peers=peers,
                            deadlines=dict(deadlines))
        results[rid] = run_checks(rec, ctx)
    save_findings(con, results)
    return results


# ---- scores of a year ----

def score_rows(units: list[tuple[int, str, str | None, list[dict[str, Any]], bool, bool, str]],
               sheet: Sheet) -> pd.DataFrame:
    """The score table of (agency_id, short name, kind, findings, overdue, late draft, status) rows, best first."""
    rows = []
    for aid, name, kind, findings, overdue, late_draft, status in units:
        s = score([f for f in findings if f["rule"] not in INTERNAL_RULES], sheet, overdue, late_draft)
        trail = "；".join(f"{d.item} −{d.points:g}（" + (f"问题 {d.finding_id}：{rule_name(d.rule or '')}" if
                                                        d.finding_id is not None else d.reason) + "）"
                         for d in s.deductions)
        rows.append({"agency_id": aid, "单位": name, "类别": kind or "未分类", "状态": status, "评分": s.total,
                     **{i.name: s.by_item.get(i.name, 0.0) for i in sheet.items}, "扣分明细": trail or "无扣分"})
    frame = pd.DataFrame(rows, columns=["agency_id", "单位", "类别", "状态", "评分", *[i.name for i in sheet.items],
                                        "扣分明细"])
    frame = frame.sort_values(["评分", "单位"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.insert(0, "名次", frame["评分"].rank(method="min", ascending=False).astype(int))
    return frame


def year_scores(year: int, db: Path | None = None, regions: list[str] | None = None, kinds: list[str] | None = None,
                agency_ids: list[int] | None = None, sheet: Sheet | None = None,
                with_round: bool = True, today: dt.date | None = None) -> pd.DataFrame:
    """年报质量评分 of every unit in scope for `year`, ranked. With a review round for the year (and `with_round`),
    every unit of the round's board (its latest draft or its published report; 逾期 deducts); otherwise the
    published reports. Each row's 扣分明细 names the finding behind every deduction."""
    sheet = sheet or load_sheet()
    base = run_query("review_scores", db=db, year=int(year), regions=regions, kinds=kinds, agency_ids=agency_ids)
    rnd = load_round(year, db) if with_round else None
    if rnd is not None:
        _, units = board(year, db, today=today, sheet=sheet, rnd=rnd)
        allowed = None if not (regions or kinds or agency_ids) else _scope_ids(db, regions, kinds, agency_ids)
        chosen = [u for u in units if u.report_id and (allowed is None or u.agency_id in allowed)]
        return score_rows([(u.agency_id, u.short_name, u.kind, u.findings, u.status == OVERDUE, u.late_draft,
                            u.status) for u in chosen], sheet)
    found: dict[int, tuple[str, str | None, list[dict[str, Any]]]] = {}
    for rec in base.to_dict("records"):
        entry = found.setdefault(int(rec["agency_id"]), (str(rec["short_name"]), _none(rec["kind"]), []))
        if _none(rec["finding_id"]) is not None:
            entry[2].append({"finding_id": int(rec["finding_id"]), "rule": rec["rule"], "severity": rec["severity"],
                             "message": rec["message"]})
    return score_rows([(aid, n, k, fs, False, False, "已公布") for aid, (n, k, fs) in found.items()], sheet)


def _scope_ids(db: Path | None, regions: list[str] | None, kinds: list[str] | None,
               agency_ids: list[int] | None) -> set[int]:
    df = run_query("review_scope_agencies", db=db, regions=regions, kinds=kinds, agency_ids=agency_ids)
    return set(df["agency_id"].astype(int))


# ---- one unit: its submissions, decisions and what changed ----

def round_years(db: Path | None = None) -> list[int]:
    """The years with a review round, newest first."""
    return [int(y) for y in run_query("review_rounds_list", db=db)["year"]]


def unit_history(rnd: Round, agency_id: int, db: Path | None = None) -> pd.DataFrame:
    """The unit's submissions and published versions for the round's year, oldest first (parse_json dropped)."""
    return run_query("review_unit_history", db=db, agency_id=int(agency_id), year=rnd.year).drop(columns=["parse_json"])


def unit_decisions(rnd: Round, agency_id: int, db: Path | None = None) -> pd.DataFrame:
    """The office's decisions on the unit in this round, oldest first, with their Chinese names."""
    df = run_query("review_unit_decisions", db=db, round_id=rnd.round_id, agency_id=int(agency_id))
    return df.assign(action_zh=df["action"].map(ACTION_ZH))


def submission_diff(rnd: Round, agency_id: int, db: Path | None = None) -> tuple[int, int, Any] | None:
    """(earlier report id, later report id, SubmissionDiff) of the unit's last two versions; None with fewer."""
    from dashboard.review.diff import diff_submissions

    hist = run_query("review_unit_history", db=db, agency_id=int(agency_id), year=rnd.year)
    if len(hist) < 2:
        return None
    old, new = hist.iloc[-2], hist.iloc[-1]
    ids = [int(old["report_id"]), int(new["report_id"])]
    found = run_query("review_round_findings", db=db, report_ids=ids)
    findings = {i: [f for f in found.to_dict("records") if int(f["report_id"]) == i and f["rule"] not in INTERNAL_RULES]
                for i in ids}
    diff = diff_submissions(json.loads(old["parse_json"]), json.loads(new["parse_json"]), findings[ids[0]],
                            findings[ids[1]])
    return ids[0], ids[1], diff
