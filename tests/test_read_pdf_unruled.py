"""Tables printed without ruling lines in a text PDF: the grid from glyph alignment, blank cells in their columns."""

from __future__ import annotations

import json

from dashboard.parse import parse_file
from dashboard.readers import read_document
from dashboard.readers.model import Table
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
