"""What each command does once its arguments are parsed: ask the catalog and
return a reply, the result and how it is to be shown. Nothing here prints;
painref.cli.present renders every reply in one place.

Two front ends share these functions: the Typer app in app.py, and
painref.cli.quick, which answers the commonest requests without loading Typer.
Nothing here imports Typer, so the quick answers stay quick.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from painref.catalog.layers import ENV_VAR, Overlay, catalog_files, open_catalog, overlays
from painref.cli.output import Output
from painref.core.errors import CatalogError, PainrefError, Problem, UsageProblem
from painref.core.model import Notice, Procedure
from painref.query.lookup import Lookup
from painref.query.results import ConditionUse, Entry, Filters, Found, SourceUse

if TYPE_CHECKING:
    from painref.query.hits import Hit


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


# Results: what a command found, with everything it refers to looked up. The JSON
# of a list of procedures needs each one's entry; the other outputs do not, so
# `entries` is filled only for JSON. (Plain classes: every command defines them
# all, and a class with __slots__ is many times cheaper to define than a NamedTuple.)


class Card:
    __slots__ = ("entry", "patient", "sections")

    def __init__(self, entry: Entry, sections: tuple[str, ...] = (), patient: bool = False) -> None:
        self.entry = entry
        self.sections = sections  # only these rows (--section); none: the whole card
        self.patient = patient  # the patient handout instead of the card


class Comparison:
    __slots__ = ("entries", "fields", "layout")

    def __init__(
        self, entries: tuple[Entry, ...], fields: tuple[str, ...], layout: str = "auto"
    ) -> None:
        self.entries = entries
        self.fields = fields
        self.layout = layout  # table, blocks, or auto: blocks when a table would not fit


class FoundList:
    __slots__ = ("columns", "entries", "found", "notices", "untimed")

    def __init__(
        self,
        found: tuple[Found, ...],
        entries: tuple[Entry, ...] = (),
        columns: tuple[str, ...] = (),
        notices: tuple[Notice, ...] = (),
        untimed: tuple[Procedure, ...] = (),
    ) -> None:
        self.found = found
        self.entries = entries
        self.columns = columns  # fields shown with each procedure
        self.notices = notices  # shown when the bleeding-risk column is
        self.untimed = untimed  # left out by --max-minutes: no procedure time recorded


class SearchResults:
    __slots__ = ("entries", "hints", "hits", "notices", "query", "unknown")

    def __init__(
        self,
        query: str,
        hits: tuple[Hit, ...],
        hints: tuple[str, ...],
        unknown: tuple[str, ...],
        entries: tuple[Entry, ...] = (),
        notices: tuple[Notice, ...] = (),
    ) -> None:
        self.query = query
        self.hits = hits
        self.hints = hints
        self.unknown = unknown
        self.entries = entries
        self.notices = notices  # catalog-wide notices that hold the words


class ProcedureList:
    __slots__ = ("entries", "groups")

    def __init__(
        self, groups: Mapping[str, Sequence[Procedure]], entries: tuple[Entry, ...] = ()
    ) -> None:
        self.groups = groups  # category -> procedures
        self.entries = entries


class ConditionList:
    __slots__ = ("uses",)

    def __init__(self, uses: tuple[ConditionUse, ...]) -> None:
        self.uses = uses


class SourceList:
    __slots__ = ("uses",)

    def __init__(self, uses: tuple[SourceUse, ...]) -> None:
        self.uses = uses


class Validation:
    __slots__ = ("counts", "files", "notes", "problems")

    def __init__(
        self,
        files: tuple[str, ...],
        problems: tuple[Problem, ...] = (),
        counts: Mapping[str, int] | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.files = files
        self.problems = problems
        self.counts = counts  # only when the catalogs are sound
        self.notes = notes  # files where reading stopped


class Schema:
    __slots__ = ("value",)

    def __init__(self, value: Mapping[str, Any]) -> None:
        self.value = value


Result = (
    Card
    | Comparison
    | FoundList
    | SearchResults
    | ProcedureList
    | ConditionList
    | SourceList
    | Validation
    | Schema
)


class Reply:
    """A result and how to show it: the one thing a command gives its front end."""

    __slots__ = ("choices", "output", "result")

    def __init__(self, result: Result, output: Output, choices: Choices) -> None:
        self.result = result
        self.output = output
        self.choices = choices


def guarded(invoke: Callable[[], object], as_json: bool) -> int:
    """Run a command and show its reply; every PainrefError becomes one message and
    its exit code."""
    from painref.cli.present import present, report

    try:
        answer = invoke()
        if isinstance(answer, Reply):
            return present(answer)
    except PainrefError as error:
        return report(error, as_json)
    return answer if isinstance(answer, int) else 0


def need_a_catalog(choices: Choices, layers: Sequence[Overlay]) -> None:
    if not choices.bundled and not layers:
        raise UsageProblem(f"--no-bundled needs a catalog: give --catalog PATH or set {ENV_VAR}")


def _lookup(choices: Choices) -> Lookup:
    need_a_catalog(choices, choices.overlays)
    return Lookup(open_catalog(choices.overlays, bundled=choices.bundled))


def output_format(as_json: bool, chosen: str | None) -> Output:
    """--json and --format together: rich, markdown or json."""
    if as_json and chosen not in (None, "json"):
        raise UsageProblem(f"--json and --format {chosen} ask for different output; give one")
    return Output.JSON if as_json else Output(chosen or "rich")


def _entries(lookup: Lookup, procedures: Sequence[Any], needed: bool) -> tuple[Entry, ...]:
    """Each procedure's entry, when the output reads them (JSON, or `find` columns)."""
    if not needed:
        return ()
    return tuple(lookup.entry(procedure) for procedure in procedures)


# Whom `show --for` writes for.
AUDIENCES: dict[str, str] = {
    "clinician": "the full card",
    "patient": "a plain-language handout",
}


def show(
    choices: Choices,
    query: str,
    output: Output,
    sections: Sequence[str] = (),
    audience: str = "clinician",
) -> Reply:
    patient = _audience(audience) == "patient"
    if patient and sections:
        raise UsageProblem("--section picks rows of the card; the patient handout has no rows")
    chosen = tuple(parse_fields(sections, "--section")) if sections else ()
    lookup = _lookup(choices)
    procedure = lookup.procedure(query)
    entry = lookup.entry(procedure, card=output is not Output.JSON, patient=patient)
    return Reply(Card(entry, chosen, patient), output, choices)


def _audience(typed: str) -> str:
    word = typed.strip().casefold()
    if word not in AUDIENCES:
        raise UsageProblem(f"--for takes {' or '.join(AUDIENCES)}, not {typed!r}")
    return word


def parse_fields(values: Sequence[str], option: str = "--fields") -> list[str]:
    """--fields (or --section, --columns) values, repeatable and comma-separated, as
    field names; none means all."""
    from painref.core.fields import ROWS

    if not values:
        return list(ROWS)
    chosen: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().replace("-", "_")
            if not name:
                continue
            if name not in ROWS:
                import difflib

                hint = difflib.get_close_matches(name, list(ROWS), n=1)
                raise UsageProblem(
                    f"unknown field {name!r}"
                    + (f"; did you mean {hint[0]!r}?" if hint else "")
                    + f" (fields: {', '.join(ROWS)})"
                )
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise UsageProblem(f"{option} needs at least one field name")
    return chosen


LAYOUTS = ("auto", "table", "blocks")


def compare(
    choices: Choices,
    names: Sequence[str],
    fields: Sequence[str],
    output: Output,
    layout: str = "auto",
) -> Reply:
    if layout not in LAYOUTS:
        raise UsageProblem(f"--layout must be one of: {', '.join(LAYOUTS)} (got {layout!r})")
    chosen = parse_fields(fields)
    lookup = _lookup(choices)
    procedures = []
    for name in names:
        procedure = lookup.procedure(name)
        if procedure not in procedures:
            procedures.append(procedure)
    if len(procedures) < 2:
        raise UsageProblem("compare needs at least two different procedures")
    entries = tuple(lookup.entry(procedure) for procedure in procedures)
    return Reply(Comparison(entries, tuple(chosen), layout), output, choices)


def find(choices: Choices, filters: Filters, output: Output, columns: Sequence[str] = ()) -> Reply:
    if filters == Filters():
        raise UsageProblem(
            "give at least one filter, e.g. --condition sciatica "
            "(or run 'painref list' to see everything)"
        )
    shown = list(parse_fields(columns, "--columns")) if columns else []
    # A filter on time, setting or bleeding risk shows what it filtered on.
    for name, used in (
        ("duration", filters.max_minutes is not None),
        ("setting", bool(filters.settings)),
        ("bleeding_risk", bool(filters.bleeding_risks)),
    ):
        if used and name not in shown:
            shown.append(name)
    lookup = _lookup(choices)
    untimed: list[Procedure] = []
    found = tuple(lookup.find(filters, untimed))
    needed = output is Output.JSON or bool(shown)  # the columns read each entry
    entries = _entries(lookup, [item.procedure for item in found], needed)
    notices = lookup.catalog.notices_of("warning") if "bleeding_risk" in shown else ()
    return Reply(FoundList(found, entries, tuple(shown), notices, tuple(untimed)), output, choices)


def search(choices: Choices, query: str, output: Output) -> Reply:
    from painref.query.search import parse_query, search

    parsed = parse_query(query)  # a usage problem is reported before the catalog is read
    lookup = _lookup(choices)
    hits, hints, unknown, notices = search(lookup.catalog, parsed)
    entries = _entries(lookup, [hit.procedure for hit in hits], output is Output.JSON)
    return Reply(
        SearchResults(query, tuple(hits), tuple(hints), tuple(unknown), entries, tuple(notices)),
        output,
        choices,
    )


def list_procedures(choices: Choices, output: Output) -> Reply:
    lookup = _lookup(choices)
    groups = lookup.by_category()
    procedures = [p for items in groups.values() for p in items]
    entries = _entries(lookup, procedures, output is Output.JSON)
    return Reply(ProcedureList(groups, entries), output, choices)


def conditions(choices: Choices, term: str | None, output: Output) -> Reply:
    return Reply(ConditionList(tuple(_lookup(choices).condition_uses(term))), output, choices)


def sources(
    choices: Choices, query: str | None, output: Output, kinds: Sequence[str] = ()
) -> Reply:
    lookup = _lookup(choices)
    chosen = lookup.procedure(query) if query is not None else None
    return Reply(SourceList(tuple(lookup.source_uses(chosen, kinds))), output, choices)


def validate(choices: Choices, layers: Sequence[Overlay], output: Output) -> Reply:
    """Check catalogs without the index: every problem, or what was read."""
    need_a_catalog(choices, layers)
    files = tuple(str(item.path) for item in catalog_files(layers, choices.bundled))
    try:
        catalog = open_catalog(layers, bundled=choices.bundled, use_index=False)
    except CatalogError as error:
        return Reply(Validation(files, error.problems, None, tuple(error.notes)), output, choices)
    counts = {
        "procedures": len(catalog.procedures),
        "conditions": len(catalog.conditions),
        "sources": len(catalog.sources),
    }
    return Reply(Validation(files, (), counts), output, choices)


def schema(choices: Choices) -> Reply:
    from painref.catalog.schema import catalog_schema

    return Reply(Schema(catalog_schema()), Output.JSON, choices)


# Shell completion ---------------------------------------------------------------
# Each returns (value, description) pairs; the shell shows the description
# where it can. A catalog that cannot be read completes nothing, quietly.


def complete_names(choices: Choices, kind: str, typed: str) -> list[tuple[str, str]]:
    """Procedure or condition ids whose id, name, alias or a word of one starts with `typed`."""
    try:
        return _lookup(choices).completions(kind, typed)
    except PainrefError:
        return []


def complete_term(vocabulary: Mapping[str, str], typed: str) -> list[tuple[str, str]]:
    """Values of a closed vocabulary (region, guidance, ...) that start with `typed`."""
    start = typed.strip().lower()
    return [(value, label) for value, label in vocabulary.items() if value.startswith(start)]


def complete_fields(typed: str) -> list[tuple[str, str]]:
    """--fields takes a comma-separated list: complete its last name."""
    from painref.core.fields import ROWS

    done, comma, last = typed.rpartition(",")
    given = set(done.split(","))
    start = last.strip().lower().replace("-", "_")
    return [
        (done + comma + name, label)
        for name, label in ROWS.items()
        if name.startswith(start) and name not in given
    ]
