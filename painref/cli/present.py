"""The one place a reply is rendered and written: rich, markdown or JSON, and the
one place an error becomes its message and exit code."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from painref.cli import commands as c
from painref.cli.output import Output, emit_json, emit_rich, emit_text
from painref.core.errors import ExitCode, PainrefError
from painref.core.safetext import neutralise, shown_path

if TYPE_CHECKING:
    from rich.console import RenderableType


def present(reply: c.Reply) -> int:
    """Render a reply as it asks and write it; return the exit code."""
    result, output, choices = reply.result, reply.output, reply.choices
    if isinstance(result, c.Validation):
        return _validation(result, output)
    if output is Output.JSON:
        emit_json(_json(result))
    elif output is Output.MARKDOWN:
        emit_text(_markdown(result), choices.pager)
    elif output is Output.HTML:
        from painref.render.html import page

        emit_text(page(_markdown(result)), choices.pager)
    else:
        emit_rich(lambda styled: _rich(result, styled), choices.color, choices.pager)
    return ExitCode.OK


def _json(result: c.Result) -> object:
    from painref.render import jsonout

    if isinstance(result, c.Card):
        if result.patient:
            return jsonout.handout_object(result.entry)
        return jsonout.procedure_object(result.entry)
    if isinstance(result, c.Comparison):
        return [jsonout.procedure_object(entry) for entry in result.entries]
    if isinstance(result, c.FoundList | c.SearchResults | c.ProcedureList):
        return [jsonout.procedure_object(entry) for entry in result.entries]
    if isinstance(result, c.ConditionList):
        return [jsonout.condition_object(use) for use in result.uses]
    if isinstance(result, c.SourceList):
        return [jsonout.source_object(use) for use in result.uses]
    if isinstance(result, c.Schema):
        return result.value
    raise TypeError(result)


def _markdown(result: c.Result) -> str:
    """The Markdown document, which HTML is also made from."""
    from painref.render import markdown

    if isinstance(result, c.Card):
        if result.patient:
            return markdown.patient_handout(result.entry)
        if result.sections:
            return markdown.checklist(result.entry, result.sections)
        return markdown.procedure_handout(result.entry)
    if isinstance(result, c.Comparison):
        return markdown.compare_table(result.entries, result.fields, result.layout)
    if isinstance(result, c.FoundList):
        return markdown.found_list(result.found, _columns(result), result.notices, result.untimed)
    raise TypeError(result)  # the other commands offer no --format


def _columns(result: c.FoundList) -> list[list[tuple[str, str]]]:
    """Each found procedure's columns: (label, text) pairs."""
    from painref.core.fields import ROWS
    from painref.query.lines import column_text

    return [
        [(ROWS[name], column_text(entry, name)) for name in result.columns]
        for entry in result.entries
    ]


def _rich(result: c.Result, styled: bool) -> RenderableType:
    from painref.render import terminal as t

    if isinstance(result, c.Card):
        if result.patient:
            return t.patient_handout(result.entry)
        return t.procedure_card(result.entry, styled, result.sections)
    if isinstance(result, c.Comparison):
        return t.compare_view(result.entries, result.fields, styled, result.layout)
    if isinstance(result, c.FoundList):
        columns = _columns(result)
        return t.found_table(result.found, styled, columns, result.notices, result.untimed)
    if isinstance(result, c.SearchResults):
        return t.search_view(
            list(result.hits),
            result.query,
            list(result.hints),
            list(result.unknown),
            styled,
            result.notices,
        )
    if isinstance(result, c.ProcedureList):
        return t.list_view(result.groups, styled)
    if isinstance(result, c.ConditionList):
        return t.conditions_view(result.uses, styled)
    if isinstance(result, c.SourceList):
        return t.sources_view(result.uses, styled)
    raise TypeError(result)


def _validation(result: c.Validation, output: Output) -> int:
    if output is Output.JSON:
        from painref.render.jsonout import validation_object

        emit_json(validation_object(result.files, result.problems, result.counts))
    elif result.problems:
        sys.stdout.write("".join(f"{neutralise(str(p))}\n" for p in result.problems))
        count = len(result.problems)
        notes = "".join(f"{note}\n" for note in result.notes)
        sys.stderr.write(f"{notes}painref: {count} problem{'s' if count != 1 else ''} found\n")
    else:
        counts = result.counts or {}
        files = result.files
        summary = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        sys.stdout.write(f"ok: {summary} in {len(files)} file{'s' if len(files) != 1 else ''}\n")
        sys.stdout.write("".join(f"  {shown_path(file)}\n" for file in files))
    return ExitCode.CATALOG if result.problems else ExitCode.OK


def report(error: PainrefError, as_json: bool) -> int:
    """One error: a JSON object on stdout, or its message on stderr; its exit code."""
    if as_json:
        from painref.render.jsonout import error_object

        emit_json(error_object(error))
    else:
        lines = neutralise(error.message).splitlines() or [""]
        prefix = "" if error.exit_code == ExitCode.CATALOG else "painref: "
        sys.stderr.write("".join(f"{prefix}{line}\n" for line in lines))
    return error.exit_code
