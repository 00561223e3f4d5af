"""Generate report files for simulated agencies and years, with a truth file for each and a manifest."""

from __future__ import annotations

import copy
import json
import random
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.synth import defects as dfx
from dashboard.synth.county import Agency, build_agencies
from dashboard.synth.document import PrintedReport, printed_report
from dashboard.synth.narrative import sections
from dashboard.synth.numbers import AgencyState, report_numbers
from dashboard.synth.writers import SUFFIX
from dashboard.synth.writers.docx import write_docx
from dashboard.synth.writers.html import write_html
from dashboard.synth.writers.md import write_md
from dashboard.synth.writers.pdf import write_pdfs

FORMATS = ("html", "pdf", "docx", "md")


@dataclass
class SynthResult:
    """What a generation run wrote: paths, truth records, counts."""

    out: Path
    agencies: list[Agency]
    truths: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def counts(self) -> dict:
        """Reports per format, defects and patterns per kind."""
        return {
            "agencies": len(self.agencies),
            "reports": len(self.truths),
            "formats": dict(Counter(t["format"] for t in self.truths)),
            "defects": dict(Counter(d["kind"] for t in self.truths for d in t["defects"])
                            + Counter(m["kind"] for m in self.missing)),
            "patterns": dict(Counter(p["kind"] for t in self.truths for p in t["patterns"])),
        }


def parse_years(text: str) -> list[int]:
    """'2019-2024' or '2023' → the list of years."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~]\s*(\d{4}))?\s*", text)
    if not m:
        raise ValueError(f"年份范围格式应为 2019-2024 / years must look like 2019-2024: {text!r}")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise ValueError(f"年份范围颠倒 / the range is reversed: {text!r}")
    return list(range(first, last + 1))


def _assign_formats(rng: random.Random, agencies: list[Agency], years: list[int], formats: list[str],
                    few: dict[str, int], missing: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Each agency keeps a habit (80% of its reports in one format); `few` puts exactly n reports in a format."""
    plan: dict[tuple[int, int], str] = {}
    for i, agency in enumerate(agencies):
        agency.fmt_pref = rng.choice(formats)
        for year in years:
            plan[(i, year)] = agency.fmt_pref if rng.random() < 0.8 else rng.choice(formats)
    keys = sorted(k for k in plan if k not in missing)
    rng.shuffle(keys)
    for fmt, n in few.items():
        for key in keys[:n]:
            plan[key] = fmt
        keys = keys[n:]
    return plan


def _choose_defects(rng: random.Random, keys: list[tuple[int, int]], first_year: int, rate: float) -> dict:
    """(agency index, year) → defect kind, no report twice; a copied narrative needs last year's report."""
    n = dfx.per_kind(len(keys), rate)
    targets: dict[tuple[int, int], str] = {}
    for kind in ["missing_report", "copied_narrative", "r1_sum", "r4_sum", "unit_slip", "blank_total"]:
        eligible = [k for k in keys if k not in targets]
        if kind == "copied_narrative":
            eligible = [(a, y) for a, y in eligible if y > first_year and targets.get((a, y - 1)) != "missing_report"]
        for key in rng.sample(eligible, min(n, len(eligible))):
            targets[key] = kind
    return targets


def _plant(rng: random.Random, kind: str, rep: dict, previous: dict | None) -> list[dict]:
    if kind == "r1_sum":
        return [dfx.plant_r1(rng, rep).as_dict()]
    if kind == "r4_sum":
        return [dfx.plant_r4(rng, rep).as_dict()]
    if kind == "unit_slip":
        return [dfx.plant_unit_slip(rng, rep).as_dict()]
    if kind == "blank_total":
        return [dfx.plant_blank_total(rep).as_dict()]
    if kind == "copied_narrative" and previous is not None:
        return [dfx.plant_copied_narrative(rep, previous).as_dict()]
    return []


def _patterns(rep: dict) -> list[dict]:
    out = []
    if rep["template"] == "2019" and rep["year"] >= 2021:
        out.append({"kind": "late_adopter", "rule": dfx.PATTERN_RULES["late_adopter"], "cells": [],
                    "note": f"{rep['year']}年报告仍使用2019年版格式"})
    if rep["template"] == "2021" and rep["applications_layout"] == "2019":
        out.append({"kind": "hybrid", "rule": dfx.PATTERN_RULES["hybrid"], "cells": [],
                    "note": "第二部分为2021年版，第三部分（六）仍为2019年版的单行"})
    return out


def _fix_timestamps(path: Path, year: int) -> None:
    """Stamp a fixed date into the file so that the same seed gives the same bytes (and the same sha256)."""
    if path.suffix == ".docx":
        tmp = path.with_suffix(".docx.tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                fixed = zipfile.ZipInfo(info.filename, date_time=(year + 1, 1, 15, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(fixed, data)
        tmp.replace(path)
    elif path.suffix == ".pdf":
        data = path.read_bytes()
        stamp = f"D:{year + 1}0115000000".encode()
        data = re.sub(rb"D:\d{14}", lambda m: stamp, data)
        path.write_bytes(data)


def synthesize(out: Path, n_agencies: int, years: list[int], formats: list[str], seed: int = 0,
               rate: float = dfx.DEFAULT_RATE, few: dict[str, int] | None = None,
               agencies: list[Agency] | None = None) -> SynthResult:
    """Write report files under out/reports, truth JSON under out/truth, and out/manifest.json."""
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"未知格式 / unknown formats: {bad or formats}; 可选 / choose from {', '.join(FORMATS)}")
    rng = random.Random(seed)
    agencies = agencies if agencies is not None else build_agencies(rng, n_agencies)
    keys = [(i, y) for i in range(len(agencies)) for y in years]
    targets = _choose_defects(rng, keys, years[0], rate)
    missing = {k for k, kind in targets.items() if kind == "missing_report"}
    plan = _assign_formats(rng, agencies, years, formats, few or {}, missing)
    result = SynthResult(out, agencies)
    pdf_jobs: list[tuple[PrintedReport, Path]] = []
    for i, agency in enumerate(agencies):
        arng = random.Random(f"{seed}:{agency.name}")
        state = AgencyState()
        previous: dict | None = None
        for year in years:
            kind = targets.get((i, year))
            rep = report_numbers(arng, agency, year, state)
            found = _plant(arng, kind, rep, None) if kind in ("r1_sum", "r4_sum") else []
            rep["sections"] = sections(arng, rep, agency.kind, agency.short_name,
                                       previous["sections"] if previous else None)
            if kind and kind not in ("r1_sum", "r4_sum", "missing_report"):
                found += _plant(arng, kind, rep, previous)
            if kind == "missing_report":
                result.missing.append({"kind": "missing_report", "rule": "MISSING", "agency": agency.name,
                                       "year": year, "note": "该年度报告未发布（文件缺失）"})
                previous = None
                continue
            fmt = plan[(i, year)]
            folder = out / "reports" / agency.county
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{agency.name}-{year}{SUFFIX[fmt]}"
            doc = printed_report(rep, agency.unit_style, stem=path.stem, wrap=arng.random() < 0.3)
            if fmt == "html":
                write_html(doc, path, agency.region)
            elif fmt == "md":
                write_md(doc, path, arng)
            elif fmt == "docx":
                write_docx(doc, path)
                _fix_timestamps(path, year)
            else:
                pdf_jobs.append((doc, path))
            truth = {**rep, "cell_flags": rep.get("cell_flags", {}), "source": path.name, "format": fmt,
                     "defects": found, "patterns": _patterns(rep),
                     "synth": {"simulated": True, "kind": agency.kind, "short_name": agency.short_name,
                               "region": agency.region, "applications_layout": rep["applications_layout"],
                               "seed": seed}}
            truth.pop("applications_layout")
            tfolder = out / "truth" / agency.county
            tfolder.mkdir(parents=True, exist_ok=True)
            (tfolder / f"{path.stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1),
                                                       encoding="utf-8")
            result.truths.append(truth)
            result.files.append(path)
            previous = copy.deepcopy(rep)
    write_pdfs(pdf_jobs)
    for _, path in pdf_jobs:
        _fix_timestamps(path, int(path.stem.rsplit("-", 1)[1]))
    manifest = {"seed": seed, "years": years, "formats": formats, "rate": rate, **result.counts(),
                "missing": result.missing, "agencies": [a.as_registry_row() for a in agencies]}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return result
