"""Figures a report states in its text, not its tables: 主动公开政府信息 N 条 (disclosure activity).

The tables of the national format do not measure how much a unit publishes on its own initiative; most reports
say it in 一、总体情况 ("2023年，我区在政府网站平台主动公开政府信息1136条"). Such a figure is read with its sentence
kept as provenance, marked approximate when the text says so (7700余条, 2000多条), and shown as "正文所述" —
never mixed with a table cell. A sentence that puts the figure in another year, or a number that is a share of a
larger one ("其中…"), is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_NUMBER = r"(?P<num>[0-9０-９][0-9０-９,，]*|[零〇一二两三四五六七八九十百千万]+)"
# 主动公开 … (信息|文件|条目) … N (余|多)? 条 — a few non-digit characters between, no clause break inside.
_PROACTIVE = re.compile(r"主动公开(?P<what>[^，,、0-9０-９]{0,16}?)" + _NUMBER + r"\s*(?P<approx>余|多)?\s*条")
_YEAR = re.compile(r"(?P<y>(?:19|20)[0-9]{2})\s*年")


@dataclass(frozen=True)
class TextFigure:
    """A figure read from the text: indicator code, value, whether the text says it is approximate, the sentence."""

    indicator: str
    value: float
    approximate: bool
    sentence: str


def _number(text: str) -> float | None:
    s = text.translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace(",", "").replace("，", "")
    if s.isdigit():
        return float(s)
    import cn2an  # a second to import: loaded when a figure in words is met, not by every command line start

    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def proactive_items(text: str, year: int | None = None) -> TextFigure | None:
    """The 主动公开政府信息 N 条 figure of a report's narrative (its first statement), or None when not stated."""
    for sentence in _SENTENCE.findall(text if isinstance(text, str) else ""):
        for m in _PROACTIVE.finditer(sentence):
            what = m.group("what")
            if "其中" in what or not re.search(r"信息|文件|条目|内容", what + sentence[m.end():m.end() + 2]):
                continue
            before = sentence[: m.start()]
            years = [int(y.group("y")) for y in _YEAR.finditer(before)]
            if year is not None and years and years[-1] != year:
                continue  # "2022年主动公开…" in a 2023 report is last year's figure
            value = _number(m.group("num"))
            if value is None:
                continue
            return TextFigure("proactive_items", value, bool(m.group("approx")), sentence.strip())
    return None
