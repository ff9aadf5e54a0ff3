"""Characters that must never reach a terminal as they are.

C0 controls except newline and tab, DEL, C1 controls, and the bidi embedding,
override and isolate controls can recolour a terminal, move its cursor or make
text read in a different order than it is stored. Catalogs that contain them
are refused at load time; anything else echoed back (queries, paths) is shown
with the character spelled out instead.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def describe(char: str) -> str:
    """A character's code point, as in U+001B."""
    return f"U+{ord(char):04X}"


def neutralise(text: str) -> str:
    """The text with each unsafe character written out visibly, as ``\\x1b`` or ``\\u202e``."""
    return UNSAFE.sub(_spell, text)


def _spell(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
