"""The index read back: each kind of record and the name tables, row by row as they
are asked for, every row checked; and, once a row proves damaged, the catalog files
answering in its place."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from painref.catalog import codec
from painref.catalog.codec import holds_unsafe
from painref.catalog.records import Catalog

if TYPE_CHECKING:
    from painref.catalog.names import NameStore

T = TypeVar("T")
D = TypeVar("D")


class IndexDamaged(Exception):
    """The index could not be read after it was opened."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


R = TypeVar("R")


class Fallback:
    """The catalog read from its files, once the index proves damaged mid-command:
    the index file is dropped (and rebuilt), and the files answer from then on."""

    def __init__(
        self, path: str, rebuilt: Callable[[], Catalog], discard: Callable[[str], None]
    ) -> None:
        self._path = path
        self._rebuilt = rebuilt
        self._discard = discard
        self.catalog: Catalog | None = None

    def answer(self, indexed: Callable[[], R], from_files: Callable[[Catalog], R]) -> R:
        if self.catalog is None:
            try:
                return indexed()
            except IndexDamaged:
                self._discard(self._path)
                self.catalog = self._rebuilt()
        return from_files(self.catalog)


class Records(Mapping[str, T]):
    """One kind of record from the index, or from the files once the index is damaged."""

    def __init__(
        self,
        stored: Stored[T],
        fallback: Fallback,
        of_catalog: Callable[[Catalog], Mapping[str, T]],
    ) -> None:
        self._stored = stored
        self._fallback = fallback
        self._of = of_catalog

    def __getitem__(self, record_id: str) -> T:
        return self._fallback.answer(
            lambda: self._stored[record_id], lambda c: self._of(c)[record_id]
        )

    def __contains__(self, record_id: object) -> bool:
        return self._fallback.answer(
            lambda: record_id in self._stored, lambda c: record_id in self._of(c)
        )

    @overload
    def get(self, record_id: str, /) -> T | None: ...
    @overload
    def get(self, record_id: str, /, default: T | D) -> T | D: ...
    def get(self, record_id: str, /, default: Any = None) -> Any:
        if record_id not in self:  # not Mapping.get: a missing id is no damage
            return default
        return self[record_id]

    def __iter__(self) -> Iterator[str]:
        return self._fallback.answer(lambda: iter(self._stored), lambda c: iter(self._of(c)))

    def __len__(self) -> int:
        return self._fallback.answer(lambda: len(self._stored), lambda c: len(self._of(c)))


class Names:
    """One kind's names from the index, or from the files once the index is damaged."""

    def __init__(self, stored: IndexedNameStore, fallback: Fallback, kind: str) -> None:
        self._stored = stored
        self._fallback = fallback
        self._kind = kind

    def _answer(self, indexed: Callable[[], R], asked: Callable[[NameStore], R]) -> R:
        return self._fallback.answer(indexed, lambda c: asked(c.name_store(self._kind)))

    def ids(self, key: str) -> list[str]:
        return self._answer(lambda: self._stored.ids(key), lambda s: s.ids(key))

    def ids_compact(self, compact: str) -> list[str]:
        return self._answer(
            lambda: self._stored.ids_compact(compact), lambda s: s.ids_compact(compact)
        )

    def vocabulary(self) -> list[str]:
        return self._answer(self._stored.vocabulary, lambda s: s.vocabulary())

    def word_entries(self) -> dict[str, int]:
        return self._answer(self._stored.word_entries, lambda s: s.word_entries())

    def total(self) -> int:
        return self._answer(self._stored.total, lambda s: s.total())

    def keys_with(self, words: Collection[str]) -> set[str]:
        return self._answer(lambda: self._stored.keys_with(words), lambda s: s.keys_with(words))

    def keys(self) -> list[str]:
        return self._answer(self._stored.keys, lambda s: s.keys())

    def keys_starting(self, prefix: str) -> list[tuple[str, str]]:
        return self._answer(
            lambda: self._stored.keys_starting(prefix), lambda s: s.keys_starting(prefix)
        )


def fetch(db: sqlite3.Connection, path: str, sql: str, args: tuple[Any, ...]) -> list[Any]:
    """Rows of a query on an open index; a failure means the file is damaged."""
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.Error as error:
        raise IndexDamaged(path, str(error)) from None


class Stored(Mapping[str, T]):
    """One kind of record, read from the index row by row as it is asked for.

    Every id asked for is one the catalog refers to, so a missing one means
    the index is damaged, not that the catalog lacks it."""

    def __init__(
        self,
        db: sqlite3.Connection,
        path: str,
        kind: str,
        decode: Callable[[Any], T],
        meta: Mapping[str, Any],
    ) -> None:
        self._db = db
        self._path = path
        self._kind = kind
        self._decode = decode
        self._summary = meta.get(f"records:{kind}")
        self._cache: dict[str, T] = {}
        self._complete = False

    def _rows(self, sql: str, *args: Any) -> list[Any]:
        return fetch(self._db, self._path, sql, (self._kind, *args))

    def _damaged(self, reason: str) -> IndexDamaged:
        return IndexDamaged(self._path, f"{self._kind} {reason}")

    def _checked(self, record_id: Any, data: Any, digest: Any) -> T:
        """A row's record, once its digest, text and fields prove it is what painref wrote."""
        if not (type(record_id) is str and type(data) is str and type(digest) is bytes):
            raise self._damaged("row has the wrong types")
        if codec.digest(self._kind, record_id, data) != digest:
            raise self._damaged(f"{record_id!r} does not match its digest")
        if holds_unsafe(data):
            raise self._damaged(f"{record_id!r} contains a control character")
        try:
            record = self._decode(json.loads(data))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            raise self._damaged(f"{record_id!r} cannot be read: {error!r}") from None
        if self._kind != "name" and getattr(record, "id", None) != record_id:
            raise self._damaged(f"{record_id!r} holds another record")  # lookup names have none
        return record

    def __getitem__(self, record_id: str) -> T:
        if record_id not in self._cache:
            if self._complete:
                raise self._damaged(f"{record_id!r} is referred to but missing")
            rows = self._rows(
                "SELECT data, digest FROM records WHERE kind = ? AND id = ?", record_id
            )
            if not rows:
                raise self._damaged(f"{record_id!r} is referred to but missing")
            self._cache[record_id] = self._checked(record_id, *rows[0])
        return self._cache[record_id]

    def __contains__(self, record_id: object) -> bool:
        if not isinstance(record_id, str):
            return False
        if record_id in self._cache or self._complete:
            return record_id in self._cache
        return bool(self._rows("SELECT 1 FROM records WHERE kind = ? AND id = ?", record_id))

    @overload
    def get(self, record_id: str, /) -> T | None: ...
    @overload
    def get(self, record_id: str, /, default: T | D) -> T | D: ...
    def get(self, record_id: str, /, default: Any = None) -> Any:
        if record_id not in self:
            return default
        return self[record_id]

    def _load_all(self) -> dict[str, T]:
        if not self._complete:
            rows = self._rows(
                "SELECT id, data, digest FROM records WHERE kind = ? ORDER BY position"
            )
            loaded: dict[str, T] = {}
            overall = codec.running_digest()
            for record_id, data, digest in rows:
                cached = self._cache.get(record_id)  # checked when it was read
                if cached is None or type(digest) is not bytes:
                    cached = self._checked(record_id, data, digest)
                loaded[record_id] = cached
                overall.update(digest)
            if self._summary != f"{len(rows)} {overall.hexdigest()}" or len(loaded) != len(rows):
                raise self._damaged("records are missing, added or out of order")
            self._cache = loaded
            self._complete = True
        return self._cache

    def __iter__(self) -> Iterator[str]:
        return iter(self._load_all())

    def __len__(self) -> int:
        return len(self._load_all())


class IndexedNameStore:
    """One kind's names in the index, as the matcher asks for them. A row read
    on its own is checked against its digest; a whole list (the vocabulary,
    every name) against the list's digest in the meta table."""

    CHUNK = 500  # words per query, well under SQLite's limit on parameters

    def __init__(
        self, db: sqlite3.Connection, path: str, kind: str, meta: Mapping[str, Any]
    ) -> None:
        self._db = db
        self._path = path
        self._kind = kind
        self._meta = meta

    def _damaged(self, what: str) -> IndexDamaged:
        return IndexDamaged(self._path, f"the {self._kind} {what} do not match their digests")

    def _rows(self, table: str, columns: str, where: str, *args: Any) -> list[tuple[str, ...]]:
        """The rows that match, in order, each checked against its digest."""
        sql = f"SELECT {columns}, digest FROM {table} WHERE kind = ? AND {where}"
        rows = fetch(self._db, self._path, sql, (self._kind, *args))
        for *values, digest in rows:
            if not all(type(value) is str for value in values) or (
                codec.digest(self._kind, *values) != digest
            ):
                raise self._damaged(table)
        return [tuple(row[:-1]) for row in rows]

    def _whole(self, name: str, sql: str) -> list[str]:
        """A whole column of this kind, checked against its digest."""
        found = [row[0] for row in fetch(self._db, self._path, sql, (self._kind,))]
        if not all(type(value) is str for value in found) or (
            self._meta.get(f"{name}:{self._kind}") != codec.list_digest(sorted(found))
        ):
            raise self._damaged(name)
        return found

    def ids(self, key: str) -> list[str]:
        found = self._rows("names", "key, compact, id", "key = ? ORDER BY rowid", key)
        return self._recorded(list(dict.fromkeys(entry_id for _, _, entry_id in found)))

    def ids_compact(self, compact: str) -> list[str]:
        found = self._rows("names", "key, compact, id", "compact = ? ORDER BY rowid", compact)
        return self._recorded(list(dict.fromkeys(entry_id for _, _, entry_id in found)))

    def _recorded(self, ids: list[str]) -> list[str]:
        """The ids, once each is proved to have its record: a name never leads nowhere."""
        for start in range(0, len(ids), self.CHUNK):
            part = ids[start : start + self.CHUNK]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT COUNT(*) FROM records WHERE kind = ? AND id IN ({marks})"
            if fetch(self._db, self._path, sql, (self._kind, *part)) != [(len(part),)]:
                raise self._damaged("names")
        return ids

    def vocabulary(self) -> list[str]:
        return list(self.word_entries())

    def word_entries(self) -> dict[str, int]:
        sql = "SELECT word || ' ' || entries FROM vocabulary WHERE kind = ?"
        counted = {}
        for row in self._whole("vocabulary", sql):
            word, _, entries = row.rpartition(" ")
            if not entries.isdigit():
                raise self._damaged("vocabulary")
            counted[word] = int(entries)
        return counted

    def total(self) -> int:
        entries = self._meta.get(f"entries:{self._kind}", "")
        if not isinstance(entries, str) or not entries.isdigit():
            raise self._damaged("entry count")
        return int(entries)

    def keys_with(self, words: Collection[str]) -> set[str]:
        chosen = list(words)
        keys: set[str] = set()
        for start in range(0, len(chosen), self.CHUNK):
            part = chosen[start : start + self.CHUNK]
            marks = ", ".join("?" * len(part))
            for _, joined in self._rows("words", "word, keys", f"word IN ({marks})", *part):
                keys.update(joined.split("\n"))
        self._all_named(keys)
        return keys

    def _all_named(self, keys: Collection[str]) -> None:
        """Every name a word row points to has its name rows: none was removed."""
        chosen = list(keys)
        for start in range(0, len(chosen), self.CHUNK):
            part = chosen[start : start + self.CHUNK]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT DISTINCT key FROM names WHERE kind = ? AND key IN ({marks})"
            found = fetch(self._db, self._path, sql, (self._kind, *part))
            if len(found) != len(part):
                raise self._damaged("names")

    def keys(self) -> list[str]:
        return self._whole("names", "SELECT DISTINCT key FROM names WHERE kind = ?")

    def keys_starting(self, prefix: str) -> list[tuple[str, str]]:
        # A range on the indexed column; names are ASCII once normalised.
        where = "key >= ? AND key < ? ORDER BY key, rowid"
        found = self._rows("names", "key, compact, id", where, prefix, prefix + "\U0010ffff")
        self._recorded(list(dict.fromkeys(entry_id for _, _, entry_id in found)))
        return [(key, entry_id) for key, _, entry_id in found]
