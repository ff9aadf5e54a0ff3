"""What each command does once its arguments are parsed: ask the catalog, render, write.

Two front ends share these functions: the Typer app in cli.py, and
painref.cli.quick, which answers the commonest requests without loading Typer.
Nothing here imports Typer, so the quick answers stay quick.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from painref.catalog.index import IndexDamaged, discard
from painref.catalog.store import (
    ENV_VAR,
    Catalog,
    Filters,
    Overlay,
    catalog_files,
    open_catalog,
    overlays,
)
from painref.cli.output import emit_json, emit_rich, emit_text
from painref.core.errors import CatalogError, PainrefError, UsageProblem
from painref.core.safetext import neutralise, shown_path


class Choices(NamedTuple):
    """What the options chose: the catalog layers, the colour mode and paging."""

    overlays: Sequence[Overlay] = ()
    bundled: bool = True
    color: str = "auto"
    pager: bool = True  # page long output on a terminal


def choose(
    catalogs: Sequence[Path] = (), bundled: bool = True, color: str = "auto", pager: bool = True
) -> Choices:
    """The choices for these --catalog paths, after the layers in PAINREF_CATALOG."""
    return Choices(overlays(os.environ.get(ENV_VAR), catalogs), bundled, color, pager)


def guarded(invoke: Callable[[], object], as_json: bool) -> int:
    """Run a command; every PainrefError becomes one message and its exit code."""
    try:
        try:
            result = invoke()
        except IndexDamaged as damaged:
            # Nothing was printed yet: answer again from the catalog files.
            discard(damaged.path)
            result = invoke()
    except PainrefError as error:
        return report(error, as_json)
    return result if isinstance(result, int) else 0


def report(error: PainrefError, as_json: bool) -> int:
    if as_json:
        from painref.render.jsonout import error_object

        emit_json(error_object(error))
    else:
        lines = neutralise(error.message).splitlines() or [""]
        prefix = "" if error.exit_code == 3 else "painref: "
        sys.stderr.write("".join(f"{prefix}{line}\n" for line in lines))
    return error.exit_code


def need_a_catalog(choices: Choices, layers: Sequence[Overlay]) -> None:
    if not choices.bundled and not layers:
        raise UsageProblem(f"--no-bundled needs a catalog: give --catalog PATH or set {ENV_VAR}")


def _catalog(choices: Choices) -> Catalog:
    need_a_catalog(choices, choices.overlays)
    return open_catalog(choices.overlays, bundled=choices.bundled)


def output_format(as_json: bool, chosen: str | None) -> str:
    """--json and --format together: "rich", "markdown" or "json"."""
    if as_json and chosen not in (None, "json"):
        raise UsageProblem(f"--json and --format {chosen} ask for different output; give one")
    return "json" if as_json else chosen or "rich"


def show(choices: Choices, query: str, output: str) -> None:
    catalog = _catalog(choices)
    procedure = catalog.procedure(query)
    if output == "json":
        from painref.render.jsonout import procedure_object

        emit_json(procedure_object(catalog, procedure))
        return
    if output == "markdown":
        from painref.render.markdown import procedure_handout

        emit_text(procedure_handout(catalog, procedure), choices.pager)
        return
    from painref.render.terminal import procedure_card

    emit_rich(
        lambda styled: procedure_card(catalog, procedure, styled), choices.color, choices.pager
    )


def parse_fields(values: Sequence[str]) -> list[str]:
    """--fields values (repeatable, comma-separated) as field names; none means all."""
    from painref.render.fields import FIELDS

    if not values:
        return list(FIELDS)
    chosen: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().replace("-", "_")
            if not name:
                continue
            if name not in FIELDS:
                import difflib

                hint = difflib.get_close_matches(name, list(FIELDS), n=1)
                raise UsageProblem(
                    f"unknown field {name!r}"
                    + (f"; did you mean {hint[0]!r}?" if hint else "")
                    + f" (fields: {', '.join(FIELDS)})"
                )
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise UsageProblem("--fields needs at least one field name")
    return chosen


def compare(choices: Choices, names: Sequence[str], fields: Sequence[str], output: str) -> None:
    chosen = parse_fields(fields)
    catalog = _catalog(choices)
    procedures = []
    for name in names:
        procedure = catalog.procedure(name)
        if procedure not in procedures:
            procedures.append(procedure)
    if len(procedures) < 2:
        raise UsageProblem("compare needs at least two different procedures")
    if output == "json":
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, p) for p in procedures])
        return
    if output == "markdown":
        from painref.render import markdown

        emit_text(markdown.compare_table(catalog, procedures, chosen), choices.pager)
        return
    from painref.render.terminal import compare_table

    emit_rich(
        lambda styled: compare_table(catalog, procedures, chosen, styled),
        choices.color,
        choices.pager,
    )


def find(choices: Choices, filters: Filters, output: str) -> None:
    if filters == Filters():
        raise UsageProblem(
            "give at least one filter, e.g. --condition sciatica "
            "(or run 'painref list' to see everything)"
        )
    catalog = _catalog(choices)
    found = catalog.find(filters)
    if output == "json":
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, item.procedure) for item in found])
        return
    if output == "markdown":
        from painref.render.markdown import found_list

        emit_text(found_list(found), choices.pager)
        return
    from painref.render.terminal import found_table

    emit_rich(lambda styled: found_table(found, styled), choices.color, choices.pager)


def search(choices: Choices, query: str, as_json: bool) -> None:
    from painref.query.search import parse_query, search

    parsed = parse_query(query)  # a usage problem is reported before the catalog is read
    catalog = _catalog(choices)
    hits, hints, unknown = search(catalog, parsed)
    if as_json:
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, hit.procedure) for hit in hits])
        return
    from painref.render.terminal import search_view

    emit_rich(
        lambda styled: search_view(hits, query, hints, unknown, styled),
        choices.color,
        choices.pager,
    )


def list_procedures(choices: Choices, as_json: bool) -> None:
    catalog = _catalog(choices)
    groups = catalog.by_category()
    if as_json:
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, p) for items in groups.values() for p in items])
        return
    from painref.render.terminal import list_view

    emit_rich(lambda styled: list_view(groups, styled), choices.color, choices.pager)


def conditions(choices: Choices, term: str | None, as_json: bool) -> None:
    catalog = _catalog(choices)
    uses = catalog.condition_uses(term)
    if as_json:
        from painref.render.jsonout import condition_object

        emit_json([condition_object(catalog, use) for use in uses])
        return
    from painref.render.terminal import conditions_view

    emit_rich(lambda styled: conditions_view(uses, styled), choices.color, choices.pager)


def sources(choices: Choices, query: str | None, as_json: bool) -> None:
    catalog = _catalog(choices)
    chosen = catalog.procedure(query) if query is not None else None
    uses = catalog.source_uses(chosen)
    if as_json:
        from painref.render.jsonout import source_object

        emit_json([source_object(use) for use in uses])
        return
    from painref.render.terminal import sources_view

    emit_rich(lambda styled: sources_view(uses, styled), choices.color, choices.pager)


def validate(choices: Choices, layers: Sequence[Overlay], as_json: bool) -> int:
    """Check catalogs without the index: every problem and exit 3, or a summary."""
    need_a_catalog(choices, layers)
    files = [str(item.path) for item in catalog_files(layers, choices.bundled)]
    try:
        catalog = open_catalog(layers, bundled=choices.bundled, use_index=False)
    except CatalogError as error:
        if as_json:
            from painref.render.jsonout import validation_object

            emit_json(validation_object(files, error.problems))
        else:
            sys.stdout.write("".join(f"{neutralise(str(p))}\n" for p in error.problems))
            count = len(error.problems)
            notes = "".join(f"{note}\n" for note in error.notes)
            sys.stderr.write(f"{notes}painref: {count} problem{'s' if count != 1 else ''} found\n")
        return error.exit_code
    counts = {
        "procedures": len(catalog.procedures),
        "conditions": len(catalog.conditions),
        "sources": len(catalog.sources),
    }
    if as_json:
        from painref.render.jsonout import validation_object

        emit_json(validation_object(files, (), counts))
    else:
        summary = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        sys.stdout.write(f"ok: {summary} in {len(files)} file{'s' if len(files) != 1 else ''}\n")
        sys.stdout.write("".join(f"  {shown_path(file)}\n" for file in files))
    return 0


def schema() -> None:
    from painref.catalog.schema import catalog_schema

    emit_json(catalog_schema())


# Shell completion ---------------------------------------------------------------
# Each returns (value, description) pairs; the shell shows the description
# where it can. A catalog that cannot be read completes nothing, quietly.


def complete_names(choices: Choices, kind: str, typed: str) -> list[tuple[str, str]]:
    """Procedure or condition ids whose id, name, alias or a word of one starts with `typed`."""
    try:
        return _catalog(choices).completions(kind, typed)
    except (PainrefError, IndexDamaged):
        return []


def complete_term(vocabulary: Mapping[str, str], typed: str) -> list[tuple[str, str]]:
    """Values of a closed vocabulary (region, guidance, ...) that start with `typed`."""
    start = typed.strip().lower()
    return [(value, label) for value, label in vocabulary.items() if value.startswith(start)]


def complete_fields(typed: str) -> list[tuple[str, str]]:
    """--fields takes a comma-separated list: complete its last name."""
    from painref.render.fields import FIELDS

    done, comma, last = typed.rpartition(",")
    given = set(done.split(","))
    start = last.strip().lower().replace("-", "_")
    return [
        (done + comma + name, label)
        for name, label in FIELDS.items()
        if name.startswith(start) and name not in given
    ]
