"""Turn items into candidate rows: label cells, value cells, header rows — the grid, read by labels."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from dashboard.parse.items import Item
from dashboard.parse.normalize import CellValue, normalize_label, read_number, strip_numbering

_MERGED = "merged"
_LINE_SPLIT = re.compile(r"(?<=[\u4e00-\u9fff)）])(?=[+\-]?\d)")


@dataclass(slots=True)  # hundreds a report: slots make them quicker to build and to read
class Row:
    """One candidate data row: its label cells (normalized, numbering stripped) and its value cells by position.

    Read, never changed: a row read from cached cells holds the cache's own tuples (no copy a row)."""

    item_index: int
    section: str
    source: str  # "table" | "line"
    block: int
    labels: Sequence[str]  # stripped labels, left to right
    raw_labels: Sequence[str]  # normalized labels with numbering, left to right
    last_label: int  # grid position of the last label cell (-1: none)
    values: Sequence[tuple[int, CellValue]] = ()  # (grid position, value) after the label
    # True when at least one value cell holds a number: asked of every row several times, and a row's values are
    # set once, when it is made (by whoever made them, when they know it: a row read from cached cells).
    has_numbers: bool | None = None
    _written: tuple[CellValue, ...] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.has_numbers is None:
            self.has_numbers = any(v.value is not None for _, v in self.values)

    @property
    def label_text(self) -> str:
        """All label cells joined (for messages)."""
        return " / ".join(dict.fromkeys(x for x in self.raw_labels if x))

    def written(self) -> tuple[CellValue, ...]:
        """The value cells without blank or merged cells at either edge (a ragged table row's padding)."""
        if self._written is None:  # asked again and again while rows are joined: trimmed once, never copied
            vals = [v for _, v in self.values]
            while vals and vals[-1].flag in ("blank", _MERGED):
                vals.pop()
            while vals and vals[0].flag in ("blank", _MERGED):
                vals.pop(0)
            self._written = tuple(vals)
        return self._written

    def trimmed(self, k: int) -> list[CellValue] | None:
        """The value cells trimmed of blank/merged edges down to k cells, or None when they do not fit k."""
        vals = [v for _, v in self.values]

        def removable(v: CellValue) -> bool:
            return v.flag in ("blank", _MERGED)

        while len(vals) > k and removable(vals[-1]):
            vals.pop()
        while len(vals) > k and removable(vals[0]):
            vals.pop(0)
        return vals if len(vals) == k else None


def row_from_cells(index: int, item: Item) -> Row:
    """A table row: labels are cells that are not values; values are the cells after the last label."""
    if any(item.doubts):
        labels, raw, last, values = _read_cells(item.cells, item.copies, item.doubts)
        return Row(index, item.section, "table", item.block, labels, raw, last, values)
    # The same row (a label row, a row of zeros) comes back in report after report: read once.
    labels, raw, last, values, numbers = _read_plain_cells(tuple(item.cells), tuple(item.copies))
    return Row(index, item.section, "table", item.block, labels, raw, last, values, numbers)


@lru_cache(maxsize=4096)
def _read_plain_cells(cells: tuple[str, ...], copies: tuple[bool, ...]) -> tuple:
    labels, raw, last, values = _read_cells(cells, copies, ())
    return tuple(labels), tuple(raw), last, tuple(values), any(v.value is not None for _, v in values)


def _read_cells(cells: tuple[str, ...] | list[str], copies: tuple[bool, ...] | list[bool],
                doubts: list[str | None] | tuple[()]) -> tuple[list[str], list[str], int, list[tuple[int, CellValue]]]:
    labels: list[str] = []
    raw: list[str] = []
    last = -1
    parsed: list[CellValue | None] = []
    for pos, text in enumerate(cells):
        cv = read_number(text)
        if doubts and doubts[pos]:
            # The reader (OCR) doubts this cell: a value, never a label, and never trusted silently.
            cv = CellValue(cv.value if cv else None, text.strip(), "uncertain", cv.unit if cv else None,
                           doubts[pos])
        parsed.append(cv)
        if cv is None:
            norm = normalize_label(text)
            if norm:
                last = pos
                if not raw or raw[-1] != norm:  # a merged label repeated across columns counts once
                    raw.append(norm)
                    labels.append(strip_numbering(norm))
    values: list[tuple[int, CellValue]] = []
    for pos in range(last + 1, len(cells)):
        cv = parsed[pos]
        assert cv is not None
        if copies[pos] and cv.flag is None:
            cv = CellValue(None, cv.printed, _MERGED)  # python-docx/HTML spans repeat a merged number: count once
        values.append((pos, cv))
    return labels, raw, last, values


def row_from_line(index: int, item: Item) -> Row | None:
    """A text line 'label n n n' (tables flattened to text); None when the line has no trailing numbers."""
    read = _read_line(item.text)
    if read is None:
        return None
    labels, raw, last, values, numbers = read
    return Row(index, item.section, "line", item.block, labels, raw, last, values, numbers)


@lru_cache(maxsize=4096)  # the lines of a table converted to text come back in report after report
def _read_line(text: str) -> tuple | None:
    text = text.strip()
    if len(text) > 120:
        return None
    tokens = _LINE_SPLIT.sub(" ", text).split()
    nums: list[CellValue] = []
    while tokens:
        cv = read_number(tokens[-1])
        if cv is None or cv.flag == "blank":
            break
        nums.insert(0, cv)
        tokens.pop()
    if not nums:
        return None
    label = "".join(tokens)
    norm = normalize_label(label)
    labels = (strip_numbering(norm),) if norm else ()
    raw = (norm,) if norm else ()
    return (labels, raw, 0 if norm else -1, tuple((i + 1, v) for i, v in enumerate(nums)),
            any(v.value is not None for v in nums))


def header_matches(cells: list[str], patterns: dict[str, re.Pattern[str]],
                   copies: list[bool] | None = None) -> dict[int, str]:
    """Grid position → column code for the cells of a header row that name a column (a merged header at its origin)."""
    found: dict[int, str] = {}
    for pos, text in enumerate(cells):
        if copies and copies[pos]:
            continue
        norm = _header_label(text)
        if not norm:
            continue
        for code, rx in patterns.items():
            if rx.search(norm):
                found[pos] = code
                break
    return found


@lru_cache(maxsize=4096)
def _header_label(text: str) -> str:
    """A header cell's label without numbering; '' for a blank cell or a value."""
    norm = strip_numbering(normalize_label(text))
    return "" if not norm or read_number(text) is not None else norm
