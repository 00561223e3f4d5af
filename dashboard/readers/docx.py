"""Word files: paragraphs and table grids in body order, merged cells resolved; .doc/.wps through LibreOffice."""

from __future__ import annotations

import email
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.package import Package
from lxml import etree

from dashboard.errors import RESOURCE_EN, RESOURCE_ZH, ReportError
from dashboard.readers.decode import decode_text
from dashboard.readers.model import Block, Document, Paragraph, Table
from dashboard.readers.office import convert_to_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", W + "ins", W + "moveTo",
             W + "hyperlink", W + "fldSimple", W + "dir", W + "bdo"}
# Not printed: deleted or moved-away revisions, the old variant of markup-compatible content, field codes.
_SKIP = {W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "sdtPr", W + "sdtEndPr", W + "instrText",
         W + "delText", W + "delInstrText", W + "footnoteReference", W + "endnoteReference", _FALLBACK}
_MAIN_TYPES = ("wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml",
               "ms-word.document.macroEnabled.main+xml", "ms-word.template.macroEnabledTemplate.main+xml")
# Counted from the zip directory before anything is unpacked. python-docx loads every part into memory and lxml
# needs ~10× an XML part's size for its tree, so every part counts — media, .rels and altChunk .htm included.
MAX_TEXT_PART_BYTES = 40 * 1024 * 1024  # XML, .rels, altChunk HTML/MHT/text: a report's are a few MB together
MAX_PACKAGE_BYTES = 150 * 1024 * 1024  # all parts unpacked, images included
MAX_PARTS = 2000  # a report's package has 10–100 parts
MAX_TAGS = 1_000_000  # XML tags (≈ 2 per element) of all parts; a report's document.xml has a few tens of thousands
MAX_CELLS = 20_000  # grid positions of all tables; a real report has < 2,000
MAX_CHUNK_DEPTH = 2  # a Word package imported into a Word package (altChunk), at most this deep
_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".svg", ".bin", ".ttf", ".odttf",
          ".fntdata", ".wdp", ".jfif")


class _Context:
    """What a walk over the body needs besides the XML: list numbering, the part (for its relationships),
    the file name for errors, and counts for Document.meta."""

    def __init__(self, numbering: _Numbering, part: object, source: str, depth: int = 0) -> None:
        self.numbering = numbering
        self.part = part
        self.source = source
        self.hidden_merged = 0
        self.depth = depth
        self.cells_left = MAX_CELLS

    def take_cells(self, n: int) -> None:
        """Count grid positions as tables are built: a gridSpan bomb stops before its grid is made."""
        self.cells_left -= n
        if self.cells_left < 0:
            raise ReportError(self.source, f"Word 表格过大（合并单元格展开后超过 {MAX_CELLS} 格），不像是一份年度报告",
                              f"the document's tables expand to more than {MAX_CELLS} cells; not an annual report",
                              code="limits")


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(W + "val", default)


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, min(int(value), 1000)) if value is not None else default
    except ValueError:
        return default


def _on(el: etree._Element | None) -> bool:
    """A toggle property such as <w:vanish/> that is set (absent val means on)."""
    return el is not None and _val(el, "true") not in ("0", "false", "off")


def _inline_text(el: etree._Element, out: list[str], boxes: list[etree._Element]) -> None:
    """Collect the printed text of a paragraph's runs; text boxes go to ``boxes`` to be read as blocks."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "r":
            rpr = child.find(W + "rPr")
            if rpr is None or not _on(rpr.find(W + "vanish")):
                _inline_text(child, out, boxes)
        elif tag in (W + "tab", W + "ptab"):
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "sym":
            code = int(child.get(W + "char", "0"), 16) if child.get(W + "char", "").isalnum() else 0
            # symbol-font glyphs in the private area are not text; a surrogate or out-of-range code is no character
            if code and not 0xE000 <= code <= 0xF8FF and not 0xD800 <= code <= 0xDFFF and code <= 0x10FFFF:
                out.append(chr(code))
        elif tag == W + "txbxContent":
            boxes.append(child)
        else:  # runs, wrappers, drawings and VML shapes that may hold text boxes
            _inline_text(child, out, boxes)


def _paragraph(p: etree._Element, ctx: _Context) -> tuple[str, list[etree._Element]]:
    """A paragraph's text as printed, with its list number, and the text boxes anchored in it."""
    out: list[str] = []
    boxes: list[etree._Element] = []
    _inline_text(p, out, boxes)
    text = "".join(out)
    return ctx.numbering.label(p) + text, boxes


def _blocks(container: etree._Element, ctx: _Context, blocks: list[Block]) -> None:
    """Append the paragraphs and tables of a body, cell, text box or content control, in order."""
    for child in container:
        tag = child.tag
        if tag == W + "p":
            text, boxes = _paragraph(child, ctx)
            blocks.extend(Paragraph(line) for line in text.split("\n") if line.strip())
            for box in boxes:
                _blocks(box, ctx, blocks)
        elif tag == W + "tbl":
            if _is_frame(child):
                # A table that holds tables is a frame around the report (some templates box the whole text):
                # its cells' contents are blocks of their own, or the report's tables would become cell text.
                for tc in child.iter(W + "tc"):
                    if tc.getparent() is not None and _owner_tbl(tc) is child:
                        _blocks(tc, ctx, blocks)
                continue
            table = _table(child, ctx)
            if table.rows:
                blocks.append(table)
        elif tag in _WRAPPERS or (isinstance(tag, str) and tag.endswith("}AlternateContent")):
            _blocks(child, ctx, blocks)
        elif isinstance(tag, str) and tag.endswith("}Choice"):
            _blocks(child, ctx, blocks)
            return  # the first choice is the one a reader shows; the others repeat it
        elif tag == W + "altChunk":
            blocks.extend(_alt_chunk(child, ctx))


def _alt_chunk(el: etree._Element, ctx: _Context) -> list[Block]:
    """Content imported whole (web pages saved "as Word" embed the page as an HTML/MHT chunk)."""
    rid = el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", "")
    try:
        part = ctx.part.related_parts[rid]  # type: ignore[attr-defined]
    except (AttributeError, KeyError):
        return []
    blob, content_type = part.blob, part.content_type
    if content_type == "message/rfc822" or blob.lstrip()[:20].lower().startswith(b"mime-version"):
        html = next((m for m in email.message_from_bytes(blob).walk() if m.get_content_type() == "text/html"), None)
        blob = html.get_payload(decode=True) if html is not None else b""
        content_type = "text/html"
    if content_type in ("text/html", "application/xhtml+xml") and blob:
        from dashboard.readers.html import parse_html
        return parse_html(blob, ctx.source).blocks
    if content_type == "text/plain" and blob:
        text, _ = decode_text(blob, ctx.source)
        return [Paragraph(line) for line in text.splitlines() if line.strip()]
    if content_type.endswith(_MAIN_TYPES) or content_type.endswith("wordprocessingml.document"):
        if ctx.depth >= MAX_CHUNK_DEPTH:
            raise ReportError(ctx.source, "Word 文件中嵌套的文档层数过多，不像是一份年度报告",
                              "Word documents nested too deeply inside the file; not an annual report", code="limits")
        with tempfile.TemporaryDirectory(prefix="nianbao-chunk-") as tmp:
            chunk = Path(tmp) / "chunk.docx"
            chunk.write_bytes(blob)
            if not zipfile.is_zipfile(chunk):
                return []
            return _read_word_package(chunk, ctx.source, "docx", ctx.depth + 1).blocks
    return []


def _is_frame(tbl: etree._Element) -> bool:
    """A table around tables — one column, or holding a table of four rows or more — frames the report; a small
    table nested in one cell of a data table is that cell's text."""
    nested = [t for t in tbl.iter(W + "tbl") if t is not tbl]
    if not nested:
        return False
    one_column = all(len(_children(tr, W + "tc")) <= 1 for tr in _children(tbl, W + "tr"))
    return one_column or any(len(_children(t, W + "tr")) >= 4 for t in nested)


def _owner_tbl(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with ``tag``, looking through content-control and custom-XML wrappers."""
    found: list[etree._Element] = []
    for child in el:
        if child.tag == tag:
            found.append(child)
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
            found.extend(_children(child, tag))
    return found


def _cell_text(tc: etree._Element, ctx: _Context) -> str:
    """A cell's paragraphs joined with newlines; a nested table's rows become lines of its cells."""
    inner: list[Block] = []
    _blocks(tc, ctx, inner)
    lines: list[str] = []
    for block in inner:
        if isinstance(block, Paragraph):
            lines.append(block.text)
            continue
        for r, row in enumerate(block.rows):
            cells = [text for c, text in enumerate(row) if text.strip() and not block.is_copy(r, c)]
            if cells:
                lines.append(" ".join(cells))
    return "\n".join(lines)


def _table(tbl: etree._Element, ctx: _Context) -> Table:
    """Resolve gridSpan, vMerge, hMerge and gridBefore into a grid; spanned positions are copies."""
    grid: dict[tuple[int, int], str] = {}
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    copies: set[tuple[int, int]] = set()
    rows = _children(tbl, W + "tr")
    for r, tr in enumerate(rows):
        trpr = tr.find(W + "trPr")
        c = _int(_val(trpr.find(W + "gridBefore")), 0) if trpr is not None else 0
        for tc in _children(tr, W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span, vmerge, hmerge = 1, None, None
            if tcpr is not None:
                span = max(1, _int(_val(tcpr.find(W + "gridSpan")), 1))
                vm, hm = tcpr.find(W + "vMerge"), tcpr.find(W + "hMerge")
                vmerge = _val(vm, "continue") if vm is not None else None  # <w:vMerge/> alone continues
                hmerge = _val(hm, "continue") if hm is not None else None
            text = _cell_text(tc, ctx)
            ctx.take_cells(span)
            for dc in range(span):
                pos = (r, c + dc)
                # a merged cell's text stands in every position it spans; only its origin counts as a number
                above = origin.get((r - 1, c + dc)) if vmerge == "continue" else None
                left = origin.get((r, c - 1)) if hmerge == "continue" and dc == 0 else None
                src = above or left or (origin[(r, c)] if dc else None)
                if src is None:
                    grid[pos], origin[pos] = text, pos
                    continue
                grid[pos], origin[pos] = grid[src], src
                copies.add(pos)
                if dc == 0 and text.strip() and text != grid[src]:
                    ctx.hidden_merged += 1  # Word does not print the text of a merged continuation cell
            c += span
    ncols = max((c for _, c in grid), default=-1) + 1
    out = [[grid.get((r, c), "") for c in range(ncols)] for r in range(len(rows))]
    return Table(rows=out, copies=copies)


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_DIGITS = {"lower": ("零一二三四五六七八九", "十百千"), "upper": ("零壹贰叁肆伍陆柒捌玖", "拾佰仟")}


def _chinese_number(n: int, case: str = "lower") -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting; 大写 with case="upper")."""
    digits, units = _DIGITS[case]
    if n <= 0 or n >= 10000:
        return str(n)
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d:
            out += (digits[0] if zero and out else "") + digits[d] + unit
            zero = False
        elif out:
            zero = True
    return out[1:] if case == "lower" and out.startswith("一十") else out
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (the ones Chinese reports use, and the Latin ones)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese_number(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _chinese_number(n, "upper")
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 40:
        s = "X" * (n // 10) + ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[n % 10]
        return s if fmt == "upperRoman" else s.lower()
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Numbering:
    """Word's automatic list numbers (一、 （一） 1.), counted in document order, so text reads as printed."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, bool, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        for absn in numbering.iter(W + "abstractNum") if numbering is not None else ():
            self.levels[absn.get(W + "abstractNumId", "")] = {
                _int(lvl.get(W + "ilvl"), 0): (
                    _val(lvl.find(W + "numFmt"), "decimal") or "decimal", _val(lvl.find(W + "lvlText"), "") or "",
                    _int(_val(lvl.find(W + "start")), 1), _on(lvl.find(W + "isLgl")),
                    {"space": " ", "nothing": ""}.get(_val(lvl.find(W + "suff"), "tab") or "tab", " "),
                ) for lvl in absn.iter(W + "lvl")}
        for num in numbering.iter(W + "num") if numbering is not None else ():
            overrides = {_int(o.get(W + "ilvl"), 0): _int(_val(o.find(W + "startOverride")), 1)
                         for o in num.iter(W + "lvlOverride") if o.find(W + "startOverride") is not None}
            self.nums[num.get(W + "numId", "")] = (_val(num.find(W + "abstractNumId"), "") or "", overrides)
        for style in styles.iter(W + "style") if styles is not None else ():
            numpr = style.find(f"{W}pPr/{W}numPr")
            self.style_num[style.get(W + "styleId", "")] = (
                _val(style.find(W + "basedOn")),
                _val(numpr.find(W + "numId")) if numpr is not None else None,
                _val(numpr.find(W + "ilvl")) if numpr is not None else None)

    def _from_style(self, style: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style and style not in seen and style in self.style_num:
            seen.add(style)
            based_on, num_id, ilvl = self.style_num[style]
            if num_id is not None:
                return num_id, ilvl
            style = based_on
        return None, None

    def label(self, p: etree._Element) -> str:
        """The number Word prints before this paragraph ("" when it is not in a numbered list)."""
        ppr = p.find(W + "pPr")
        if ppr is None or not self.nums:
            return ""
        numpr = ppr.find(W + "numPr")
        num_id = _val(numpr.find(W + "numId")) if numpr is not None else None
        ilvl_s = _val(numpr.find(W + "ilvl")) if numpr is not None else None
        if num_id is None:
            num_id, style_ilvl = self._from_style(_val(ppr.find(W + "pStyle")))
            ilvl_s = ilvl_s or style_ilvl
        if num_id is None or num_id not in self.nums:
            return ""
        abs_id, overrides = self.nums[num_id]
        levels = self.levels.get(abs_id, {})
        ilvl = min(_int(ilvl_s, 0), 8)
        if ilvl not in levels:
            return ""
        # w:num instances of one abstract list continue its count unless they override the start
        counts = self.counters.setdefault(abs_id, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                if lvl < 9:
                    counts[lvl] = start - 1
        fmt, text, start, is_legal, suffix = levels[ilvl]
        counts[ilvl] = (start - 1 if counts[ilvl] is None else counts[ilvl]) + 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = None
        if fmt == "bullet" or not text:
            return ""
        for lvl in range(8, -1, -1):
            if f"%{lvl + 1}" in text:
                lfmt, _, lstart, _, _ = levels.get(lvl, ("decimal", "", 1, False, ""))
                n = counts[lvl] if counts[lvl] is not None else lstart
                text = text.replace(f"%{lvl + 1}", _format_number(n, "decimal" if is_legal else lfmt))
        return text + suffix if text.strip() else ""


def _part_element(part: object) -> etree._Element | None:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    blob = getattr(part, "blob", b"")
    return parse_xml(blob) if blob else None


def _related(part: object, reltype: str) -> etree._Element | None:
    try:
        return _part_element(part.part_related_by(reltype))  # type: ignore[attr-defined]
    except (KeyError, etree.XMLSyntaxError, ValueError):
        return None


def _edge_text(part: object, reltype: str, limit: int = 30) -> str:
    """The text of a document's page headers (or footers), one line per paragraph: the unit's name often stands
    there and nowhere else in a township's report (parse/identity_sources.py weighs it)."""
    lines: list[str] = []
    try:
        rels = [r for r in getattr(part, "rels", {}).values() if r.reltype == reltype and not r.is_external]
        for rel in rels:
            el = _part_element(rel.target_part)
            for p in el.iter(W + "p") if el is not None else ():
                text = "".join(t.text or "" for t in p.iter(W + "t")).strip()
                if text and len(text) <= 200 and text not in lines:
                    lines.append(text)
    except (KeyError, ValueError, etree.XMLSyntaxError):
        return ""  # a damaged header part does not make the report unreadable
    return "\n".join(lines[:limit])


def _check_zip(path: Path, source: str) -> None:
    """Refuse what is not a Word package, naming why: not a zip, truncated, no document, a zip bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = {info.filename: info for info in zf.infolist()}
            rels = zf.read("_rels/.rels") if "_rels/.rels" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        with path.open("rb") as fh:
            zip_start = fh.read(4) == b"PK\x03\x04"
        if zip_start and "not a zip file" in str(exc):  # starts like a zip, but its directory at the end is gone
            raise ReportError(source, "文件不完整（zip 目录缺失，可能下载或复制时被截断）",
                              "the file is incomplete (the zip directory at its end is missing; truncated?)",
                              code="corrupt") from None
        raise ReportError(source, "文件已损坏：不是有效的 .docx（zip）文件",
                          "the file is damaged: not a valid .docx (zip) file", code="corrupt") from None
    if b"purl.oclc.org/ooxml" in rels:
        raise ReportError(source, "这是“严格 Open XML”格式的 Word 文件，请另存为普通 .docx 后再导入",
                          "this is a Strict Open XML Word file; save it as an ordinary .docx and import again",
                          code="format")
    if "[Content_Types].xml" not in names:
        raise ReportError(source, "压缩包里没有 Word 文档（缺少 [Content_Types].xml），文件已损坏或不是 .docx",
                          "the zip holds no Word document ([Content_Types].xml is missing); damaged or not a .docx",
                          code="corrupt")
    _check_sizes(path, source, names)


def _check_sizes(path: Path, source: str, names: dict[str, zipfile.ZipInfo]) -> None:
    """Structural limits from the zip directory (nothing unpacked): parts, their sizes, no DTD in any XML part."""
    too_big = ReportError(source, "压缩包解压后过大，不像是一份年度报告", "the zip expands to an implausible size",
                          code="limits")
    if len(names) > MAX_PARTS:
        raise ReportError(source, f"Word 文件包含的部件过多（{len(names)} 个），不像是一份年度报告",
                          f"the Word package has too many parts ({len(names)}); not an annual report", code="limits")
    if sum(info.file_size for info in names.values()) > MAX_PACKAGE_BYTES:
        raise too_big
    text_parts = [n for n in names if not n.lower().endswith(_MEDIA) and not n.endswith("/")]
    if sum(names[n].file_size for n in text_parts) > MAX_TEXT_PART_BYTES:
        raise too_big
    tags = 0
    with zipfile.ZipFile(path) as zf:
        for n in text_parts:
            if not n.lower().endswith((".xml", ".rels")):
                continue
            try:
                with zf.open(n) as fh:
                    head = fh.read(4096)
                    chunk = head
                    while chunk:
                        # counted while unpacking (≤ 40 MB in all): 300,000 paragraphs took 20 s and 250 MB to read
                        tags += chunk.count(b"<")
                        if tags > MAX_TAGS:
                            raise ReportError(source, "Word 文件的内容元素过多，不像是一份年度报告",
                                              f"the Word file holds more than {MAX_TAGS} XML tags; not an annual "
                                              "report", code="limits")
                        chunk = fh.read(1 << 20)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error):
                raise ReportError(source, "Word 文件已损坏（部件无法解压）", "the Word file is damaged (a part cannot "
                                  "be unpacked)", code="corrupt") from None
            # Word never writes a DTD: one in a part is an entity bomb or an external-entity (XXE) attempt
            if b"<!doctype" in head.lower() or "<!DOCTYPE".encode("utf-16-le") in head \
                    or b"<!entity" in head.lower():
                raise ReportError(source, "Word 文件中含有文档类型声明（DTD），Word 不会生成这种内容，已拒绝",
                                  "the Word file holds a document type declaration (DTD), which Word never writes; "
                                  "refused", code="dtd")


def _damaged(source: str, exc: Exception) -> ReportError:
    # libxml2 running out of memory (the worker's ceiling) surfaces as a syntax error with no message of its own
    # ("unknown error") or "Memory allocation failed"; a real syntax error names what is wrong
    if isinstance(exc, MemoryError) or any(w in str(exc).lower() for w in ("memory", "unknown error")):
        return ReportError(source, RESOURCE_ZH, RESOURCE_EN, code="resource")
    # the library's own message ("There is no item named …", "Opening and ending tag mismatch") is no reason a
    # reader can act on
    return ReportError(source, "Word 文件已损坏，无法打开", "the Word file is damaged and cannot be opened",
                       code="corrupt")


def _raw_parts(path: Path, source: str) -> tuple[etree._Element, etree._Element | None, etree._Element | None]:
    """document, numbering and styles XML straight from the zip, for packages python-docx refuses."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        target = "word/document.xml"
        if "_rels/.rels" in names:
            for rel in etree.fromstring(zf.read("_rels/.rels")):
                if rel.get("Type", "").endswith("/officeDocument"):
                    target = rel.get("Target", target).lstrip("/")
        if target not in names:
            raise ReportError(source, "压缩包里没有 Word 文档正文（word/document.xml）",
                              "the zip holds no Word document body (word/document.xml)", code="corrupt")
        folder = target.rsplit("/", 1)[0] + "/" if "/" in target else ""

        def part(name: str) -> etree._Element | None:
            return parse_xml(zf.read(folder + name)) if folder + name in names else None

        return parse_xml(zf.read(target)), part("numbering.xml"), part("styles.xml")


def _read_word_package(path: Path, source: str, fmt: str, depth: int = 0) -> Document:
    _check_zip(path, source)
    package = part = None
    try:
        package = Package.open(str(path))
        part = package.main_document_part
        root = _part_element(part)
        numbering, styles = _related(part, RT.NUMBERING), _related(part, RT.STYLES)
    except KeyError:  # a relationship to a part the zip lacks (Word repairs such files): read the zip directly
        try:
            root, numbering, styles = _raw_parts(path, source)
        except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError, OSError, EOFError) as exc:
            raise _damaged(source, exc) from None
    except (PackageNotFoundError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError, OSError, EOFError,
            MemoryError) as exc:
        raise _damaged(source, exc) from None
    content_type = getattr(part, "content_type", "") if part is not None else _MAIN_TYPES[0]
    if not content_type.endswith(_MAIN_TYPES):
        raise ReportError(source, f"这不是 Word 文档（内容类型 {content_type}）",
                          f"this is not a Word document (content type {content_type})", code="format")
    body = root.find(W + "body") if root is not None else None
    if body is None:
        raise ReportError(source, "Word 文档没有正文（word/document.xml 中缺少 w:body）",
                          "the Word document has no body (no w:body in word/document.xml)", code="corrupt")
    ctx = _Context(_Numbering(numbering, styles), part, source, depth)
    blocks: list[Block] = []
    _blocks(body, ctx, blocks)
    doc = Document(source=source, format=fmt, blocks=blocks)
    try:
        core = package.core_properties if package is not None else None
        doc.title = (core.title or "").strip() or None if core is not None else None
        for key in ("author", "created", "modified", "last_modified_by"):
            value = getattr(core, key, None)
            if value:
                doc.meta[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    except (KeyError, ValueError, etree.XMLSyntaxError):
        pass  # the properties part is optional; a damaged one does not make the report unreadable
    if ctx.hidden_merged:
        doc.meta["hidden_merged_text"] = str(ctx.hidden_merged)
    for key, reltype in (("page_header", RT.HEADER), ("page_footer", RT.FOOTER)):
        if part is not None and (text := _edge_text(part, reltype)):
            doc.meta[key] = text
    return doc


def read_docx(path: Path) -> Document:
    """Read a .docx (also .docm/.dotx, WPS-made files) into paragraphs and merged-cell-resolved table grids."""
    return _read_word_package(Path(path), Path(path).name, "docx")


def _legacy_error(source: str) -> ReportError:
    return ReportError(source, "旧版 Word/WPS 文件，请另存为 .docx 后再导入",
                       "legacy .doc/.wps file; save it as .docx and import again", code="legacy_word")


def read_legacy_word(path: Path) -> Document:
    """Read a .doc / .wps (or RTF saved as .doc) by converting it with LibreOffice when it is installed."""
    path = Path(path)
    source = path.name
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise ReportError(source, "文件设有密码保护，请取消密码后再导入", "the file is password-protected; remove the "
                          "password and import again", code="encrypted")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise _legacy_error(source)
    with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as tmp:
        converted = convert_to_docx(office, path, Path(tmp))
        if converted is None:
            raise ReportError(source, "LibreOffice 无法转换此旧版 Word/WPS 文件，请另存为 .docx 后再导入",
                              "LibreOffice could not convert this legacy .doc/.wps file; save it as .docx and "
                              "import again", code="legacy_word")
        fmt = path.suffix.lower().lstrip(".") or "doc"
        try:
            doc = _read_word_package(converted, source, fmt)
        except ReportError as exc:
            raise ReportError(source, exc.reason_zh, exc.reason_en, code=exc.code) from None
    doc.meta["converted_with"] = "LibreOffice"
    return doc
