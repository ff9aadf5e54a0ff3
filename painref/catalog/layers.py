"""The catalog's files: the bundled one and the overlays a user layers over it,
read safely and checked, then merged; or the compiled index while they are unchanged.

Nothing here prints; every failure a user can cause is a PainrefError.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from painref.catalog.records import Catalog
from painref.core.errors import CatalogError, Problem

if TYPE_CHECKING:
    from painref.catalog.records import Merged, RecordSink
    from painref.catalog.validate import Layer

BUNDLED_NAME = "procedures.yaml"
MIB = 1024 * 1024
# Room for ten thousand fully written entries (about 60 MiB) and more.
MAX_CATALOG_BYTES = 128 * MIB
ENV_VAR = "PAINREF_CATALOG"


def bundled_catalog_path() -> Path:
    """The catalog shipped inside the package (or, in a source checkout, data/)."""
    from painref.core.datafiles import data_file

    return data_file(BUNDLED_NAME)


class Overlay(NamedTuple):
    """A user catalog layered over the bundled one, and where its path came from."""

    path: Path
    origin: str  # "--catalog" or "PAINREF_CATALOG"


def overlays(env_value: str | None, option_paths: Sequence[Path]) -> list[Overlay]:
    """PAINREF_CATALOG's paths (split on os.pathsep), then each --catalog, in order."""
    from_env = [part for part in (env_value or "").split(os.pathsep) if part.strip()]
    return [Overlay(Path(part), ENV_VAR) for part in from_env] + [
        Overlay(path, "--catalog") for path in option_paths
    ]


def read_layer(
    path: Path,
    origin: str = "",
    keep_records: bool = True,
    known: Mapping[str, AbstractSet[str]] | None = None,
    sink: RecordSink | None = None,
) -> Layer:
    """One catalog file, read and checked (see validate.check_text)."""
    name = str(path)
    given = f" (given by {origin})" if origin else ""
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            problem = Problem(
                name,
                1,
                1,
                "PR008",
                f"the file is {size / MIB:.1f} MiB; a catalog may be at most "
                f"{MAX_CATALOG_BYTES // MIB} MiB{given}",
            )
            raise CatalogError([problem])
        if path.exists() and not path.is_file():
            # A directory, FIFO or device (/dev/zero would never end).
            kind = "a directory" if path.is_dir() else "not a regular file"
            raise CatalogError(
                [Problem(name, 1, 1, "PR009", f"cannot read the catalog{given}: it is {kind}")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(
            [Problem(name, 1, 1, "PR009", f"cannot read the catalog{given}: {exc.strerror or exc}")]
        ) from None
    except ValueError:  # a NUL in the path: no file can have that name
        raise CatalogError(
            [Problem(name, 1, 1, "PR009", f"cannot read the catalog{given}: no such file")]
        ) from None
    try:
        _check_utf8(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CatalogError(
            [Problem(name, line, column, "PR008", f"the catalog is not valid UTF-8 text{given}")]
        ) from None
    from painref.catalog.validate import check_text

    return check_text(data, name, keep_records, known, sink)


def _check_utf8(data: bytes, chunk: int = 1 << 20) -> None:
    """Raise UnicodeDecodeError (positions in the whole of `data`) unless it is UTF-8,
    decoding a piece at a time, so a large file is never held twice."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    for start in range(0, len(data), chunk):
        pending = len(decoder.getstate()[0])  # the start of a character cut by the last piece
        try:
            decoder.decode(data[start : start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as exc:
            offset = start - pending
            raise UnicodeDecodeError(
                "utf-8", data, offset + exc.start, offset + exc.end, exc.reason
            ) from None


def catalog_files(layers: Sequence[Overlay] = (), bundled: bool = True) -> list[Overlay]:
    """The files a catalog is read from, bottom layer first."""
    return ([Overlay(bundled_catalog_path(), "")] if bundled else []) + list(layers)


def open_catalog(
    layers: Sequence[Overlay] = (), bundled: bool = True, use_index: bool = True
) -> Catalog:
    """The catalog of the bundled file (unless told not to) and each overlay, in order.

    It comes from the compiled index while the files are unchanged; otherwise
    every file is read (all problems are reported at once) and the index rebuilt
    from the records as they are read.
    """
    files = catalog_files(layers, bundled)
    if not use_index:
        return read_catalog(files)
    from painref.catalog import index

    return index.open_indexed(
        [item.path for item in files],
        lambda: read_catalog(files),
        lambda sink: stream_catalog(files, sink),
    )


def read_catalog(files: Sequence[Overlay]) -> Catalog:
    """Read, check and merge catalog files, reporting every problem at once."""
    from painref.catalog.merge import merge

    return merge(read_layers(files))


def stream_catalog(files: Sequence[Overlay], sink: RecordSink) -> Merged:
    """Read and check catalog files, passing each checked record to `sink` instead of
    keeping it, then merge what is kept; every problem is reported at once."""
    from painref.catalog.merge import check

    return check(read_layers(files, sink))


def read_layers(files: Sequence[Overlay], sink: RecordSink | None = None) -> list[Layer]:
    """Each file read and checked, bottom layer first; raises CatalogError with the
    problems of every file that cannot be read."""
    read: list[Layer] = []
    problems: list[Problem] = []
    known: dict[str, set[str]] = {"source": set(), "condition": set(), "procedure": set()}
    for item in files:
        try:
            layer = read_layer(item.path, item.origin, keep_records=False, known=known, sink=sink)
        except CatalogError as error:
            problems.extend(error.problems)
            continue
        read.append(layer)
        for kind, ids in known.items():
            ids.update(layer.ids[f"{kind}s"])
            ids.update(record_id for of, record_id in layer.broken if of == f"{kind}s")
    if problems:
        raise CatalogError(problems)
    return read
