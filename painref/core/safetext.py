"""Characters that must never reach a terminal as they are.

C0 controls except newline and tab, DEL, C1 controls, and the bidi embedding,
override and isolate controls can recolour a terminal, move its cursor or make
text read in a different order than it is stored. A lone surrogate stands for
a byte of a file name that is not UTF-8 (0x9B is a C1 control on some
terminals). Catalogs that contain them are refused at load time; anything else
echoed back (queries, paths) is shown with the character spelled out instead.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def describe(char: str) -> str:
    """A character's code point, as in U+001B."""
    return f"U+{ord(char):04X}"


def neutralise(text: str) -> str:
    """The text with each unsafe character written out visibly, as ``\\x1b`` or ``\\u202e``."""
    return UNSAFE.sub(_spell, text)


def shown_path(path: str) -> str:
    """A file name on one line of a message: unsafe characters, newlines and tabs
    spelled out, so a name can never forge another line or reach a terminal raw."""
    return neutralise(path).replace("\n", "\\n").replace("\t", "\\t")


def _spell(found: re.Match[str]) -> str:
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte Python could not decode: show that byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
