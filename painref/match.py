"""Forgiving lookup: normalise text, try exact names, then careful fuzzy matching.

A wrong guess is worse than a question. Matching works on whole words, so
that "hip joint injection" can never become "SI joint injection":

1. exact: the normalised query is a name (also with its spaces removed);
2. full name: every query word matches a word of the name and every word of
   the name matches a query word, each allowing a typo (``kyfoplasty``);
3. most of a name: every query word is in the name and they make up more
   than half of it (``genicular block``, ``spinal cord stim``).

When several entries qualify at the first step that finds any, all of them
come back and the caller asks. Otherwise the answer is "not found", with
suggestions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # a type only: defining it costs start-up time
    from typing import Protocol

    class NameStore(Protocol):
        """Where a matcher finds names: a few dictionaries, or the compiled index."""

        def ids(self, key: str) -> list[str]:
            """Ids of the entries whose normalised name is `key`."""

        def ids_compact(self, compact: str) -> list[str]:
            """Ids of the entries whose normalised name without spaces is `compact`."""

        def vocabulary(self) -> list[str]:
            """Every distinct word of every name."""

        def keys_with(self, words: Collection[str]) -> set[str]:
            """Names that contain at least one of `words`."""

        def keys(self) -> list[str]:
            """Every normalised name."""

        def keys_starting(self, prefix: str) -> list[tuple[str, str]]:
            """(normalised name, id) pairs whose name starts with `prefix`, by name."""


# A query word matches a name word at or above this similarity, or as a prefix
# of at least PREFIX_MIN letters.
WORD_ACCEPT = 80.0
PREFIX_MIN = 3
# Suggestions: at least this similar, and within SUGGEST_SPREAD of the best.
SUGGEST = 65.0
SUGGEST_SPREAD = 15.0
MAX_SUGGESTIONS = 5
MIN_SUGGEST_QUERY = 3
STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "the", "to", "with"})

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
_WORD_SYNONYMS = {"disk": "disc", "disks": "discs"}
# Every change of letters inside a word that normalising makes.
SPELLINGS = (*_BRITISH, ("disk", "disc"), ("'", ""), ("\u2019", ""))
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


class Match(NamedTuple):
    """What a query resolved to: one id, several (ask), or none with suggestions."""

    ids: tuple[str, ...]
    exact: bool
    suggestions: tuple[str, ...] = ()


class NamesInDicts:
    """A name store held in memory."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._by_key: dict[str, list[str]] = {}
        self._by_compact: dict[str, list[str]] = {}
        for key, entry_id in pairs:
            _add(self._by_key, key, entry_id)
            _add(self._by_compact, key.replace(" ", ""), entry_id)
        self._by_word: dict[str, set[str]] | None = None

    def ids(self, key: str) -> list[str]:
        return self._by_key.get(key, [])

    def ids_compact(self, compact: str) -> list[str]:
        return self._by_compact.get(compact, [])

    def _words(self) -> dict[str, set[str]]:
        if self._by_word is None:
            self._by_word = {}
            for key in self._by_key:
                for word in key.split():
                    self._by_word.setdefault(word, set()).add(key)
        return self._by_word

    def vocabulary(self) -> list[str]:
        return list(self._words())

    def keys_with(self, words: Collection[str]) -> set[str]:
        by_word = self._words()
        return {key for word in words for key in by_word.get(word, ())}

    def keys(self) -> list[str]:
        return list(self._by_key)

    def keys_starting(self, prefix: str) -> list[tuple[str, str]]:
        return [
            (key, entry_id)
            for key in sorted(self._by_key)
            if key.startswith(prefix)
            for entry_id in self._by_key[key]
        ]


class Matcher:
    """Finds entry ids by every name they answer to."""

    def __init__(self, names: Mapping[str, Iterable[str]] | NameStore) -> None:
        if isinstance(names, Mapping):
            names = NamesInDicts(
                (key, entry_id) for entry_id, entry_names in names.items()
                for key in name_keys(entry_id, entry_names)
            )  # fmt: skip
        self._store = names
        self._vocabulary: set[str] | None = None

    def exact(self, key: str) -> tuple[str, ...]:
        """Ids whose normalised name is `key`, or is `key` without its spaces."""
        return tuple(self._store.ids(key) or self._store.ids_compact(key.replace(" ", "")))

    def starting(self, typed: str) -> list[tuple[str, str]]:
        """(name, id) pairs whose normalised name begins with what was typed."""
        return self._store.keys_starting(normalise(typed))

    def match(self, query: str) -> Match:
        key = normalise(query)
        if not key:
            return Match((), exact=False)
        exact = self.exact(key)
        if exact:
            return Match(exact, exact=True)
        words = [word for word in key.split() if word not in STOPWORDS] or key.split()
        full: set[str] = set()
        most: set[str] = set()
        for name in sorted(self._containing_all(words)):
            name_words = [w for w in name.split() if w not in STOPWORDS]
            ids = self._store.ids(name)
            if all(any(self._word_matches(q, w) for q in words) for w in name_words):
                full.update(ids)
            elif len(words) * 2 > len(name_words):
                most.update(ids)
        for found in (full, most):
            if found:
                return Match(tuple(sorted(found)), exact=False)
        return Match((), exact=False, suggestions=self._suggestions(key))

    def _words(self) -> set[str]:
        if self._vocabulary is None:
            self._vocabulary = set(self._store.vocabulary())
        return self._vocabulary

    def _containing_all(self, words: list[str]) -> set[str]:
        """Names that contain every query word (typos and prefixes allowed)."""
        found: set[str] | None = None
        for query_word in words:
            if query_word in self._words():
                # A whole word means itself: "disc" is no prefix of "discography".
                matching = self._store.keys_with([query_word])
            else:
                matching = self._store.keys_with(self._near(query_word))
            found = matching if found is None else found & matching
            if not found:
                return set()
        return found or set()

    def _near(self, query_word: str) -> set[str]:
        """Words of names that the query word misspells or begins."""
        from rapidfuzz import fuzz, process  # only when the exact lookup failed

        vocabulary = list(self._words())
        near = {
            word
            for word, _, _ in process.extract(
                query_word, vocabulary, scorer=fuzz.ratio, limit=None, score_cutoff=WORD_ACCEPT
            )
        }
        if len(query_word) >= PREFIX_MIN:
            near.update(word for word in vocabulary if word.startswith(query_word))
        return near

    def _word_matches(self, query_word: str, word: str) -> bool:
        """A query word stands for a name word: the same word, or, unless it is a
        whole word of some name itself, a prefix of it or a near miss."""
        from rapidfuzz import fuzz

        if query_word == word:
            return True
        if query_word in self._words():
            return False
        if len(query_word) >= PREFIX_MIN and word.startswith(query_word):
            return True
        return fuzz.ratio(query_word, word) >= WORD_ACCEPT

    def _suggestions(self, key: str) -> tuple[str, ...]:
        from rapidfuzz import fuzz, process

        if len(key) < MIN_SUGGEST_QUERY:
            return ()  # a letter or two matches everything a little

        best: dict[str, float] = {}
        for name, score, _ in process.extract(
            key, self._store.keys(), scorer=fuzz.WRatio, limit=None, score_cutoff=SUGGEST
        ):
            for entry in self._store.ids(name):
                best[entry] = max(best.get(entry, 0.0), float(score))
        if not best:
            return ()
        top = max(best.values())
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return tuple(e for e, s in ranked[:MAX_SUGGESTIONS] if s >= top - SUGGEST_SPREAD)


def name_keys(entry_id: str, names: Iterable[str]) -> list[str]:
    """The normalised keys an entry answers to: its id and each of its names."""
    keys: list[str] = []
    for name in (entry_id, *names):
        key = normalise(name)
        if key and key not in keys:
            keys.append(key)
    return keys


def _add(index: dict[str, list[str]], key: str, entry_id: str) -> None:
    ids = index.setdefault(key, [])
    if entry_id not in ids:
        ids.append(entry_id)
