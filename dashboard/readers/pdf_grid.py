"""Ruled tables: grids from the drawn cell borders, merged cells from the borders that are missing."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from dashboard.readers.model import Table
from dashboard.readers.pdf_page import Char, Segment
from dashboard.readers.pdf_text import cell_text

SNAP = 2.0  # segments this close are one line
MIN_GAP = 4.0  # grid lines closer than this are one line (borders drawn twice, or a hair off between rows)
COVER = 0.5  # a border exists where segments cover this share of the cell side


def merge_segments(segments: list[Segment]) -> list[Segment]:
    """Join collinear pieces of the same line (a border drawn cell by cell is one line)."""
    out: list[Segment] = []
    for horizontal in (True, False):
        segs = sorted((s for s in segments if s.horizontal == horizontal), key=lambda s: s.pos)
        clusters: list[list[Segment]] = []
        for s in segs:
            if clusters and s.pos - clusters[-1][-1].pos <= SNAP:
                clusters[-1].append(s)
            else:
                clusters.append([s])
        for cluster in clusters:
            pos = sum(s.pos for s in cluster) / len(cluster)
            run: list[float] | None = None
            for s in sorted(cluster, key=lambda s: s.a):
                if run is not None and s.a <= run[1] + SNAP:
                    run[1] = max(run[1], s.b)
                else:
                    if run is not None:
                        out.append(Segment(horizontal, pos, run[0], run[1]))
                    run = [s.a, s.b]
            if run is not None:
                out.append(Segment(horizontal, pos, run[0], run[1]))
    return out


def _touch(h: Segment, v: Segment) -> bool:
    return h.a - SNAP <= v.pos <= h.b + SNAP and v.a - SNAP <= h.pos <= v.b + SNAP


def _components(segs: list[Segment]) -> list[list[Segment]]:
    parent = list(range(len(segs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, s in enumerate(segs) if s.horizontal]
    vs = [i for i, s in enumerate(segs) if not s.horizontal]
    for i in hs:
        for j in vs:
            if _touch(segs[i], segs[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Segment]] = {}
    for i, s in enumerate(segs):
        groups.setdefault(find(i), []).append(s)
    return list(groups.values())


def _boundaries(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] < MIN_GAP:
            continue
        out.append(v)
    return out


@dataclass
class RuledTable:
    """The grid lines of one ruled table and the segments that draw its borders."""

    xs: list[float]
    ys: list[float]
    hsegs: list[Segment]
    vsegs: list[Segment]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def contains(self, ch: Char) -> bool:
        return self.xs[0] - 1 <= ch.cx <= self.xs[-1] + 1 and self.ys[0] - 1 <= ch.cy <= self.ys[-1] + 1

    def _covered(self, segs: list[Segment], pos: float, a: float, b: float) -> bool:
        length = sum(max(0.0, min(b, s.b) - max(a, s.a)) for s in segs if abs(s.pos - pos) <= SNAP + MIN_GAP / 2)
        return length >= COVER * (b - a)

    def has_vertical_border(self, col_line: int, row: int) -> bool:
        """True where a border is drawn at xs[col_line] beside grid row ``row``."""
        return self._covered(self.vsegs, self.xs[col_line], self.ys[row], self.ys[row + 1])

    def has_horizontal_border(self, row_line: int, col: int) -> bool:
        """True where a border is drawn at ys[row_line] over grid column ``col``."""
        return self._covered(self.hsegs, self.ys[row_line], self.xs[col], self.xs[col + 1])


def find_ruled_tables(segments: list[Segment]) -> list[RuledTable]:
    """Tables drawn with borders: groups of crossing horizontal and vertical lines."""
    tables: list[RuledTable] = []
    for comp in _components(merge_segments(segments)):
        hs = [s for s in comp if s.horizontal]
        vs = [s for s in comp if not s.horizontal]
        if len(hs) < 2 or len(vs) < 1:
            continue
        left, right = min(s.a for s in hs), max(s.b for s in hs)
        # Open-sided tables (no outer left/right border) still end where their horizontal rules end.
        xs = _boundaries([s.pos for s in vs if left - SNAP <= s.pos <= right + SNAP] + [left, right])
        ys = _boundaries([s.pos for s in hs] + [min(s.a for s in vs), max(s.b for s in vs)])
        if len(xs) < 2 or len(ys) < 2:
            continue
        tables.append(RuledTable(xs=xs, ys=ys, hsegs=hs, vsegs=vs))
    return tables


def cell_groups(t: RuledTable) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Map every grid position to its merged cell (r0, c0, r1, c1), from the missing interior borders."""
    nr, nc = len(t.ys) - 1, len(t.xs) - 1
    parent = {(r, c): (r, c) for r in range(nr) for c in range(nc)}

    def find(p: tuple[int, int]) -> tuple[int, int]:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not t.has_vertical_border(c + 1, r):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < nr and not t.has_horizontal_border(r + 1, c):
                parent[find((r + 1, c))] = find((r, c))
    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for p in parent:
        members.setdefault(find(p), []).append(p)
    spans: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for group in sorted(members.values(), key=lambda g: min(g)):
        r0, c0 = min(r for r, _ in group), min(c for _, c in group)
        r1, c1 = max(r for r, _ in group), max(c for _, c in group)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                spans.setdefault((r, c), (r0, c0, r1, c1))
    return spans


def grid_table(t: RuledTable, chars: list[Char], page: int) -> Table:
    """The table's text grid: merged cells' text at their top-left, the other spanned positions copies."""
    nr, nc = len(t.ys) - 1, len(t.xs) - 1
    spans = cell_groups(t)
    bucket: dict[tuple[int, int], list[Char]] = {}
    for ch in chars:
        r = min(max(bisect_right(t.ys, ch.cy) - 1, 0), nr - 1)
        c = min(max(bisect_right(t.xs, ch.cx) - 1, 0), nc - 1)
        origin = spans[(r, c)][:2]
        bucket.setdefault(origin, []).append(ch)
    rows = [["" for _ in range(nc)] for _ in range(nr)]
    copies: set[tuple[int, int]] = set()
    for (r, c), (r0, c0, _, _) in spans.items():
        rows[r][c] = cell_text(bucket.get((r0, c0), []))
        if (r, c) != (r0, c0):
            copies.add((r, c))
    return drop_empty(Table(rows=rows, copies=copies, page=page))


def drop_empty(table: Table) -> Table:
    """Leave out grid rows and columns with no text anywhere (spacer rows, hairline slivers)."""
    keep_r = [r for r, row in enumerate(table.rows) if any(row)]
    ncols = max((len(row) for row in table.rows), default=0)
    keep_c = [c for c in range(ncols) if any(c < len(table.rows[r]) and table.rows[r][c] for r in keep_r)]
    rmap = {r: i for i, r in enumerate(keep_r)}
    cmap = {c: i for i, c in enumerate(keep_c)}
    rows = [[table.rows[r][c] if c < len(table.rows[r]) else "" for c in keep_c] for r in keep_r]
    copies = {(rmap[r], cmap[c]) for r, c in table.copies if r in rmap and c in cmap}
    conf = {(rmap[r], cmap[c]): v for (r, c), v in table.confidence.items() if r in rmap and c in cmap}
    doubts = {(rmap[r], cmap[c]): v for (r, c), v in table.doubts.items() if r in rmap and c in cmap}
    return Table(rows=rows, copies=copies, page=table.page, confidence=conf, doubts=doubts)
