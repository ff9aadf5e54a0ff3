"""The merged catalog: its records by id and the names lookup reads; and what
merging decides, for building the index from records as they are read.

It comes from the catalog files or from the compiled index; either way nothing
here queries or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from painref.catalog.names import NamesInDicts
from painref.core.model import Condition, Link, LookupName, Notice, Procedure, Source
from painref.core.text import name_keys, normalise

if TYPE_CHECKING:
    from painref.catalog.names import NameStore


# Where checked records go as they are read, instead of being kept: (kind, record),
# the kind named as a catalog file does ("procedures"). The index is built this way.
RecordSink = Callable[[str, Any], None]


class Merged(NamedTuple):
    """What merging decides, whether or not the layers hold their records."""

    # Which layer each record comes from, by kind, in the catalog's order.
    owners: dict[str, dict[str, int]]
    # Every procedure's links as its record stores them, and in both directions.
    stored_links: dict[str, tuple[Link, ...]]
    links: dict[str, tuple[Link, ...]]
    names: tuple[LookupName, ...]


class Catalog:
    def __init__(
        self,
        sources: Mapping[str, Source],
        conditions: Mapping[str, Condition],
        procedures: Mapping[str, Procedure],
        name_store: Callable[[str], NameStore] | None = None,
        names: Sequence[LookupName] | Mapping[str, LookupName] = (),
        notices: Mapping[str, Notice] | None = None,
    ) -> None:
        """`name_store` gives the names of one kind ("procedure" or "condition");
        by default they are read from the records and the lookup `names`."""
        self.sources = sources
        self.conditions = conditions
        self.procedures = procedures
        self.notices: Mapping[str, Notice] = {} if notices is None else notices
        self._names = names
        # Not a bound method of this catalog: that would make a reference cycle, and a
        # large catalog would then wait for the cycle collector to be freed.
        self._name_store = name_store
        self._stores: dict[str, NameStore] = {}
        self._names_by_procedure: dict[str, list[LookupName]] | None = None

    def notices_of(self, role: str) -> tuple[Notice, ...]:
        """The notices of one role: "warning" (on every card) or "question"."""
        return tuple(notice for notice in self.notices.values() if notice.role == role)

    def name_store(self, kind: str) -> NameStore:
        """The names of one kind of entry, as lookup asks for them."""
        if kind not in self._stores:
            made = self._name_store or self._names_in_records
            self._stores[kind] = made(kind)
        return self._stores[kind]

    @property
    def names(self) -> tuple[LookupName, ...]:
        """The lookup names, in catalog order."""
        return tuple(self._names.values() if isinstance(self._names, Mapping) else self._names)

    def lookup_names_of(self, procedure_id: str) -> tuple[LookupName, ...]:
        """The lookup names that name a procedure, its own and its families', in
        catalog order."""
        if self._names_by_procedure is None:
            self._names_by_procedure = {}
            for name in self.names:
                if name.kind == "procedure":
                    for named_id in name.ids:
                        self._names_by_procedure.setdefault(named_id, []).append(name)
        return tuple(self._names_by_procedure.get(procedure_id, ()))

    def _names_in_records(self, kind: str) -> NameStore:
        return NamesInDicts(self.name_pairs(kind))

    def name_pairs(self, kind: str) -> Iterator[tuple[str, str]]:
        """(normalised name, id) for every name an entry of this kind answers to."""
        records: Mapping[str, Procedure] | Mapping[str, Condition] = (
            self.procedures if kind == "procedure" else self.conditions
        )
        called = {record.id: (record.name, record.aliases) for record in records.values()}
        return name_pairs(kind, called, self.names)

    def conditions_of(self, procedure: Procedure) -> tuple[Condition, ...]:
        return tuple(self.conditions[c] for c in procedure.conditions)

    def sources_of(self, procedure: Procedure) -> tuple[Source, ...]:
        return tuple(self.sources[s] for s in procedure.source_ids())


def name_pairs(
    kind: str, called: Mapping[str, tuple[str, tuple[str, ...]]], names: Iterable[LookupName]
) -> Iterator[tuple[str, str]]:
    """(normalised name, id) for every name an entry of this kind answers to: its id,
    name and aliases (`called`: each entry's name and aliases by id, in catalog
    order), then the lookup names (a family name, once per entry)."""
    for entry_id, (name, aliases) in called.items():
        for key in name_keys(entry_id, (name, *aliases)):
            yield key, entry_id
    for lookup_name in names:
        key = normalise(lookup_name.name)
        if lookup_name.kind == kind and key:
            for entry_id in lookup_name.ids:
                if entry_id in called:
                    yield key, entry_id
    if kind == "condition":
        from painref.catalog import icd10cm

        # ICD-10-CM titles at or below a condition's codes name it too.
        for code in icd10cm.codes().values():
            for entry_id in code.conditions:
                if entry_id in called:
                    yield normalise(code.title), entry_id
