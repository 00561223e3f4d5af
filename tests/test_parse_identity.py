"""Identity never garbage (issue 14 part 3): the registry's agency, the printed one when it reads as a name, or a
problem and the report held for review — never a fragment of a sentence, never a made-up agency."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict

import pytest

from dashboard.parse import parse_document
from dashboard.parse.identity import _CONFUSABLE, agency_shape_ok
from dashboard.parse.identity_sources import gather
from dashboard.parse.items import flatten
from dashboard.readers.text import parse_text
from dashboard.registry import Agency, Registry, default_registry
from tests.conftest import SAMPLE

SAMPLE_TEXT = SAMPLE.read_text("utf-8")
SEED_TITLE = "红崖子沟乡人民政府 2021 年 信息公开工作年度报告"
REGISTRY = default_registry()


def _with_title(title: str) -> str:
    assert SEED_TITLE in SAMPLE_TEXT
    return SAMPLE_TEXT.replace(SEED_TITLE, title)


def _parse(text: str, registry: Registry | None = REGISTRY) -> dict:
    return parse_document(parse_text(text, "identity.md"), registry)


def _ocr_variants() -> list[tuple[str, str]]:
    """(misread name, registry name): every registry agency with one character swapped for a look-alike."""
    out = []
    for agency in REGISTRY.agencies:
        for i, ch in enumerate(agency.name):
            group = next((g for g in _CONFUSABLE if ch in g), None)
            if group:
                out.append((agency.name[:i] + sorted(group - {ch})[0] + agency.name[i + 1:], agency.name))
                break
    return out


def test_a_title_less_page_has_no_agency_and_is_held_for_review() -> None:
    """No title, no agency: an error-level problem, agency null, the report held — not filed under anything."""
    got = _parse(SAMPLE_TEXT.replace(SEED_TITLE, ""))
    assert got["agency"] is None and got["held_for_review"] is True
    assert any(p["code"] == "agency_unknown" and p["severity"] == "error" for p in got["problems"])
    assert got["applications"]["new"]["total"] == 0  # the tables are still read


def test_nianbao_parse_exits_non_zero_for_a_report_held_for_review(tmp_path) -> None:
    """The command says which file is held and exits 3 (2 stays 'not a report')."""
    held = tmp_path / "无标题.md"
    held.write_text(SAMPLE_TEXT.replace(SEED_TITLE, ""), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "dashboard", "parse", str(held), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 3 and "无标题.md" in out.stderr
    good = subprocess.run([sys.executable, "-m", "dashboard", "parse", str(SAMPLE), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0


@pytest.mark.parametrize(("misread", "name"), _ocr_variants())
def test_an_agency_read_with_one_confusable_character_is_the_registry_agency(misread: str, name: str) -> None:
    """OCR swaps 沭/沐, 崖/涯 …: one look-alike character from exactly one registry name is that agency, said so."""
    got = _parse(_with_title(f"{misread}2021年信息公开工作年度报告"))
    assert got["agency"] == name and not got["held_for_review"]
    assert any(p["code"] == "agency_from_registry" and misread in p["message_zh"] for p in got["problems"])


def test_a_county_misread_by_ocr_is_found_in_a_given_registry() -> None:
    """沐阳县 for 沭阳县: the registry passed in decides; without it the printed name stays as printed."""
    reg = Registry([*REGISTRY.agencies, Agency("沭阳县人民政府", "政府", "沭阳县", ["沭阳县"], "沭阳县")])
    assert _parse(_with_title("沐阳县人民政府2021年政府信息公开工作年度报告"), reg)["agency"] == "沭阳县人民政府"
    assert _parse(_with_title("沐阳县人民政府2021年政府信息公开工作年度报告"), None)["agency"] == "沐阳县人民政府"


def test_a_name_one_ordinary_character_away_is_another_agency_not_the_registry_one() -> None:
    """红岩子沟乡 is not 红崖子沟乡 (岩/崖 are not look-alikes): two townships, the printed one is kept as printed."""
    got = _parse(_with_title("红岩子沟乡人民政府2021年信息公开工作年度报告"))
    assert got["agency"] == "红岩子沟乡人民政府" and not got["held_for_review"]
    assert not any(p["code"] == "agency_from_registry" for p in got["problems"])
    near = next(p for p in got["problems"] if p["code"] == "agency_near_registry")
    assert near["severity"] == "warning" and "红崖子沟乡人民政府" in near["message_zh"]


def _scanned(text: str) -> dict:
    doc = parse_text(text, "scan.pdf")
    doc.format = "scan"  # what the OCR reader returns: the same Document, its text read from pixels
    return parse_document(doc, REGISTRY)


def test_a_scanned_name_one_ordinary_character_from_the_registry_is_held_not_filed() -> None:
    """OCR may have misread any character: 红岩子沟乡 on a scan is 红崖子沟乡 or another township — a person decides."""
    got = _scanned(_with_title("红岩子沟乡人民政府2021年信息公开工作年度报告"))
    assert got["agency"] is None and got["held_for_review"]
    assert any(p["code"] == "agency_unknown" and "红崖子沟乡人民政府" in p["message_zh"] for p in got["problems"])


def test_a_scanned_name_with_a_look_alike_character_is_the_registry_agency() -> None:
    """红涯子沟乡 on a scan: the look-alike 涯/崖 and exactly one registry name — that agency, with a warning."""
    got = _scanned(_with_title("红涯子沟乡人民政府2021年信息公开工作年度报告"))
    assert got["agency"] == "红崖子沟乡人民政府" and not got["held_for_review"]


@pytest.mark.parametrize("title", [
    "关于编制公布人民政府2021年信息公开工作年度报告",
    "县政府办公室关于编制公布人民政府2021年政府信息公开工作年度报告",
    "根据上级关于编制公布2021年政府信息公开工作年度报告",
])
@pytest.mark.parametrize("with_registry", [True, False])
def test_a_sentence_fragment_before_the_title_is_never_the_agency(title: str, with_registry: bool) -> None:
    """'…关于编制公布人民政府' is not an agency: a problem and the report held, with or without a registry."""
    got = _parse(_with_title(title), REGISTRY if with_registry else None)
    assert got["agency"] is None and got["held_for_review"]
    problem = next(p for p in got["problems"] if p["code"] == "agency_unknown")
    assert problem["severity"] == "error" and "片段" in problem["message_zh"]


def test_the_issuer_of_a_notice_is_taken_only_when_the_registry_knows_it() -> None:
    """'红崖子沟乡人民政府关于公布…报告的通知': the registry names the issuer; without it, held for review."""
    title = "红崖子沟乡人民政府关于公布2021年政府信息公开工作年度报告的通知"
    assert _parse(_with_title(title))["agency"] == "红崖子沟乡人民政府"
    assert _parse(_with_title(title), None)["agency"] is None


@pytest.mark.parametrize("name", ["红崖子沟乡人民政府", "洪泽区人民政府", "平潭综合实验区", "上海市科委", "示例县云岭街道办事处",
                                  "示例县教育局", "某市生态环境局某区分局", "某县人民政府办公室", "某县政务服务中心"])
def test_real_agency_names_have_the_shape_of_a_name(name: str) -> None:
    """Governments, sub-districts, bureaus, committees and centres read as names."""
    assert agency_shape_ok(name)


@pytest.mark.parametrize("fragment", ["编制公布人民政府", "根据上级关于编制公布", "现将本单位", "按照要求，区人民政府"])
def test_sentence_fragments_do_not_have_the_shape_of_a_name(fragment: str) -> None:
    """Sentence words or punctuation inside, or no agency ending: not a name."""
    assert not agency_shape_ok(fragment)


def test_identity_evidence_is_stored_with_every_field_of_each_reading_in_order() -> None:
    """The record's identity_evidence holds each reading whole (as dataclasses.asdict would give it), so a field
    added to Evidence cannot go missing from the stored record."""
    doc = parse_text(SAMPLE_TEXT, "identity.md")
    evidence = gather(doc, flatten(doc))
    assert evidence
    for e in evidence:
        assert list(e.as_dict().items()) == list(asdict(e).items())
    assert _parse(SAMPLE_TEXT)["identity_evidence"][0].keys() == asdict(evidence[0]).keys()
