"""Merge checked layers into one catalog: later layers replace earlier entries
with the same id; then every reference must resolve and every link be stored once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from painref.catalog.records import Catalog, Merged
from painref.catalog.validate import STORED_KINDS, Layer
from painref.core import vocab
from painref.core.errors import CatalogError
from painref.core.model import Link


def merge(layers: Sequence[Layer]) -> Catalog:
    """The catalog of layers that hold their records (read without a sink)."""
    merged = check(layers)
    stores: list[dict[str, Any]] = [
        {record_id: getattr(layers[at], kind)[record_id] for record_id, at in owned.items()}
        for kind, owned in merged.owners.items()
    ]
    sources, conditions, procedures, notices = stores
    procedures = {
        procedure_id: procedure._replace(related=merged.links[procedure_id])
        for procedure_id, procedure in procedures.items()
    }
    return Catalog(sources, conditions, procedures, names=merged.names, notices=notices)


def check(layers: Sequence[Layer]) -> Merged:
    """Later layers replace earlier entries with the same id; then check every
    reference, raising CatalogError with every problem of every layer."""
    owners: dict[str, dict[str, int]] = {kind: {} for kind in STORED_KINDS}
    for at, layer in enumerate(layers):
        for kind in STORED_KINDS:
            owned = owners[kind]
            for record_id in layer.ids[kind]:
                owned[record_id] = at  # a replaced id keeps its place, as in a dict
    known: dict[str, set[str]] = {kind[:-1]: set(owned) for kind, owned in owners.items()}
    for layer in layers:
        for kind, record_id in layer.broken:
            known[kind[:-1]].add(record_id)
    own_links = {
        procedure_id: layers[at].links[procedure_id]
        for procedure_id, at in owners["procedures"].items()
    }
    _check_links(layers, owners, own_links, known)
    problems = [problem for layer in layers for problem in layer.doc.problems]
    if problems:
        stopped = tuple(layer.doc.file for layer in layers if layer.doc.overflowed)
        ordered = sorted(set(problems), key=lambda p: (p.file, p.line, p.column))
        raise CatalogError(ordered, stopped)
    names = tuple(dict.fromkeys(name for layer in layers for name in layer.names))
    return Merged(owners, own_links, links_both_ways(own_links), names)


def _check_links(
    layers: Sequence[Layer],
    owners: Mapping[str, Mapping[str, int]],
    own_links: Mapping[str, tuple[Link, ...]],
    known: Mapping[str, set[str]],
) -> None:
    """Every reference resolves, and a link between two procedures is stored once."""
    for at, layer in enumerate(layers):
        for (kind, record_id), refs in layer.refs.items():
            if kind != "names" and owners.get(kind, {}).get(record_id) != at:
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
    for procedure_id, links in own_links.items():
        layer = layers[owners["procedures"][procedure_id]]
        for index, link in enumerate(links):
            pair = frozenset((procedure_id, link.id))
            if pair in stored_pairs and stored_pairs[pair] != procedure_id:
                path = (*layer.paths[("procedures", procedure_id)], "related", index)
                layer.doc.problem(
                    path,
                    "PR020",
                    f"the link between {procedure_id!r} and {link.id!r} is "
                    f"already stored on {stored_pairs[pair]!r}; store it once "
                    f"(in procedure {procedure_id!r})",
                )
            stored_pairs.setdefault(pair, procedure_id)


def _close(target: str, choices: Iterable[str]) -> str:
    import difflib

    hint = difflib.get_close_matches(target, list(choices), n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


def links_both_ways(own: Mapping[str, tuple[Link, ...]]) -> dict[str, tuple[Link, ...]]:
    """Each procedure's links: those stored on it, and the inverse of those stored
    on others, in the catalog's order."""
    links: dict[str, list[Link]] = {procedure_id: [] for procedure_id in own}
    for procedure_id, stored in own.items():
        for link in stored:
            links[procedure_id].append(link)
            inverse = vocab.RELATIONS[link.relation]
            links[link.id].append(Link(procedure_id, inverse, link.sources))
    return {procedure_id: tuple(found) for procedure_id, found in links.items()}
