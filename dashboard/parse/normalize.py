"""Label normalization and cell reading: the two places where printed text becomes something comparable."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")
_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_CIRCLED = re.compile(r"[①-⑳]")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞＂＇`]")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "−": "-", "～": "~", "、": "、"})
# Numbering that precedes a label: 一、 （一） (1) 1. 1、 ① 第一部分 表二： — possibly several in a row.
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十]+(?:部分|项|章)[:：、.]?|表[一二三四五六七八九十\d]+[:：、.]?|"
    r"[一二三四五六七八九十]+[、.．)）]|[(（][一二三四五六七八九十\d]+[)）][、.]?|\d{1,2}(?:[.．、)）](?!\d))|[①-⑳])"
)


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """Comparable form of a label: NFKC (full→half width), simplified characters, no spaces, quotes or decoration."""
    s = _CIRCLED.sub(lambda m: f"{ord(m.group()) - 0x245F}.", text)  # ① → "1." (NFKC would make it a bare 1)
    s = unicodedata.normalize("NFKC", s)
    s = _T2S.convert(s)
    s = _SPACE.sub("", s)
    s = _QUOTES.sub("", s)
    s = s.translate(_DASHES)
    return unicodedata.normalize("NFKC", s.strip("#*_>|:："))


@lru_cache(maxsize=65536)
def strip_numbering(label: str) -> str:
    """A normalized label without its leading numbering (一、 / （三） / 2. / ① …)."""
    prev = None
    s = label
    while prev != s:
        prev = s
        s = _NUMBERING.sub("", s, count=1).lstrip("、.:：")
    return s


PLACEHOLDERS = {"-", "--", "---", "/", "\\", "无", "空", "×", "x", "X", "*", "~", "n/a", "N/A", "NA", "—", "——", "/ /"}
_UNIT = r"(?:万元|亿元|千元|元|件|个|项|条|次|人|宗|起|%|‰)"
_NUMBER = re.compile(
    r"^(?P<sign>[+\-]|增加?|减少?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    rf"(?P<unit>{_UNIT})?(?P<note>[(（\[【].*)?$"
)
# Only the numeral for nothing: a lone 一/二 in a cell is far more often a row number than a value.
_CN_ZERO = {"零", "〇"}


@dataclass(frozen=True)
class CellValue:
    """What one value cell says: a number (with unit and note) or null, and why it is null."""

    value: int | float | None
    printed: str
    flag: str | None = None  # "blank" | "placeholder" | "unreadable" | None
    unit: str | None = None
    note: str | None = None


def is_placeholder(norm: str) -> bool:
    """True for cells that say 'nothing' without a number: —, /, 无."""
    return norm in PLACEHOLDERS or bool(norm) and set(norm) <= set("-—/\\、.·~×xX*")


@lru_cache(maxsize=65536)
def read_number(text: str) -> CellValue | None:
    """Read a value cell; None when the text is not a value at all (it is a label)."""
    printed = text.strip()
    s = unicodedata.normalize("NFKC", printed)
    s = _SPACE.sub("", s).translate(_DASHES)
    if not s:
        return CellValue(None, printed, "blank")
    if is_placeholder(s):
        return CellValue(None, printed, "placeholder")
    m = _NUMBER.match(s)
    if m:
        raw = m.group("num").replace(",", "")
        value: int | float = float(raw) if "." in raw else int(raw)
        sign = m.group("sign") or ""
        if sign in ("-",) or sign.startswith("减"):
            value = -value
        note = m.group("note")
        return CellValue(value, printed, None, m.group("unit"), note.strip("()（）[]【】") if note else None)
    if s in _CN_ZERO:
        return CellValue(0, printed, None)
    return None
