"""Issue 20, Build item 2: the meeting pack's text — the deck (PPTX), the brief (DOCX) and the workbook (XLSX) as
dashboard/export writes them, read back with python-pptx, python-docx and openpyxl — against the reference model
(tests/model/reference.py), over several (scope, year, switch) cases of the worked demo and of a random county:
received / expected, the 缺报名单, the yearly totals, the key figures' changes (a rate's in 个百分点), the ranking of
like units with its words (新 / 上年未报 / 上年存疑 …) and the open findings."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import demo_fixture
import pytest
from docx import Document
from model.cases import cases_of, same
from model.reference import GROUPS, Case, World, rank_change_words
from model.worlds import build_synthetic_county, ingest_a_corrected_file, work_the_office
from openpyxl import load_workbook
from pptx import Presentation

from dashboard.catalogue.labels import FINDING_STATUS_ZH, rule_name
from dashboard.export.brief import write_brief
from dashboard.export.data import EmptyPackError, PackScope, load_pack_data
from dashboard.export.deck import write_deck
from dashboard.export.workbook import write_workbook
from dashboard.store.indicators import INDICATORS

demo_db = demo_fixture.demo_db  # fixture
CODE = "applications_new"  # the pack ranks by it
NAME = {d["indicator"]: d["name_zh"] for d in INDICATORS}
UNIT = {d["indicator"]: d["unit"] for d in INDICATORS}
STATUS_WORD = {"ranked": "", "held": "存疑未计", "blank": "未填此项", "uncomputable": "无法计算", "missing": "未报"}
STATUS_ORDER = {"ranked": 0, "held": 1, "blank": 2, "uncomputable": 2, "missing": 3}
KEY_FIGURES = ("applications_new", "applications_total_handled", "disclosure_rate", "reconsideration_total",
               "reconsideration_correction_rate", "litigation_total", "penalty_decisions")
SEEN: Counter = Counter()  # what the comparisons met: none may be vacuous


@pytest.fixture(scope="module")
def worlds(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The demo worked by an office (a correction, an exclusion, a manual report, a corrected file) and a county."""
    worked = demo_fixture.copy_db(demo_db, tmp_path_factory.mktemp("worked_demo"))
    work_the_office(worked, random.Random(7))
    ingest_a_corrected_file(worked, random.Random(7), None, worked.parent)
    return [worked, build_synthetic_county(tmp_path_factory.mktemp("county"), 47)]


# ---- what the model says, in the pack's words ----

def model_ranking(world: World, case: Case) -> list[dict]:
    """The pack's ranking rows in order: each group of like units, ranked as the model ranks them."""
    rows = []
    for group, kinds in GROUPS.items():
        kinds = tuple(k for k in kinds if case.kinds is None or k in case.kinds)
        if not kinds:
            continue
        ranked = world.ranking(case, CODE, kinds)
        group_rows = []
        for aid, r in ranked.items():
            now = world.agency_value(aid, case.year, CODE, case.include_suspect)
            before = world.agency_value(aid, case.year - 1, CODE, case.include_suspect)
            value = None if now is None or now["held"] else now["value"]
            previous = None if before is None or before["held"] else before["value"]
            group_rows.append({
                "类别": group, "单位": world.agencies[aid].short, "名次": r["rank"], "上年名次": r["previous_rank"],
                "名次变化": rank_change_words(r["rank"], r["previous_rank"], r["previous_status"]),
                "状态": STATUS_WORD[r["status"]], "本年": value, "上年": previous,
                "变化": None if value is None or previous is None else value - previous,
                "order": (STATUS_ORDER[r["status"]], r["rank"] or 10**6, world.agencies[aid].short)})
        rows += sorted(group_rows, key=lambda x: x["order"])
    return rows


def text_of(value: object, kind: str) -> str:
    """A number as the deck and the brief print it (written here again, not taken from the export)."""
    if value is None:
        return "—"
    if kind == "rank":
        return f"{value:.0f}"
    if kind == "change":
        return f"{value:+,.0f}" if round(value) else f"{value:,.0f}"
    return f"{value:,.0f}"


def as_text(row: dict) -> list[str]:
    return [text_of(row["名次"], "rank"), text_of(row["上年名次"], "rank"), row["名次变化"], row["单位"],
            text_of(row["本年"], "n"), text_of(row["上年"], "n"), text_of(row["变化"], "change"), row["状态"]]


# ---- reading the files ----

def sheet(wb, title: str) -> list[dict]:  # noqa: ANN001
    ws = wb[title]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]


def slide_tables(path: Path) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, texts, table rows) of every slide with a table."""
    out = []
    for slide in Presentation(str(path)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                rows = [[c.text for c in r.cells] for r in shape.table.rows]
                out.append((texts[0] if texts else "", texts, rows))
    return out


def slide_texts(path: Path) -> list[str]:
    return [s.text_frame.text for slide in Presentation(str(path)).slides for s in slide.shapes if s.has_text_frame]


def brief_blocks(path: Path) -> list[tuple[str, list[list[str]] | None]]:
    """The brief in order: ('p', paragraph text) and ('t', table rows)."""
    doc = Document(str(path))
    paragraphs = {p._p: p for p in doc.paragraphs}  # noqa: SLF001
    tables = {t._tbl: t for t in doc.tables}  # noqa: SLF001
    out = []
    for el in doc.element.body.iterchildren():
        if el in paragraphs:
            out.append((paragraphs[el].text, None))
        elif el in tables:
            out.append(("", [[c.text for c in r.cells] for r in tables[el].rows]))
    return out


# ---- one case ----

def pack_disagreements(world: World, db: Path, case: Case, folder: Path) -> list[str]:
    cov = world.coverage(case)
    scope = PackScope(case.region, case.kinds, case.agency_ids, case.include_suspect)
    try:
        data = load_pack_data(case.year, None, db, scope)
    except EmptyPackError:
        return [] if not cov["received"] else [f"{case}: no pack, the model has {cov['received']} reports"]
    if not cov["received"]:
        return [f"{case}: a pack of nothing was made"]
    deck, brief, book = folder / "d.pptx", folder / "b.docx", folder / "w.xlsx"
    write_deck(data, [], {}, deck)
    write_brief(data, [], {}, brief)
    write_workbook(data, [], book)
    return files_disagreements(world, case, deck, brief, book)


def files_disagreements(world: World, case: Case, deck: Path, brief: Path, book: Path) -> list[str]:
    """Every disagreement between the model and a written pack (deck, brief, workbook) of one case."""
    cov = world.coverage(case)
    wb = load_workbook(book)
    bad: list[str] = []
    SEEN["packs"] += 1

    # received / expected, said in all three
    line = f"报告收到 {cov['received']} 份 / 应报 {cov['expected']} 份。"
    if line not in [r[0].value for r in wb["说明"].iter_rows()]:
        bad.append(f"{case}: workbook 说明 lacks {line!r}")
    closing = f"{case.year}年应报 {cov['expected']} 份，收到 {cov['received']} 份。"
    if not any(closing in t for t in slide_texts(deck)):
        bad.append(f"{case}: deck lacks {closing!r}")
    paragraphs = [t for t, table in brief_blocks(brief) if table is None]
    if cov["due"]:
        said = f"{case.year}年应报 {cov['expected']} 个单位，已收到 {cov['received']} 份报告"
    else:
        said = f"{case.year}年度报告尚未到期（截止 "
        SEEN["not due"] += 1
    if not any(said in p for p in paragraphs):
        bad.append(f"{case}: brief lacks {said!r}")

    # 缺报名单: who, how many years in a row, the last report
    want_missing = {world.agencies[a].short: (world.missed_in_row(world.agencies[a], case.year),
                                              world.last_report_year(a, case.year)) for a in world.non_reporters(case)}
    got_missing = {r["单位"]: (r["连续未报（年）"], None if r["最近一次报告"] == "从未报送"
                             else int(str(r["最近一次报告"]).removesuffix("年"))) for r in sheet(wb, "缺报名单")}
    if got_missing != want_missing:
        bad.append(f"{case}: workbook 缺报名单 {got_missing} model {want_missing}")
    deck_missing = {row[0] for title, _, rows in slide_tables(deck) if title.startswith("缺报名单") for row in rows[1:]}
    if deck_missing != set(want_missing):
        bad.append(f"{case}: deck 缺报名单 {sorted(deck_missing)} model {sorted(want_missing)}")
    SEEN["non-reporters"] += len(want_missing)

    # every year's totals (年度数据) and the key figures' change on last year (a rate's in 个百分点)
    totals = {(r["指标"], r["年度"]): r for r in sheet(wb, "年度数据")}
    for year in sorted({r.year for r in world.current if r.year <= case.year}):
        one = Case(case.region, case.kinds, case.agency_ids, year, case.include_suspect)
        for code, t in world.totals(one).items():
            r = totals.pop((NAME[code], year), None)
            if r is None or not same(r["数值"], t["value"]) or \
                    (UNIT[code] != "比率" and r["报告份数"] != t["reports"]):
                bad.append(f"{case}: 年度数据 {code} {year} workbook {r} model {t}")
            SEEN["yearly totals"] += 1
    if totals:
        bad.append(f"{case}: 年度数据 rows the model has not: {sorted(totals)[:5]}")
    keys = {r["指标"]: r for r in sheet(wb, "关键指标")}
    for code in KEY_FIGURES:
        cur, prev = world.compared(case, code)
        rate = UNIT[code] == "比率"
        want = None if cur is None or prev is None else (cur - prev) * (100 if rate else 1)
        r = keys[NAME[code]]
        if not same(r["变化"], want) or not same(r[f"{case.year}年"], cur) or \
                r["变化单位"] != ("个百分点" if rate else UNIT[code]):
            bad.append(f"{case}: 关键指标 {code} workbook ({r[f'{case.year}年']}, {r['变化']} {r['变化单位']}) "
                       f"model ({cur}, {want})")
        SEEN["rate changes in points"] += rate and want is not None

    # the ranking: like with like, the same words as 对比
    want_rank = model_ranking(world, case)
    got_rank = [(r["类别"], r["单位"], r["名次"], r["上年名次"], r["名次变化"], r["状态"] or "", r[f"{NAME[CODE]}（件）"],
                 r["上年新收申请（件）"], r["变化（件）"]) for r in sheet(wb, "单位排名")]
    want_rows = [(m["类别"], m["单位"], m["名次"], m["上年名次"], m["名次变化"], m["状态"], m["本年"], m["上年"], m["变化"])
                 for m in want_rank]
    if len(got_rank) != len(want_rows) or not all(
            g[:6] == w[:6] and all(same(a, b) for a, b in zip(g[6:], w[6:], strict=True))
            for g, w in zip(got_rank, want_rows, strict=True)):
        diff = [(g, w) for g, w in zip(got_rank, want_rows, strict=False) if g != w][:3]
        bad.append(f"{case}: workbook 单位排名 ({len(got_rank)} rows) model ({len(want_rows)}): {diff}")
    SEEN["ranked rows"] += len(want_rows)
    for word in ("新", "上年未报", "上年存疑"):
        SEEN[f"word {word}"] += sum(1 for m in want_rank if m["名次变化"] == word)
    for group in dict.fromkeys(m["类别"] for m in want_rank):
        want_text = [as_text(m) for m in want_rank if m["类别"] == group]
        slides = [rows for title, _, rows in slide_tables(deck) if title.startswith(f"单位排名 · {group} · ")]
        if len(slides) != 1 or slides[0][1:] != want_text[:len(slides[0]) - 1] or len(slides[0]) < 2:
            bad.append(f"{case}: deck ranking of {group}: {slides[0][1:3] if slides else None} model {want_text[:2]}")
        blocks = brief_blocks(brief)
        at = next((i for i, (t, table) in enumerate(blocks) if table is None and t.startswith(f"{group} ")
                   and "排名" in t), None)
        table = next((tb for _, tb in blocks[at + 1:] if tb is not None), None) if at is not None else None
        if table is None or [row[:8] for row in table[1:]] != want_text[:len(table) - 1]:
            bad.append(f"{case}: brief ranking of {group}: {table[1:3] if table else None} model {want_text[:2]}")

    # the findings still standing (open, confirmed) are the data problems; dismissed and resolved are counted apart
    found = [f for f in world.findings_in(case, case.year, case.year)]
    agency_of = {r.report_id: r.agency_id for r in world.reports}
    want_f = Counter((world.agencies[agency_of[f.report_id]].short, rule_name(f.rule), FINDING_STATUS_ZH[f.status])
                     for f in found if f.status in ("open", "confirmed"))
    got_f = Counter((r["单位"], r["问题类型"], r["状态"]) for r in sheet(wb, "数据问题"))
    if got_f != want_f:
        bad.append(f"{case}: workbook 数据问题 page-only {got_f - want_f} model-only {want_f - got_f}")
    closed = Counter(f.status for f in found if f.status in ("resolved", "dismissed"))
    SEEN["findings closed"] += sum(closed.values())
    text = "".join(paragraphs)
    for status, phrase in (("dismissed", "条经核实已排除"), ("resolved", "条已因更正关闭")):
        if closed[status] and f"{closed[status]} {phrase}" not in text:
            bad.append(f"{case}: brief does not say {closed[status]} {phrase}")
    return bad


def test_the_deck_brief_and_workbook_state_the_models_figures_ranking_and_lists(
        worlds: list[Path], tmp_path: Path) -> None:
    bad, compared = [], 0
    for db, n, seed in ((worlds[0], 6, 61), (worlds[1], 3, 62)):
        world = World(db)
        years = sorted({r.year for r in world.current})
        due = [y for y in years if world.coverage(Case(world.home, None, None, y, False))["due"]]
        home = [Case(world.home, None, None, y, False) for y in due]
        extra = [home[-1],  # the home county's latest due year
                 Case(world.home, None, None, years[-1], True),  # its last year, not yet due in the demo
                 *[c for c in home if world.non_reporters(c)][-1:],  # a year with a 缺报名单
                 *[Case(a.region, None, None, a.expected_from, False) for a in world.agencies.values()  # a new unit
                   if a.in_registry and a.expected_from in years[1:] and world.has_report(a.agency_id, a.expected_from)
                   ][:1]]
        sample = [c for c in cases_of(world, 200, seed) if world.coverage(c)["received"]][:n]
        empty = [c for c in cases_of(world, 200, seed) if not world.coverage(c)["received"]][:1]
        for case in sample + empty + extra:
            folder = tmp_path / f"case{compared}"
            folder.mkdir()
            bad += pack_disagreements(world, db, case, folder)
            compared += 1
    assert compared >= 15
    needed = ("packs", "not due", "non-reporters", "yearly totals", "rate changes in points", "ranked rows",
              "word 新", "word 上年未报", "findings closed")
    assert min(SEEN[k] for k in needed) > 0, SEEN
    assert not bad, f"{len(bad)} disagreements:\n" + "\n".join(bad[:20])


def test_the_pack_the_cli_writes_states_the_models_figures(worlds: list[Path], tmp_path: Path) -> None:
    """`nianbao export` (charts rendered, as an office runs it) for the demo's departments of its latest due year."""
    import subprocess
    import sys

    world = World(worlds[0])
    year = max(y for y in {r.year for r in world.current}
               if world.coverage(Case(world.home, None, None, y, False))["due"])
    case = Case(world.home, ("部门",), None, year, False)
    out = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "--year", str(year), "--kinds", "部门",
                          "--db", str(worlds[0]), "--out", str(tmp_path)], capture_output=True, text=True,
                         timeout=900, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    files = {p.suffix: p for p in tmp_path.rglob("*") if p.suffix in (".pptx", ".docx", ".xlsx")}
    bad = files_disagreements(world, case, files[".pptx"], files[".docx"], files[".xlsx"])
    assert not bad, "\n".join(bad[:20])
