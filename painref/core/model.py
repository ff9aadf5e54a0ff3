"""The catalog's records: immutable named tuples, no behaviour beyond lookups.

(Named tuples rather than dataclasses: they are several times cheaper to define,
and every command pays for that at start-up.)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from painref.core.vocab import TAG_FIELDS

# Fields that hold one fact, and fields that hold a list of facts.
TEXT_FACTS: tuple[str, ...] = ("summary", "how_it_works", "anesthesia", "setting", "recovery")
LIST_FACTS: tuple[str, ...] = ("candidacy", "contraindications", "risks")


class Source(NamedTuple):
    id: str
    title: str
    file: str | None = None
    url: str | None = None


class Condition(NamedTuple):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class LookupName(NamedTuple):
    """A name people use for entries, for lookup only (never shown as "also called").
    Naming several entries makes it a family name: lookup then asks which."""

    name: str
    kind: str  # "procedure" or "condition"
    ids: tuple[str, ...]
    origin: str
    sources: tuple[str, ...]


class Fact(NamedTuple):
    """A piece of text and the sources that support it."""

    text: str
    sources: tuple[str, ...]


class Duration(NamedTuple):
    min_minutes: int
    max_minutes: int
    note: str | None
    sources: tuple[str, ...]


class Relief(NamedTuple):
    onset: Fact | None = None
    lasts: Fact | None = None


class Link(NamedTuple):
    """A relation to another procedure, as seen from the procedure that holds it."""

    id: str
    relation: str
    sources: tuple[str, ...] = ()


class Procedure(NamedTuple):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    category: str = ""
    purpose: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    cite: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    summary: Fact | None = None
    how_it_works: Fact | None = None
    anesthesia: Fact | None = None
    setting: Fact | None = None
    duration: Duration | None = None
    recovery: Fact | None = None
    relief: Relief = Relief()
    candidacy: tuple[Fact, ...] = ()
    contraindications: tuple[Fact, ...] = ()
    risks: tuple[Fact, ...] = ()
    # Links in both directions, filled in by the catalog.
    related: tuple[Link, ...] = ()

    def citations(self) -> dict[str, tuple[str, ...]]:
        """Every cited field, keyed by its path (``summary``, ``risks[0]`` ...)."""
        cited: dict[str, tuple[str, ...]] = {}
        for name in TAG_FIELDS:
            if name in self.cite:
                cited[name] = self.cite[name]
        for name in ("summary", "how_it_works", "anesthesia", "setting"):
            fact = getattr(self, name)
            if fact is not None:
                cited[name] = fact.sources
        if self.duration is not None:
            cited["duration"] = self.duration.sources
        if self.recovery is not None:
            cited["recovery"] = self.recovery.sources
        if self.relief.onset is not None:
            cited["relief.onset"] = self.relief.onset.sources
        if self.relief.lasts is not None:
            cited["relief.lasts"] = self.relief.lasts.sources
        for name in LIST_FACTS:
            for index, fact in enumerate(getattr(self, name)):
                cited[f"{name}[{index}]"] = fact.sources
        for index, link in enumerate(self.related):
            if link.sources:
                cited[f"related[{index}]"] = link.sources
        return cited

    def source_ids(self) -> tuple[str, ...]:
        """All sources this procedure cites, in order of first citation."""
        seen: dict[str, None] = {}
        for ids in self.citations().values():
            for source_id in ids:
                seen.setdefault(source_id, None)
        return tuple(seen)
