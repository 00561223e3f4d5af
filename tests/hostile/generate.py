"""A battery of malformed and hostile files, generated (nothing stored in git): `generate(folder)` writes them and
returns one Kind per file — what it is and what an ingest must make of it.

    python -m tests.hostile.generate FOLDER     # writes the battery and prints the kinds

Expectations: "failed" (listed with a reason), "stored" (a readable report, stored and current), "held" (stored,
not current: a damaged copy of a report that is already current), "pending" (stored as 待认定: read, but its unit
or year cannot be settled), "passed" (not read, listed with a reason:
links, FIFOs), "unchanged" (same bytes as a file already stored), "ignored" (hidden files). Bombs are declared,
not large: a zip's directory states sizes that the readers must refuse before unpacking.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import socket
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "000_7180246cedc2b1d8.txt"  # 红崖子沟乡人民政府 2021
DOCX = FIXTURES / "pingtan-2025.docx"
PDF = FIXTURES / "hongze-2023.pdf"
VALID = ["000_7180246cedc2b1d8.txt", "shanghai-kewei-2024.md", "hongze-2023.pdf", "pingtan-2025.html"]


@dataclass
class Kind:
    """One generated file (its name as bytes, since some names are not UTF-8) and the outcome it must get."""

    kind: str
    name: bytes
    expect: str


def _fs(folder: Path, name: str | bytes) -> bytes:
    return os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode("utf-8"))


def _zip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


CT = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
      b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="htm" ContentType="text/html"'
      b'/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      b'wordprocessingml.document.main+xml"/></Types>')
RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
       b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _doc_xml(body: bytes, prolog: bytes = b"") -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>' + prolog + b"<w:document " + W_NS + b"><w:body>" + body + \
        b"</w:body></w:document>"


def _para(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def _docx(body: bytes, extra: dict[str, bytes] | None = None, prolog: bytes = b"", ct: bytes = CT,
          doc_rels: bytes | None = None) -> bytes:
    parts = {"[Content_Types].xml": ct, "_rels/.rels": RELS, "word/document.xml": _doc_xml(body, prolog)}
    if doc_rels:
        parts["word/_rels/document.xml.rels"] = doc_rels
    parts.update(extra or {})
    return _zip(parts)


def _chunk_rels(target: str, mode: str = "") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/aFChunk" Target="' + target.encode() + b'"' + mode.encode() + b"/></Relationships>")


ALT = b'<w:altChunk r:id="rIdC"/>'
BOMB_DTD = (b'<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
            + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                       for i in range(1, 10)) + b"]>")
XXE_DTD = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
SPAN_ROW = "<tr>" + '<td rowspan="200" colspan="200">1</td>' * 40 + "</tr>"


def _html(body: str, head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def _sample_as(agency: str) -> str:
    """The sample report under another township's name: a distinct, readable agency-year."""
    return SAMPLE.read_text("utf-8").replace("红崖子沟乡", agency)


def _pdf_pages(n: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(n):
        pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def _flate_pdf(raw: bytes) -> bytes:
    """A one-page PDF whose content stream inflates to `raw` (a decompression bomb when raw is large)."""
    import zlib

    comp = zlib.compress(raw, 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length " + str(len(comp)).encode() + b" /Filter /FlateDecode >>\nstream\n" + comp + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _files() -> list[tuple[str, str | bytes, Callable[[], bytes], str]]:
    """(kind, file name, bytes, expectation) of every generated regular file."""
    rnd = random.Random(13)
    sample = SAMPLE.read_text("utf-8")
    pdf, docx = PDF.read_bytes(), DOCX.read_bytes()
    noise = bytes(rnd.getrandbits(8) for _ in range(50_000))
    out: list[tuple[str, str | bytes, Callable[[], bytes], str]] = []

    def add(kind: str, name: str | bytes, make: Callable[[], bytes], expect: str = "failed") -> None:
        out.append((kind, name, make, expect))

    # empty and binary
    for ext in ("pdf", "docx", "html", "txt", "md", "doc", "htm"):
        add(f"empty .{ext}", f"empty.{ext}", lambda: b"")
    for ext in ("pdf", "docx", "html", "txt", "md"):
        add(f"random bytes .{ext}", f"random.{ext}", lambda: noise)
    add("NUL bytes only", "zeros.txt", lambda: b"\x00" * 10_000)
    add("ELF executable named .pdf", "program.pdf", lambda: b"\x7fELF" + noise[:5000])
    add("PNG named .docx", "picture.docx", lambda: b"\x89PNG\r\n\x1a\n" + noise[:5000])
    add("gzip named .html", "archive.html", lambda: b"\x1f\x8b\x08" + noise[:5000])
    add("whitespace only", "blank.txt", lambda: b" \n\t\r\n" * 1000)
    add("control characters", "controls.txt", lambda: bytes(range(1, 32)) * 300)
    # PDFs
    add("PDF header only", "header.pdf", lambda: b"%PDF-1.7\n")
    add("PDF cut in half", "half.pdf", lambda: pdf[: len(pdf) // 2])
    add("PDF last byte cut", "cut-last-byte.pdf", lambda: pdf[:-1], "any")  # %%EOF survives: it reads whole
    add("PDF without %%EOF", "no-eof.pdf", lambda: pdf.replace(b"%%EOF", b"%%XXX"))
    add("PDF garbage after header", "garbage.pdf", lambda: b"%PDF-1.4\n" + noise)
    # PDFium rebuilds a lost cross-reference table: that copy may read whole (an older version, then replaced)
    add("PDF xref destroyed", "xref.pdf", lambda: pdf.replace(b"xref", b"xxxx").replace(b"startxref", b"startxxxx"),
        "any")
    add("PDF middle overwritten", "middle.pdf", lambda: pdf[:2000] + noise[:20000] + pdf[22000:], "held")
    add("PDF every 100th byte flipped", "flipped.pdf",
        lambda: bytes(b ^ 0xFF if i % 100 == 50 else b for i, b in enumerate(pdf)), "any")
    add("PDF 400 blank pages", "many-pages.pdf", lambda: _pdf_pages(400))
    add("PDF blank page (scan without text)", "scan.pdf", lambda: _pdf_pages(1))
    add("PDF flate bomb (60 MB content stream)", "flate-bomb.pdf", lambda: _flate_pdf(b"0 0 m " * 10_000_000))
    add("PDF nested arrays", "nested.pdf", lambda: _flate_pdf(b"[" * 200_000 + b"]" * 200_000))
    add("PDF that is HTML", "html-inside.pdf", lambda: b"%PDF-1.4\n" + _html("<table><tr><td>1</td></tr></table>"))
    add("PDF with huge MediaBox", "mediabox.pdf", lambda: _flate_pdf(b"BT ET").replace(b"595 842", b"9e300 9e300"))
    # Word packages
    add("zip that is not Word", "plain-zip.docx", lambda: _zip({"a.txt": b"hello"}))
    add("docx cut in half", "half.docx", lambda: docx[: len(docx) // 2])
    add("docx last 100 bytes cut", "cut.docx", lambda: docx[:-100])
    add("docx without [Content_Types].xml", "no-ct.docx", lambda: _zip({"word/document.xml": _doc_xml(b"")}))
    add("docx without document.xml", "no-doc.docx", lambda: _zip({"[Content_Types].xml": CT, "_rels/.rels": RELS}))
    add("docx document.xml is garbage", "garbage-xml.docx",
        lambda: _zip({"[Content_Types].xml": CT, "_rels/.rels": RELS, "word/document.xml": noise[:3000]}))
    add("docx zip bomb (document.xml 390 MB declared)", "bomb-390mb.docx",
        lambda: _docx(b"", {"word/document.xml": b"<w:document " + W_NS + b"><w:body>" + b" " * 390_000_000}))
    add("docx altChunk .htm part of 60 MB", "altchunk-bomb.docx",
        lambda: _docx(ALT, {"word/chunk.htm": b"<p>" + b"a" * 60_000_000}, doc_rels=_chunk_rels("chunk.htm")))
    add("docx .rels part of 60 MB", "rels-bomb.docx",
        lambda: _docx(b"", {"word/_rels/document.xml.rels": b" " * 60_000_000}))
    add("docx image part of 200 MB", "media-bomb.docx",
        lambda: _docx(b"", {"word/media/image1.png": b"\x00" * 200_000_000}))
    add("docx with 5,000 parts", "many-parts.docx",
        lambda: _docx(b"", {f"word/p{i}.xml": b"<a/>" for i in range(5000)}))
    add("docx holding a nested zip", "nested-zip.docx",
        lambda: _docx(_para("无"), {"word/embeddings/inner.zip": _zip({"inner.zip": _zip({"x": b"y" * 1000})})}))
    add("docx altChunk span bomb", "altchunk-span.docx",
        lambda: _docx(ALT, {"word/chunk.htm": _html("<table>" + SPAN_ROW * 30 + "</table>")},
                      doc_rels=_chunk_rels("chunk.htm")))

    def nested_chunks(depth: int) -> bytes:
        inner = _docx(_para("最里层"))
        for _ in range(depth):
            inner = _docx(ALT, {"word/chunk.docx": inner}, doc_rels=_chunk_rels("chunk.docx"))
        return inner
    add("docx altChunk nested 5 deep", "altchunk-nested.docx", lambda: nested_chunks(5))
    add("docx XXE in document.xml", "xxe-document.docx", lambda: _docx(_para("&xxe;"), prolog=XXE_DTD))
    add("docx XXE in [Content_Types].xml", "xxe-in-contenttypes.docx",
        lambda: _docx(_para("x"), ct=CT.replace(b"<Types", XXE_DTD + b"<Types", 1)))
    add("docx entity bomb in document.xml", "lol-document.docx", lambda: _docx(_para("&lol9;"), prolog=BOMB_DTD))
    add("docx entity bomb in styles.xml", "lol-styles.docx",
        lambda: _docx(_para("x"), {"word/styles.xml": b'<?xml version="1.0"?>' + BOMB_DTD + b"<a>&lol9;</a>"}))
    add("docx XXE in .rels", "xxe-rels.docx",
        lambda: _zip({"[Content_Types].xml": CT, "_rels/.rels": XXE_DTD + RELS[38:],
                      "word/document.xml": _doc_xml(_para("x"))}))
    add("docx Strict Open XML", "strict.docx",
        lambda: _zip({"[Content_Types].xml": CT, "_rels/.rels": RELS.replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006", b"http://purl.oclc.org/ooxml/officeDocument"),
            "word/document.xml": _doc_xml(b"")}))
    add("docx 100,000 nested content controls", "deep-sdt.docx",
        lambda: _docx(b"<w:sdt><w:sdtContent>" * 100_000 + _para("x") + b"</w:sdtContent></w:sdt>" * 100_000))
    add("docx gridSpan bomb", "gridspan.docx",
        lambda: _docx(b"<w:tbl>" + (b"<w:tr>" + b'<w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr>' + _para("1")
                                    + b"</w:tc>" * 1 + b"</w:tr>") * 500 + b"</w:tbl>"))
    add("docx w:sym with a surrogate code", "surrogate-sym.docx",
        lambda: _docx(b'<w:p><w:r><w:sym w:char="D800"/></w:r></w:p>'))
    add("docx with only images", "only-media.docx", lambda: _docx(b"", {"word/media/a.png": b"\x89PNG" + noise[:100]}))
    add("docx encrypted (OLE) named .docx", "encrypted.docx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + noise[:3000])
    add("legacy .doc that is garbage", "legacy.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise[:3000])
    add("legacy .wps that is text", "legacy.wps", lambda: "这不是一个WPS文件".encode())
    add("xlsx named .docx", "sheet.docx",
        lambda: _zip({"[Content_Types].xml": CT.replace(b"wordprocessingml.document.main", b"spreadsheetml.sheet.main"),
                      "_rels/.rels": RELS, "word/document.xml": _doc_xml(b"")}))
    # HTML
    add("HTML span bomb (38 KB)", "span-bomb.html", lambda: _html("<table>" + SPAN_ROW * 24 + "</table>"))
    add("HTML span bomb (2.5 MB)", "span-bomb-big.html", lambda: _html("<table>" + SPAN_ROW * 1600 + "</table>"))
    add("HTML one very wide row", "wide.html", lambda: _html("<table><tr>" + '<td colspan="200">1</td>' * 2000 +
                                                              "</tr></table>"))
    add("HTML 3,000 small tables", "many-tables.html",
        lambda: _html("".join("<table>" + "<tr><td>1</td><td>2</td></tr>" * 5 + "</table>" for _ in range(3000))))
    add("HTML ragged rows (grid bomb)", "ragged.html",
        lambda: _html("<table>" + "<tr><td>1</td></tr>" * 3000 + "<tr>" + "<td>2</td>" * 3000 + "</tr></table>"))
    add("HTML 100,000 nested divs", "deep-divs.html", lambda: _html("<div>" * 100_000 + "x" + "</div>" * 100_000))
    add("HTML 5,000 nested tables", "deep-tables.html",
        lambda: _html("<table><tr><td>" * 5000 + "x" + "</td></tr></table>" * 5000))
    add("HTML entity bomb", "lol.html", lambda: b'<?xml version="1.0"?>' + BOMB_DTD + b"<html><body>&lol9;</body></html>")
    add("XHTML XXE", "xxe.xhtml.html", lambda: b'<?xml version="1.0"?>' + XXE_DTD + b"<html><body>&xxe;</body></html>")
    add("HTML with script and onerror", "script.html",
        lambda: _html("<script>alert(1)</script><img src=x onerror=alert(1)><p>总体情况</p>"))
    add("HTML remote image and markdown link", "remote.html",
        lambda: _html('<p>![x](http://127.0.0.1:9/beacon)</p><img src="http://127.0.0.1:9/b.png">'))
    add("HTML 5 MB attribute", "attr.html", lambda: _html(f'<p title="{"a" * 5_000_000}">x</p>'))
    add("HTML one 1 MB paragraph", "long-para.html", lambda: _html("<p>" + "字" * 1_000_000 + "</p>"))
    add("HTML charset lies (GBK declared UTF-8)", "charset-lie.html",
        lambda: "<html><head><meta charset='utf-8'></head><body>总体情况，没有数字</body></html>".encode("gbk"))
    add("HTML declared UTF-16, bytes UTF-8", "charset-utf16.html",
        lambda: "<html><head><meta charset='utf-16'></head><body>总体情况</body></html>".encode())
    add("HTML without body", "nobody.html", lambda: b"<html><head><title>x</title></head></html>")
    add("HTML comments only", "comments.html", lambda: b"<!-- " + b"x" * 10000 + b" -->")
    add("HTML rowspan beyond any integer", "bigspan.html",
        lambda: _html("<table><tr><td rowspan='99999999999999999999999'>1</td><td colspan='-5'>2</td></tr></table>"))
    add("MHT that is garbage", "page.mht", lambda: b"MIME-Version: 1.0\r\n" + noise[:5000])
    add("HTML 20,000 numeric entities", "entities.html", lambda: _html("&#x1F600;&#xD800;&#0;" * 20000))
    add("HTML as .shtml with NUL bytes", "nul.shtml", lambda: _html("总体\x00情况"))
    # text and encodings
    add("text of 200,000 short pipe rows", "pipes.txt", lambda: b"|1|2|3|\n" * 200_000)
    add("text line of 1 MB", "long-line.txt", lambda: ("字" * 1_000_000).encode())
    add("text table row with 10,000 columns", "wide-row.md", lambda: ("|" + "1|" * 10_000).encode())
    add("text in Latin-1 nonsense", "latin1.txt", lambda: bytes(range(160, 256)) * 100)
    add("text in Big5", "big5.txt", lambda: "這不是年度報告，只是一段繁體文字。".encode("big5") * 50)
    add("text mixed encodings", "mixed.txt", lambda: "总体情况".encode() + "其他".encode("gbk") + noise[:100])
    add("meeting notes (not a report)", "notes.txt", lambda: "会议纪要：今天讨论了道路修缮。".encode())
    add("report with year 99999999999999999999", "bad-year.txt",
        lambda: sample.replace("2021", "99999999999999999999").encode(), "pending")
    add("report without agency or year", "no-identity.txt",
        lambda: "\n".join(sample.splitlines()[3:]).replace("红崖子沟乡", "").replace("2021", "").encode(), "pending")
    add("blank template", "template.docx", lambda: (FIXTURES / "template-2021-blank.docx").read_bytes())
    # readable reports with hostile content: stored, each under its own agency
    add("report in UTF-16-LE without BOM", "utf16le-nobom.txt", lambda: _sample_as("甲家沟乡").encode("utf-16-le"),
        "stored")
    add("report in UTF-16-BE without BOM", "utf16be-nobom.txt", lambda: _sample_as("乙家沟乡").encode("utf-16-be"),
        "stored")
    add("report in UTF-32-LE without BOM", "utf32le-nobom.txt", lambda: _sample_as("丙家沟乡").encode("utf-32-le"),
        "stored")
    add("report in UTF-16 with BOM", "utf16-bom.txt", lambda: _sample_as("丁家沟乡").encode("utf-16"), "stored")
    add("report in GB18030", "gb18030.txt", lambda: _sample_as("戊家沟乡").encode("gb18030"), "stored")
    add("report holding a 400-digit number", "huge-number.txt",
        lambda: _sample_as("己家沟乡").replace("| 0 |", "| " + "9" * 400 + " |", 1).encode(), "stored")
    add("report holding 1e20", "big-number.txt",
        lambda: _sample_as("庚家沟乡").replace("| 0 |", "| 100000000000000000000 |", 1).encode(), "stored")
    add("report with <script> in its text", "script-text.txt",
        lambda: _sample_as("辛家沟乡").replace("无", "<script>alert(1)</script>![x](http://127.0.0.1:9/b)", 1).encode(),
        "stored")
    # names
    add("report named in GBK bytes (zip made on Windows)", "壬家沟乡2021年报.txt".encode("gbk"),
        lambda: _sample_as("壬家沟乡").encode(), "stored")
    add("unreadable file named in invalid bytes", b"\xff\xfe\xfa-bad.pdf", lambda: noise[:1000])
    add("report named with Rich markup", "[red]癸家沟乡[bold] [link=x].txt", lambda: _sample_as("癸家沟乡").encode(),
        "stored")
    add("name with a newline", "line\nbreak.txt", lambda: noise[:100])
    add("name starting with a dash", "-rf.pdf", lambda: noise[:100])
    add("name with an ANSI escape", "\x1b[31mred.txt", lambda: noise[:100])
    add("name with right-to-left override", "report\u202etxt.exe.pdf", lambda: noise[:100])
    add("name with SQL", "'; drop table reports; --.txt", lambda: noise[:100])
    add("name of 240 bytes", "长" * 78 + ".txt", lambda: noise[:100])
    add("name with percent signs", "%s%n%x.html", lambda: noise[:100])
    add("name with emoji", "😀报告.html", lambda: noise[:100])
    add("name with a backslash", "a\\b.txt", lambda: noise[:100])
    add("name with a NUL-like escape", "a%00b.txt", lambda: noise[:100])
    add("hidden file", ".hidden.txt", lambda: noise[:100], "ignored")
    # damaged copies of the valid reports: the valid ones must stay current
    lines = sample.splitlines()
    cut = "\n".join(line for line in lines if not line.startswith("| | |"))
    add("sample with table 三 rows deleted (same agency-year)", "sample-damaged.txt", lambda: cut.encode(), "held")
    add("sample with its tables removed (same agency-year)", "sample-no-tables.txt",
        lambda: "\n".join(line for line in lines if not line.startswith("|")).encode(), "held")
    add("sample copy, identical bytes", "sample-copy.txt", lambda: SAMPLE.read_bytes(), "unchanged")
    return out


def generate(folder: Path, with_unreadable: bool = True, with_valid: bool = True) -> list[Kind]:
    """Write the battery (and copies of the corpus's valid reports) into folder; returns one Kind per entry.

    Modification times order the versions of one agency-year: the hostile files are oldest, the valid reports
    newer, and the damaged copies of valid reports newest — so a damaged copy arrives after the good one and must
    be held, not made current.
    """
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    kinds: list[Kind] = []
    for kind, name, make, expect in _files():
        raw = name if isinstance(name, bytes) else name.encode("utf-8")
        path = _fs(folder, raw)
        with open(path, "wb") as fh:
            fh.write(make())
        os.utime(path, (now - 1000, now if expect == "held" else now - 1000))
        kinds.append(Kind(kind, raw, expect))
    if with_valid:
        for name in VALID:
            shutil.copyfile(FIXTURES / name, folder / name)
            os.utime(folder / name, (now - 500, now - 500))
            kinds.append(Kind("valid corpus report", name.encode(), "stored"))
    # the file system's own hostility
    sub = folder / "links"
    sub.mkdir()
    os.symlink("loop-b.txt", sub / "loop-a.txt")
    os.symlink("loop-a.txt", sub / "loop-b.txt")
    kinds += [Kind("symlink loop", b"links/loop-a.txt", "passed"), Kind("symlink loop", b"links/loop-b.txt", "passed")]
    os.symlink("/etc/passwd", sub / "passwd.txt")
    kinds.append(Kind("symlink to a file outside the folder", b"links/passwd.txt", "passed"))
    os.symlink("/etc", sub / "etc")
    kinds.append(Kind("symlink to a folder outside", b"links/etc", "passed"))
    os.symlink("does-not-exist.txt", sub / "dangling.txt")
    kinds.append(Kind("dangling symlink", b"links/dangling.txt", "passed"))
    os.symlink("..", sub / "parent")
    kinds.append(Kind("symlink to the folder itself (a cycle)", b"links/parent", "ignored"))
    os.mkfifo(folder / "fifo.txt")
    kinds.append(Kind("FIFO named .txt", b"fifo.txt", "passed"))
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "socket.html"))
        kinds.append(Kind("UNIX socket named .html", b"socket.html", "passed"))
    except OSError:
        pass
    finally:
        sock.close()
    (folder / "folder.pdf").mkdir()
    (folder / "folder.pdf" / "inner.txt").write_bytes(b"\x00" * 10)
    kinds.append(Kind("folder named .pdf holding binary", b"folder.pdf/inner.txt", "failed"))
    deep = folder
    for i in range(60):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_bytes(b"\x01\x02")
    kinds.append(Kind("file 60 folders deep", os.fsencode(deep.relative_to(folder) / "deep.txt"), "failed"))
    if with_unreadable:
        locked = folder / "locked"
        locked.mkdir()
        (locked / "inside.txt").write_bytes(b"x")
        os.chmod(locked, 0)
        kinds.append(Kind("unreadable folder", b"locked", "failed"))
        secret = folder / "secret.txt"
        secret.write_bytes(b"x")
        os.chmod(secret, 0)
        kinds.append(Kind("unreadable file", b"secret.txt", "failed"))
    return kinds


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for k in generate(target):
        print(f"{k.expect:<10} {k.kind:<50} {os.fsdecode(k.name)!r}")
