"""Tables printed without ruling lines in a text PDF: the grid from glyph alignment, blank cells in their columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.parse import parse_document, parse_file
from dashboard.readers import read_document
from dashboard.readers.model import COLUMN_DOUBT, Table
from tests.conftest import FIXTURES, expected_cells

PDF = FIXTURES / "unruled" / "unruled-2023.pdf"
TRUTH = json.loads((FIXTURES / "unruled" / "unruled-2023.json").read_text("utf-8"))


def test_a_borderless_table_pdf_reads_every_cell_as_printed() -> None:
    got = parse_file(PDF)
    misses = [(k, v, got[k[0]].get(k[1], {}).get(k[2], "MISSING")) for k, v in expected_cells(TRUTH)
              if got[k[0]].get(k[1], {}).get(k[2], "MISSING") != v]
    assert misses == []
    assert (got["agency"], got["year"]) == (TRUTH["agency"], TRUTH["year"])


def test_blank_cells_of_a_borderless_table_are_blank_in_their_own_column() -> None:
    got = parse_file(PDF)
    assert got["applications"]["new"]["commercial"] is None
    assert got["cell_flags"]["applications.new.commercial"] == "blank"
    assert got["applications"]["new"]["research"] == TRUTH["applications"]["new"]["research"]
    assert got["applications"]["new"]["total"] == TRUTH["applications"]["new"]["total"]
    assert got["disclosure"]["normative_docs"]["repealed"] is None
    assert got["disclosure"]["normative_docs"]["in_force"] == TRUTH["disclosure"]["normative_docs"]["in_force"]


def test_the_row_with_blanks_becomes_a_grid_row_with_empty_cells() -> None:
    doc = read_document(PDF)
    rows = [row for b in doc.blocks if isinstance(b, Table) for row in b.rows]
    new = next(r for r in rows if any(c.startswith("一、本年新收") for c in r))
    values = new[-7:]
    assert values[1] == "" and values[4] == ""
    assert all(v for i, v in enumerate(values) if i not in (1, 4))


def test_a_label_wrapped_over_two_lines_is_joined_to_its_row() -> None:
    doc = read_document(PDF)
    rows = [row for b in doc.blocks if isinstance(b, Table) for row in b.rows]
    assert any("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in c for r in rows for c in r)


# Borderless variants of 2021-format reports beside unruled-2023 (tests/fixtures/unruled/make.py): a synthetic report
# on A5 with 12pt tables (labels wrapped over four lines, the table across four pages, a column blank in every row, a
# row blank in every column, a number set off towards the next column), the same report printed tight and
# right/bottom-aligned, and the real 平潭 report printed borderless.
A5 = FIXTURES / "unruled" / "unruled-2022-a5.pdf"
A5_TRUTH = json.loads((FIXTURES / "unruled" / "unruled-2022-a5.json").read_text("utf-8"))
TIGHT = FIXTURES / "unruled" / "unruled-2022-tight.pdf"
TIGHT_TRUTH = json.loads((FIXTURES / "unruled" / "unruled-2022-tight.json").read_text("utf-8"))
PINGTAN = FIXTURES / "unruled" / "pingtan-2025-a5.pdf"
PINGTAN_TRUTH = json.loads((FIXTURES / "unruled" / "pingtan-2025-a5.json").read_text("utf-8"))
NAMED = {"missing", "unreadable", "uncertain", "placed_by_order", "fuzzy_label"}


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    """Each borderless report parsed once for this module."""
    return {p.name: parse_file(p) for p in (PDF, A5, TIGHT, PINGTAN)}


@pytest.mark.parametrize(("pdf", "truth"), [(PDF, TRUTH), (A5, A5_TRUTH), (TIGHT, TIGHT_TRUTH), (PINGTAN, PINGTAN_TRUTH)],
                         ids=["unruled-2023", "unruled-2022-a5", "unruled-2022-tight", "pingtan-2025-a5"])
def test_the_borderless_variant_of_a_2021_format_report_reads_every_cell_of_三_or_names_the_ones_it_cannot(
        parsed: dict[str, dict], pdf: Path, truth: dict) -> None:
    got = parsed[pdf.name]
    assert truth["template"] == "2021" and got["template"] == "2021"
    named = set(got["uncertain_cells"]) | {c for p in got["problems"] for c in p["cells"]}
    cells = [(k, v) for k, v in expected_cells(truth) if k[0] == "applications"]
    assert len(cells) == 175
    wrong = [(k, v, got["applications"].get(k[1], {}).get(k[2], "MISSING")) for k, v in cells
             if got["applications"].get(k[1], {}).get(k[2], "MISSING") != v]
    unnamed = [w for w in wrong if ".".join(w[0]) not in named and ".".join(w[0][:2]) not in named
               and got["cell_flags"].get(".".join(w[0])) not in NAMED]
    assert unnamed == []
    assert wrong == []  # and, for these prints, every cell is read as printed


def test_a_real_report_printed_borderless_on_a5_reads_section_三_without_doubt(parsed: dict[str, dict]) -> None:
    got = parsed[PINGTAN.name]
    assert not [k for k in got["uncertain_cells"] if k.startswith("applications.")]
    assert got["applications"]["new"] == PINGTAN_TRUTH["applications"]["new"]


def test_a_column_blank_in_every_row_keeps_its_place_across_pages(parsed: dict[str, dict]) -> None:
    got = parsed[A5.name]
    apps = got["applications"]
    assert all(apps[r]["research"] is None for r in apps)
    assert all(apps[r]["social"] == A5_TRUTH["applications"][r]["social"] for r in apps)
    assert got["cell_flags"]["applications.total.research"] == "blank"


def test_a_row_printed_blank_in_every_column_is_read_blank_not_missing(parsed: dict[str, dict]) -> None:
    got = parsed[A5.name]
    assert got["applications"]["withheld_inquiry"] == dict.fromkeys(got["applications"]["withheld_inquiry"])
    assert {got["cell_flags"][f"applications.withheld_inquiry.{c}"] for c in got["applications"]["withheld_inquiry"]} \
        == {"blank"}


def test_the_header_glyphs_name_the_columns_of_a_borderless_table() -> None:
    doc = read_document(PDF)
    headers = [row for b in doc.blocks if isinstance(b, Table) for row in b.rows if "自然人" in row]
    assert headers and headers[0][-7:] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def test_a_number_printed_between_two_columns_is_doubted_in_both_cells() -> None:
    doc = read_document(A5)
    table, r = next((b, r) for b in doc.blocks if isinstance(b, Table) for r, row in enumerate(b.rows)
                    if any("本机关不掌握" in c for c in row))
    row = table.rows[r]
    assert row[-7:] == ["4", "1", "", "0", "0", "0", "5"]
    width = len(row)
    assert table.doubts == {(r, width - 6): COLUMN_DOUBT, (r, width - 5): COLUMN_DOUBT}


def test_the_rules_settle_the_column_of_a_number_printed_between_two_columns(parsed: dict[str, dict]) -> None:
    got = parsed[A5.name]
    assert got["applications"]["unavailable_not_held"]["commercial"] == 1
    assert got["applications"]["unavailable_not_held"]["research"] is None
    assert got["cell_flags"]["applications.unavailable_not_held.commercial"] == "placed_by_rules"
    assert any(p["code"] == "placed_by_rules" and "applications.unavailable_not_held.commercial" in p["cells"]
               for p in got["problems"])


def test_a_number_between_two_columns_stays_uncertain_and_named_when_the_rules_cannot_tell() -> None:
    # The same print with its 总计 row's 商业企业 cell blank: R3 then fails in that column whichever way the stray
    # number goes, so nothing tells its column.
    doc = read_document(A5)
    table, r = next((b, r) for b in doc.blocks if isinstance(b, Table) for r, row in enumerate(b.rows)
                    if any("（七）总计" in c for c in row))
    table.rows[r][-6] = ""
    got = parse_document(doc)
    for col in ("commercial", "research"):
        assert got["cell_flags"][f"applications.unavailable_not_held.{col}"] == "uncertain"
        assert f"applications.unavailable_not_held.{col}" in got["uncertain_cells"]
    assert any(p["code"] == "column_uncertain" for p in got["problems"])
