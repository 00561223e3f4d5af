"""Section 四: one row of 15 numbers under 行政复议 / 行政诉讼 headers, or one row per group."""

from __future__ import annotations

from dashboard.catalogue import codes
from dashboard.parse import checksum
from dashboard.parse.result import Builder
from dashboard.parse.rows import Row
from dashboard.parse.tables import Scan, join_rows, match_appeal_group

_N = len(codes.APPEAL_GROUPS) * len(codes.APPEAL_COLUMNS)


def _headers_in_order(labels: list[str]) -> bool:
    text = "|".join(labels)
    i, j = text.find("复议"), text.find("诉讼")
    # Without its first header line the table still names the two litigation groups in their order.
    k, m = text.find("未经复议直接起诉"), text.find("复议后起诉")
    return (0 <= i < j or 0 <= k < m) and "维持" in text and "总计" in text


def _split_row(rows: list[Row]) -> Row | None:
    """The one run of consecutive label-less lines whose numbers add up to exactly 15 (a row split over lines)."""
    windows = []
    for i in range(len(rows)):
        n = 0
        for j in range(i, len(rows)):
            if rows[j].labels or rows[j].source != rows[i].source or rows[j].block != rows[i].block and \
                    rows[i].source == "table":
                break
            n += len(rows[j].written())
            if n >= _N:
                if n == _N and j > i:
                    windows.append((i, j))
                break
    if len(windows) != 1:
        return None
    i, j = windows[0]
    return join_rows(rows[i], rows[i + 1:j + 1])


def fill_appeals(found: Scan, b: Builder) -> None:
    """Fill the 15 cells: by group labels where the rows have them, else the one value row in printed order."""
    placed: set[str] = set()
    for row in found.appeals:
        group = match_appeal_group(row)
        cells = row.trimmed(len(codes.APPEAL_COLUMNS)) if group else None
        if group and cells and group not in placed:
            b.put_row("appeals", group, codes.APPEAL_COLUMNS, cells)
            placed.add(group)
    joined = False
    if not placed:
        full = [(row, cells) for row in found.appeals if (cells := row.trimmed(_N)) is not None]
        if not full and (row := _split_row(found.appeals)) is not None and (cells := row.trimmed(_N)):
            full, joined = [(row, cells)], True
        if full:
            row, cells = full[0]
            ordered = _headers_in_order(found.labels["appeals"])
            width = len(codes.APPEAL_COLUMNS)
            for k, group in enumerate(codes.APPEAL_GROUPS):  # a cell the reader flagged keeps its flag
                b.put_row("appeals", group, codes.APPEAL_COLUMNS, cells[k * width:(k + 1) * width],
                          None if ordered else "placed_by_order")
            placed = set(codes.APPEAL_GROUPS)
            if not ordered:
                b.problem("appeals_header_unverified", "warning",
                          "第四部分表头无法核对（行政复议/行政诉讼、结果维持…总计），按格式的列序读取，请核对",
                          "section 四: the header could not be verified; the 15 numbers were read in the format's order",
                          ["appeals"])
            if joined:
                _confirm_joined(b)
            if len(full) > 1:
                b.problem("duplicate_row", "warning", "第四部分有多行数字，取第一行",
                          "section 四 has several value rows; the first is kept", ["appeals"])
        elif found.appeals:
            n = max(len(r.values) for r in found.appeals)
            b.problem("appeals_unreadable", "error",
                      f"第四部分的数字行有 {n} 个数，应为 15 个，无法确定各列，未读取",
                      f"section 四: the value row has {n} numbers, expected 15; not read", ["appeals"])
    for group in codes.APPEAL_GROUPS:
        if group not in placed:
            b.put_unread("appeals", group, codes.APPEAL_COLUMNS, "missing")
    if not found.appeals:
        b.problem("table_missing", "error", "未找到第四部分（行政复议、行政诉讼）的数字",
                  "no figures found for section 四 (appeals)", ["appeals"])


def _confirm_joined(b: Builder) -> None:
    """Section 四's numbers joined from several lines: confirmed when R4 holds for every group, else doubted."""
    keys = [f"appeals.{g}.{c}" for g in codes.APPEAL_GROUPS for c in codes.APPEAL_COLUMNS]
    if checksum.rules_hold(None, b.tables["appeals"]):
        for key in keys:
            if b.flags.get(key) in (None, "placed_by_order"):
                b.flags[key] = "placed_by_rules"
        b.problem("placed_by_rules", "info", "第四部分的 15 个数字分在几行，按顺序合并后各组总计均相符，已确认",
                  "section 四: the 15 numbers were split over lines; joined in order, every group's total holds", keys)
        return
    for key in keys:
        if b.flags.get(key) is None:
            b.flags[key] = "placed_by_order"
    b.problem("placed_by_order", "warning", "第四部分的 15 个数字分在几行，按顺序合并，但总计不符，无法确认（请核对）",
              "section 四: the 15 numbers were split over lines and joined in order; the totals do not confirm it",
              ["appeals"])
