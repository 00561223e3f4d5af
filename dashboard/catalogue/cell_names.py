"""A cell named as the pages print it ("四、结转下年度继续办理 · 总计", "二、主动公开 规章 · 本年制发件数"), and the
nearest printed names when a name matches no cell (issue 20: `nianbao correct` takes what a reader copies from a
page). Used by dashboard/store/corrections.resolve_cell; the names come from the labels catalogue."""

from __future__ import annotations

import difflib
import re

from dashboard.catalogue.labels import cell_label

_SPACE = re.compile(r"[\s·•]+")


def _norm(text: str) -> str:
    return _SPACE.sub("", str(text)).replace("（", "(").replace("）", ")")


def cell_by_printed_name(text: str, keys: list[str]) -> str | None:
    """The key whose printed name (dashboard.catalogue.labels.cell_label) is `text`, spaces and dots aside; None."""
    wanted = _norm(text)
    for key in keys:
        if _norm(cell_label(key)) == wanted:
            return key
    return None


def nearest_cells(text: str, keys: list[str], n: int = 5) -> list[str]:
    """The printed names of the cells closest to `text`, best first."""
    names = {cell_label(k): k for k in keys}
    by_norm = {_norm(name): name for name in names}
    close = difflib.get_close_matches(_norm(text), list(by_norm), n=n, cutoff=0.3)
    return [by_norm[c] for c in close]
