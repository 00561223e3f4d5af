"""False alarms of the review rules (issue 22): every real report of the corpus and the demo, checked as an office
reviews a round (each report against its unit's previous year and the same year's other units).

Prints, per rule and data set: reports checked, errors, warnings, advice (info). The data sets: the corpus, its
renderings by other tools (tests/fixtures/variants) and the demo. On the corpus every error of a
review rule is a false alarm (the corpus reports were checked by hand: R4 of 洪泽区 2023 is the only real error,
VERSION_YEAR of 红崖子沟乡 2021 the only real version fault); the goal is 0. `--show` lists every finding.

    python bench/review_false_alarms.py [--no-scans] [--no-demo] [--show]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.checks import rule_codes  # noqa: E402
from dashboard.checks.review_batch import Entry, check_batch  # noqa: E402
from dashboard.errors import ReportError  # noqa: E402
from dashboard.parse import parse_file  # noqa: E402
from dashboard.registry import Registry, classify_kind  # noqa: E402

CORPUS_DIRS = [ROOT / "tests" / "fixtures", ROOT.parent.parent / "shared" / "corpus", Path("/work/shared/corpus")]
REVIEW_RULES = ["SECTION_ORDER", "ROWS_COMPLETE", "PROBLEMS_MEASURES", "FEE_REPORT", "TITLE", "LATE",
                "SAME_TEXT", "TEXT_TABLE", "VERSION_YEAR"]


def corpus_files(with_scans: bool) -> list[Path]:
    """Every real report listed in the corpus indexes (tests/fixtures, ../shared/corpus), one per file name."""
    seen: dict[str, Path] = {}
    for folder in CORPUS_DIRS:
        index = folder / "INDEX.tsv"
        if not index.exists():
            continue
        for line in index.read_text("utf-8").splitlines()[1:]:
            name, fmt = (line.split("\t") + [""])[:2]
            if name and (with_scans or fmt != "scan") and name not in seen and (folder / name).exists():
                seen[name] = folder / name
    return list(seen.values())


def entry_for(record: dict, registry: Registry, name: str) -> Entry:
    """An Entry with the unit's kind as the registry (or the name) says."""
    hit = registry.match(record.get("agency") or "")
    agency = getattr(hit, "agency", None)
    kind = classify_kind(record.get("agency") or "", agency.kind if agency else None)
    return Entry(record, kind, agency is not None, extra={"file": name})


def corpus_entries(with_scans: bool) -> list[Entry]:
    """The corpus reports parsed with their review facts."""
    registry = Registry.load()
    out = []
    for path in corpus_files(with_scans):
        try:
            out.append(entry_for(parse_file(path, registry), registry, path.name))
        except ReportError:
            continue  # not a report (the blank template): nothing to review
    return out


def variant_entries() -> list[Entry]:
    """The corpus reports as other tools and sites render them (tests/fixtures/variants: the same reports' figures)."""
    registry = Registry.load()
    out = []
    for path in sorted((ROOT / "tests" / "fixtures" / "variants").iterdir()):
        if path.suffix in (".json", ".py"):
            continue
        try:
            out.append(entry_for(parse_file(path, registry), registry, path.name))
        except ReportError:
            continue
    return out


def demo_entries(folder: Path) -> list[Entry]:
    """The demo's reports: the bundled real reports and the simulated county (as `nianbao demo` generates them)."""
    from dashboard.synth import synthesize
    from dashboard.synth.demo import (
        BUNDLED_REPORTS,
        DEMO_FEW,
        DEMO_SEED,
        DEMO_YEARS,
        ROUND_YEARS,
        demo_county,
        simulated_registry,
    )

    agencies = demo_county(DEMO_SEED)
    synth = synthesize(folder, len(agencies), DEMO_YEARS + ROUND_YEARS, ["html", "md"], seed=DEMO_SEED, few=DEMO_FEW,
                       agencies=agencies)
    registry = simulated_registry(agencies)
    out = []
    for path in sorted(BUNDLED_REPORTS.iterdir()) + sorted(synth.files):
        try:
            out.append(entry_for(parse_file(path, registry), registry, path.name))
        except ReportError:
            continue
    return out


def tally(entries: list[Entry], show: bool, console: Console, label: str) -> dict[str, Counter]:
    """rule → Counter(checked, error, warning, info) over the entries."""
    findings = check_batch(entries)
    out: dict[str, Counter] = {r: Counter() for r in REVIEW_RULES}
    for e, found in zip(entries, findings, strict=True):
        for r in REVIEW_RULES:
            out[r]["checked"] += 1
        for f in found:
            if f.rule in out:
                out[f.rule][f.severity] += 1
                if show:
                    console.print(f"[{label}] {e.extra.get('file')} {f.rule} {f.severity}: {f.message}",
                                  markup=False, highlight=False)
    return out


def coverage(entries: list[Entry]) -> str:
    """How many reports carry what SECTION_ORDER, TITLE and LATE read, and the closest pair of different units'
    narratives of one year (how far below SAME_TEXT's threshold the clean texts stay)."""
    from rapidfuzz import fuzz

    from dashboard.checks.same_text import MIN_CHARS, SECTIONS, comparable

    n = len(entries)
    heads = sum(1 for e in entries if e.report.get("headings"))
    titles = sum(1 for e in entries if e.report.get("title"))
    dates = sum(1 for e in entries if e.report.get("page_date") or e.report.get("printed_date"))
    best = 0.0
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if a.report.get("year") != b.report.get("year") or a.report.get("agency") == b.report.get("agency"):
                continue
            for code in SECTIONS:
                x = comparable((a.report.get("sections") or {}).get(code) or "")
                y = comparable((b.report.get("sections") or {}).get(code) or "")
                if len(x) >= MIN_CHARS and len(y) >= MIN_CHARS:
                    best = max(best, fuzz.ratio(x, y))
    return (f"{n} 份报告：有章节标题 {heads}，有标题 {titles}，有发布/落款日期 {dates}；"
            f"同年度不同单位正文最高相似度 {best:.1f}%（雷同阈值 90%）")


def main() -> None:
    """Parse, check, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-scans", action="store_true", help="skip the scanned PDFs of the corpus (OCR is slow)")
    ap.add_argument("--no-demo", action="store_true", help="skip the demo")
    ap.add_argument("--show", action="store_true", help="print every finding of the review rules")
    args = ap.parse_args()
    console = Console()
    assert set(REVIEW_RULES) <= set(rule_codes())
    t0 = time.perf_counter()
    sets = {"语料 corpus": corpus_entries(not args.no_scans), "变体 variants": variant_entries()}
    if not args.no_demo:
        with tempfile.TemporaryDirectory() as tmp:
            sets["演示 demo"] = demo_entries(Path(tmp))
    table = Table(title="审核规则误报 / review rules: findings per rule")
    for col in ("规则 rule", "数据 set", "报告数 checked", "错误 errors", "提醒 warnings", "提示 info"):
        table.add_column(col, no_wrap=True)
    for label, entries in sets.items():
        counts = tally(entries, args.show, console, label)
        for rule, c in counts.items():
            table.add_row(rule, label, str(c["checked"]), str(c["error"]), str(c["warning"]), str(c["info"]))
    console.print(table)
    for label, entries in sets.items():
        console.print(f"{label}: {coverage(entries)}", markup=False, highlight=False)
    console.print(f"用时 / seconds: {time.perf_counter() - t0:.1f}")


if __name__ == "__main__":
    main()
