"""Where a data file that ships with painref is: inside the package when installed,
or in the repository's data/ in a source checkout."""

from __future__ import annotations

from pathlib import Path


def data_file(name: str) -> Path:
    """The shipped file `name` (or, in a source checkout, data/name)."""
    here = Path(__file__).resolve().parent.parent  # painref/
    packaged = here / "data" / name
    return packaged if packaged.is_file() else here.parent / "data" / name
