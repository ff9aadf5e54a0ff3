"""The command line: parse options, ask the catalog, hand the result to a renderer.

Every PainrefError ends as one line on stderr (or an {"error": ...} object with
--json) and its exit code; nothing a user types ends in a traceback.
"""

import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from painref import __version__
from painref.catalog import (
    ENV_VAR,
    Catalog,
    Filters,
    Overlay,
    catalog_files,
    open_catalog,
    overlays,
)
from painref.errors import CatalogError, PainrefError, UsageProblem
from painref.index import IndexDamaged, discard
from painref.output import ColorMode, emit_json, emit_rich
from painref.safetext import neutralise


def _report(error: PainrefError, as_json: bool) -> int:
    if as_json:
        from painref.render.jsonout import error_object

        emit_json(error_object(error))
    else:
        lines = neutralise(error.message).splitlines() or [""]
        prefix = "" if error.exit_code == 3 else "painref: "
        sys.stderr.write("".join(f"{prefix}{line}\n" for line in lines))
    return error.exit_code


class _PainrefGroup(TyperGroup):
    """Maps every error a user can cause to one message and its exit code.

    It lives in the command group so that the console script and
    typer.testing.CliRunner behave exactly alike.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        code = _run(
            lambda: super(_PainrefGroup, self).main(
                args=argv, prog_name="painref", standalone_mode=False, **extra
            ),
            argv,
        )
        if standalone_mode:
            sys.exit(code)
        return code


def _run(invoke: Callable[[], Any], argv: list[str]) -> int:
    options = argv[: argv.index("--")] if "--" in argv else argv
    as_json = "--json" in options
    try:
        try:
            result = invoke()
        except IndexDamaged as damaged:
            # Nothing was printed yet: answer again from the catalog files.
            discard(damaged.path)
            result = invoke()
    except PainrefError as error:
        return _report(error, as_json)
    except typer.TyperException as error:  # click's usage errors
        message = error.format_message()
        if type(error).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(message + "\n")
            return 0
        return _report(UsageProblem(f"{message} (try 'painref --help')"), as_json)
    except typer.Abort:
        return 130
    return result if isinstance(result, int) else 0


app = typer.Typer(
    name="painref",
    cls=_PainrefGroup,
    help="Offline reference for interventional pain-management procedures.\n\n"
    "Educational reference only, not medical advice.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (see README for the contract).")]


class _Choices:
    """What the global options chose: the catalog layers and the colour mode."""

    def __init__(self) -> None:
        self.overlays: list[Overlay] = []
        self.bundled = True
        self.color = "auto"


_choice = _Choices()


def _catalog() -> Catalog:
    _need_a_catalog(_choice.overlays)
    return open_catalog(_choice.overlays, bundled=_choice.bundled)


def _paths(values: Sequence[str], what: str) -> list[Path]:
    """File paths as typed; an empty one is a usage error, not the current directory."""
    if any(not value.strip() for value in values):
        raise UsageProblem(f"{what} needs a catalog file path, not an empty one")
    return [Path(value) for value in values]


def _need_a_catalog(layers: Sequence[Overlay]) -> None:
    if not _choice.bundled and not layers:
        raise UsageProblem(f"--no-bundled needs a catalog: give --catalog PATH or set {ENV_VAR}")


@app.command()
def show(
    name: Annotated[
        list[str],
        typer.Argument(help="Procedure name, alias or id (quotes optional); typos are forgiven."),
    ],
    json_output: JsonFlag = False,
) -> None:
    """Show everything about one procedure.

    Example: painref show kyphoplasty
    """
    catalog = _catalog()
    procedure = catalog.procedure(" ".join(name))
    if json_output:
        from painref.render.jsonout import procedure_object

        emit_json(procedure_object(catalog, procedure))
        return
    from painref.render.terminal import procedure_card

    emit_rich(lambda styled: procedure_card(catalog, procedure, styled), _choice.color)


def _parse_fields(values: list[str] | None) -> list[str]:
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


@app.command()
def compare(
    names: Annotated[list[str], typer.Argument(help="Two or more procedures.")],
    fields: Annotated[
        list[str] | None,
        typer.Option("--fields", "-f", help="Rows to show, comma-separated (default: all)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Compare two or more procedures side by side.

    Example: painref compare kyphoplasty vertebroplasty --fields duration,risks
    """
    chosen = _parse_fields(fields)
    catalog = _catalog()
    procedures = []
    for name in names:
        procedure = catalog.procedure(name)
        if procedure not in procedures:
            procedures.append(procedure)
    if len(procedures) < 2:
        raise UsageProblem("compare needs at least two different procedures")
    if json_output:
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, p) for p in procedures])
        return
    from painref.render.terminal import compare_table

    emit_rich(lambda styled: compare_table(catalog, procedures, chosen, styled), _choice.color)


@app.command()
def find(
    condition: Annotated[
        list[str] | None,
        typer.Option("--condition", "-c", help="A condition, lay term or synonym."),
    ] = None,
    region: Annotated[list[str] | None, typer.Option(help="Body region, e.g. lumbar.")] = None,
    guidance: Annotated[list[str] | None, typer.Option(help="Imaging, e.g. fluoroscopy.")] = None,
    category: Annotated[list[str] | None, typer.Option(help="e.g. nerve-block.")] = None,
    purpose: Annotated[list[str] | None, typer.Option(help="diagnostic or therapeutic.")] = None,
    medication: Annotated[list[str] | None, typer.Option(help="e.g. steroid.")] = None,
    max_minutes: Annotated[
        int | None,
        typer.Option(min=0, help="Only procedures known to take at most this long."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Find procedures by condition and other filters.

    A repeated option means OR; different options mean AND.

    Example: painref find --condition sciatica --guidance fluoroscopy
    """
    filters = Filters(
        conditions=tuple(condition or ()),
        regions=tuple(region or ()),
        guidance=tuple(guidance or ()),
        categories=tuple(category or ()),
        purposes=tuple(purpose or ()),
        medications=tuple(medication or ()),
        max_minutes=max_minutes,
    )
    if filters == Filters():
        raise UsageProblem(
            "give at least one filter, e.g. --condition sciatica "
            "(or run 'painref list' to see everything)"
        )
    catalog = _catalog()
    found = catalog.find(filters)
    if json_output:
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, item.procedure) for item in found])
        return
    from painref.render.terminal import found_table

    emit_rich(lambda styled: found_table(found, styled), _choice.color)


@app.command("list")
def list_procedures(json_output: JsonFlag = False) -> None:
    """List every procedure, grouped by category.

    Example: painref list
    """
    catalog = _catalog()
    groups = catalog.by_category()
    if json_output:
        from painref.render.jsonout import procedure_object

        emit_json([procedure_object(catalog, p) for items in groups.values() for p in items])
        return
    from painref.render.terminal import list_view

    emit_rich(lambda styled: list_view(groups, styled), _choice.color)


@app.command()
def sources(
    procedure: Annotated[
        list[str] | None,
        typer.Argument(help="Only the sources of this procedure (optional)."),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """List every source, with the procedures and conditions that cite it.

    Example: painref sources    or    painref sources kyphoplasty
    """
    catalog = _catalog()
    chosen = catalog.procedure(" ".join(procedure)) if procedure else None
    uses = catalog.source_uses(chosen)
    if json_output:
        from painref.render.jsonout import source_object

        emit_json([source_object(use) for use in uses])
        return
    from painref.render.terminal import sources_view

    emit_rich(lambda styled: sources_view(uses, styled), _choice.color)


@app.command()
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Catalog files to check (default: the catalogs in use).", metavar="PATH"
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> int:
    """Check catalogs without running a query.

    Prints every problem as file:line:col: CODE message and exits 3, or says
    what it read and exits 0. Files are checked layered over the bundled
    catalog (unless --no-bundled), so they may refer to its ids.

    Example: painref validate my-clinic.yaml
    """
    layers = [Overlay(p, "") for p in _paths(paths, "validate")] if paths else _choice.overlays
    _need_a_catalog(layers)
    files = [str(item.path) for item in catalog_files(layers, _choice.bundled)]
    try:
        catalog = open_catalog(layers, bundled=_choice.bundled, use_index=False)
    except CatalogError as error:
        if json_output:
            from painref.render.jsonout import validation_object

            emit_json(validation_object(files, error.problems))
        else:
            sys.stdout.write("".join(f"{neutralise(str(p))}\n" for p in error.problems))
            count = len(error.problems)
            sys.stderr.write(f"painref: {count} problem{'s' if count != 1 else ''} found\n")
        return error.exit_code
    counts = {
        "procedures": len(catalog.procedures),
        "conditions": len(catalog.conditions),
        "sources": len(catalog.sources),
    }
    if json_output:
        from painref.render.jsonout import validation_object

        emit_json(validation_object(files, (), counts))
    else:
        summary = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        sys.stdout.write(f"ok: {summary} in {len(files)} file{'s' if len(files) != 1 else ''}\n")
        sys.stdout.write("".join(f"  {neutralise(file)}\n" for file in files))
    return 0


@app.command()
def schema() -> None:
    """Print the catalog's JSON Schema, for editors that check YAML as you type.

    Example: painref schema > painref-catalog.schema.json
    """
    from painref.schema import catalog_schema

    emit_json(catalog_schema())


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"painref {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    catalog: Annotated[
        list[str] | None,
        typer.Option(
            "--catalog",
            help=f"Layer a catalog file over the bundled one (repeatable; also {ENV_VAR}, "
            "separated by the path separator). The same id replaces an entry; a new id adds one.",
            metavar="PATH",
        ),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Use only the catalogs given.")
    ] = False,
    color: Annotated[
        ColorMode,
        typer.Option(
            "--color",
            case_sensitive=False,
            help="Style the output: auto (on a terminal, unless NO_COLOR or TERM=dumb; "
            "FORCE_COLOR forces it), always, or never.",
        ),
    ] = ColorMode.AUTO,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Offline reference for interventional pain-management procedures."""
    _choice.overlays = overlays(os.environ.get(ENV_VAR), _paths(catalog or [], "--catalog"))
    _choice.bundled = not no_bundled
    _choice.color = color.value


def main() -> None:
    """Console-script entry point: runs the app, then makes sure its output got out."""
    if sys.stdout is None:  # started with stdout closed (`painref list >&-`)
        sys.exit(_output_failed("standard output is closed"))
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show a character gets '?' instead of a crash.
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")
    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `painref list | head -1`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as error:  # e.g. a full disk
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(_output_failed(error.strerror or str(error)))
    except KeyboardInterrupt:
        sys.exit(130)


OUTPUT_FAILED = 4


def _output_failed(reason: str) -> int:
    if sys.stderr is not None:
        sys.stderr.write(f"painref: cannot write the output: {reason}\n")
    return OUTPUT_FAILED


__all__ = ["app", "main"]
