"""Saved web pages: <table> grids with rowspan/colspan resolved, the rest as paragraphs, any charset."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from dashboard.errors import ReportError
from dashboard.readers.decode import decode_text
from dashboard.readers.model import Block, Document, Paragraph, Table

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = {"script", "style", "noscript", "head", "template", "svg", "button", "select", "option", "iframe"}
_BLOCK = {"td", "th", "table", "tbody", "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
          "header", "footer", "blockquote", "pre", "dd", "dt", "center", "form", "hr", "caption"}


MAX_CELLS = 20_000  # a real report has < 2,000 cells after rowspan/colspan expansion; the whole page counts
MAX_TEXT_CHARS = 50_000  # one paragraph or cell; beyond it the regexes of the parser grow with no report in sight


class _Budget:
    """Cells a page may still expand to: a span bomb (rowspan/colspan on many cells) stops before it is built."""

    def __init__(self, source: str, cells: int = MAX_CELLS) -> None:
        self.source, self.left = source, cells

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise ReportError(self.source, f"网页表格过大（合并单元格展开后超过 {MAX_CELLS} 格），不像是一份年度报告",
                              f"the page's tables expand to more than {MAX_CELLS} cells (rowspan/colspan); "
                              "not an annual report", code="limits")


def _check_text(text: str, source: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise ReportError(source, f"网页中有一段文字过长（{len(text)} 个字符），不像是一份年度报告",
                          f"a paragraph is too long ({len(text)} characters) to be an annual report", code="limits")
    return text


_HAS_BREAKS = etree.XPath("boolean(.//br|.//p[2]|.//div|.//script|.//style)")
_CELL_STRING = etree.XPath("string()")
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_ROWS = etree.XPath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
_CELLS = etree.XPath("./td|./th")


def _cell_text(el: etree._Element) -> str:
    """Text of a cell; <br> and <p> inside it become line breaks."""
    if not _HAS_BREAKS(el):
        text = str(_CELL_STRING(el))
        return _WS.sub(" ", text).strip() if not text.isalnum() else text
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            return
        if tag in ("br", "p", "div") and parts:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", "".join(parts)).strip()


def _int_attr(el: etree._Element, name: str) -> int:
    if name not in el.attrib:
        return 1
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def table_grid(table: etree._Element, budget: _Budget | None = None) -> Table:
    """Resolve rowspan/colspan into a grid; spanned positions repeat the text and are marked as copies."""
    grid: dict[tuple[int, int], str] = {}
    copies: set[tuple[int, int]] = set()
    rows = _ROWS(table)
    if budget is not None:
        # counted before anything is built: the grid below is as large as the spans say, and ragged rows
        # make it the longest row times the number of rows
        spans = [[_int_attr(c, "rowspan") * _int_attr(c, "colspan") for c in _CELLS(tr)] for tr in rows]
        budget.take(sum(sum(row) for row in spans))
        widest = max((sum(_int_attr(c, "colspan") for c in _CELLS(tr)) for tr in rows), default=0)
        budget.take(max(0, widest * len(rows) - sum(sum(row) for row in spans)))
    for r, tr in enumerate(rows):
        c = 0
        for cell in _CELLS(tr):
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell) if budget is None else _check_text(_cell_text(cell), budget.source)
            rs, cs = _int_attr(cell, "rowspan"), _int_attr(cell, "colspan")
            for dr in range(rs):
                for dc in range(cs):
                    pos = (r + dr, c + dc)
                    if pos in grid:
                        continue
                    grid[pos] = text
                    if dr or dc:
                        copies.add(pos)
            c += cs
    nrows = len(rows)
    ncols = max((c for _, c in grid), default=-1) + 1
    out = [[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)]
    return Table(rows=out, copies={p for p in copies if p[0] < nrows})


def _is_layout_table(table: etree._Element) -> bool:
    """Old sites lay out whole pages in tables: a table holding a table of four rows or more, or a one-column
    table holding tables, is a container, not a grid; a small table nested in a data cell is that cell's text."""
    nested = [t for t in table.iter("table") if t is not table]
    if not nested:
        return False
    one_column = all(len(_CELLS(tr)) <= 1 for tr in _ROWS(table))
    return one_column or any(len(_ROWS(t)) >= 4 for t in nested)


_REPORT_HEADING = re.compile(r"总体情况|其他需要报告的事项|存在的主要问题")
def _heading_candidates(body: etree._Element) -> list[etree._Element]:
    # A plain loop: lxml's XPath contains(text(), …) is ten times slower on a page of site chrome.
    out = []
    for el in body.iter():
        t = el.text
        if t and len(t) < 80 and _REPORT_HEADING.search(t):
            out.append(el)
    return out


def content_root(root: etree._Element) -> etree._Element:
    """The smallest element holding the report's tables and its section headings — not the site's menus."""
    body = root.find("body")
    body = body if body is not None else root
    tables = [t for t in body.iter("table") if not _is_layout_table(t)]
    headings = [el for el in _heading_candidates(body) if el.tag not in _SKIP and el.text
                and _REPORT_HEADING.search(el.text) and len(el.text.strip()) < 40]
    if not headings or not tables:
        return body  # no sign of where the report is: keep the whole page
    anchors = tables + headings
    paths = [[a, *a.iterancestors()][::-1] for a in anchors]
    common = body
    for level in zip(*paths, strict=False):
        if all(el is level[0] for el in level):
            common = level[0]
        else:
            break
    return common


def html_blocks(root: etree._Element, source: str = "", content: etree._Element | None = None) -> list[Block]:
    """Walk the page in reading order; tables become grids, text between block elements paragraphs."""
    blocks: list[Block] = []
    buf: list[str] = []
    budget = _Budget(source)

    def flush() -> None:
        text = re.sub(r"[ \t\r\n\f\v\u00a0\u3000]+", " ", "".join(buf)).strip()
        buf.clear()
        if text:
            blocks.append(Paragraph(text=_check_text(text, source)))

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in _SKIP:
            return
        if tag == "table" and not _is_layout_table(node):
            flush()
            blocks.append(table_grid(node, budget))
            return
        block = tag in _BLOCK
        if block:
            flush()
        if node.text:
            buf.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(content if content is not None else content_root(root))
    flush()
    return blocks


_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
# Government portals state the article's site, date and source in <meta> (政府网站发展指引): kept as the page's word
# on whose report it is, for the parser to weigh (parse/identity_sources.py).
_PAGE_META = {"site_name": ('//meta[@name="SiteName"]/@content',), "published": ('//meta[@name="PubDate"]/@content',),
              "content_source": ('//meta[@name="ContentSource"]/@content',),
              "address": ('//meta[@name="Url"]/@content', '//meta[@property="og:url"]/@content',
                          '//link[@rel="canonical"]/@href')}
EDGE_LINES = 30


def _edge_lines(body: etree._Element, content: etree._Element) -> tuple[list[str], list[str]]:
    """The page's text above and below the report (site name, metadata line, footer), line by line."""
    before: list[str] = []
    after: list[str] = []
    out, buf = before, []

    def flush() -> None:
        text = _WS.sub(" ", "".join(buf)).strip()
        buf.clear()
        if text and len(text) <= 200:
            out.append(text)

    walk = etree.iterwalk(body, events=("start", "end"))
    for event, el in walk:
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if el is content or not tag or tag in _SKIP:
                walk.skip_subtree()
                if el is content:
                    flush()
                    out = after
                continue
            if tag in _BLOCK:
                flush()
            buf.append(el.text or "")
        else:
            if tag in _BLOCK:
                flush()
            if el is not body:
                buf.append(el.tail or "")
    flush()
    return before[-EDGE_LINES:], after[:EDGE_LINES]


def _page_meta(root: etree._Element, text: str, content: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key, paths in _PAGE_META.items():
        for xp in paths:
            found = [str(t).strip() for t in root.xpath(xp) if str(t).strip()]
            if found:
                meta[key] = found[0][:300]
                break
    m = _SAVED_FROM.search(text[:4096])
    if m and "address" not in meta:
        meta["address"] = m.group(1)[:300]
    body = root.find("body")
    if body is not None and content is not body:
        before, after = _edge_lines(body, content)
        meta["page_header"], meta["page_footer"] = "\n".join(before), "\n".join(after)
    return meta


def parse_html(data: bytes, source: str) -> Document:
    """Parse HTML bytes (charset declared or sniffed) into a Document."""
    if not data.strip():
        raise ReportError(source, "文件为空", "the file is empty", code="empty")
    m = _META_CHARSET.search(data[:8192])
    text, enc = decode_text(data, source, m.group(1).decode("ascii", "ignore") if m else None)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        # A plain HTML parser: lxml.html's element classes cost a Python lookup per node.
        root = etree.fromstring(text, _PARSER)
        if root is None:
            raise ValueError("no elements")
    except (etree.ParserError, ValueError):
        raise ReportError(source, "网页无法解析（结构已损坏）", "the HTML could not be parsed (damaged structure)",
                          code="html") from None
    title = None
    for xp in ('//meta[@name="ArticleTitle"]/@content', "//title/text()", "//h1//text()"):
        found = [t.strip() for t in root.xpath(xp) if str(t).strip()]
        if found:
            title = str(found[0])
            break
    content = content_root(root)
    doc = Document(source=source, format="html", blocks=html_blocks(root, source, content), title=title)
    doc.meta.update(_page_meta(root, text, content))
    doc.meta["encoding"] = enc
    return doc


def read_html(path: Path) -> Document:
    """Read a saved .html / .htm page."""
    return parse_html(path.read_bytes(), path.name)
