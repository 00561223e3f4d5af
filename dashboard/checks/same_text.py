"""SAME_TEXT (内容雷同): a narrative section nearly identical to the same unit's previous-year report, or to another
unit's report of the same year (a template filled in unchanged).

The 2021 format's instructions name 内容雷同、敷衍塞责 among the faults pursued under 条例 第四十七条. Texts are
compared without digits, dates and punctuation (a copy with new figures is still a copy); the finding gives the
similarity and the passages both texts share. A warning: similar wording may be an office's shared template
used in good faith.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from dashboard.checks.model import CheckContext, Finding, Report

RULE = "SAME_TEXT"
THRESHOLD = 90.0  # rapidfuzz ratio (0–100) after dropping digits and spaces
MIN_CHARS = 60  # shorter texts ("无。") are alike by nature
SECTIONS = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况"}
PASSAGES_SHOWN = 3
PASSAGE_MIN_CHARS = 20  # a shared sentence shorter than this is a set phrase, not a copied passage
PASSAGE_SHOWN_CHARS = 60
_NOISE = re.compile(r"[\s\d０-９年月日，。、；：,.;:（）()“”\"'《》]+")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


def comparable(text: str) -> str:
    """The text without digits, dates and punctuation, so that a copy with new figures still counts as a copy."""
    return _NOISE.sub("", text or "")


def shared_passages(a: str, b: str) -> list[str]:
    """The sentences of `a` that `b` also has (compared without digits and punctuation), as `a` prints them."""
    theirs = {comparable(s) for s in _SENTENCE.findall(b or "")}
    out, seen = [], set()
    for s in _SENTENCE.findall(a or ""):
        key = comparable(s)
        if len(key) >= PASSAGE_MIN_CHARS and key in theirs and key not in seen:
            seen.add(key)
            out.append(s.strip())
    return out


def _quoted(passages: list[str]) -> str:
    shown = [p if len(p) <= PASSAGE_SHOWN_CHARS else p[:PASSAGE_SHOWN_CHARS] + "……" for p in passages[:PASSAGES_SHOWN]]
    more = f"等 {len(passages)} 处" if len(passages) > PASSAGES_SHOWN else ""
    return ("相同段落：" + "；".join(f"「{p}」" for p in shown) + more + "。") if shown else ""


def _section(report: Report, code: str) -> str:
    text = (report.get("sections") or {}).get(code)
    return text if isinstance(text, str) else ""


def _previous_year(report: Report, prev: Report) -> list[Finding]:
    out: list[Finding] = []
    for code, title in SECTIONS.items():
        mine, theirs = _section(report, code), _section(prev, code)
        a, b = comparable(mine), comparable(theirs)
        if len(a) < MIN_CHARS or len(b) < MIN_CHARS:
            continue
        score = fuzz.ratio(a, b)
        if score >= THRESHOLD:
            out.append(Finding(RULE, "warning",
                               f"“{title}”与{prev.get('year')}年度报告内容雷同（相似度 {score:.0f}%），"
                               f"请核对是否照搬上年内容。{_quoted(shared_passages(mine, theirs))}", [f"sections.{code}"],
                               f"section {code} is {score:.0f}% similar to the previous year's"))
    return out


def _other_units(report: Report, peers: Iterable[Report]) -> list[Finding]:
    """Per section, the most similar other unit's report of the same year, when at or above THRESHOLD."""
    out: list[Finding] = []
    me = report.get("agency")
    for code, title in SECTIONS.items():
        mine = _section(report, code)
        a = comparable(mine)
        if len(a) < MIN_CHARS:
            continue
        best: tuple[float, Report] | None = None
        for peer in peers:
            if peer is report or not isinstance(peer, dict) or (me and peer.get("agency") == me):
                continue
            b = comparable(_section(peer, code))
            if len(b) < MIN_CHARS:
                continue
            score = fuzz.ratio(a, b, score_cutoff=best[0] if best else THRESHOLD)
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, peer)
        if best:
            score, peer = best
            who = peer.get("agency") or "另一单位"
            out.append(Finding(RULE, "warning",
                               f"“{title}”与{who}同年度（{peer.get('year')}年度）报告内容雷同（相似度 {score:.0f}%），"
                               f"请核对是否套用他人报告。{_quoted(shared_passages(mine, _section(peer, code)))}",
                               [f"sections.{code}"],
                               f"section {code} is {score:.0f}% similar to another unit's report of the same year"))
    return out


def check(report: Report, ctx: CheckContext) -> list[Finding]:
    """Warnings for narrative sections alike (≥ THRESHOLD) to last year's, or to another unit's of the same year."""
    out = _previous_year(report, ctx.previous) if ctx.previous else []
    peers = getattr(ctx, "peers", None)
    if peers:
        out += _other_units(report, [p for p in peers if p.get("year") == report.get("year")])
    return out
