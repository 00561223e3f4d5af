"""Whose report and which year, read the way people write it (issue 21 part 2): saved pages with the unit and the
year in a scrambled title, a sentence, the header, the signature or the publication date; furniture never part of a
name; two readings that disagree hold the report. Pages: tests/fixtures/identity (make.py writes them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.parse import parse_document, parse_file
from dashboard.parse.furniture import FURNITURE_WORDS, has_furniture_word
from dashboard.parse.identity_settle import registry_resolve, same_agency
from dashboard.readers.model import Paragraph
from dashboard.readers.text import parse_text
from dashboard.registry import Agency, Registry, default_registry
from dashboard.synth.generate import synthesize
from tests.conftest import FIXTURES, corpus_index

PAGES = FIXTURES / "identity"
EXPECTED = json.loads((PAGES / "identity.json").read_text("utf-8"))
REGISTRY = default_registry()
# A registry that knows the township by its own name only, with no county: the printed county prefix must still find it.
TOWN_REGISTRY = Registry([*REGISTRY.agencies, Agency("七家子镇人民政府", "镇", "", ["七家子镇"], "七家子镇")])


def _read(name: str, registry: Registry = REGISTRY) -> dict:
    return parse_file(PAGES / name, registry)


def _problem(rep: dict, code: str) -> dict:
    return next(p for p in rep["problems"] if p["code"] == code)


def _used(rep: dict, field: str) -> list[dict]:
    return [e for e in rep["identity_evidence"] if e["field"] == field and e["used"]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_saved_page_gives_the_agency_and_year_a_reader_sees_or_is_held(name: str) -> None:
    """Every page of the fixture set: the unit and year a person reading it would name, or held naming the readings."""
    want, got = EXPECTED[name], _read(name)
    if want.get("held") == "agency":
        assert got["agency"] is None and got["held_for_review"]
    else:
        assert got["agency"] == want["agency"]
    if want.get("held") == "year":
        assert got["year"] is None and got["held_for_review"]
    else:
        assert got["year"] == want["year"]
    if want.get("held"):
        message = " ".join(p["message_zh"] for p in got["problems"] if p["severity"] == "error")
        assert all(n in message for n in want["named"]), message


def test_a_title_with_its_closing_words_out_of_order_gives_agency_and_year() -> None:
    """'昌图县七家子镇2023年政府信息公开 工作告年度报': the same characters as the title, read as the title."""
    got = _read("scrambled-title.txt")
    assert (got["agency"], got["year"]) == ("昌图县七家子镇", 2023)
    title = _used(got, "agency")[0]
    assert title["source"] == "title" and "字序" in title["rule"] and "工作告年度报" in title["line"]


def test_a_scrambled_title_split_over_two_lines_is_read_as_one() -> None:
    got = _read("split-title.txt")
    assert (got["agency"], got["year"], got["held_for_review"]) == ("昌图县七家子镇", 2023, False)


def test_the_county_prefix_finds_the_township_the_registry_knows_by_its_own_name() -> None:
    """'昌图县七家子镇' is the registry's '七家子镇人民政府': filed under the registry's name, said as info."""
    got = _read("scrambled-title.txt", TOWN_REGISTRY)
    assert got["agency"] == "七家子镇人民政府" and not got["held_for_review"]
    assert _problem(got, "agency_county_prefix")["severity"] == "info"


def test_a_printed_county_that_is_not_the_registry_entrys_county_is_another_township() -> None:
    reg = Registry([Agency("七家子镇人民政府", "镇", "开原市", ["七家子镇"], "七家子镇")])
    assert registry_resolve("昌图县七家子镇", reg) is None
    assert registry_resolve("开原市七家子镇", reg) == "七家子镇人民政府"


def test_a_publish_sentence_names_the_agency_when_the_title_does_not() -> None:
    """'现向社会公布2021年石家庄市教育局政府信息公开工作年度报告。' under a bare title."""
    got = _read("publish-sentence.html")
    assert (got["agency"], got["year"]) == ("石家庄市教育局", 2021)
    sentence = _used(got, "agency")[0]
    assert sentence["source"] == "sentence" and "现向社会公布" in sentence["line"]


def test_the_publisher_line_is_kept_as_weak_evidence_and_not_used_when_the_title_names_the_unit() -> None:
    """'来源:昌图县人民政府办公室 时间:2024-01-31' names who posted the page: recorded, not taken."""
    got = _read("scrambled-title.txt")
    publisher = next(e for e in got["identity_evidence"] if e["source"] == "publisher")
    assert publisher["value"] == "昌图县人民政府办公室" and publisher["strength"] == "weak" and not publisher["used"]
    date = next(e for e in got["identity_evidence"] if e["source"] == "publication date")
    assert date["value"] == 2023 and not date["used"]


def test_a_publisher_line_alone_never_settles_whose_report_it_is() -> None:
    got = _read("publisher-only.txt")
    assert got["agency"] is None and got["held_for_review"]
    assert "昌图县人民政府办公室" in _problem(got, "agency_unknown")["message_zh"]


def test_a_signature_with_its_date_settles_the_unit_a_bare_title_leaves_open() -> None:
    """No unit in the title: the signature '昌图县七家子镇人民政府 / 2024年1月20日' names it, the publisher agrees."""
    got = _read("publisher-and-signature.txt", TOWN_REGISTRY)
    assert (got["agency"], got["year"]) == ("七家子镇人民政府", 2023)
    assert {e["source"] for e in _used(got, "agency")} == {"signature"}
    assert _problem(got, "agency_from_page")["severity"] == "warning"


@pytest.mark.parametrize("registry", [REGISTRY, None], ids=["registry", "no registry"])
def test_a_title_field_label_is_never_part_of_the_agency(registry: Registry | None) -> None:
    """'标题: 平潭综合实验区2019年度…' gives 平潭综合实验区, never '标题平潭综合实验区'."""
    got = parse_file(PAGES / "furniture-title.txt", registry)
    assert (got["agency"], got["year"]) == ("平潭综合实验区", 2019)
    assert not has_furniture_word(got["agency"])


def test_a_report_calling_itself_wo_zhen_takes_its_unit_from_the_site_header() -> None:
    """'我镇' in the text, '七家子镇人民政府 The People's Government of …' above the page: that township."""
    got = _read("unit-in-header.txt")
    assert (got["agency"], got["year"]) == ("七家子镇人民政府", 2023)
    header = _used(got, "agency")[0]
    assert header["source"] == "header" and "The People's Government" in header["line"]
    assert "我镇" in _problem(got, "agency_from_page")["message_zh"]


def test_a_county_site_header_is_not_taken_for_a_township_that_calls_itself_wo_zhen() -> None:
    """The county's portal hosts the township's report: its header names the host, not the unit — held."""
    got = _read("county-header-town-report.txt")
    assert got["agency"] is None and got["held_for_review"]
    assert "我镇" in _problem(got, "agency_unknown")["message_zh"]


def test_a_year_stated_only_by_the_publication_date_is_the_year_before_and_said_so() -> None:
    """'时间:2024-01-31' and no year anywhere else: 2023, with a warning and the date line as evidence."""
    got = _read("year-from-date.html")
    assert got["year"] == 2023 and got["agency"] == "七家子镇"
    assert "2024-01-31" in _problem(got, "year_from_page")["message_zh"]
    assert any(e["source"] == "publication date" and "时间:2024-01-31" in e["line"] for e in _used(got, "year"))


def test_two_readings_that_name_different_units_hold_the_report_naming_both() -> None:
    got = _read("two-agencies.txt")
    assert got["agency"] is None and got["held_for_review"]
    message = _problem(got, "identity_conflict")["message_zh"]
    assert "七家子镇" in message and "大泉眼乡" in message


def test_two_readings_that_name_different_years_hold_the_report() -> None:
    got = _read("two-years.txt")
    assert got["year"] is None and got["held_for_review"]
    message = _problem(got, "identity_conflict")["message_zh"]
    assert "2023" in message and "2022" in message


def test_an_agency_glued_to_a_furniture_word_is_held_not_filed() -> None:
    """'栏目平潭综合实验区…' (label without its colon): no unit is ever filed under a name holding '栏目'."""
    text = (PAGES / "furniture-title.txt").read_text("utf-8").replace("标题: ", "栏目")
    got = parse_document(parse_text(text, "glued.txt", "txt"), None)
    assert got["agency"] is None and got["held_for_review"]


def _corpus_files() -> list[Path]:
    variants = sorted(p for p in (FIXTURES / "variants").iterdir() if p.suffix in (".md", ".txt", ".html", ".docx"))
    return [path for path, _, _ in corpus_index()] + variants + sorted(PAGES.glob("*.txt")) + sorted(PAGES.glob("*.html"))


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_no_corpus_report_carries_an_agency_with_a_furniture_word(path: Path) -> None:
    """标题, 发布, 来源, 索引号, 时间, 栏目 are the page's words: never in a report's agency."""
    got = parse_file(path, REGISTRY)
    assert not any(w in (got["agency"] or "") for w in FURNITURE_WORDS), got["agency"]


@pytest.mark.parametrize(("path", "fmt", "expected"), corpus_index(), ids=[c[0].name for c in corpus_index()])
def test_every_corpus_report_keeps_the_line_and_rule_that_named_it(path: Path, fmt: str, expected: dict) -> None:
    got = parse_file(path, REGISTRY)
    agency, year = _used(got, "agency"), _used(got, "year")
    assert agency and year and all(e["line"] and e["rule"] for e in agency + year)
    assert year[0]["value"] == expected["year"]


def test_no_synthetic_report_carries_a_furniture_word_agency_and_each_names_its_own_unit(tmp_path: Path) -> None:
    """The generator's portal pages (site chrome, footer '主办：…'), markdown and Word files: the unit of the truth."""
    synth = synthesize(tmp_path, 10, [2021, 2023], ["html", "md", "docx"], seed=21)
    for path, truth in zip(synth.files, synth.truths, strict=True):
        got = parse_file(path, REGISTRY)
        assert not any(w in (got["agency"] or "") for w in FURNITURE_WORDS), (path.name, got["agency"])
        assert (got["agency"], got["year"]) == (truth["agency"], truth["year"]), path.name


def test_a_word_files_page_header_names_the_township_its_title_leaves_out() -> None:
    """A township prints its name as letterhead in the Word header; the title says only the year."""
    got = _read("unit-in-word-header.docx")
    assert (got["agency"], got["year"], got["held_for_review"]) == ("七家子镇人民政府", 2023, False)
    assert _used(got, "agency")[0]["source"] == "header"


@pytest.mark.parametrize(("a", "b", "same"), [
    ("昌图县七家子镇", "七家子镇人民政府", True), ("石家庄市教育局", "市教育局", True), ("七家子镇", "大泉眼乡", False),
    ("昌图县人民政府", "昌图县人民政府办公室", False), ("七家子镇", "八家子镇", False)])
def test_two_readings_name_one_unit_only_up_to_its_county_or_city(a: str, b: str, same: bool) -> None:
    assert same_agency(a, b, None) is same and same_agency(b, a, None) is same


def test_a_units_name_at_the_foot_of_every_pdf_page_settles_a_title_without_one() -> None:
    """A PDF's running footer comes out as a line at the foot of each page: that unit, with a warning."""
    text = (PAGES / "county-header-town-report.txt").read_text("utf-8").split("\n", 1)[1]  # no site header
    doc = parse_text(text, "report.pdf", "txt")
    doc.format = "pdf"
    half = len(doc.blocks) // 2
    for i, block in enumerate(doc.blocks):
        block.page = 1 if i < half else 2
    doc.blocks[half:half] = [Paragraph("七家子镇人民政府", 1)]
    doc.blocks.append(Paragraph("七家子镇人民政府", 2))
    got = parse_document(doc, REGISTRY)
    assert (got["agency"], got["year"]) == ("七家子镇人民政府", 2023)
    assert "2 页" in _used(got, "agency")[0]["rule"]
