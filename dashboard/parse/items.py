"""A Document flattened into items in reading order, each tagged with the section it falls in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from dashboard.catalogue.codes import SECTION_HEADINGS
from dashboard.parse.normalize import normalize_label, strip_numbering
from dashboard.readers.model import Document, Paragraph, Table

_HEADINGS = [(code, re.compile(p)) for code, p in SECTION_HEADINGS]
_MAX_HEADING = 40
# The printed titles (numbering stripped) that an approximate heading is measured against: a typo'd title is one or
# two edits from one of them and far from every other.
_TITLES = [
    ("overview", "总体情况"),
    ("disclosure", "主动公开政府信息情况"),
    ("applications", "收到和处理政府信息公开申请情况"),
    ("appeals", "政府信息公开行政复议行政诉讼情况"),
    ("appeals", "行政复议行政诉讼情况"),
    ("problems", "存在的主要问题及改进情况"),
    ("other_matters", "其他需要报告的事项"),
]
_PUNCT = re.compile(r"[、，,.。:：\s]")
_DIGIT = re.compile(r"\d")
_LONGEST_NEAR_TITLE = max(len(t) for _, t in _TITLES) + 4  # two edits and a punctuation mark or two
_TITLE_CHARS = frozenset("".join(t for _, t in _TITLES))
_NEAR_TITLE_LENGTHS = {len(t) + d for _, t in _TITLES for d in (-2, -1, 0, 1, 2)}
# "五、政府信息公开工作存在的主要问题…" is a real variant of "五、存在的主要问题…".
_TITLE_PREFIX = re.compile(r"^(?:本机关|本单位)?(?:政府信息公开|政务公开)(?:工作)?(?=存在|其他|总体|主要)")


@dataclass(slots=True)
class Item:
    """One text line or one table row, with its section ('preamble' before the first heading)."""

    kind: str  # "line" | "row"
    section: str
    text: str = ""
    cells: Sequence[str] = ()
    copies: Sequence[bool] = ()
    doubts: Sequence[str | None] = ()  # why the reader doubts a cell (OCR), by position
    block: int = 0
    row: int = 0
    heading: str | None = None  # the section this item starts, when it is a heading
    approx: bool = False  # the heading matched a known title only approximately (a typo)
    implied: bool = False  # no heading: the section was switched by what the item contains (a table's labels)


@lru_cache(maxsize=65536)  # like normalize_label: a county's reports repeat the same lines and table labels
def heading_match(text: str) -> tuple[str, bool] | None:
    """(section code, exact) when a line is a section heading; approximate = within two edits of a known title."""
    norm = normalize_label(text)
    if not norm or len(norm) > _MAX_HEADING:
        return None
    core = strip_numbering(norm).strip("*#:：.。 ")
    core = _TITLE_PREFIX.sub("", core) or core
    for code, rx in _HEADINGS:
        if rx.search(core):
            return code, True
    if not 6 <= len(core) <= _LONGEST_NEAR_TITLE:
        return None
    bare = _PUNCT.sub("", core)
    if len(bare) < 6 or _DIGIT.search(bare) or not ("\u4e00" <= bare[0] <= "\u9fff"):
        return None
    limit = 1 if len(bare) < 10 else 2
    if len(bare) not in _NEAR_TITLE_LENGTHS or len(_TITLE_CHARS.intersection(bare)) < len(set(bare)) - limit:
        return None  # most lines: far longer or shorter than any title, no edit distance needed
    # An inserted, dropped or changed character (政府信息公开行政复议、行政诉诉讼情况): one clear nearest title.
    ranked = sorted((Levenshtein.distance(bare, title, score_cutoff=limit + 3), code) for code, title in _TITLES)
    best, code = ranked[0]
    runner = min(d for d, c in ranked if c != code)
    if best <= limit and runner > best + 2 and (norm != core or len(bare) >= 8):
        return code, False
    return None


def heading_of(text: str) -> str | None:
    """The section code a line is the heading of, or None. Accepts numbering variants, decoration and a typo."""
    hit = heading_match(text)
    return hit[0] if hit else None


_SUB_LEVEL = re.compile(r"^[(（][一二三四五六七八九十\d]+[)）]|^\d{1,2}[.．、]")


def is_sub_level(text: str) -> bool:
    """True for headings numbered like a subsection: （一） / 1. — top-level ones are 一、 or unnumbered."""
    return bool(_SUB_LEVEL.match(normalize_label(text)))


def _row_text(cells: tuple[str, ...] | list[str]) -> str | None:
    # A table row whose only text is one title (a merged title row in Word tables).
    texts = {c.strip() for c in cells}
    texts.discard("")
    return texts.pop() if len(texts) == 1 else None


def _candidates(doc: Document, lines: list[list[str] | None]) -> list[tuple[int, int, str, str, bool]]:
    """(block, line-or-row, text, section code, exact) of every line that looks like a section heading; `lines` are
    each paragraph's lines (None for a table), split once for this and for flatten."""
    out = []
    for b, texts in enumerate(lines):
        if texts is None:
            block = doc.blocks[b]
            if isinstance(block, Table):
                for r, cells in enumerate(block.rows):
                    if hit := _row_heading(tuple(cells)):
                        out.append((b, r, *hit))
        elif len(texts) == 1:  # a paragraph of one line (every paragraph of a text file): no loop to set up
            if hit := heading_match(texts[0]):  # cached: most lines of a report were asked before
                out.append((b, 0, texts[0], *hit))
        else:
            for i, line in enumerate(texts):
                if hit := heading_match(line):
                    out.append((b, i, line, *hit))
    return out


@lru_cache(maxsize=4096)  # a table's rows come back in report after report
def _row_heading(cells: tuple[str, ...]) -> tuple[str, str, bool] | None:
    """(text, section code, exact) when a table row is one section heading."""
    if (text := _row_text(cells)) and (hit := heading_match(text)):
        return text, *hit
    return None


def _accepted_headings(doc: Document, lines: list[list[str] | None]) -> dict[tuple[int, int], tuple[str, bool]]:
    # A subsection-numbered heading ("（一）主要问题") stands for its section only where the report has no
    # top-level heading for it: "（二）主动公开政府信息情况" inside 一、总体情况 must not end the overview.
    # An approximate title stands only where no exact one names that section.
    cands = _candidates(doc, lines)
    top = {code for _, _, text, code, _ in cands if not is_sub_level(text)}
    exact = {code for _, _, _, code, ex in cands if ex}
    return {(b, i): (code, ex) for b, i, text, code, ex in cands
            if (code not in top or not is_sub_level(text)) and (ex or code not in exact)}


_ORDER = ("preamble", "overview", "disclosure", "applications", "appeals", "problems", "other_matters")
_RANK = {code: i for i, code in enumerate(_ORDER)}
# What a table section's first rows say, when its heading is missing: its header or its first row label.
_IMPLIED = [
    ("disclosure", re.compile(r"^(?:第二十条第|信息内容(?:本年|上一年))")),
    ("applications", re.compile(r"^(?:\(本列数据的勾稽关系|申请人情况|本年新收政府信息公开申请)")),
    ("appeals", re.compile(r"^(?:行政复议|未经复议直接起诉|复议后起诉)")),
]


def _has_implied_word(text: str) -> bool:
    """True when the text has a word of a table's header or first row (第二十条|信息内容|本列数据|申请人情况|本年新收|
    复议), as printed: six substring tests are quicker than one regex alternation, which tries every position of a
    long narrative line."""
    return ("复议" in text or "信息内容" in text or "本年新收" in text or "第二十条" in text or "本列数据" in text
            or "申请人情况" in text)


_NO_IMPLIED = frozenset(("appeals", "problems", "other_matters"))


def _implied(text: str, section: str) -> str | None:
    """The table section an item starts by its content when no heading did (only forward in the report's order)."""
    if section in _NO_IMPLIED or not _has_implied_word(text):
        return None
    norm = strip_numbering(normalize_label(text))
    if not norm or len(norm) > 240 or "。" in norm:  # a sentence of the narrative is not a table's header
        return None
    for code, rx in _IMPLIED:
        if rx.search(norm) and _RANK[code] > _RANK[section] and (
                code != "appeals" or section == "applications"):
            return code
    return None


_NOT_HEADING = (None, True)


def flatten(doc: Document) -> list[Item]:
    """Items in reading order; a heading (or, without one, a table's own header) switches the section."""
    lines = [block.text.split("\n") if isinstance(block, Paragraph) else None for block in doc.blocks]
    accepted = _accepted_headings(doc, lines)
    heading_blocks = {b for b, _ in accepted}  # most paragraphs hold no heading: no lookup per line there
    items: list[Item] = []
    section = "preamble"
    for b, block in enumerate(doc.blocks):
        texts = lines[b]
        if texts is not None:
            for i, line in enumerate(texts):
                line = line.strip()
                if not line:
                    continue
                code, exact = accepted.get((b, i), _NOT_HEADING) if b in heading_blocks else _NOT_HEADING
                if code == section:
                    code = None  # the same title again (a table caption, a sub-heading): part of the text
                implied = None if code or section in _NO_IMPLIED or not _has_implied_word(line) else \
                    _implied(line, section)
                section = code or implied or section
                items.append(Item("line", section, line, (), (), (), b, 0, code, not exact, bool(implied)))
        elif isinstance(block, Table):
            for r, cells in enumerate(block.rows):
                code, exact = accepted.get((b, r), _NOT_HEADING)
                if code == section:
                    code = None
                implied = None if code or section in _NO_IMPLIED else _implied("".join(cells), section)
                section = code or implied or section
                # Most tables (text, markdown) have no merged copies: no lookup per cell. Cells and copies are
                # tuples, as the readings of rows are cached by them (rows.py): no copy per row.
                n = len(cells)
                copies = tuple((r, c) in block.copies for c in range(n)) if block.copies else _no_copies(n)
                doubts = [block.doubts.get((r, c)) for c in range(n)] if block.doubts else []
                items.append(Item("row", section, "", tuple(cells), copies, doubts, b, r, code, not exact,
                                  bool(implied)))
    return items


@lru_cache(maxsize=128)
def _no_copies(n: int) -> tuple[bool, ...]:
    return (False,) * n
