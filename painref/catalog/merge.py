"""Merge checked layers into one catalog: later layers replace earlier entries
with the same id; then every reference must resolve and every link be stored once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from painref.catalog.records import Catalog
from painref.core import vocab
from painref.core.errors import CatalogError
from painref.core.model import Condition, Link, Notice, Procedure, Source

if TYPE_CHECKING:
    from painref.catalog.validate import Layer


def merge(layers: Sequence[Layer]) -> Catalog:
    """Later layers replace earlier entries with the same id; then check every reference."""
    sources: dict[str, Source] = {}
    conditions: dict[str, Condition] = {}
    procedures: dict[str, Procedure] = {}
    notices: dict[str, Notice] = {}
    owner_layer: dict[tuple[str, str], Layer] = {}
    for layer in layers:
        for kind, store, records in (
            ("sources", sources, layer.sources),
            ("conditions", conditions, layer.conditions),
            ("procedures", procedures, layer.procedures),
            ("notices", notices, layer.notices),
        ):
            for record_id, record in records.items():
                store[record_id] = record  # type: ignore[assignment]
                owner_layer[(kind, record_id)] = layer
    known: dict[str, set[str]] = {
        "source": set(sources),
        "condition": set(conditions),
        "procedure": set(procedures),
        "notice": set(notices),
    }
    for layer in layers:
        for kind, record_id in layer.broken:
            known[kind[:-1]].add(record_id)
    _check_links(layers, procedures, owner_layer, known)
    problems = [problem for layer in layers for problem in layer.doc.problems]
    if problems:
        stopped = tuple(layer.doc.file for layer in layers if layer.doc.overflowed)
        ordered = sorted(set(problems), key=lambda p: (p.file, p.line, p.column))
        raise CatalogError(ordered, stopped)
    names = tuple(dict.fromkeys(name for layer in layers for name in layer.names))
    procedures = _with_links_both_ways(procedures)
    return Catalog(sources, conditions, procedures, names=names, notices=notices)


def _check_links(
    layers: Sequence[Layer],
    procedures: Mapping[str, Procedure],
    owner_layer: Mapping[tuple[str, str], Layer],
    known: Mapping[str, set[str]],
) -> None:
    """Every reference resolves, and a link between two procedures is stored once."""
    for layer in layers:
        for (kind, record_id), refs in layer.refs.items():
            if kind != "names" and owner_layer.get((kind, record_id)) is not layer:
                continue  # replaced by a record of a later layer
            for ref in refs:
                if ref.target not in known[ref.kind]:
                    hint = _close(ref.target, list(known[ref.kind]))
                    ref.doc.problem(
                        ref.path,
                        "PR016",
                        f"unknown {ref.kind} id {ref.target!r}{hint} (in {ref.owner})",
                    )
    stored_pairs: dict[frozenset[str], str] = {}
    for procedure in procedures.values():
        layer = owner_layer[("procedures", procedure.id)]
        for index, link in enumerate(procedure.related):
            pair = frozenset((procedure.id, link.id))
            if pair in stored_pairs and stored_pairs[pair] != procedure.id:
                path = (*layer.paths[("procedures", procedure.id)], "related", index)
                layer.doc.problem(
                    path,
                    "PR020",
                    f"the link between {procedure.id!r} and {link.id!r} is "
                    f"already stored on {stored_pairs[pair]!r}; store it once "
                    f"(in procedure {procedure.id!r})",
                )
            stored_pairs.setdefault(pair, procedure.id)


def _close(target: str, choices: Iterable[str]) -> str:
    import difflib

    hint = difflib.get_close_matches(target, list(choices), n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


def _with_links_both_ways(procedures: Mapping[str, Procedure]) -> dict[str, Procedure]:
    links: dict[str, list[Link]] = {procedure_id: [] for procedure_id in procedures}
    for procedure in procedures.values():
        for link in procedure.related:
            links[procedure.id].append(link)
            inverse = vocab.RELATIONS[link.relation]
            links[link.id].append(Link(procedure.id, inverse, link.sources))
    return {
        procedure_id: procedure._replace(related=tuple(links[procedure_id]))
        for procedure_id, procedure in procedures.items()
    }
