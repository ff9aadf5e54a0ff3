"""Forgiving lookup: normalise text, try exact names, then fuzzy matching.

A wrong guess is worse than a question, so when two different entries match
about equally well the caller gets all of them back, never a pick.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Accept a fuzzy match at or above this score (0-100) ...
ACCEPT = 85.0
# ... unless another entry scores within this margin of it. WRatio scores
# partial matches at up to 90, so a narrow margin would let "spinal cord stim"
# pick the trial over the implant; 6 keeps such near-ties a question.
TIE_MARGIN = 6.0
# Entries scoring at least this are offered as "did you mean" suggestions.
SUGGEST = 55.0
MAX_SUGGESTIONS = 5

_BRITISH = (
    ("isation", "ization"), ("ising", "izing"), ("anaesth", "anesth"), ("haem", "hem"),
    ("oedema", "edema"), ("paediatr", "pediatr"), ("orthopaed", "orthoped"),
    ("tumour", "tumor"), ("centre", "center"), ("fibre", "fiber"), ("oestr", "estr"),
)
_WORD_SYNONYMS = {"disk": "disc", "disks": "discs"}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case, ASCII-fold, American spelling, singular, single-spaced."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\u2019", "")
    words = []
    for word in _NON_WORD.sub(" ", folded).split():
        word = _WORD_SYNONYMS.get(word, word)
        for british, american in _BRITISH:
            word = word.replace(british, american)
        words.append(_singular(word))
    return " ".join(words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Match:
    """What a query resolved to: one id, several (ambiguous), or none with suggestions."""

    ids: tuple[str, ...]
    exact: bool
    suggestions: tuple[str, ...] = ()


class Matcher:
    """Index of entry ids by every name they answer to."""

    def __init__(self, names: Mapping[str, Iterable[str]]) -> None:
        self._by_key: dict[str, list[str]] = {}
        for entry_id, entry_names in names.items():
            for name in (entry_id, *entry_names):
                key = normalise(name)
                if key:
                    ids = self._by_key.setdefault(key, [])
                    if entry_id not in ids:
                        ids.append(entry_id)
        self._keys = list(self._by_key)

    def match(self, query: str) -> Match:
        key = normalise(query)
        if not key:
            return Match((), exact=False)
        if key in self._by_key:
            return Match(tuple(self._by_key[key]), exact=True)
        scores = self._fuzzy(key)
        if not scores:
            return Match((), exact=False)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        best = ranked[0][1]
        if best >= ACCEPT:
            close = tuple(entry for entry, score in ranked if score >= best - TIE_MARGIN)
            return Match(close, exact=False)
        suggestions = tuple(entry for entry, score in ranked[:MAX_SUGGESTIONS]
                            if score >= SUGGEST)
        return Match((), exact=False, suggestions=suggestions)

    def _fuzzy(self, key: str) -> dict[str, float]:
        from rapidfuzz import fuzz, process  # only when the exact lookup failed

        best: dict[str, float] = {}
        for _, score, index in process.extract(
            key, self._keys, scorer=fuzz.WRatio, limit=None, score_cutoff=SUGGEST
        ):
            for entry_id in self._by_key[self._keys[index]]:
                best[entry_id] = max(best.get(entry_id, 0.0), float(score))
        return best
