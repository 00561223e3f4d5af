"""The Word reader: body order, merged cells counted once, wrappers and text boxes read, clear errors."""

from __future__ import annotations

import json
import shutil
import sys
import time
import zipfile
from pathlib import Path

import pytest

from dashboard import limits
from dashboard.errors import RESOURCE_ZH, ReportError
from dashboard.readers import Paragraph, Table, read_document
from dashboard.readers import docx as docx_reader

FIXTURES = Path(__file__).parent / "fixtures"
PINGTAN = FIXTURES / "pingtan-2025.docx"
BLANK = FIXTURES / "template-2021-blank.docx"

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def write_docx(path: Path, body: str, numbering: str = "", chunk: bytes = b"", styles: str = "",
               dangling: bool = False) -> Path:
    """A minimal Word package around ``body`` (the children of w:body), as WPS and Word write them."""
    types = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
             '<Default Extension="xml" ContentType="application/xml"/>',
             '<Default Extension="htm" ContentType="text/html"/>',
             f'<Override PartName="/word/document.xml" ContentType="{MAIN}document.main+xml"/>']
    rels = []
    if numbering or dangling:  # dangling: the relationship is there, the part is not
        types.append(f'<Override PartName="/word/numbering.xml" ContentType="{MAIN}numbering+xml"/>')
        rels.append(f'<Relationship Id="rId1" Target="numbering.xml" Type="{REL}numbering"/>')
    if styles:
        types.append(f'<Override PartName="/word/styles.xml" ContentType="{MAIN}styles+xml"/>')
        rels.append(f'<Relationship Id="rId2" Target="styles.xml" Type="{REL}styles"/>')
    if chunk:
        rels.append(f'<Relationship Id="rId9" Target="page.htm" Type="{REL}aFChunk"/>')
    package = "http://schemas.openxmlformats.org/package/2006/"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", f'<Types xmlns="{package}content-types">{"".join(types)}</Types>')
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{package}relationships"><Relationship Id="rId1" '
                    f'Target="word/document.xml" Type="{REL}officeDocument"/></Relationships>')
        zf.writestr("word/document.xml", f'<w:document {NS}><w:body>{body}</w:body></w:document>')
        if rels:
            zf.writestr("word/_rels/document.xml.rels",
                        f'<Relationships xmlns="{package}relationships">{"".join(rels)}</Relationships>')
        if numbering:
            zf.writestr("word/numbering.xml", f"<w:numbering {NS}>{numbering}</w:numbering>")
        if styles:
            zf.writestr("word/styles.xml", f"<w:styles {NS}>{styles}</w:styles>")
        if chunk:
            zf.writestr("word/page.htm", chunk)
    return path


def p(text: str, ppr: str = "") -> str:
    return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def tc(text: str, tcpr: str = "") -> str:
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{p(text) if text else '<w:p/>'}</w:tc>"


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def row_starting(table: Table, label: str) -> int:
    return next(r for r, row in enumerate(table.rows) if any(cell.startswith(label) for cell in row[:3]))


@pytest.fixture(scope="module")
def pingtan():
    return read_document(PINGTAN)


def test_pingtan_blocks_come_in_body_order_headings_then_tables(pingtan) -> None:
    kinds = [("T", len(b.rows)) if isinstance(b, Table) else ("P", b.text.strip()) for b in pingtan.blocks]
    at = {k: i for i, k in enumerate(kinds)}
    assert at[("P", "二、主动公开政府信息情况")] + 1 == at[("T", 14)]
    assert at[("P", "三、收到和处理政府信息公开申请情况")] + 1 == at[("T", 28)]
    assert at[("P", "四、政府信息公开行政复议、行政诉讼情况")] + 1 == at[("T", 4)]
    assert at[("T", 4)] + 1 == at[("P", "五、存在的主要问题及改进情况")]
    assert at[("T", 14)] < at[("T", 28)] < at[("T", 4)]


def test_pingtan_disclosure_numbers_sit_under_their_column_labels(pingtan) -> None:
    table = tables(pingtan)[0]
    assert table.rows[1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert table.rows[row_starting(table, "行政规范性文件")] == ["行政规范性文件", "58", "45", "546"]
    assert table.rows[row_starting(table, "行政处罚")][:2] == ["行政处罚", "644"]


def test_a_number_spanning_three_columns_is_counted_once(pingtan) -> None:
    table = tables(pingtan)[0]
    r = row_starting(table, "行政事业性收费")
    assert table.rows[r] == ["行政事业性收费"] + ["4166.241619"] * 3
    assert not table.is_copy(r, 1) and table.is_copy(r, 2) and table.is_copy(r, 3)


def test_vertically_merged_row_labels_give_context_to_every_row_as_copies(pingtan) -> None:
    table = tables(pingtan)[1]
    r = row_starting(table, "2.其他法律行政法规禁止公开")
    assert table.rows[r][1] == "（三）不予公开" and table.is_copy(r, 1)
    assert table.rows[r][0].startswith("三、本") and table.is_copy(r, 0)
    assert table.rows[r][2] == "2.其他法律行政法规禁止公开" and not table.is_copy(r, 2)


def test_each_application_number_is_an_origin_cell_in_its_own_column(pingtan) -> None:
    table = tables(pingtan)[1]
    origins = [(r, c) for r in range(3, len(table.rows)) for c in range(3, 10) if not table.is_copy(r, c)]
    assert len(origins) == 25 * 7
    assert all(table.rows[r][c].strip().isdigit() for r, c in origins)
    r = row_starting(table, "四、结转下年度继续办理")
    assert table.rows[r][3:] == ["4", "2", "0", "0", "0", "0", "6"]


def test_appeals_row_has_fifteen_numbers_none_of_them_copies(pingtan) -> None:
    table = tables(pingtan)[2]
    assert table.rows[-1] == ["25", "3", "8", "0", "36", "3", "3", "0", "0", "6", "3", "0", "0", "0", "3"]
    assert not any(table.is_copy(3, c) for c in range(15))
    assert table.rows[0][5] == "行政诉讼" and table.is_copy(0, 9)


def test_non_breaking_spaces_in_labels_are_kept_for_the_parser(pingtan) -> None:
    assert any("\xa0" in cell for row in tables(pingtan)[1].rows for cell in row)


def test_title_comes_from_the_core_properties(pingtan) -> None:
    assert pingtan.title is not None and pingtan.title.startswith("平潭综合实验区2025年度政府信息公开工作年度报告")
    assert pingtan.format == "docx" and pingtan.source == "pingtan-2025.docx"


def test_blank_template_has_every_label_and_no_numbers() -> None:
    doc = read_document(BLANK)
    assert doc.title is None
    disclosure, applications, appeals = tables(doc)
    assert [len(t.rows) for t in (disclosure, applications, appeals)] == [14, 28, 4]
    assert applications.rows[row_starting(applications, "（七）总计")][3:] == [""] * 7
    assert appeals.rows[-1] == [""] * 15
    numbers = [c for t in tables(doc) for row in t.rows for c in row if c.strip().replace(".", "").isdigit()]
    assert numbers == []


def test_reading_a_real_report_takes_well_under_a_second() -> None:
    docx_reader.read_docx(PINGTAN)  # warm the imports
    start = time.perf_counter()
    docx_reader.read_docx(PINGTAN)
    assert time.perf_counter() - start < 0.3


def test_vmerge_over_rows_and_grid_before_after_place_numbers_right(tmp_path: Path) -> None:
    body = ("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
            "<w:tr>" + tc("（三）不予公开", '<w:vMerge w:val="restart"/>') + tc("1.属于国家秘密") + tc("4")
            + tc("5") + "</w:tr>"
            "<w:tr>" + tc("", "<w:vMerge/>") + tc("2.其他") + tc("6", '<w:gridSpan w:val="2"/>') + "</w:tr>"
            '<w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>'
            + tc("3.危及") + tc("7") + "</w:tr>"
            "<w:tr>" + tc("（四）", '<w:vMerge w:val="restart"/>') + tc("a", '<w:hMerge w:val="restart"/>')
            + tc("", '<w:hMerge w:val="continue"/>') + tc("8") + "</w:tr></w:tbl>")
    table = tables(read_document(write_docx(tmp_path / "grid.docx", body)))[0]
    assert table.rows == [["（三）不予公开", "1.属于国家秘密", "4", "5"],
                          ["（三）不予公开", "2.其他", "6", "6"],
                          ["", "3.危及", "7", ""],
                          ["（四）", "a", "a", "8"]]
    assert table.copies == {(1, 0), (1, 3), (3, 2)}


def test_content_controls_around_rows_cells_paragraphs_and_runs_are_read(tmp_path: Path) -> None:
    sdt = "<w:sdt><w:sdtPr><w:alias w:val=\"x\"/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>"
    body = (sdt.format(p("一、总体情况"))
            + "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
            + sdt.format("<w:tr>" + tc("规章") + sdt.format(tc("12")) + "</w:tr>")
            + "<w:customXml w:element=\"row\"><w:tr>" + tc("行政许可") + tc("3") + "</w:tr></w:customXml>"
            + "</w:tbl>"
            + "<w:p><w:r><w:t>本年</w:t></w:r>" + sdt.format("<w:r><w:t>收到 5 件</w:t></w:r>") + "</w:p>")
    doc = read_document(write_docx(tmp_path / "sdt.docx", body))
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["一、总体情况", "本年收到 5 件"]
    assert tables(doc)[0].rows == [["规章", "12"], ["行政许可", "3"]]


def test_text_box_text_is_read_once_though_word_stores_it_twice(tmp_path: Path) -> None:
    box = "<w:txbxContent>" + p("二、主动公开政府信息情况") + "</w:txbxContent>"
    body = ("<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>"
            f"<mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>"
            f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r></w:p>")
    doc = read_document(write_docx(tmp_path / "box.docx", body))
    assert [b.text for b in doc.blocks] == ["正文", "二、主动公开政府信息情况"]


def test_nested_table_text_goes_into_its_cell(tmp_path: Path) -> None:
    inner = "<w:tbl><w:tr>" + tc("商业企业") + tc("2") + "</w:tr><w:tr>" + tc("科研机构") + tc("0") + "</w:tr></w:tbl>"
    body = "<w:tbl><w:tr>" + tc("法人或其他组织") + f"<w:tc>{p('见下表')}{inner}</w:tc></w:tr></w:tbl>"
    doc = read_document(write_docx(tmp_path / "nested.docx", body))
    assert len(tables(doc)) == 1
    assert tables(doc)[0].rows == [["法人或其他组织", "见下表\n商业企业 2\n科研机构 0"]]


def test_automatic_list_numbers_are_printed_before_the_text(tmp_path: Path) -> None:
    numbering = ('<w:abstractNum w:abstractNumId="0">'
                 '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                 '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
                 '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                 '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
                 '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
                 '<w:lvlText w:val="\uf0b7"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>')

    def numbered(text: str, num: int, lvl: int) -> str:
        return p(text, f'<w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>')

    body = "".join(numbered(t, n, lvl) for t, n, lvl in [
        ("总体情况", 1, 0), ("主动公开方面", 1, 1), ("依申请公开方面", 1, 1), ("首页", 2, 0),
        ("主动公开政府信息情况", 1, 0), ("规章", 1, 1)] + [(f"第{i}项", 1, 0) for i in range(3, 12)])
    texts = [b.text for b in read_document(write_docx(tmp_path / "num.docx", body, numbering)).blocks]
    assert texts[:6] == ["一、总体情况", "（一）主动公开方面", "（二）依申请公开方面", "首页",
                         "二、主动公开政府信息情况", "（一）规章"]
    assert texts[-1] == "十一、第11项"


def test_deleted_revisions_and_hidden_text_are_left_out(tmp_path: Path) -> None:
    body = ("<w:p><w:r><w:t>收到申请</w:t></w:r><w:del><w:r><w:delText>3</w:delText></w:r></w:del>"
            "<w:ins><w:r><w:t>5</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
            "<w:r><w:t>件</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>")
    doc = read_document(write_docx(tmp_path / "rev.docx", body))
    assert [b.text for b in doc.blocks] == ["收到申请5件", "第二行"]


def test_zip_of_junk_is_reported_as_a_damaged_word_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "not a report")
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "corrupt" and err.value.source == "junk.docx"
    assert "[Content_Types].xml" in err.value.reason_en


def test_truncated_docx_is_reported_as_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(PINGTAN.read_bytes()[:20000])
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "corrupt" and "truncated" in err.value.reason_en and "截断" in err.value.reason_zh


def test_docx_that_is_not_a_zip_at_all_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "text.docx"
    path.write_text("这只是一段文字，不是 Word 文件", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        docx_reader.read_docx(path)
    assert err.value.code == "corrupt" and "not a valid .docx" in err.value.reason_en


def test_damaged_document_xml_is_reported_as_damaged(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "bad.docx", p("一、总体情况") + "<w:p><w:r><w:t>未闭合")
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "corrupt" and err.value.source == "bad.docx"


def test_spreadsheet_renamed_to_docx_is_not_taken_for_a_word_file(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "table.docx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ReportError) as err:
        docx_reader.read_docx(path)
    assert err.value.code == "format" and "spreadsheetml" in err.value.reason_en


OLE_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_legacy_doc_without_libreoffice_asks_to_save_as_docx(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "报告.doc"
    path.write_bytes(OLE_HEAD + b"\x00" * 1024)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "legacy_word" and err.value.source == "报告.doc"
    assert "另存为 .docx" in err.value.reason_zh and "save it as .docx" in err.value.reason_en


def test_password_protected_word_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(OLE_HEAD + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "encrypted"


def _fake_office(tmp_path: Path, script: str) -> Path:
    """A stand-in for LibreOffice's command line (the real one is not installed here)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "soffice"
    tool.write_text(f"#!{sys.executable}\nimport shutil, sys, time\nargs = sys.argv[1:]\n{script}\n")
    tool.chmod(0o755)
    return bin_dir


def test_legacy_doc_is_converted_with_libreoffice_when_installed(tmp_path: Path, monkeypatch) -> None:
    bin_dir = _fake_office(tmp_path, "out = args[args.index('--outdir') + 1]\n"
                                     "assert args[args.index('--convert-to') + 1].startswith('docx')\n"
                                     f"shutil.copy({str(PINGTAN)!r}, out + '/source.docx')")
    path = tmp_path / "平潭.wps"
    path.write_bytes(OLE_HEAD + b"\x00" * 1024)
    monkeypatch.setenv("PATH", str(bin_dir))
    doc = read_document(path)
    assert doc.source == "平潭.wps" and doc.format == "wps" and doc.meta["converted_with"] == "LibreOffice"
    assert tables(doc)[2].rows[-1][:5] == ["25", "3", "8", "0", "36"]


def test_hanging_libreoffice_is_stopped_at_the_files_time_limit_and_reported(tmp_path: Path, monkeypatch) -> None:
    bin_dir = _fake_office(tmp_path, "time.sleep(60)")
    path = tmp_path / "hang.doc"
    path.write_bytes(OLE_HEAD + b"\x00" * 1024)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(limits, "_FILE_LIMITS", [1024, 1.0])
    start = time.perf_counter()
    with pytest.raises(ReportError) as err:
        read_document(path)
    assert err.value.code == "resource" and err.value.reason_zh == RESOURCE_ZH and time.perf_counter() - start < 10


def test_web_page_embedded_as_a_chunk_is_read_with_its_table(tmp_path: Path) -> None:
    page = ("<html><body><p>四、政府信息公开行政复议、行政诉讼情况</p><table>"
            "<tr><td colspan='2'>行政复议</td></tr><tr><td>结果维持</td><td>结果纠正</td></tr>"
            "<tr><td>25</td><td>3</td></tr></table></body></html>").encode("gb18030")
    body = p("前言") + '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' \
        'r:id="rId9"/>' + p("五、存在的主要问题及改进情况")
    doc = read_document(write_docx(tmp_path / "chunk.docx", body, chunk=page))
    assert doc.blocks[0].text == "前言" and doc.blocks[-1].text == "五、存在的主要问题及改进情况"
    assert len(tables(doc)) == 1 and isinstance(doc.blocks[-2], Table)
    table = tables(doc)[0]
    assert table.rows == [["行政复议", "行政复议"], ["结果维持", "结果纠正"], ["25", "3"]] and table.copies == {(0, 1)}


def test_relationship_to_a_missing_part_does_not_lose_the_report(tmp_path: Path) -> None:
    body = p("一、总体情况") + "<w:tbl><w:tr>" + tc("规章") + tc("0") + "</w:tr></w:tbl>"
    doc = read_document(write_docx(tmp_path / "dangling.docx", body, dangling=True))
    assert doc.blocks[0].text == "一、总体情况" and tables(doc)[0].rows == [["规章", "0"]]


def test_heading_style_with_list_numbering_prints_its_number(tmp_path: Path) -> None:
    numbering = ('<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
                 '</w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num>')
    styles = ('<w:style w:type="paragraph" w:styleId="Heading1"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr>'
              '</w:pPr></w:style><w:style w:type="paragraph" w:styleId="MyHeading"><w:basedOn w:val="Heading1"/>'
              '</w:style>')
    body = (p("总体情况", '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>') + p("正文")
            + p("主动公开政府信息情况", '<w:pPr><w:pStyle w:val="MyHeading"/></w:pPr>'))
    path = write_docx(tmp_path / "styled.docx", body, numbering, styles=styles)
    assert [b.text for b in docx_reader.read_docx(path).blocks] == ["一、总体情况", "正文", "二、主动公开政府信息情况"]


def _numeric_cells(report: dict) -> dict[str, object]:
    return {f"{t}.{r}.{c}": v for t in ("disclosure", "applications", "appeals")
            for r, cols in report[t].items() for c, v in cols.items()}


def test_pingtan_docx_parses_cell_for_cell_to_the_expected_json() -> None:
    from dashboard.parse import parse_file

    expected = json.loads((FIXTURES / "pingtan-2025.json").read_text(encoding="utf-8"))
    report = parse_file(PINGTAN)
    assert (report["agency"], report["year"], report["template"]) == ("平潭综合实验区", 2025, "2021")
    assert _numeric_cells(report) == _numeric_cells(expected)
    assert report["units"] == expected["units"]


def test_blank_template_docx_parses_to_no_figures_not_zeros() -> None:
    from dashboard.parse import parse_file

    report = parse_file(BLANK)
    assert set(_numeric_cells(report).values()) <= {None}
    assert "no_figures" in {problem["code"] for problem in report["problems"]}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_legacy_doc_is_converted_with_libreoffice_and_parses_like_the_docx(tmp_path: Path) -> None:
    import subprocess

    from dashboard.parse import parse_file

    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "doc", "--outdir", str(tmp_path), str(FIXTURES / "pingtan-2025.docx")],
                   check=True, capture_output=True, timeout=180)
    got = parse_file(tmp_path / "pingtan-2025.doc")
    expected = json.loads((FIXTURES / "pingtan-2025.json").read_text("utf-8"))
    for table in ("disclosure", "applications", "appeals"):
        assert got[table] == expected[table]
