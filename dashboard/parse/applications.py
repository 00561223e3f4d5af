"""Section 三: claims by label, then value rows without a label placed by row order between labelled ones."""

from __future__ import annotations

import re

from dashboard.parse import codes
from dashboard.parse.result import Builder
from dashboard.parse.rows import Row
from dashboard.parse.tables import Claim, Scan, values_for

_COLS = codes.APPLICATION_COLUMNS
_LAYOUT_2021_ONLY = {"other_no_correction", "other_no_fee", "other_misc"}


def detect_layout(found: Scan, template: str | None) -> str | None:
    """Which （六） rows section 三 prints: '2021' (three sub-rows) or '2019' (one row)."""
    claimed = {c.code for kind, c in found.app_events if kind == "anchor" and isinstance(c, Claim)}
    if claimed & _LAYOUT_2021_ONLY:
        return "2021"
    if "other" in claimed:
        return "2019"
    # No row was read: the printed labels still tell which （六） rows the table has.
    text = "|".join(found.labels["applications"])
    if re.search(r"不补正|缴纳费用|收费通知", text):
        return "2021"
    if "其他处理" in text:
        return "2019"
    return template


def _claims_in_order(found: Scan, b: Builder) -> tuple[dict[str, Claim], list[tuple[str, Claim | Row]]]:
    """Keep one claim per code (a wrapped label's second half is a continuation, not a second row)."""
    claims: dict[str, Claim] = {}
    events: list[tuple[str, Claim | Row]] = []
    for kind, ev in found.app_events:
        if kind == "orphan":
            events.append((kind, ev))
            continue
        assert isinstance(ev, Claim)
        old = claims.get(ev.code)
        if old is None:
            claims[ev.code] = ev
            events.append((kind, ev))
        elif not old.row.has_numbers and ev.row.has_numbers:
            claims[ev.code] = ev  # the label's first line carried no numbers; its continuation does
            events = [e for e in events if e[1] is not old] + [(kind, ev)]
        elif ev.row.has_numbers:
            b.problem("duplicate_row", "warning",
                      f"第三部分“{ev.row.label_text}”再次出现且有数字，取第一次",
                      f"section 三 row '{ev.row.label_text}' appears again with numbers; the first is kept")
    return claims, events


def _place_orphans(events: list[tuple[str, Claim | Row]], claims: dict[str, Claim], order: list[str],
                   b: Builder) -> None:
    index = {code: i for i, code in enumerate(order)}
    run: list[Row] = []
    prev = -1
    for kind, ev in [*events, ("end", None)]:
        if kind == "orphan":
            assert isinstance(ev, Row)
            if ev.trimmed(len(_COLS)) is not None:
                run.append(ev)
            else:
                b.problem("stray_numbers", "info", f"第三部分有一行数字无法对应到表格行（{len(ev.values)} 个数）：已忽略",
                          f"section 三: a line of {len(ev.values)} numbers fits no row; ignored")
            continue
        nxt = len(order) if kind == "end" else index.get(ev.code, -1) if isinstance(ev, Claim) else -1
        if kind == "anchor" and nxt < 0:
            continue
        if run:
            gap = [c for c in order[prev + 1:nxt] if c not in claims] if nxt > prev else []
            if len(gap) == len(run):
                for code, row in zip(gap, run, strict=True):
                    claims[code] = Claim(code, row, {}, "placed_by_order")
                b.problem("placed_by_order", "warning",
                          f"第三部分有 {len(run)} 行数字与其标签分离，按表格行序放入：{'、'.join(gap)}（请核对）",
                          f"section 三: {len(run)} value rows were separated from their labels and placed by the "
                          f"format's row order: {', '.join(gap)} (please verify)",
                          [f"applications.{c}" for c in gap])
            else:
                b.problem("unplaced_rows", "error",
                          f"第三部分有 {len(run)} 行数字没有标签，而此处缺少 {len(gap)} 行，无法确定对应关系，未读取",
                          f"section 三: {len(run)} value rows without labels where {len(gap)} rows are missing; "
                          "they cannot be placed and were not read", [f"applications.{c}" for c in gap])
            run = []
        if nxt >= 0:
            prev = max(prev, nxt)


def fill_applications(found: Scan, layout: str, b: Builder) -> None:
    """Every row of the layout with its seven columns; what cannot be read is null, flagged and reported."""
    order = codes.application_rows(layout)
    claims, events = _claims_in_order(found, b)
    for code in list(claims):
        if code not in order:
            b.problem("row_not_in_layout", "warning",
                      f"第三部分的“{claims[code].row.label_text}”不属于此版格式，未读取",
                      f"section 三 row '{claims[code].row.label_text}' does not belong to the {layout} layout; not read")
            del claims[code]
    _place_orphans(events, claims, order, b)
    missing: list[str] = []
    for code in order:
        claim = claims.get(code)
        cells = values_for(claim, _COLS) if claim else None
        if claim and cells is None:
            b.problem("row_unreadable", "error",
                      f"第三部分“{claim.row.label_text}”有 {len(claim.row.values)} 个数值格，应为 7 个，无法确定各列",
                      f"section 三 row '{claim.row.label_text}' has {len(claim.row.values)} value cells, expected 7",
                      [f"applications.{code}"])
        if claim is None:
            missing.append(code)
        flag = claim.how if claim and claim.how != "label" else None
        for col, cell in zip(_COLS, cells or [None] * len(_COLS), strict=True):
            b.put("applications", code, col, cell,
                  (flag if cell and cell.flag is None else None) if cells else ("unreadable" if claim else "missing"))
        if claim and claim.how == "fuzzy_label":
            b.problem("fuzzy_label", "info", f"第三部分“{claim.row.label_text}”按近似标签识别为 {code}",
                      f"section 三 row '{claim.row.label_text}' matched {code} approximately", [f"applications.{code}"])
    if missing:
        b.problem("rows_missing", "error" if len(missing) > 3 else "warning",
                  f"第三部分缺少以下行：{'、'.join(missing)}", f"section 三 rows not found: {', '.join(missing)}",
                  [f"applications.{c}" for c in missing])
