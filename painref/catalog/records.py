"""The merged catalog: its records by id and the names lookup reads.

It comes from the catalog files or from the compiled index; either way nothing
here queries or prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from painref.catalog.names import NamesInDicts
from painref.core.model import Condition, LookupName, Notice, Procedure, Source
from painref.core.text import name_keys, normalise

if TYPE_CHECKING:
    from painref.catalog.names import NameStore


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
        """(normalised name, id) for every name an entry of this kind answers to:
        its id, name and aliases, then the lookup names (a family name, once per entry)."""
        records: Mapping[str, Procedure] | Mapping[str, Condition] = (
            self.procedures if kind == "procedure" else self.conditions
        )
        for record in records.values():
            for key in name_keys(record.id, (record.name, *record.aliases)):
                yield key, record.id
        for name in self.names:
            key = normalise(name.name)
            if name.kind == kind and key:
                for entry_id in name.ids:
                    if entry_id in records:
                        yield key, entry_id
        if kind == "condition":
            from painref.catalog import icd10cm

            # ICD-10-CM titles at or below a condition's codes name it too.
            for code in icd10cm.codes().values():
                for entry_id in code.conditions:
                    if entry_id in records:
                        yield normalise(code.title), entry_id

    def conditions_of(self, procedure: Procedure) -> tuple[Condition, ...]:
        return tuple(self.conditions[c] for c in procedure.conditions)

    def sources_of(self, procedure: Procedure) -> tuple[Source, ...]:
        return tuple(self.sources[s] for s in procedure.source_ids())
