"""What changed between two submissions of one unit's report: cells (old → new), narrative passages (paragraph
by paragraph, difflib), and which earlier findings are resolved and which are new.

Pure: two canonical records (the parser's dict, dashboard/parse/result.py) and their findings in, a SubmissionDiff
out. A finding is the same problem in both submissions when its rule and cells agree (its message may carry the
new figures); a finding that names no cell is matched by rule and message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Record = Mapping[str, Any]
TABLES = ("disclosure", "applications", "appeals")
NARRATIVE = ("overview", "problems", "other_matters")
IDENTITY = ("agency", "year", "template", "applications_layout")


class _Absent:
    """A cell the record does not have (distinct from a blank cell, which is None)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class CellChange:
    """One cell whose value differs: `old`/`new` are a number, None (blank), or ABSENT (the row or cell is not there)."""

    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class PassageChange:
    """Paragraphs of a narrative section that differ: `op` is 'replace', 'delete' or 'insert'."""

    section: str
    op: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class FindingKey:
    """What makes two findings the same problem: the rule and its cells (or its message when it names none)."""

    rule: str
    cells: tuple[str, ...]
    message: str = ""


@dataclass
class SubmissionDiff:
    """Everything that changed from the earlier submission to the later one."""

    fields: list[CellChange] = field(default_factory=list)  # agency, year, template, layout
    cells: list[CellChange] = field(default_factory=list)
    passages: list[PassageChange] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)  # earlier findings no longer raised
    new: list[dict[str, Any]] = field(default_factory=list)  # findings the earlier submission did not have
    kept: list[dict[str, Any]] = field(default_factory=list)  # findings of the later submission also raised before

    @property
    def unchanged(self) -> bool:
        """True when nothing differs (neither figures, texts nor findings)."""
        return not (self.fields or self.cells or self.passages or self.resolved or self.new)


def _cells(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tbl in TABLES:
        rows = record.get(tbl)
        if not isinstance(rows, Mapping):
            continue
        for row, cols in rows.items():
            if isinstance(cols, Mapping):
                for col, value in cols.items():
                    out[f"{tbl}.{row}.{col}"] = value
    return out


def _same(a: Any, b: Any) -> bool:
    if a is ABSENT or b is ABSENT:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b and type(a) is type(b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def cell_changes(old: Record, new: Record) -> list[CellChange]:
    """Every cell whose value differs, in the order of the later record (cells it dropped last)."""
    a, b = _cells(old), _cells(new)
    keys = list(b) + [k for k in a if k not in b]
    return [CellChange(k, a.get(k, ABSENT), b.get(k, ABSENT)) for k in keys
            if not _same(a.get(k, ABSENT), b.get(k, ABSENT))]


def paragraphs(text: object) -> list[str]:
    """A narrative's paragraphs: its lines, stripped, empty ones dropped."""
    return [p.strip() for p in str(text or "").splitlines() if p.strip()] if isinstance(text, str) else []


def passage_changes(old: Record, new: Record) -> list[PassageChange]:
    """Paragraph-level differences of 一、五、六 (difflib opcodes over the paragraphs)."""
    out: list[PassageChange] = []
    for code in NARRATIVE:
        a = paragraphs((old.get("sections") or {}).get(code))
        b = paragraphs((new.get("sections") or {}).get(code))
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op != "equal":
                out.append(PassageChange(code, op, tuple(a[i1:i2]), tuple(b[j1:j2])))
    return out


def _as_dict(finding: Any) -> dict[str, Any]:
    if isinstance(finding, Mapping):
        return dict(finding)
    if hasattr(finding, "as_dict"):
        return finding.as_dict()
    raise TypeError(f"not a finding: {finding!r}")


def finding_key(finding: Any) -> FindingKey:
    """The identity of a finding across submissions."""
    f = _as_dict(finding)
    cells = f.get("cells")
    if cells is None:
        cells = []
    elif not isinstance(cells, str | list | tuple):
        cells = list(cells)  # a column read through pandas holds an array
    if isinstance(cells, str):  # a stored row keeps its cells as text
        import json

        try:
            cells = json.loads(cells)
        except ValueError:
            cells = [cells]
    cells = tuple(sorted(str(c) for c in cells))
    return FindingKey(str(f.get("rule")), cells, "" if cells else str(f.get("message") or ""))


def finding_changes(old: Iterable[Any], new: Iterable[Any]) -> tuple[list[dict], list[dict], list[dict]]:
    """(resolved, new, kept): earlier findings not raised again, later findings not raised before, and the rest.

    Counted as multisets: a problem raised twice before and once now is once resolved."""
    old_list, new_list = [_as_dict(f) for f in old], [_as_dict(f) for f in new]
    waiting: dict[FindingKey, list[int]] = {}
    for i, f in enumerate(old_list):
        waiting.setdefault(finding_key(f), []).append(i)
    matched: set[int] = set()
    added, kept = [], []
    for f in new_list:
        queue = waiting.get(finding_key(f))
        if queue:
            matched.add(queue.pop(0))  # the earliest unmatched one: a problem raised twice keeps its first
            kept.append(f)
        else:
            added.append(f)
    resolved = [f for i, f in enumerate(old_list) if i not in matched]
    return resolved, added, kept


def diff_submissions(old: Record, new: Record, old_findings: Iterable[Any] = (),
                     new_findings: Iterable[Any] = ()) -> SubmissionDiff:
    """What changed from the earlier submission `old` to the later `new`, with their findings (Finding or dict)."""
    fields = [CellChange(k, old.get(k, ABSENT), new.get(k, ABSENT)) for k in IDENTITY
              if not _same(old.get(k, ABSENT), new.get(k, ABSENT))]
    resolved, added, kept = finding_changes(old_findings, new_findings)
    return SubmissionDiff(fields, cell_changes(old, new), passage_changes(old, new), resolved, added, kept)
