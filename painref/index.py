"""The compiled index: the merged catalog in one SQLite file, reused while its files are unchanged.

A lookup then reads a few rows instead of parsing and checking every YAML
file. The index is keyed on each file's path, size, modification time and
inode together with painref's version, lives in the user's cache directory,
and is written to a temporary file and renamed into place, so a reader never
sees half of one and two processes starting at once both end up with a whole
index. Anything wrong with it (corrupt, stale, unreadable, or no writable
cache directory) means the catalog is read from its files as if there were no
index; that is slower, never wrong.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from painref import __version__
from painref.match import name_keys
from painref.model import Condition, Duration, Fact, Link, Procedure, Relief, Source

if TYPE_CHECKING:
    from painref.catalog import Catalog, Overlay

CACHE_ENV = "PAINREF_CACHE_DIR"
FORMAT = 3  # bump when the tables or the record encoding change
KEEP = 4  # index files kept for other catalog combinations

T = TypeVar("T")


class IndexDamaged(Exception):
    """The index could not be read after it was opened."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


_avoid: set[str] = set()  # index files found damaged in this process


def cache_dir() -> Path:
    """PAINREF_CACHE_DIR, else $XDG_CACHE_HOME/painref, else ~/.cache/painref."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "painref"


def signature(files: Sequence[Overlay]) -> str | None:
    """What the index is keyed on, or None when a file is not a plain readable file
    (reading it will then report the problem). The index stores it whole, and
    a short checksum of it names the index file."""
    parts: list[Any] = [__version__, FORMAT]
    for item in files:
        try:
            path = item.path.resolve()
            status = path.stat()
        except (OSError, RuntimeError):
            return None
        if not path.is_file():
            return None
        parts.append([str(path), status.st_size, status.st_mtime_ns, status.st_ino])
    return json.dumps(parts)


def open_indexed(files: Sequence[Overlay], read: Callable[[Sequence[Overlay]], Catalog]) -> Catalog:
    """The catalog from its index if that is current, else read and indexed afresh."""
    key = signature(files)
    if key is None:
        return read(files)
    checksum = zlib.crc32(key.encode()) << 32 | zlib.adler32(key.encode())
    path = cache_dir() / f"index-{checksum:016x}.sqlite"
    found = _load(path, key)
    if found is not None:
        return found
    catalog = read(files)
    if signature(files) == key:  # not edited while we read it
        _save(catalog, path, key)
    return catalog


def discard(path: str) -> None:
    """Stop using a damaged index file, and remove it if we can, so it is rebuilt."""
    _avoid.add(path)
    with contextlib.suppress(OSError):
        os.unlink(path)


# Reading ---------------------------------------------------------------------


def _load(path: Path, key: str) -> Catalog | None:
    from painref.catalog import Catalog

    if str(path) in _avoid:
        return None
    try:
        size = path.stat().st_size
        # Read-only, and immutable: an index file is never changed once renamed into place.
        db = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro&immutable=1", uri=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.Error:
        db.close()
        return None
    if stored.get("signature") != key or pages * page_size != size:
        db.close()  # someone else's file, or cut short
        return None
    return Catalog(
        _Stored(db, str(path), "source", _source),
        _Stored(db, str(path), "condition", _condition),
        _Stored(db, str(path), "procedure", _procedure),
        lambda kind: _IndexedNameStore(db, str(path), kind),
    )


def _fetch(db: sqlite3.Connection, path: str, sql: str, args: tuple[Any, ...]) -> list[Any]:
    """Rows of a query on an open index; a failure means the file is damaged."""
    try:
        return db.execute(sql, args).fetchall()
    except sqlite3.Error as error:
        raise IndexDamaged(path, str(error)) from None


def _uri_path(path: Path) -> str:
    """A file path as SQLite's URI filenames need it."""
    return str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


class _Stored(Mapping[str, T]):
    """One kind of record, read from the index row by row as it is asked for."""

    def __init__(
        self, db: sqlite3.Connection, path: str, kind: str, decode: Callable[[Any], T]
    ) -> None:
        self._db = db
        self._path = path
        self._kind = kind
        self._decode = decode
        self._cache: dict[str, T] = {}
        self._complete = False

    def _rows(self, sql: str, *args: Any) -> list[Any]:
        return _fetch(self._db, self._path, sql, (self._kind, *args))

    def _decoded(self, data: str) -> T:
        try:
            return self._decode(json.loads(data))
        except (ValueError, KeyError, TypeError) as error:
            raise IndexDamaged(self._path, f"a record cannot be read: {error!r}") from None

    def __getitem__(self, record_id: str) -> T:
        if record_id not in self._cache:
            if self._complete:
                raise KeyError(record_id)
            rows = self._rows("SELECT data FROM records WHERE kind = ? AND id = ?", record_id)
            if not rows:
                raise KeyError(record_id)
            self._cache[record_id] = self._decoded(rows[0][0])
        return self._cache[record_id]

    def _load_all(self) -> dict[str, T]:
        if not self._complete:
            rows = self._rows("SELECT id, data FROM records WHERE kind = ? ORDER BY position")
            self._cache = {
                record_id: self._cache.get(record_id) or self._decoded(data)
                for record_id, data in rows
            }
            self._complete = True
        return self._cache

    def __iter__(self) -> Iterator[str]:
        return iter(self._load_all())

    def __len__(self) -> int:
        return len(self._load_all())


class _IndexedNameStore:
    """One kind's names in the index, as the matcher asks for them."""

    CHUNK = 500  # words per query, well under SQLite's limit on parameters

    def __init__(self, db: sqlite3.Connection, path: str, kind: str) -> None:
        self._db = db
        self._path = path
        self._kind = kind

    def _column(self, sql: str, *args: Any) -> list[str]:
        return [row[0] for row in _fetch(self._db, self._path, sql, (self._kind, *args))]

    def ids(self, key: str) -> list[str]:
        found = self._column("SELECT id FROM names WHERE kind = ? AND key = ? ORDER BY rowid", key)
        return list(dict.fromkeys(found))

    def ids_compact(self, compact: str) -> list[str]:
        sql = "SELECT id FROM names WHERE kind = ? AND compact = ? ORDER BY rowid"
        return list(dict.fromkeys(self._column(sql, compact)))

    def vocabulary(self) -> list[str]:
        return self._column("SELECT word FROM vocabulary WHERE kind = ?")

    def keys_with(self, words: Collection[str]) -> set[str]:
        chosen = list(words)
        keys: set[str] = set()
        for start in range(0, len(chosen), self.CHUNK):
            part = chosen[start : start + self.CHUNK]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT key FROM words WHERE kind = ? AND word IN ({marks})"
            keys.update(self._column(sql, *part))
        return keys

    def keys(self) -> list[str]:
        return self._column("SELECT DISTINCT key FROM names WHERE kind = ?")

    def keys_starting(self, prefix: str) -> list[tuple[str, str]]:
        # A range on the indexed column; names are ASCII once normalised.
        sql = (
            "SELECT key, id FROM names WHERE kind = ? AND key >= ? AND key < ? ORDER BY key, rowid"
        )
        rows = _fetch(self._db, self._path, sql, (self._kind, prefix, prefix + "\U0010ffff"))
        return [(key, entry_id) for key, entry_id in rows]


# Writing ---------------------------------------------------------------------

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    kind TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE names (kind TEXT NOT NULL, key TEXT NOT NULL, compact TEXT NOT NULL, id TEXT NOT NULL);
CREATE TABLE words (kind TEXT NOT NULL, word TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE vocabulary (kind TEXT NOT NULL, word TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_by_key ON names (kind, key);
CREATE INDEX names_by_compact ON names (kind, compact);
CREATE INDEX words_by_word ON words (kind, word);
"""


def _save(catalog: Catalog, path: Path, key: str) -> None:
    """Write the index beside its final name and rename it into place; give up quietly."""
    import tempfile

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=path.parent)
        os.close(handle)
        db = sqlite3.connect(temporary)
        try:
            _write(db, catalog, key)
        finally:
            db.close()
        os.replace(temporary, path)
        temporary = None
        _prune(path)
    except (OSError, sqlite3.Error):
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _write(db: sqlite3.Connection, catalog: Catalog, key: str) -> None:
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(_TABLES)
    kinds: list[tuple[str, Mapping[str, Any]]] = [
        ("source", catalog.sources),
        ("condition", catalog.conditions),
        ("procedure", catalog.procedures),
    ]
    for kind, records in kinds:
        db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?)",
            (
                (kind, record_id, position, _encode(record))
                for position, (record_id, record) in enumerate(records.items())
            ),
        )
        if kind != "source":
            pairs = [
                (name_key, record.id)
                for record in records.values()
                for name_key in name_keys(record.id, (record.name, *record.aliases))
            ]
            db.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?)",
                ((kind, key, key.replace(" ", ""), entry_id) for key, entry_id in pairs),
            )
            words = {
                (word, key) for key in dict.fromkeys(k for k, _ in pairs) for word in key.split()
            }
            db.executemany("INSERT INTO words VALUES (?, ?, ?)", ((kind, *pair) for pair in words))
            vocabulary = sorted({word for word, _ in words})
            db.executemany("INSERT INTO vocabulary VALUES (?, ?)", ((kind, w) for w in vocabulary))
    db.executescript(_INDEXES)
    db.execute("INSERT INTO meta VALUES ('signature', ?), ('version', ?)", (key, __version__))
    db.commit()


def _prune(kept: Path) -> None:
    """Keep the newest few index files; older ones belong to catalogs since edited."""
    others = sorted(
        (p for p in kept.parent.glob("index-*.sqlite") if p != kept),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP - 1 :]:
        old.unlink(missing_ok=True)


# Records as JSON ---------------------------------------------------------------
# A record is stored as the JSON array of its named tuple's fields, in order;
# FORMAT changes whenever a record's fields do.


def _encode(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=dict)


def _source(data: list[Any]) -> Source:
    record_id, title, file, url = data
    return Source(record_id, title, file, url)


def _condition(data: list[Any]) -> Condition:
    record_id, name, aliases, sources = data
    return Condition(record_id, name, tuple(aliases), tuple(sources))


def _fact(data: list[Any] | None) -> Fact | None:
    return None if data is None else Fact(data[0], tuple(data[1]))


def _facts(items: list[list[Any]]) -> tuple[Fact, ...]:
    return tuple(Fact(text, tuple(sources)) for text, sources in items)


def _procedure(data: list[Any]) -> Procedure:
    (record_id, name, aliases, category, purpose, regions, guidance, medications,
     conditions, cite, summary, how_it_works, anesthesia, setting, duration, recovery,
     relief, candidacy, contraindications, risks, related) = data  # fmt: skip
    return Procedure(
        id=record_id,
        name=name,
        aliases=tuple(aliases),
        category=category,
        purpose=tuple(purpose),
        regions=tuple(regions),
        guidance=tuple(guidance),
        medications=tuple(medications),
        conditions=tuple(conditions),
        cite={field: tuple(ids) for field, ids in cite.items()},
        summary=_fact(summary),
        how_it_works=_fact(how_it_works),
        anesthesia=_fact(anesthesia),
        setting=_fact(setting),
        duration=None
        if duration is None
        else Duration(duration[0], duration[1], duration[2], tuple(duration[3])),
        recovery=_fact(recovery),
        relief=Relief(_fact(relief[0]), _fact(relief[1])),
        candidacy=_facts(candidacy),
        contraindications=_facts(contraindications),
        risks=_facts(risks),
        related=tuple(Link(link_id, relation, tuple(ids)) for link_id, relation, ids in related),
    )
