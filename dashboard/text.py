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
