"""Compare what the parser and the checks make of generated files with the generator's truth."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_SPACE = re.compile(r"\s+")
TABLES = ("disclosure", "applications", "appeals")


def load_truths(out: Path) -> list[dict]:
    """Every truth record under out/truth, sorted by source name."""
    return sorted((json.loads(p.read_text(encoding="utf-8")) for p in (out / "truth").rglob("*.json")),
                  key=lambda t: (t["synth"]["region"], t["source"]))


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-6
    return a == b


def cell_diffs(truth: dict, parsed: dict) -> list[str]:
    """Every identity key, cell and section where the parsed report differs from the truth ('key: truth ≠ parsed')."""
    out = [f"{k}: {truth[k]!r} ≠ {parsed.get(k)!r}" for k in ("agency", "year", "template")
           if not _same(truth[k], parsed.get(k))]
    for tbl in TABLES:
        t, p = truth.get(tbl) or {}, parsed.get(tbl) or {}
        for row in sorted(set(t) | set(p)):
            tr, pr = t.get(row) or {}, p.get(row) or {}
            for col in sorted(set(tr) | set(pr)):
                tv, pv = tr.get(col, "（无此格）"), pr.get(col, "（无此格）")
                if not _same(tv, pv):
                    out.append(f"{tbl}.{row}.{col}: {tv!r} ≠ {pv!r}")
    for code, body in (truth.get("sections") or {}).items():
        got = (parsed.get("sections") or {}).get(code) or ""
        if _SPACE.sub("", body) != _SPACE.sub("", got):
            out.append(f"sections.{code}: text differs")
    return out


@dataclass
class FindingScore:
    """Planted defects (and format patterns) found or missed; findings on clean reports."""

    found: Counter = field(default_factory=Counter)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (source, rule)
    clean_findings: list[tuple[str, str, str]] = field(default_factory=list)  # (source, rule, message)
    clean_reports: int = 0


def score_findings(truths: list[dict], findings: dict[str, list[tuple[str, str]]]) -> FindingScore:
    """findings: source name → [(rule, message)] as stored. A clean report has no defect and no pattern."""
    score = FindingScore()
    for t in truths:
        expected = {d["rule"] for d in t["defects"] + t["patterns"]}
        got = findings.get(t["source"], [])
        rules = {r for r, _ in got}
        for rule in sorted(expected):
            if rule in rules:
                score.found[rule] += 1
            else:
                score.missed.append((t["source"], rule))
        if not expected:
            score.clean_reports += 1
            score.clean_findings += [(t["source"], r, m) for r, m in got]
    return score


def stored_findings(con: object) -> dict[str, list[tuple[str, str]]]:
    """source name → [(rule, message)] of current reports, read from a store connection."""
    rows = con.execute("""select r.source_name, f.rule, f.message from findings f
                          join current_reports r using (report_id)""").fetchall()  # type: ignore[attr-defined]
    out: dict[str, list[tuple[str, str]]] = {}
    for source, rule, message in rows:
        out.setdefault(source, []).append((rule, message))
    return out
