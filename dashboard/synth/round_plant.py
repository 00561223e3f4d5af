"""Problems an office finds in a unit's draft, planted in a generated report's text (Markdown) for the demo's review
round and the tests: a missing row, 六 without the fee, a narrative copied from last year or from a neighbour, a
late signing date. Each returns the new text; the caller knows which rule should catch it (PLANTED_RULES)."""

from __future__ import annotations

HEADINGS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
PLANTED_RULES = {"missing_row": "ROWS_COMPLETE", "no_fee": "FEE_REPORT", "copied_last_year": "SAME_TEXT",
                 "copied_neighbour": "SAME_TEXT", "late": "LATE"}
MISSING_ROW_LABEL = "3.危及“三安全一稳定”"


def section_body(text: str, heading: str) -> str:
    """The text between `heading` and the next section heading (or the end)."""
    i = HEADINGS.index(heading)
    after = text.split(heading, 1)[1]
    nxt = HEADINGS[i + 1] if i + 1 < len(HEADINGS) else None
    return after.split(nxt, 1)[0] if nxt and nxt in after else after


def replace_section(text: str, heading: str, body: str) -> str:
    """The text with the body of one section replaced."""
    old = section_body(text, heading)
    head, tail = text.split(heading, 1)
    return head + heading + tail.replace(old, "\n\n" + body.strip() + "\n\n", 1)


def drop_row(text: str, label: str = MISSING_ROW_LABEL) -> str:
    """The text without the table line that carries `label` (a row left out: not zeros)."""
    lines = text.splitlines(keepends=True)
    kept = [ln for ln in lines if not (ln.lstrip().startswith("|") and label in ln)]
    if len(kept) == len(lines):
        raise ValueError(f"no table row {label!r}")
    return "".join(kept)


def without_fee(text: str) -> str:
    """六 that says nothing about the 信息处理费."""
    return replace_section(text, HEADINGS[5], "无。")


def copied_narrative(text: str, source: str) -> str:
    """一 and 五 taken from another report (the unit's last year, or a neighbour's of the same year)."""
    for heading in (HEADINGS[0], HEADINGS[4]):
        text = replace_section(text, heading, section_body(source, heading))
    return text


def signed(text: str, unit: str, year: int, month: int, day: int) -> str:
    """The report signed and dated at its end (the printed date LATE reads)."""
    return text.rstrip("\n") + f"\n\n{unit}\n\n{year}年{month}月{day}日\n"
