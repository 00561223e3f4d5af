"""The agency registry (data/agencies.csv) and the ONE place where an agency's kind (乡/镇/街道/部门/政府) is decided.

A report is matched to a registry entry by normalized name or alias only. rapidfuzz gives a suggestion for
the UNKNOWN_AGENCY finding, never a match: two townships with similar names are different townships.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from dashboard.parse.names import name_key, normalize_name
from dashboard.settings import DATA_DIR

__all__ = ["Agency", "Registry", "classify_kind", "name_key", "normalize_name", "KINDS", "REGISTRY_CSV"]

REGISTRY_CSV = DATA_DIR / "agencies.csv"
KINDS = ("乡", "镇", "街道", "部门", "政府")
_GOV_SUFFIX = re.compile(r"(人民政府|政府)$")
_DEPT_SUFFIX = re.compile(r"(局|委员会|委|办公室|办|中心|院|所|站|队|馆|署|厅|部|会|社|处|公司|集团|管理处)$")
_GOV_AREA = re.compile(r"(县|区|市|旗|自治县|自治旗|特区|林区|实验区|新区|开发区|管理委员会|管委会)$")
SUGGEST_MIN_SCORE = 80


def classify_kind(name: str, registry_kind: str | None = None) -> str:
    """乡/镇/街道/部门/政府: the registry's kind when it has one, else read from the name's ending."""
    if registry_kind in KINDS:
        return registry_kind
    s = normalize_name(name)
    if re.search(r"街道(办事处)?$|街道办$", s):
        return "街道"
    core = _GOV_SUFFIX.sub("", s)
    if core != s or not _DEPT_SUFFIX.search(s):
        if core.endswith("镇"):
            return "镇"
        if core.endswith("乡"):
            return "乡"
        if core != s or _GOV_AREA.search(core):
            return "政府"
    return "部门"


@dataclass
class Agency:
    """One registry row."""

    name: str
    kind: str
    region: str = ""
    aliases: list[str] = field(default_factory=list)
    short_name: str = ""
    expected_from: int | None = None  # first year a report is owed (NULL: every year)
    expected_to: int | None = None  # last year a report is owed (a merged or dissolved agency)

    def keys(self) -> set[str]:
        """Every key that identifies this agency: name, short name, aliases, region + name."""
        names = [self.name, self.short_name, *self.aliases]
        keys = {name_key(n) for n in names if n}
        if self.region:
            keys |= {name_key(self.region + n) for n in names if n and not n.startswith(self.region)}
        return keys


def short_name_of(name: str) -> str:
    """红崖子沟乡 for 红崖子沟乡人民政府, 某某街道 for 某某街道办事处; a department keeps its name."""
    return name_key(name)


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None  # "①".isdigit() is true, int() rejects it


def load_registry(path: Path | None = None) -> list[Agency]:
    """Read data/agencies.csv (columns name, aliases separated by |, kind, region; optional expected_from/to)."""
    path = path or REGISTRY_CSV
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            out.append(Agency(name, classify_kind(name, (row.get("kind") or "").strip() or None),
                              (row.get("region") or "").strip(), aliases, short_name_of(name),
                              _year(row.get("expected_from")), _year(row.get("expected_to"))))
    return out


@dataclass
class Match:
    """The outcome of matching a printed name: the registry entry, or None and a suggestion to check by hand."""

    agency: Agency | None
    suggestion: str | None = None


class Registry:
    """Lookup of printed names against the registry by exact normalized key."""

    def __init__(self, agencies: list[Agency]) -> None:
        self.agencies = agencies
        self._by_key: dict[str, Agency] = {}
        for a in agencies:
            for k in a.keys():
                self._by_key.setdefault(k, a)
        self._names = [a.name for a in agencies]
        self._fingerprint: str | None = None

    def fingerprint(self) -> str:
        """A digest of every row: two registries with the same one match every name alike (an ingest's worker uses
        what it computed against its own registry only when the writer's has the same fingerprint)."""
        if self._fingerprint is None:
            import hashlib

            rows = repr([(a.name, a.kind, a.region, a.aliases, a.short_name, a.expected_from, a.expected_to)
                         for a in self.agencies])
            self._fingerprint = hashlib.sha256(rows.encode("utf-8", "surrogatepass")).hexdigest()
        return self._fingerprint

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        """The registry of data/agencies.csv (or another file)."""
        return cls(load_registry(path))

    def match(self, printed: str) -> Match:
        """The registry entry whose name or alias normalizes to the printed name; else a fuzzy suggestion only."""
        hit = self._by_key.get(name_key(printed or ""))
        if hit:
            return Match(hit)
        best = process.extractOne(normalize_name(printed or ""), self._names, scorer=fuzz.WRatio) if self._names else None
        return Match(None, best[0] if best and best[1] >= SUGGEST_MIN_SCORE else None)


@cache
def default_registry() -> Registry:
    """The registry of data/agencies.csv, read once per process: what `nianbao parse` and the ingest pass the parser."""
    return Registry.load()
