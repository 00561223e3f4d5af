"""What a portal's report page says about itself: the attachments it links (PDF, DOC/DOCX, WPS) and the date it was
published — from its meta tags (the 政府网站 `PubDate`, `article:published_time`, …) or its text ("发布时间:2024-01-31",
"时间：…"). Read with lxml as the server sent it; scripts are dropped, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import lxml.html

ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".wps")
MAX_ATTACHMENTS = 20  # a report page links one or a few files; a page of hundreds is a listing, not a report
# meta names that carry the publication date, best first (compared lower-case)
META_DATE_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date.issued",
                   "dc.date", "publish_time", "releasedate", "og:release_date")
_DATE = r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)(?:\s*日)?"
# labels in the page text, best first: publication, then a bare 时间/日期 (never 成文日期: the document's date)
_LABELLED = [re.compile(rf"(?:发布时间|发布日期|公开日期|发表时间|发布于)\s*[：:]?\s*{_DATE}"),
             re.compile(rf"(?<![成文印])(?:时间|日期)\s*[：:]\s*{_DATE}")]
_META_DATE = re.compile(_DATE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


@dataclass
class Link:
    """An attachment the page links: its absolute URL, the link text, and the file type it names."""

    url: str
    text: str
    suffix: str


@dataclass
class PageInfo:
    """A report page as read: title, attachments, publication date (as printed and where it was found)."""

    title: str = ""
    links: list[Link] = field(default_factory=list)
    published: date | None = None
    published_text: str = ""
    published_where: str = ""  # "meta PubDate" | "页面文字"
    text_chars: int = 0
    scripts: int = 0

    @property
    def looks_scripted(self) -> bool:
        """True when the page has almost no text but has scripts: its content is drawn by JavaScript."""
        return self.text_chars < 200 and self.scripts > 0


def decode_page(data: bytes, content_type: str = "") -> str:
    """The page's text: the charset the server named, else the one the page declares, else UTF-8, else GB18030."""
    m = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_\-]+)", content_type or "", re.I)
    declared = m.group(1) if m else None
    if not declared:
        mm = _CHARSET.search(data[:4096])
        declared = mm.group(1).decode("ascii", "replace") if mm else None
    for enc in (declared, "utf-8", "gb18030"):
        if not enc:
            continue
        try:
            return data.decode("gb18030" if enc.lower() in ("gb2312", "gbk") else enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _valid_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _suffix_of(url: str, text: str) -> str | None:
    path = unquote(urlsplit(url).path).lower()
    for s in ATTACHMENT_SUFFIXES:
        if path.endswith(s):
            return s
    label = text.strip().lower()
    for s in ATTACHMENT_SUFFIXES:  # "download.jsp?id=12" with the text "2023年度报告.pdf"
        if label.endswith(s):
            return s
    return None


def _meta_date(doc: lxml.html.HtmlElement) -> tuple[date, str, str] | None:
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        if key in META_DATE_NAMES and key not in found:
            found[key] = (meta.get("content") or "").strip()
    for key in META_DATE_NAMES:
        m = _META_DATE.search(found.get(key, ""))
        when = _valid_date(*m.groups()) if m else None
        if when:
            return when, found[key], f"meta {key}"
    return None


def _text_date(text: str) -> tuple[date, str, str] | None:
    for pattern in _LABELLED:
        for m in pattern.finditer(text):
            when = _valid_date(*m.groups())
            if when:
                return when, re.sub(r"\s+", " ", m.group(0)), "页面文字"
    return None


def read_portal_page(data: bytes, base_url: str, content_type: str = "") -> PageInfo:
    """Title, attachment links (absolute, in page order, each once) and publication date of a fetched page."""
    text = decode_page(data, content_type)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its own encoding
    info = PageInfo()
    try:
        doc = lxml.html.document_fromstring(text)
    except (ValueError, lxml.etree.ParserError):
        return info
    info.scripts = sum(1 for _ in doc.iter("script"))
    for bad in list(doc.iter("script", "style", "noscript")):
        bad.drop_tree()
    base = doc.find(".//base")
    base_url = urljoin(base_url, base.get("href")) if base is not None and base.get("href") else base_url
    title = doc.find(".//title")
    info.title = re.sub(r"\s+", " ", title.text_content()).strip() if title is not None else ""
    body = doc.find("body")
    visible = re.sub(r"\s+", " ", (body if body is not None else doc).text_content())
    info.text_chars = len(visible.strip())
    seen: set[str] = set()
    for el, attr in ((el, a) for el in doc.iter("a", "iframe", "embed", "object")
                     for a in ("href", "src", "data") if el.get(a)):
        raw = el.get(attr).strip()
        if raw.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = urldefrag(urljoin(base_url, raw))[0]
        label = re.sub(r"\s+", " ", el.text_content() if el.tag == "a" else "").strip()
        suffix = _suffix_of(url, label)
        if suffix and url not in seen and len(info.links) < MAX_ATTACHMENTS:
            seen.add(url)
            info.links.append(Link(url, label, suffix))
    when = _meta_date(doc) or _text_date(visible)
    if when:
        info.published, info.published_text, info.published_where = when
    return info
