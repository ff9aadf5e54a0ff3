"""The compiled index: the merged catalog in one SQLite file, reused while its files are unchanged.

A lookup then reads a few rows instead of parsing and checking every YAML
file. The index is keyed on each file's path, size, modification and change
times and inode together with painref's version. It lives in a folder of its
own that painref makes inside the user's cache directory, and is written to a
temporary file and renamed into place, so a reader never sees half of one and
two processes starting at once both end up with a whole index.

The index is input, not truth. It is opened only when it is a regular file,
owned by the user and writable by no one else, in that folder (also the
user's and writable by no one else), carrying painref's mark in its header.
Every row carries a digest of its content, checked when the row is read; each
record is checked (types, vocabularies, control characters) as it is decoded;
a command that reads every record of a kind also checks their number and a
digest over all of them. Anything wrong (corrupt, tampered, stale, not
trusted, not a regular file, or no usable cache directory) means the catalog
is read from its files as if there were no index, and a fresh index renamed
over the old one where painref may write; that is slower, never wrong.
Cleaning up removes only files painref can prove it wrote: its own names, in
its own folder, owned by the user, with its own mark; a temporary file of a
build that was killed goes once it is too old to be a build under way.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from painref import __version__
from painref.catalog.records import Catalog

if TYPE_CHECKING:
    from painref.catalog.names import NameStore
from painref.core import fields, vocab
from painref.core.model import (
    Condition,
    Duration,
    Fact,
    Link,
    LookupName,
    Procedure,
    Relief,
    Source,
)

try:  # what hashlib wraps, without the cost of importing OpenSSL
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b


CACHE_ENV = "PAINREF_CACHE_DIR"
FOLDER = "painref-index"  # painref's own folder inside the cache directory
FORMAT = 8  # bump when the tables change; the field table keys the index itself
APPLICATION_ID = 0x50524546  # "PREF", in the SQLite header: this file is painref's
KEEP = 4  # index files kept for other catalog combinations
STALE_TEMPORARY_SECONDS = 15 * 60  # a build never takes this long; older ones were killed

_INDEX_NAME = r"index-[0-9a-f]{16}\.sqlite"
_TEMPORARY_NAME = r"\.index-[a-z0-9_]{8}\.tmp"  # as tempfile.mkstemp names them
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Characters the validator refuses in catalog text (safetext.UNSAFE), as they can
# appear in a record's JSON: raw (json.loads refuses raw C0 controls itself), or
# as an escape, since json.dumps writes no \u, \b, \f or \r escape for safe text.
_UNSAFE_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ESCAPE = re.compile(r"\\+[ubfr]")  # from the first backslash of a run

T = TypeVar("T")
D = TypeVar("D")


class IndexDamaged(Exception):
    """The index could not be read after it was opened."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


_avoid: set[str] = set()  # index files found damaged in this process


def cache_dir() -> Path | None:
    """PAINREF_CACHE_DIR, else $XDG_CACHE_HOME/painref, else ~/.cache/painref;
    None when there is no home directory to put it in."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "painref"
    home = _home()
    return None if home is None else Path(home) / ".cache" / "painref"


def _home() -> str | None:
    """$HOME, else the user's entry in the password database, if it is an absolute path."""
    home = os.environ.get("HOME")
    if home is None:
        try:
            import pwd

            home = pwd.getpwuid(os.getuid()).pw_dir
        except (ImportError, KeyError, OSError):  # e.g. a uid with no passwd entry
            return None
    return home if os.path.isabs(home) else None


def signature(files: Sequence[Path]) -> str | None:
    """What the index is keyed on, or None when a file is not a plain readable file
    (reading it will then report the problem). The index stores it whole, and
    a short checksum of it names the index file. The change time catches an
    edit that keeps size and modification time (`cp -p`, `touch -d`)."""
    from painref.catalog.icd10cm import table_path

    # The field table's shape keys it too: a changed field never reads an old index.
    shape = [[f.name, f.kind] for f in fields.TABLE] + list(Procedure._fields)
    parts: list[Any] = [__version__, FORMAT, shape]
    # The ICD-10-CM titles name conditions too: the table is keyed on like a catalog file.
    for path in (table_path(), *files):
        try:
            path = path.resolve()
            status = path.stat()
        except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        parts.append(
            [str(path), status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        )
    return json.dumps(parts)


def open_indexed(files: Sequence[Path], read: Callable[[], Catalog]) -> Catalog:
    """The catalog from its index if that is current and trusted, else read and indexed
    afresh. An index found damaged part-way through a command is dropped, and the
    command's questions are answered from the files from then on."""
    key = signature(files)
    base = cache_dir()
    if key is None or base is None:
        return read()
    folder = base / FOLDER
    checksum = zlib.crc32(key.encode()) << 32 | zlib.adler32(key.encode())
    path = folder / f"index-{checksum:016x}.sqlite"

    def rebuilt() -> Catalog:
        with _without_cycle_collection():
            catalog = read()
            if signature(files) == key and _save(catalog, path, key):  # not edited while read
                # Answer from the fresh index: its lookups need no names built in memory.
                return _load(path, key, rebuilt) or catalog
        return catalog

    found = _load(path, key, rebuilt) if _private(folder) else None
    return rebuilt() if found is None else found


@contextlib.contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Reading a catalog makes millions of records and containers and no reference
    cycles; Python's cycle collector would walk them all again and again (about a
    tenth of a large build). Reference counting frees them as ever."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def discard(path: str) -> None:
    """Stop using a damaged index file, and remove it if we can, so it is rebuilt."""
    _avoid.add(path)
    with contextlib.suppress(OSError):
        os.unlink(path)


# Trust -----------------------------------------------------------------------


def _user() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def _private(folder: Path) -> bool:
    """Whether `folder` is the user's own folder (not a link) that no one else may write to."""
    try:
        status = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and _owned(status)


def _owned(status: os.stat_result) -> bool:
    """Owned by the user and writable by no one else."""
    user = _user()
    return (user is None or status.st_uid == user) and not status.st_mode & 0o022


def _header(path: Path | str) -> tuple[os.stat_result, bytes] | None:
    """The file's status and its first 100 bytes, if it is a regular file of the
    user's that no one else can write; never opens a FIFO, device or link."""
    try:
        status = os.lstat(path)
        if not (stat.S_ISREG(status.st_mode) and _owned(status)):
            return None
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        handle = os.open(path, flags)
        try:
            opened = os.fstat(handle)
            if (opened.st_dev, opened.st_ino) != (status.st_dev, status.st_ino):
                return None
            return opened, os.pread(handle, 100, 0)
        finally:
            os.close(handle)
    except OSError:
        return None


def _marked(header: bytes) -> bool:
    """Whether a file header is SQLite's with painref's application id."""
    return (
        len(header) == 100
        and header.startswith(_SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def _whole(status: os.stat_result, header: bytes) -> bool:
    """Whether the file is as long as its header says, and of this FORMAT."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]  # the page count is valid
    version = int.from_bytes(header[60:64], "big")
    return counted and pages * page_size == status.st_size and version == FORMAT


def _digest(*parts: str) -> bytes:
    """A row's digest; NUL never occurs in catalog text, so the joining is unambiguous."""
    return blake2b("\0".join(parts).encode(), digest_size=16).digest()


def _unsafe(data: str) -> bool:
    """Whether a record's JSON holds an unsafe character; fast for the usual record."""
    if (not data.isascii() or "\x7f" in data) and _UNSAFE_RAW.search(data):
        return True
    # An odd run of backslashes escapes the letter after it.
    return "\\" in data and any(len(run.group()) % 2 == 0 for run in _ESCAPE.finditer(data))


def _list_digest(values: Sequence[str]) -> str:
    """How many values, and a digest of them all, as the meta table holds it."""
    return f"{len(values)} {blake2b(chr(0).join(values).encode(), digest_size=16).hexdigest()}"


# Reading ---------------------------------------------------------------------


def _load(path: Path, key: str, rebuilt: Callable[[], Catalog]) -> Catalog | None:
    if str(path) in _avoid:
        return None
    found = _header(path)
    if found is None or not _marked(found[1]) or not _whole(*found):
        return None
    try:
        # Read-only, and immutable: an index file is never changed once renamed into place.
        db = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except (sqlite3.Error, TypeError, ValueError):
        stored = {}
    if stored.get("signature") != key:
        db.close()  # someone else's file, or damaged
        return None
    where = str(path)
    fallback = _Fallback(where, rebuilt)

    def names_in(catalog: Catalog) -> dict[str, LookupName]:
        return {str(position): name for position, name in enumerate(catalog.names)}

    return Catalog(
        _Records(_Stored(db, where, "source", _source, stored), fallback, lambda c: c.sources),
        _Records(
            _Stored(db, where, "condition", _condition, stored), fallback, lambda c: c.conditions
        ),
        _Records(
            _Stored(db, where, "procedure", _procedure, stored), fallback, lambda c: c.procedures
        ),
        lambda kind: _Names(_IndexedNameStore(db, where, kind, stored), fallback, kind),
        names=_Records(_Stored(db, where, "name", _lookup_name, stored), fallback, names_in),
    )


R = TypeVar("R")


class _Fallback:
    """The catalog read from its files, once the index proves damaged mid-command:
    the index file is dropped (and rebuilt), and the files answer from then on."""

    def __init__(self, path: str, rebuilt: Callable[[], Catalog]) -> None:
        self._path = path
        self._rebuilt = rebuilt
        self.catalog: Catalog | None = None

    def answer(self, indexed: Callable[[], R], from_files: Callable[[Catalog], R]) -> R:
        if self.catalog is None:
            try:
                return indexed()
            except IndexDamaged:
                discard(self._path)
                self.catalog = self._rebuilt()
        return from_files(self.catalog)


class _Records(Mapping[str, T]):
    """One kind of record from the index, or from the files once the index is damaged."""

    def __init__(
        self,
        stored: _Stored[T],
        fallback: _Fallback,
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


class _Names:
    """One kind's names from the index, or from the files once the index is damaged."""

    def __init__(self, stored: _IndexedNameStore, fallback: _Fallback, kind: str) -> None:
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
        return _fetch(self._db, self._path, sql, (self._kind, *args))

    def _damaged(self, reason: str) -> IndexDamaged:
        return IndexDamaged(self._path, f"{self._kind} {reason}")

    def _checked(self, record_id: Any, data: Any, digest: Any) -> T:
        """A row's record, once its digest, text and fields prove it is what painref wrote."""
        if not (type(record_id) is str and type(data) is str and type(digest) is bytes):
            raise self._damaged("row has the wrong types")
        if _digest(self._kind, record_id, data) != digest:
            raise self._damaged(f"{record_id!r} does not match its digest")
        if _unsafe(data):
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
            overall = blake2b(digest_size=16)
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


class _IndexedNameStore:
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
        rows = _fetch(self._db, self._path, sql, (self._kind, *args))
        for *values, digest in rows:
            if not all(type(value) is str for value in values) or (
                _digest(self._kind, *values) != digest
            ):
                raise self._damaged(table)
        return [tuple(row[:-1]) for row in rows]

    def _whole(self, name: str, sql: str) -> list[str]:
        """A whole column of this kind, checked against its digest."""
        found = [row[0] for row in _fetch(self._db, self._path, sql, (self._kind,))]
        if not all(type(value) is str for value in found) or (
            self._meta.get(f"{name}:{self._kind}") != _list_digest(sorted(found))
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
            if _fetch(self._db, self._path, sql, (self._kind, *part)) != [(len(part),)]:
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
            keys.update(
                key for _, key in self._rows("words", "word, key", f"word IN ({marks})", *part)
            )
        self._all_named(keys)
        return keys

    def _all_named(self, keys: Collection[str]) -> None:
        """Every name a word row points to has its name rows: none was removed."""
        chosen = list(keys)
        for start in range(0, len(chosen), self.CHUNK):
            part = chosen[start : start + self.CHUNK]
            marks = ", ".join("?" * len(part))
            sql = f"SELECT DISTINCT key FROM names WHERE kind = ? AND key IN ({marks})"
            found = _fetch(self._db, self._path, sql, (self._kind, *part))
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


# Writing ---------------------------------------------------------------------

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    kind TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL,
    digest BLOB NOT NULL, PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE names (
    kind TEXT NOT NULL, key TEXT NOT NULL, compact TEXT NOT NULL, id TEXT NOT NULL,
    digest BLOB NOT NULL
);
CREATE TABLE words (
    kind TEXT NOT NULL, word TEXT NOT NULL, key TEXT NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE vocabulary (kind TEXT NOT NULL, word TEXT NOT NULL, entries INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_by_key ON names (kind, key);
CREATE INDEX names_by_compact ON names (kind, compact);
CREATE INDEX words_by_word ON words (kind, word);
"""


def _save(catalog: Catalog, path: Path, key: str) -> bool:
    """Write the index beside its final name and rename it into place; give up quietly.
    Whether it was written."""
    import tempfile

    temporary = None
    folder = path.parent
    try:
        if not folder.is_dir():
            folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with contextlib.suppress(FileExistsError):
                folder.mkdir(mode=0o700)
        if not _private(folder):
            return False  # someone else's folder, or one others may write to: leave it be
        handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=folder)
        os.close(handle)
        db = sqlite3.connect(temporary)
        try:
            _write(db, catalog, key)
        finally:
            db.close()
        os.replace(temporary, path)
        temporary = None
        _avoid.discard(str(path))  # a fresh file, not the damaged one
        _prune(folder, path)
        return True
    except (OSError, sqlite3.Error):
        return False
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _write(db: sqlite3.Connection, catalog: Catalog, key: str) -> None:
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    # First, so that even a build killed half-way leaves a file marked as painref's.
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {FORMAT}")
    db.executescript(_TABLES)
    kinds: list[tuple[str, Mapping[str, Any]]] = [
        ("source", catalog.sources),
        ("condition", catalog.conditions),
        ("procedure", catalog.procedures),
        ("name", {str(position): name for position, name in enumerate(catalog.names)}),
    ]
    summaries = []
    for kind, records in kinds:
        overall = blake2b(digest_size=16)
        rows = _record_rows(kind, records, overall)
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", rows)
        summaries.append((f"records:{kind}", f"{len(records)} {overall.hexdigest()}"))
        if kind in ("condition", "procedure"):
            pairs = list(dict.fromkeys(catalog.name_pairs(kind)))
            db.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
                (
                    (kind, key, compact, entry_id, _digest(kind, key, compact, entry_id))
                    for key, entry_id in pairs
                    for compact in (key.replace(" ", ""),)
                ),
            )
            words = {
                (word, key) for key in dict.fromkeys(k for k, _ in pairs) for word in key.split()
            }
            db.executemany(
                "INSERT INTO words VALUES (?, ?, ?, ?)",
                ((kind, word, key, _digest(kind, word, key)) for word, key in words),
            )
            entries_of: dict[str, set[str]] = {}
            for name_key, entry_id in pairs:
                for word in name_key.split():
                    entries_of.setdefault(word, set()).add(entry_id)
            counted = sorted((word, len(ids)) for word, ids in entries_of.items())
            db.executemany(
                "INSERT INTO vocabulary VALUES (?, ?, ?)", ((kind, w, n) for w, n in counted)
            )
            summaries.append(
                (f"vocabulary:{kind}", _list_digest(sorted(f"{w} {n}" for w, n in counted)))
            )
            summaries.append((f"entries:{kind}", str(len({i for _, i in pairs}))))
            keys = sorted({name_key for name_key, _ in pairs})
            summaries.append((f"names:{kind}", _list_digest(keys)))
    db.executescript(_INDEXES)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("signature", key), ("version", __version__), *summaries],
    )
    db.commit()


def _record_rows(kind: str, records: Mapping[str, Any], overall: Any) -> Iterator[tuple[Any, ...]]:
    """Each record's row, made as SQLite asks for it (never all held at once);
    `overall` takes every row's digest, in order."""
    for position, (record_id, record) in enumerate(records.items()):
        data = _encode(record)
        digest = _digest(kind, record_id, data)
        overall.update(digest)
        yield kind, record_id, position, data, digest


def _prune(folder: Path, kept: Path) -> None:
    """Keep the newest few index files, and remove temporary files of builds that
    were killed; only files painref can prove it wrote (its names, the user's,
    regular, with painref's mark) are ever removed."""
    import time

    now = time.time()
    indexes: list[tuple[int, str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            index = re.fullmatch(_INDEX_NAME, entry.name) and entry.path != str(kept)
            temporary = re.fullmatch(_TEMPORARY_NAME, entry.name)
            if not (index or temporary):
                continue
            found = _header(entry.path)
            if found is None:
                continue
            status, header = found
            if index and _marked(header):
                indexes.append((status.st_mtime_ns, entry.path))
            elif (
                temporary
                and now - status.st_mtime > STALE_TEMPORARY_SECONDS
                and (_marked(header) or status.st_size == 0)
            ):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    indexes.sort(reverse=True)
    for _, old in indexes[KEEP - 1 :]:
        with contextlib.suppress(OSError):
            os.unlink(old)


# Records as JSON ---------------------------------------------------------------
# A record is stored as the JSON array of its named tuple's fields, in order;
# FORMAT changes whenever a record's fields do. Decoding checks every value's
# type and vocabulary, so that a record that passed its digest yet is not what
# painref writes fails here, as IndexDamaged, and never later in a renderer.


class _Bad(ValueError):
    """A decoded value is not what painref writes."""


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Bad(f"expected text, got {type(value).__name__}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _texts(value: Any, allowed: Collection[str] | None = None) -> tuple[str, ...]:
    if type(value) is not list:
        raise _Bad(f"expected a list, got {type(value).__name__}")
    for item in value:
        if type(item) is not str or (allowed is not None and item not in allowed):
            raise _Bad(f"unexpected list item {item!r}")
    return tuple(value)


def _minutes(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise _Bad(f"expected minutes, got {value!r}")
    return value


def _encode(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=dict)


def _source(data: list[Any]) -> Source:
    record_id, title, file, url = data
    return Source(_text(record_id), _text(title), _optional_text(file), _optional_text(url))


def _condition(data: list[Any]) -> Condition:
    record_id, name, aliases, sources = data
    return Condition(_text(record_id), _text(name), _texts(aliases), _texts(sources))


def _lookup_name(data: list[Any]) -> LookupName:
    name, kind, ids, origin, sources = data
    if kind not in ("procedure", "condition"):
        raise _Bad(f"a lookup name of an unknown kind {kind!r}")
    return LookupName(
        _text(name), kind, _texts(ids), _texts([origin], vocab.NAME_ORIGINS)[0], _texts(sources)
    )


def _fact(data: Any) -> Fact | None:
    if data is None:
        return None
    text, sources = data
    return Fact(_text(text), _texts(sources))


def _facts(items: Any) -> tuple[Fact, ...]:
    if type(items) is not list:
        raise _Bad("expected a list of facts")
    return tuple(Fact(_text(text), _texts(sources)) for text, sources in items)


def _cite(data: Any) -> dict[str, tuple[str, ...]]:
    if type(data) is not dict or not set(data) <= set(fields.TAG_FIELDS):
        raise _Bad("unexpected citations")
    return {field: _texts(ids) for field, ids in data.items()}


def _duration(data: Any) -> Duration | None:
    if data is None:
        return None
    low, high, note, sources = data
    return Duration(_minutes(low), _minutes(high), _optional_text(note), _texts(sources))


def _link(data: Any) -> Link:
    link_id, relation, sources = data
    if relation not in vocab.RELATION_LABELS:
        raise _Bad(f"unknown relation {relation!r}")
    return Link(_text(link_id), relation, _texts(sources))


def _choice(value: Any, field: fields.Field) -> str:
    if value not in (field.vocabulary or {}):
        raise _Bad(f"unknown {field.item} {value!r}")
    return str(value)


def _relief(data: Any) -> Relief:
    onset, lasts = data
    return Relief(_fact(onset), _fact(lasts))


def _links(data: Any) -> tuple[Link, ...]:
    if type(data) is not list:
        raise _Bad("expected a list of links")
    return tuple(_link(link) for link in data)


# How each kind of field is read back: (stored value, field) -> checked value.
_DECODE: dict[str, Callable[[Any, fields.Field], Any]] = {
    fields.ID: lambda v, f: _text(v),
    fields.NAME: lambda v, f: _text(v),
    fields.NAMES: lambda v, f: _texts(v),
    fields.CHOICE: _choice,
    fields.CHOICES: lambda v, f: _texts(v, f.vocabulary),
    fields.WORDS: lambda v, f: _texts(v),
    fields.REFS: lambda v, f: _texts(v),
    fields.CITE: lambda v, f: _cite(v),
    fields.FACT: lambda v, f: _fact(v),
    fields.FACTS: lambda v, f: _facts(v),
    fields.DURATION: lambda v, f: _duration(v),
    fields.RELIEF: lambda v, f: _relief(v),
    fields.LINKS: lambda v, f: _links(v),
}
# A procedure is stored as the JSON array of its attributes, in the model's order.
_PROCEDURE_FIELDS = tuple(fields.BY_NAME[name] for name in Procedure._fields)


def _procedure(data: list[Any]) -> Procedure:
    if type(data) is not list or len(data) != len(_PROCEDURE_FIELDS):
        raise _Bad("expected a procedure's fields")
    pairs = zip(_PROCEDURE_FIELDS, data, strict=True)
    return Procedure(*(_DECODE[field.kind](value, field) for field, value in pairs))
