"""Damaged copies of real corpus reports, made in the test (issue 24): what an unlucky office or an attacker hands
the ingest beside the originals. Each function takes the original's bytes or text and returns the copy."""

from __future__ import annotations

import io
import re
import zipfile

_NUMBER_RUN = re.compile(r"(<w:t(?: [^>]*)?>)(\d{2,4})(</w:t>)")


def scrambled_docx(data: bytes, how_many: int = 30) -> bytes:
    """A Word report with the digits of its first `how_many` table figures scrambled (reversed, or rotated when the
    reversal reads the same); years and codes of 4 digits starting 20 are left alone."""
    src = zipfile.ZipFile(io.BytesIO(data))
    xml = src.read("word/document.xml").decode("utf-8")
    done = 0

    def swap(m: re.Match) -> str:
        nonlocal done
        digits = m.group(2)
        if done >= how_many or digits.startswith("20") or len(set(digits)) == 1:
            return m.group(0)
        new = digits[::-1] if digits[::-1] != digits else digits[1:] + digits[0]
        if new.startswith("0"):
            new = new.lstrip("0") + "9"
        done += 1
        return m.group(1) + new + m.group(3)

    xml = _NUMBER_RUN.sub(swap, xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = xml.encode("utf-8") if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(info, body)
    return out.getvalue()


def negative_counts(text: str, how_many: int = 33) -> str:
    """A text report with `how_many` of its zero counts printed as negative numbers (-3)."""
    count = 0

    def neg(m: re.Match) -> str:
        nonlocal count
        count += 1
        return "| -3 " if count <= how_many else m.group(0)

    return re.sub(r"\| 0 (?=\|)", neg, text)


def impostor(text: str, printed_agency: str, printed_year: int, agency: str, year: int) -> str:
    """Another agency's complete report retitled as this agency's report of this year."""
    return text.replace(printed_agency, agency).replace(str(printed_year), str(year))


def truncated(data: bytes, fraction: float) -> bytes:
    """The file cut after `fraction` of its bytes (a download that stopped)."""
    return data[: int(len(data) * fraction)]


def without_last_byte(data: bytes) -> bytes:
    """The file missing its last byte."""
    return data[:-1]


def dropped_line(text: str, pattern: str) -> str:
    """The text with the first line matching `pattern` left out."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if re.search(pattern, line):
            return "".join(lines[:i] + lines[i + 1:])
    raise ValueError(f"no line matches {pattern!r}")


def flipped_bit(text: str, word: str, at: int = 0) -> str:
    """The text with one bit of the UTF-8 bytes of `word`'s character `at` flipped wherever `word` appears."""
    raw = bytearray(word[at].encode("utf-8"))
    raw[-1] ^= 0x01
    return text.replace(word, word[:at] + raw.decode("utf-8", errors="replace") + word[at + 1:])
