"""The last mile of reading (issue 16): typo'd or missing headings, split rows, flattened text — read, or named.

Variants are made by code from real reports (tests/fixtures/variants/lastmile.py) and from the synthetic county;
each either reads every cell exactly or leaves the cells it could not read null, flagged and named in a problem.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.checks import run_checks
from dashboard.parse import parse_document
from dashboard.readers.text import parse_text
from dashboard.synth.county import build_agencies
from dashboard.synth.document import printed_report
from dashboard.synth.narrative import sections
from dashboard.synth.numbers import AgencyState, report_numbers
from dashboard.synth.writers.md import md_text
from tests.conftest import FIXTURES, SAMPLE
from tests.fixtures.variants import lastmile

SOURCES = {
    "seed": (SAMPLE, FIXTURES / "seed-expected.json"),
    "hongze-layout": (FIXTURES / "variants/hongze-2023-pdftotext-layout.txt",
                      FIXTURES / "variants/hongze-2023-pdftotext-layout.json"),
    "shanghai": (FIXTURES / "shanghai-kewei-2024.md", FIXTURES / "expected/shanghai-kewei-2024.json"),
}
_NOT_READ = {"unreadable", "missing"}


def _parse(text: str, name: str = "variant.md") -> dict:
    return parse_document(parse_text(text, name, "txt" if name.endswith(".txt") else "md"))


def _variant(variant: str, source: str) -> tuple[dict, dict]:
    path, truth = SOURCES[source]
    text = lastmile.VARIANTS[variant](path.read_text("utf-8"))
    return _parse(text, path.name), json.loads(Path(truth).read_text("utf-8"))


def _named(key: str, rep: dict) -> bool:
    table, row, _ = key.split(".")
    return any({key, f"{table}.{row}", table} & set(p.get("cells") or [])
               for p in rep["problems"] if p["severity"] in ("warning", "error"))


def _cells(rep: dict):
    for table in ("disclosure", "applications", "appeals"):
        for row, cols in (rep.get(table) or {}).items():
            for col, value in cols.items():
                yield f"{table}.{row}.{col}", value


def _wrong_unnamed(got: dict, exp: dict) -> list[tuple[str, object, object]]:
    """Cells that differ from the truth without being null, flagged as not read, and named in a problem."""
    have = dict(_cells(got))
    out = []
    for key, value in _cells(exp):
        g = have.get(key, "absent")
        if g == value and (g is None) == (value is None):
            continue
        if g is None and got["cell_flags"].get(key) in _NOT_READ and _named(key, got):
            continue
        out.append((key, value, g))
    return out


def _not_read(got: dict) -> set[str]:
    return {k for k, f in got["cell_flags"].items() if f in _NOT_READ}


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("variant", list(lastmile.VARIANTS))
def test_variant_reads_every_cell_or_names_exactly_the_cells_it_could_not(variant: str, source: str) -> None:
    """Every variant of every source: no cell differs from the truth unless it is null, flagged and named."""
    got, exp = _variant(variant, source)
    if exp.get("partial"):  # the shanghai truth lists only the cells a reader can be sure of
        exp = {t: {r: {c: v for c, v in cols.items() if f"{t}.{r}.{c}" not in exp.get("uncertain_cells", {})}
                   for r, cols in exp[t].items()} for t in ("disclosure", "applications", "appeals")}
        got_uncertain = {k for k in got["uncertain_cells"]}
        wrong = [w for w in _wrong_unnamed(got, exp) if w[0] not in got_uncertain or not _named(w[0], got)]
    else:
        wrong = _wrong_unnamed(got, exp)
    assert not wrong, wrong[:10]
    assert (got["year"], got["template"]) == (exp.get("year", got["year"]), exp.get("template", got["template"]))


@pytest.mark.parametrize("source", ["seed", "hongze-layout"])
def test_a_heading_with_an_inserted_character_still_starts_its_section(source: str) -> None:
    """政府信息公开行政复议、行政诉诉讼情况: the section is found, every cell read, the typo recorded as info."""
    got, exp = _variant("heading with an inserted character", source)
    assert _wrong_unnamed(got, exp) == [] and not got["uncertain_cells"]
    approx = [p for p in got["problems"] if p["code"] == "heading_approximate"]
    assert approx and all(p["severity"] == "info" for p in approx)
    assert not [p for p in got["problems"] if p["code"] == "section_missing"]


@pytest.mark.parametrize("source", ["seed", "hongze-layout"])
def test_tables_without_their_headings_are_found_by_their_labels(source: str) -> None:
    """Sections 三 and 四 printed without titles: the tables are read by their header and row labels."""
    got, exp = _variant("headings of 三 and 四 missing", source)
    assert _wrong_unnamed(got, exp) == [] and not _not_read(got) and not got["uncertain_cells"]
    missing = {c for p in got["problems"] if p["code"] == "section_missing" for c in p["cells"]}
    assert missing == {"applications", "appeals"}  # the titles really are missing: said, not hidden


@pytest.mark.parametrize("source", ["seed", "hongze-layout"])
def test_numbers_pushed_to_their_own_line_join_their_label(source: str) -> None:
    """A wrapped label pushes its numbers onto the next line: joined by count, confirmed by the rules, not uncertain."""
    got, exp = _variant("numbers pushed to their own line", source)
    assert _wrong_unnamed(got, exp) == [] and not _not_read(got) and not got["uncertain_cells"]
    assert "placed_by_rules" in got["cell_flags"].values() or source == "hongze-layout"


def test_a_row_split_over_three_lines_is_joined() -> None:
    """OCR-like text: seven numbers over three lines, fifteen for section 四 — read exactly."""
    got, exp = _variant("rows split over three lines", "seed")
    assert _wrong_unnamed(got, exp) == [] and not _not_read(got) and not got["uncertain_cells"]


def test_ocr_markdown_with_generic_headers_and_rows_over_three_table_rows_reads_every_cell() -> None:
    """列1 列2 … headers, each row's numbers in three table rows (section 四's fifteen too): all read, none doubted."""
    got, exp = _variant("OCR markdown: generic headers, rows over three table rows", "seed")
    assert _wrong_unnamed(got, exp) == [] and not _not_read(got) and not got["uncertain_cells"]


def test_split_rows_whose_printed_totals_are_wrong_keep_the_printed_numbers_doubted_and_named() -> None:
    """hongze's section 四 over three table rows: joined in order, R4 fails in the source, so doubted, not changed."""
    got, exp = _variant("OCR markdown: generic headers, rows over three table rows", "hongze-layout")
    assert got["appeals"] == exp["appeals"]
    assert {k.split(".")[0] for k in got["uncertain_cells"]} == {"appeals"}
    assert any(p["code"] == "placed_by_order" and p["cells"] == ["appeals"] for p in got["problems"])
    assert any(f.rule == "R4" for f in run_checks(got))


def test_the_seed_flattened_onto_one_line_reads_all_but_the_truly_ambiguous_cells() -> None:
    """'规范性文件151515' and '政府集中采购102122852' have several readings and no rule to choose: named, not guessed."""
    got, exp = _variant("whole report flattened onto one line", "seed")
    assert (got["agency"], got["year"], got["template"]) == ("红崖子沟乡人民政府", 2021, "2019")
    assert _wrong_unnamed(got, exp) == []
    assert _not_read(got) == {"disclosure.normative_docs.made", "disclosure.normative_docs.published",
                              "disclosure.normative_docs.public_total", "disclosure.procurement.projects",
                              "disclosure.procurement.amount"}
    assert got["sections"]["overview"].startswith("2021年度") and "便民信息站" in got["sections"]["problems"]


def test_glued_digits_left_unsplit_raise_no_false_sum_finding() -> None:
    """A cell not read silences the rules that need it: no R2/R4 'error' made up from cells that were never read."""
    got, _ = _variant("whole report flattened onto one line", "hongze-layout")
    assert not [f for f in run_checks(got) if f.rule in ("R1", "R2", "R3", "R4") and set(f.cells) & _not_read(got)]


def test_a_flattened_report_whose_printed_sums_are_wrong_keeps_them_unsplit_and_named() -> None:
    """hongze-2023 section 四 adds up wrong in the source: no split satisfies R4, so none is invented."""
    got, exp = _variant("whole report flattened onto one line", "hongze-layout")
    assert (got["agency"], got["year"]) == ("洪泽区人民政府", 2023)
    assert _wrong_unnamed(got, exp) == []
    assert {k for k in _not_read(got) if k.startswith("appeals")} == {
        f"appeals.{g}.{c}" for g in exp["appeals"] for c in exp["appeals"][g]}
    assert got["applications"]["new"]["total"] == 21


def test_a_report_whose_sums_are_wrong_in_the_source_keeps_its_printed_numbers_and_its_finding() -> None:
    """Split rows confirmed by the rules never 'repair' a table: hongze's 复议 总计 stays 0 and R4 says so."""
    got, exp = _variant("rows split over three lines", "hongze-layout")
    assert got["appeals"] == exp["appeals"] or _wrong_unnamed(got, exp) == []
    got, _ = _variant("numbers pushed to their own line", "hongze-layout")
    assert got["appeals"]["reconsideration"] == exp["appeals"]["reconsideration"]
    assert got["appeals"]["reconsideration"]["total"] == 0
    assert any(f.rule == "R4" for f in run_checks(got))


def test_a_flattened_page_is_not_refused_when_its_identity_can_be_read() -> None:
    """The issue's own example line: 5100006 in seven columns is 5,1,0,0,0,0,6 — the only split."""
    text = lastmile.whole_flattened(SAMPLE.read_text("utf-8")).replace(
        "本年新收政府信息公开申请数量0000000", "本年新收政府信息公开申请数量5100006")
    got = _parse(text)
    assert got["applications"]["new"] == {"natural": 5, "commercial": 1, "research": 0, "social": 0, "legal": 0,
                                          "other_org": 0, "total": 6}
    assert "applications.new.natural" not in got["uncertain_cells"]


# ---- property: generated reports of the synthetic county, flattened ----

def _synthetic_markdown(seed: int, scale: int) -> tuple[str, dict]:
    rng = random.Random(seed)
    agency = rng.choice(build_agencies(rng, 6))
    year = rng.choice([2020, 2021, 2022, 2023])
    rep = report_numbers(rng, agency, year, AgencyState())
    # Scaling every figure of 三 and 四 by one factor keeps R1–R4 true and makes multi-digit numbers to split.
    for table in ("applications", "appeals"):
        for cols in rep[table].values():
            for c, v in cols.items():
                if isinstance(v, int):
                    cols[c] = v * scale
    rep["sections"] = sections(rng, rep, agency.kind, agency.short_name, None)
    doc = printed_report(rep, agency.unit_style, stem="synth", wrap=rng.random() < 0.5)
    return md_text(doc, rng), rep


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), scale=st.sampled_from([1, 2, 3, 7, 12, 45, 130]),
       whole=st.booleans())
def test_flattened_synthetic_reports_give_exact_cells_or_name_the_uncertain_ones(seed: int, scale: int,
                                                                                  whole: bool) -> None:
    """Never a wrong cell unnamed: every cell is the generated number, or null, flagged and named."""
    text, truth = _synthetic_markdown(seed, scale)
    flat = (lastmile.whole_flattened if whole else lastmile.tables_flattened)(text)
    got = _parse(flat, "synth.md")
    assert (got["agency"], got["year"], got["template"]) == (truth["agency"], truth["year"], truth["template"])
    assert _wrong_unnamed(got, truth) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), scale=st.sampled_from([1, 3, 12, 130]),
       variant=st.sampled_from([v for v in lastmile.VARIANTS if "flattened" not in v]))
def test_line_variants_of_synthetic_reports_read_every_cell(seed: int, scale: int, variant: str) -> None:
    """Typo'd or missing headings, numbers on their own line, rows over three lines: every cell exact, none doubted."""
    text, truth = _synthetic_markdown(seed, scale)
    got = _parse(lastmile.VARIANTS[variant](text), "synth.md")
    assert _wrong_unnamed(got, truth) == [] and not _not_read(got) and not got["uncertain_cells"]


def _labels_lost_and_a_row_repeated(text: str) -> str:
    lines = lastmile.plain(text).split("\n")
    rows = [i for i, line in enumerate(lines) if re.search(r"(予以公开|部分公开|国家秘密|禁止公开)\S* (\d+ ){6}\d+$", line)]
    for i in rows[:3]:
        lines[i] = " ".join(lines[i].split()[-7:])  # the converter moved the label away
    new = next(line for line in lines if re.search(r"本年新收\S* (\d+ ){6}\d+$", line))
    lines.insert(rows[1] + 1, " ".join(new.split()[-7:]))  # and a stray line of another row's numbers
    return "\n".join(lines)


@pytest.mark.parametrize("scale", [1, 7, 45])
@pytest.mark.parametrize("seed", [3, 11, 29])
def test_more_label_less_rows_than_missing_rows_are_placed_only_as_the_rules_allow(seed: int, scale: int) -> None:
    """Four value rows for three missing labels: the placements in printed order are tried, one satisfies R1–R3."""
    text, truth = _synthetic_markdown(seed, scale)
    got = _parse(_labels_lost_and_a_row_repeated(text), "synth.md")
    assert _wrong_unnamed(got, truth) == [] and not _not_read(got) and not got["uncertain_cells"]
    assert any(p["code"] == "placed_by_rules" and "其余 1 行忽略" in p["message_zh"] for p in got["problems"])


def test_a_narrative_sentence_full_of_figures_is_not_taken_for_a_flattened_table() -> None:
    """'受理行政许可5000件，行政处罚300件，予以公开120件…' in the overview: the report reads as before, tables untouched."""
    text = SAMPLE.read_text("utf-8").replace(
        "（一）完善制度建设。", "（一）完善制度建设。全年受理行政许可5000件，行政处罚300件，予以公开120件，部分公开300件，规章000件。")
    got = _parse(text)
    exp = json.loads((FIXTURES / "seed-expected.json").read_text("utf-8"))
    assert _wrong_unnamed(got, exp) == [] and not got["uncertain_cells"]
    assert not any(p["code"] == "flattened_text" for p in got["problems"])


_FULL_WIDTH_DIGITS = {ord(d): ord(d) + 0xFEE0 for d in "0123456789"}


def test_a_flattened_page_printed_in_full_width_digits_reads_like_the_same_page_in_ascii_digits() -> None:
    """'规章０００行政规范性文件０５５…': the glued rows are found on the text as printed, full-width digits included."""
    text = lastmile.whole_flattened(SAMPLE.read_text("utf-8"))
    ascii_rep, wide_rep = _parse(text), _parse(text.translate(_FULL_WIDTH_DIGITS))
    assert any(p["code"] == "flattened_text" for p in wide_rep["problems"])
    for key in ("disclosure", "applications", "appeals", "cell_flags", "uncertain_cells", "agency", "year"):
        assert wide_rep[key] == ascii_rep[key], key


def test_a_narrative_sentence_of_full_width_figures_is_not_taken_for_a_flattened_table() -> None:
    """'行政许可５０００件，行政处罚３００件，予以公开１２０件…': figures counted in 件 are a sentence, however printed."""
    text = SAMPLE.read_text("utf-8").replace(
        "（一）完善制度建设。", "（一）完善制度建设。全年受理行政许可５０００件，行政处罚３００件，予以公开１２０件，部分公开３００件，"
        "规章１２．５％。")
    got = _parse(text)
    exp = json.loads((FIXTURES / "seed-expected.json").read_text("utf-8"))
    assert _wrong_unnamed(got, exp) == [] and not got["uncertain_cells"]
    assert not any(p["code"] == "flattened_text" for p in got["problems"])


def _outcome_rows_with_distinct_numbers() -> tuple[str, dict, list[str]]:
    """A synthetic report (scaled) with two adjacent outcome rows that differ, and those rows' codes."""
    for seed in range(200):
        text, truth = _synthetic_markdown(seed, 7)
        apps = truth["applications"]
        codes = list(apps)
        for a, b in zip(codes[2:], codes[3:], strict=False):
            if a.startswith(("granted", "partial", "withheld_", "unavailable_", "not_processed_")) and \
                    b.startswith(("partial", "withheld_", "unavailable_", "not_processed_")) and apps[a] != apps[b]:
                return text, truth, [a, b]
    raise AssertionError("no synthetic report with two differing adjacent outcome rows")


def _labels_removed(text: str, rows: list[str]) -> str:
    from dashboard.parse.flat import _APP_CORES

    lines = lastmile.plain(text).split("\n")
    for code in rows:
        rx = re.compile(f"(?:{_APP_CORES[code]})\\S* (\\d+ ){{6}}\\d+$")
        i = next(i for i, line in enumerate(lines) if rx.search(line))
        lines[i] = " ".join(lines[i].split()[-7:])
    return "\n".join(lines)


def test_one_separated_row_that_the_rules_confirm_is_not_uncertain() -> None:
    """One value row away from its label, one missing row there: the only placement, R1–R3 hold — confirmed."""
    text, truth, (a, _) = _outcome_rows_with_distinct_numbers()
    got = _parse(_labels_removed(text, [a]), "synth.md")
    assert got["applications"][a] == truth["applications"][a]
    assert got["cell_flags"][f"applications.{a}.total"] == "placed_by_rules" and not got["uncertain_cells"]


def test_two_separated_rows_that_the_rules_cannot_tell_apart_stay_uncertain() -> None:
    """Two different rows without labels: swapped, they add up the same (R3) — placed by order, still doubted."""
    text, truth, rows = _outcome_rows_with_distinct_numbers()
    got = _parse(_labels_removed(text, rows), "synth.md")
    assert {got["cell_flags"][f"applications.{r}.total"] for r in rows} == {"placed_by_order"}
    assert all(f"applications.{r}.natural" in got["uncertain_cells"] for r in rows)
    assert _wrong_unnamed(got, truth) == []


def test_a_flattened_page_whose_tables_lost_their_headers_is_read_not_refused() -> None:
    """No table header survived the copy, but the titles are there: identity and narrative read, tables named."""
    text = lastmile.whole_flattened(SAMPLE.read_text("utf-8"))
    for header in ("信息内容", "申请人情况", "结果维持"):
        text = text.replace(header, "")
    got = _parse(text)
    assert (got["agency"], got["year"]) == ("红崖子沟乡人民政府", 2021)
    assert "便民信息站" in got["sections"]["problems"]
    exp = json.loads((FIXTURES / "seed-expected.json").read_text("utf-8"))
    assert _wrong_unnamed(got, exp) == []


@pytest.mark.parametrize("source", ["seed", "hongze-layout"])
def test_a_flattened_page_without_the_titles_of_its_tables_reads_like_the_flattened_page(source: str) -> None:
    """Two transformations at once: the tables are still found by their rows, the same cells read or named."""
    path, truth = SOURCES[source]
    exp = json.loads(Path(truth).read_text("utf-8"))
    both = _parse(lastmile.whole_flattened(lastmile.heading_missing(path.read_text("utf-8"))), path.name)
    flat = _parse(lastmile.whole_flattened(path.read_text("utf-8")), path.name)
    assert _wrong_unnamed(both, exp) == []
    assert _not_read(both) == _not_read(flat)
