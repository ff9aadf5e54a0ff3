"""What a search finds: a procedure, its score and the excerpts that matched. Apart
from the other results, as only `search` needs them."""

from __future__ import annotations

from typing import NamedTuple

from painref.core.model import Procedure


class Excerpt(NamedTuple):
    """A short piece of one field, with the matched words' (start, end) spans."""

    field: str  # "name", "names" or a card row of core.fields
    text: str
    spans: tuple[tuple[int, int], ...]


class Hit(NamedTuple):
    procedure: Procedure
    score: float
    excerpts: tuple[Excerpt, ...]
