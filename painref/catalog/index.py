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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from painref import __version__
from painref.catalog import codec
from painref.catalog.codec import DECODERS, encode
from painref.catalog.records import Catalog, Merged, RecordSink, name_pairs
from painref.catalog.stored import Fallback, IndexedNameStore, Names, Records, Stored
from painref.core import fields
from painref.core.model import Link, LookupName, Procedure

CACHE_ENV = "PAINREF_CACHE_DIR"
FOLDER = "painref-index"  # painref's own folder inside the cache directory
FORMAT = 12  # bump when the tables change; the field table keys the index itself
APPLICATION_ID = 0x50524546  # "PREF", in the SQLite header: this file is painref's
KEEP = 4  # index files kept for other catalog combinations
STALE_TEMPORARY_SECONDS = 15 * 60  # a build never takes this long; older ones were killed

_INDEX_NAME = r"index-[0-9a-f]{16}\.sqlite"
_TEMPORARY_NAME = r"\.index-[a-z0-9_]{8}\.tmp"  # as tempfile.mkstemp names them
_SQLITE_MAGIC = b"SQLite format 3\x00"
T = TypeVar("T")
D = TypeVar("D")


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


def open_indexed(
    files: Sequence[Path], read: Callable[[], Catalog], stream: Callable[[RecordSink], Merged]
) -> Catalog:
    """The catalog from its index if that is current and trusted, else indexed afresh.
    `stream` reads the files, passing each checked record on as it goes, so the
    index is written without the catalog ever being held whole; `read` reads them
    into memory, for when no index can be written. An index found damaged part-way
    through a command is dropped, and the command's questions are answered from a
    fresh one (or the files) from then on."""
    key = signature(files)
    base = cache_dir()
    if key is None or base is None:
        return read()
    folder = base / FOLDER
    checksum = zlib.crc32(key.encode()) << 32 | zlib.adler32(key.encode())
    path = folder / f"index-{checksum:016x}.sqlite"

    def rebuilt() -> Catalog:
        with _without_cycle_collection():
            # Only while no file was edited during the build is the index true to its key.
            if _build(path, key, stream, lambda: signature(files) == key):
                # Answer from the fresh index: its lookups need no names built in memory.
                found = _load(path, key, rebuilt)
                if found is not None:
                    return found
            return read()

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


# Reading ---------------------------------------------------------------------


def _uri_path(path: Path) -> str:
    """A file path as SQLite's URI filenames need it."""
    return str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


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
    fallback = Fallback(where, rebuilt, discard)

    def names_in(catalog: Catalog) -> dict[str, LookupName]:
        return {str(position): name for position, name in enumerate(catalog.names)}

    return Catalog(
        Records(
            Stored(db, where, "source", DECODERS["source"], stored), fallback, lambda c: c.sources
        ),
        Records(
            Stored(db, where, "condition", DECODERS["condition"], stored),
            fallback,
            lambda c: c.conditions,
        ),
        Records(
            Stored(db, where, "procedure", DECODERS["procedure"], stored),
            fallback,
            lambda c: c.procedures,
        ),
        lambda kind: Names(IndexedNameStore(db, where, kind, stored), fallback, kind),
        names=Records(Stored(db, where, "name", DECODERS["name"], stored), fallback, names_in),
        notices=Records(
            Stored(db, where, "notice", DECODERS["notice"], stored), fallback, lambda c: c.notices
        ),
    )


# Writing ---------------------------------------------------------------------

_TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    kind TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL,
    digest BLOB NOT NULL, PRIMARY KEY (kind, id)
);
CREATE TABLE names (
    kind TEXT NOT NULL, key TEXT NOT NULL, compact TEXT NOT NULL, id TEXT NOT NULL,
    digest BLOB NOT NULL
);
CREATE TABLE words (
    kind TEXT NOT NULL, word TEXT NOT NULL, keys TEXT NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE vocabulary (kind TEXT NOT NULL, word TEXT NOT NULL, entries INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_by_key ON names (kind, key);
CREATE INDEX names_by_compact ON names (kind, compact);
CREATE INDEX words_by_word ON words (kind, word);
"""


def _build(
    path: Path, key: str, stream: Callable[[RecordSink], Merged], unchanged: Callable[[], bool]
) -> bool:
    """Write the index beside its final name as the files are read, and rename it
    into place if they are `unchanged`; give up quietly. Whether it was written.
    A catalog with problems raises CatalogError, and no index is left behind."""
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
            writer = _Writer(db)
            writer.finish(stream(writer.put), key)
        finally:
            db.close()
        if not unchanged():
            return False
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


class _Writer:
    """Fills a new index: each record as soon as it is checked, in batches, then
    what needs the whole catalog (links both ways, names, digests)."""

    BATCH = 500

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.rows: list[tuple[str, str, int, str, bytes]] = []
        # Where each record stands; a record replaced by a later layer keeps its place.
        self.positions: dict[str, dict[str, int]] = {kind: {} for kind in _RECORD_KINDS}
        # What the name tables need, kept as each record passes.
        self.called: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
            "condition": {},
            "procedure": {},
        }
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        # First, so that even a build killed half-way leaves a file marked as painref's.
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {FORMAT}")
        db.executescript(_TABLES)

    def put(self, kinds: str, record: Any) -> None:
        """One checked record, of a kind named as the catalog does ("procedures")."""
        kind = kinds[:-1]
        positions = self.positions[kind]
        self._add(kind, record.id, positions.setdefault(record.id, len(positions)), record)
        if kind in self.called:
            self.called[kind][record.id] = (record.name, record.aliases)

    def _add(self, kind: str, record_id: str, position: int, record: Any) -> None:
        data = encode(record)
        self.rows.append((kind, record_id, position, data, codec.digest(kind, record_id, data)))
        if len(self.rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        # A later layer's record replaces the row of an earlier one with the same id.
        self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)", self.rows)
        self.rows.clear()

    def finish(self, merged: Merged, key: str) -> None:
        db = self.db
        for position, name in enumerate(merged.names):
            self._add("name", str(position), position, name)
        self._flush()
        self._link_both_ways(merged.stored_links, merged.links)
        summaries = []
        for kind in _RECORD_KINDS:
            overall = codec.running_digest()
            count = 0
            ordered = "SELECT digest FROM records WHERE kind = ? ORDER BY position"
            for (row_digest,) in db.execute(ordered, (kind,)):
                overall.update(row_digest)
                count += 1
            summaries.append((f"records:{kind}", f"{count} {overall.hexdigest()}"))
        for kind, owners in (("condition", "conditions"), ("procedure", "procedures")):
            called = {entry_id: self.called[kind][entry_id] for entry_id in merged.owners[owners]}
            pairs = list(dict.fromkeys(name_pairs(kind, called, merged.names)))
            summaries.extend(_write_names(db, kind, pairs))
        db.executescript(_INDEXES)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [("signature", key), ("version", __version__), *summaries],
        )
        db.commit()

    def _link_both_ways(
        self, stored: Mapping[str, tuple[Link, ...]], links: Mapping[str, tuple[Link, ...]]
    ) -> None:
        """Give each procedure the inverse of the links stored on others."""
        changed = [(pid, both) for pid, both in links.items() if both != stored[pid]]
        read = "SELECT data FROM records WHERE kind = 'procedure' AND id = ?"
        rows = []
        for procedure_id, both in changed:
            (data,) = self.db.execute(read, (procedure_id,)).fetchone()
            own = encode(stored[procedure_id])
            if _RELATED_LAST and data.endswith(f",{own}]"):  # the links close the array
                data = f"{data[: -len(own) - 1]}{encode(both)}]"
            else:
                decoded = json.loads(data)
                decoded[_RELATED_AT] = both
                data = encode(decoded)
            rows.append((data, codec.digest("procedure", procedure_id, data), procedure_id))
        self.db.executemany(
            "UPDATE records SET data = ?, digest = ? WHERE kind = 'procedure' AND id = ?", rows
        )


_RECORD_KINDS = ("source", "condition", "procedure", "name", "notice")
_RELATED_AT = Procedure._fields.index("related")
_RELATED_LAST = Procedure._fields[-1] == "related"


def _write_names(
    db: sqlite3.Connection, kind: str, pairs: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The name tables of one kind of entry from its (normalised name, id) pairs;
    the summaries the meta table keeps of them."""
    db.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
        (
            (kind, key, compact, entry_id, codec.digest(kind, key, compact, entry_id))
            for key, entry_id in pairs
            for compact in (key.replace(" ", ""),)
        ),
    )
    # One row a word, with every name holding it (names never hold a newline).
    keys_of: dict[str, dict[str, None]] = {}
    for name_key in dict.fromkeys(k for k, _ in pairs):
        for word in name_key.split():
            keys_of.setdefault(word, {})[name_key] = None
    db.executemany(
        "INSERT INTO words VALUES (?, ?, ?, ?)",
        (
            (kind, word, joined, codec.digest(kind, word, joined))
            for word, keys in keys_of.items()
            for joined in ("\n".join(keys),)
        ),
    )
    entries_of: dict[str, set[str]] = {}
    for name_key, entry_id in pairs:
        for word in name_key.split():
            entries_of.setdefault(word, set()).add(entry_id)
    counted = sorted((word, len(ids)) for word, ids in entries_of.items())
    db.executemany("INSERT INTO vocabulary VALUES (?, ?, ?)", ((kind, w, n) for w, n in counted))
    return [
        (f"vocabulary:{kind}", codec.list_digest(sorted(f"{w} {n}" for w, n in counted))),
        (f"entries:{kind}", str(len({i for _, i in pairs}))),
        (f"names:{kind}", codec.list_digest(sorted({name_key for name_key, _ in pairs}))),
    ]


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
