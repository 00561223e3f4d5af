"""Text from files and users as a terminal may print it (the command line and the ingest's progress bar)."""

from __future__ import annotations

import re

from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """Text from a file (a name, a title) as the terminal may print it: Rich markup escaped, control characters
    (newlines, ANSI escapes, bidi overrides) written as \\xNN so they cannot rewrite what the screen shows."""
    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                               else f"\\u{ord(m.group()):04x}", str(text)))


_ASCII_INT = re.compile(r"[0-9]{1,9}")


def ascii_int(text: str | None) -> int | None:
    """An integer written with ASCII digits only, or None ('²', '①', '٣', '-1', '1e3' and ten digits or more are
    not numbers here: str.isdigit() is true for '①', and int() rejects it). Links, ids typed by hand."""
    if text is None or not _ASCII_INT.fullmatch(text):
        return None
    return int(text)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'^%@/;?,])")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]+")


def md_literal(text: object) -> str:
    """Text from a URL, a file name, a report or a user, made safe to place inside Markdown that Streamlit renders
    (notices, captions, labels, expanders): every ASCII punctuation mark is backslash-escaped, so an image, a link,
    an emphasis, a colour or icon directive (`:red[…]`, `:material/…:`) or HTML shows literally and nothing is
    fetched; line breaks become spaces and other control characters are dropped."""
    s = _LINE_BREAK.sub(" ", str(text))
    s = "".join(ch for ch in s if ch.isprintable())
    return _MD_SPECIAL.sub(r"\\\1", s)
