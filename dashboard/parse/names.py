"""Agency names in comparable form, and what the parser needs of a registry: pure functions, no files.

The registry itself (data/agencies.csv) is dashboard/registry.py; the parser receives it as an argument (anything
with the `NameBook` shape), so reading a report never needs the database or the data folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

_SPACE = re.compile(r"[\s\u3000]+")
_PUNCT = re.compile(r"[（）()·•、,，.。\"“”'‘’《》<>]")
_GOV_SUFFIX = re.compile(r"(人民政府|政府)$")


class NamedAgency(Protocol):
    """One registry entry as the parser sees it: its name and the match keys of its name and aliases."""

    name: str

    def keys(self) -> Iterable[str]: ...


class NameBook(Protocol):
    """The registry as the parser sees it: exact matching by name or alias, and every entry (for near matches)."""

    agencies: Any

    def match(self, name: str) -> Any: ...


def normalize_name(name: str) -> str:
    """Comparable form of an agency name: NFKC, no spaces or punctuation (红崖子沟乡 人民政府 → 红崖子沟乡人民政府)."""
    s = unicodedata.normalize("NFKC", name or "")
    return _PUNCT.sub("", _SPACE.sub("", s))


def name_key(name: str) -> str:
    """Match key: the normalized name without the 人民政府 / 办事处 suffix (红崖子沟乡人民政府 = 红崖子沟乡)."""
    s = _GOV_SUFFIX.sub("", normalize_name(name))
    return re.sub(r"街道办事处$", "街道", s)
