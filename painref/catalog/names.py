"""Where lookup finds names: a store of (normalised name, id) pairs.

The catalog read from its files holds them in dictionaries (NamesInDicts); the
compiled index answers the same questions from its tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

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

        def word_entries(self) -> dict[str, int]:
            """Every distinct word of every name, with how many entries have it."""

        def total(self) -> int:
            """How many entries have names."""

        def keys_with(self, words: Collection[str]) -> set[str]:
            """Names that contain at least one of `words`."""

        def keys(self) -> list[str]:
            """Every normalised name."""

        def keys_starting(self, prefix: str) -> list[tuple[str, str]]:
            """(normalised name, id) pairs whose name starts with `prefix`, by name."""


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

    def word_entries(self) -> dict[str, int]:
        ids_of: dict[str, set[str]] = {}
        for word, keys in self._words().items():
            ids_of[word] = {entry for key in keys for entry in self._by_key[key]}
        return {word: len(ids) for word, ids in ids_of.items()}

    def total(self) -> int:
        return len({entry for ids in self._by_key.values() for entry in ids})

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


def _add(index: dict[str, list[str]], key: str, entry_id: str) -> None:
    ids = index.setdefault(key, [])
    if entry_id not in ids:
        ids.append(entry_id)
