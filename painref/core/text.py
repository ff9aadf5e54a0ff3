"""Text as lookup and search compare it: one spelling, one case, single words.

Shared by the catalog (which indexes names) and the queries (which look them up).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Words that join others and name nothing.
STOPWORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to"}
    | {"with", "without", "my", "me", "i", "is", "are", "what", "s", "due", "not", "nos"}
)
# Words that say nothing about which entry is meant; they weigh nothing.
GENERIC = frozenset(
    {"procedure", "injection", "shot", "treatment", "surgery", "therapy", "operation"}
    | {"left", "right", "bilateral", "unilateral", "side", "unspecified", "other"}
    | {"chronic", "acute", "primary", "secondary", "site", "region", "level", "multiple"}
    | {"disorder", "disease", "condition", "associated", "elsewhere", "classified"}
    | {"initial", "subsequent", "encounter", "sequela"}
)

_BRITISH = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("anaesth", "anesth"),
    ("haem", "hem"),
    ("oedema", "edema"),
    ("paediatr", "pediatr"),
    ("orthopaed", "orthoped"),
    ("tumour", "tumor"),
    ("centre", "center"),
    ("fibre", "fiber"),
    ("oestr", "estr"),
)
# Every change of letters inside a word that normalising makes.
SPELLINGS = (*_BRITISH, ("disk", "disc"), ("'", ""), ("\u2019", ""))
_NON_WORD = re.compile(r"[^a-z0-9]+")
_ANY_BRITISH = re.compile("|".join(british for british, _ in _BRITISH))


def normalise(text: str) -> str:
    """Lower-case, ASCII-fold, American spelling, singular, single-spaced."""
    folded = text.casefold()
    if not folded.isascii():  # ASCII has no accents to fold
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
        folded = folded.replace("\u2019", "")
    folded = folded.replace("'", "")
    # Most text has no British spelling to change (and no "disk" that could make one).
    words = _NON_WORD.sub(" ", folded).split()
    if "disk" in folded or _ANY_BRITISH.search(folded) is not None:
        words = [_respell(word) for word in words]
    # Only a word ending in "s" can be a plural.
    return " ".join([_singular(word) if word[-1] == "s" else word for word in words])


def _respell(word: str) -> str:
    if word.startswith("disk"):
        word = "disc" + word[4:]  # disk, diskectomy, diskography: one spelling
    if _ANY_BRITISH.search(word):
        for british, american in _BRITISH:
            word = word.replace(british, american)
    return word


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def name_keys(entry_id: str, names: Iterable[str]) -> list[str]:
    """The normalised keys an entry answers to: its id and each of its names."""
    keys: list[str] = []
    for name in (entry_id, *names):
        key = normalise(name)
        if key and key not in keys:
            keys.append(key)
    return keys
