"""The Typer app: every command and option, its help, and its parsing.

Each command hands its parsed values to painref.cli.commands. Every error a user
can cause ends as one line on stderr (or an {"error": ...} object with --json)
and its exit code; nothing a user types ends in a traceback.
"""

import itertools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from painref import __version__
from painref.catalog.layers import ENV_VAR, Overlay
from painref.cli import commands
from painref.cli.commands import Choices, Reply
from painref.cli.output import ColorMode, Output
from painref.core import vocab
from painref.core.errors import PainrefError, UsageProblem
from painref.query.results import Filters

if TYPE_CHECKING:
    from typer._click import Context as ClickContext  # the Context click's methods take


class _ReaderGone(Exception):
    """A BrokenPipeError on its way past click, which would make it exit 1 ("not found")."""

    def __init__(self, error: BrokenPipeError) -> None:
        super().__init__(str(error))
        self.error = error


class _PainrefGroup(TyperGroup):
    """Maps every error a user can cause to one message and its exit code.

    It lives in the command group so that the console script and
    typer.testing.CliRunner behave exactly alike.
    """

    # A reader that stops early (`painref --color never list | head -1`) is
    # answered once, in painref.cli.main, on either route: exit 0, quietly. Click
    # would catch the BrokenPipeError itself and exit 1, so it is carried past
    # click from parsing (where --help prints) and from running the command.

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: "ClickContext | None" = None,
        **extra: Any,
    ) -> "ClickContext":
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError as error:
            raise _ReaderGone(error) from None

    def invoke(self, ctx: "ClickContext") -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as error:
            raise _ReaderGone(error) from None

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)

        def invoke() -> Any:
            try:
                return super(_PainrefGroup, self).main(
                    args=argv, prog_name="painref", standalone_mode=False, **extra
                )
            except typer.TyperException as error:  # click's usage errors
                message = error.format_message()
                if type(error).__name__ == "NoArgsIsHelpError":
                    sys.stdout.write(message + "\n")
                    return 0
                raise UsageProblem(f"{message} (try 'painref --help')") from None
            except typer.Abort:
                return 130
            except _ReaderGone as gone:
                raise gone.error from None

        code = commands.guarded(invoke, as_json=_wants_json(argv))
        if standalone_mode:
            sys.exit(code)
        return code


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether errors should be JSON: --json or --format json before any `--`."""
    options = [o.lower() for o in (argv[: argv.index("--")] if "--" in argv else argv)]
    if "--json" in options or "--format=json" in options:
        return True
    return any(
        word == "--format" and value == "json" for word, value in itertools.pairwise(options)
    )


app = typer.Typer(
    name="painref",
    cls=_PainrefGroup,
    help="Offline reference for interventional pain-management procedures.\n\n"
    "Educational reference only, not medical advice.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (see README for the contract).")]
NoPager = Annotated[
    bool,
    typer.Option(
        "--no-pager", help="Print straight out, even when it would scroll off the screen."
    ),
]


FormatOption = Annotated[
    Output | None,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="rich (the default: for reading here), markdown (a printable handout), "
        "html (the same as one printable page) or json (the same as --json).",
    ),
]


def _paged(no_pager: bool) -> Choices:
    return _chosen._replace(pager=not no_pager)


def _output(json_output: bool, chosen: Output | None = None) -> Output:
    return commands.output_format(json_output, chosen.value if chosen else None)


_chosen = Choices()  # set by the global options before each command runs


def _paths(values: Sequence[str], what: str) -> list[Path]:
    """File paths as typed; an empty one is a usage error, not the current directory."""
    if any(not value.strip() for value in values):
        raise UsageProblem(f"{what} needs a catalog file path, not an empty one")
    return [Path(value) for value in values]


def _choices(catalog: Sequence[str] | None, no_bundled: bool, color: str = "auto") -> Choices:
    return commands.choose(_paths(catalog or [], "--catalog"), not no_bundled, color)


# Shell completion: the root callback has not run, so the global options typed
# so far are read from the root context.

Completer = Callable[..., list[tuple[str, str]]]


def _names(kind: str) -> Completer:
    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        typed = ctx.find_root().params
        try:
            choices = _choices(typed.get("catalog"), bool(typed.get("no_bundled")))
        except PainrefError:
            return []
        return commands.complete_names(choices, kind, incomplete)

    complete.completes = kind  # type: ignore[attr-defined]  # read by tools/grammar.py
    return complete


def _terms(vocabulary: Mapping[str, str]) -> Completer:
    def complete(incomplete: str) -> list[tuple[str, str]]:
        return commands.complete_term(vocabulary, incomplete)

    return complete


def _fields(incomplete: str) -> list[tuple[str, str]]:
    return commands.complete_fields(incomplete)


@app.command()
def show(
    name: Annotated[
        list[str],
        typer.Argument(
            help="Procedure name, alias or id (quotes optional); typos are forgiven.",
            autocompletion=_names("procedure"),
        ),
    ],
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            help="Only these parts, comma-separated, e.g. preparation,aftercare,warning_signs.",
            autocompletion=_fields,
        ),
    ] = None,
    audience: Annotated[
        str,
        typer.Option(
            "--for",
            help="clinician (the default: the full card) or patient (a plain-language "
            "handout: what happens, preparing, afterwards, when to get help, questions to ask).",
            autocompletion=_terms(commands.AUDIENCES),
        ),
    ] = "clinician",
    output_format: FormatOption = None,
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
    """Show everything about one procedure.

    Example: painref show kyphoplasty

    Handout: painref show kyphoplasty --format markdown > kyphoplasty.md

    For patients, printable: painref show kyphoplasty --for patient --format html >
    kyphoplasty.html

    Checklist: painref show kyphoplasty --section preparation,aftercare,warning_signs
    --format markdown
    """
    output = _output(json_output, output_format)
    query = " ".join(name)
    return commands.show(_paged(no_pager), query, output, section or [], audience)


@app.command()
def compare(
    names: Annotated[
        list[str],
        typer.Argument(help="Two or more procedures.", autocompletion=_names("procedure")),
    ],
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--fields",
            "-f",
            help="Rows to show, comma-separated (default: all).",
            autocompletion=_fields,
        ),
    ] = None,
    layout: Annotated[
        str,
        typer.Option(
            help="table (side by side), blocks (one block per field) or auto: blocks "
            "when the procedures do not fit side by side."
        ),
    ] = "auto",
    output_format: FormatOption = None,
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
    """Compare two or more procedures side by side; ≠ marks the rows that differ.

    Example: painref compare kyphoplasty vertebroplasty --fields duration,risks
    """
    output = _output(json_output, output_format)
    return commands.compare(_paged(no_pager), names, fields or [], output, layout)


@app.command()
def find(
    condition: Annotated[
        list[str] | None,
        typer.Option(
            "--condition",
            "-c",
            help="A condition, lay term or synonym.",
            autocompletion=_names("condition"),
        ),
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option(help="Body region, e.g. lumbar.", autocompletion=_terms(vocab.REGIONS)),
    ] = None,
    guidance: Annotated[
        list[str] | None,
        typer.Option(help="Imaging, e.g. fluoroscopy.", autocompletion=_terms(vocab.GUIDANCE)),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(help="e.g. nerve-block.", autocompletion=_terms(vocab.CATEGORIES)),
    ] = None,
    purpose: Annotated[
        list[str] | None,
        typer.Option(help="diagnostic or therapeutic.", autocompletion=_terms(vocab.PURPOSES)),
    ] = None,
    medication: Annotated[list[str] | None, typer.Option(help="e.g. steroid.")] = None,
    max_minutes: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Only procedures whose procedure time (one level) is known to be at most "
            "this long.",
        ),
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(
            help="outpatient, day-case or inpatient.", autocompletion=_terms(vocab.SETTINGS)
        ),
    ] = None,
    bleeding_risk: Annotated[
        list[str] | None,
        typer.Option(
            help="low, intermediate or high (ASRA/ESRA guideline).",
            autocompletion=_terms(vocab.BLEEDING_TIERS),
        ),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            help="Fields to show with each procedure, comma-separated, e.g. duration,setting.",
            autocompletion=_fields,
        ),
    ] = None,
    output_format: FormatOption = None,
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
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
        settings=tuple(setting or ()),
        bleeding_risks=tuple(bleeding_risk or ()),
    )
    output = _output(json_output, output_format)
    return commands.find(_paged(no_pager), filters, output, columns or [])


@app.command()
def search(
    text: Annotated[list[str], typer.Argument(help="Words to look for (quotes optional).")],
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
    """Search every field of every procedure, best match first.

    Each hit shows the fields where the words were found. Every word must
    appear; word forms and the start of longer words count ("fasting" finds
    "fast", "verteb" finds "vertebra").

    Example: painref search bone cement
    """
    return commands.search(_paged(no_pager), " ".join(text), _output(json_output))


@app.command("list")
def list_procedures(
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
    """List every procedure, grouped by category.

    Example: painref list
    """
    return commands.list_procedures(_paged(no_pager), _output(json_output))


@app.command()
def conditions(
    term: Annotated[
        list[str] | None,
        typer.Argument(
            help="Only conditions whose name or synonym has these words (optional).",
            autocompletion=_names("condition"),
        ),
    ] = None,
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
    """List conditions, each with its synonyms and the procedures that treat it.

    Example: painref conditions    or    painref conditions back pain
    """
    term_text = " ".join(term) if term is not None else None
    return commands.conditions(_paged(no_pager), term_text, _output(json_output))


@app.command()
def sources(
    procedure: Annotated[
        list[str] | None,
        typer.Argument(
            help="Only the sources of this procedure (optional).",
            autocompletion=_names("procedure"),
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            help="Only sources of this kind, e.g. clinic or guideline.",
            autocompletion=_terms(vocab.SOURCE_KINDS),
        ),
    ] = None,
    json_output: JsonFlag = False,
    no_pager: NoPager = False,
) -> Reply:
    """List every source, with the procedures and conditions that cite it.

    Example: painref sources    or    painref sources kyphoplasty --kind clinic
    """
    query = " ".join(procedure) if procedure else None
    return commands.sources(_paged(no_pager), query, _output(json_output), kind or [])


@app.command()
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Catalog files to check (default: the catalogs in use).", metavar="PATH"
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> Reply:
    """Check catalogs without running a query.

    Prints every problem as file:line:col: CODE message and exits 3, or says
    what it read and exits 0. Files are checked layered over the bundled
    catalog (unless --no-bundled), so they may refer to its ids.

    Example: painref validate my-clinic.yaml
    """
    layers = [Overlay(p, "") for p in _paths(paths, "validate")] if paths else _chosen.overlays
    return commands.validate(_chosen, layers, _output(json_output))


@app.command()
def schema() -> Reply:
    """Print the catalog's JSON Schema, for editors that check YAML as you type.

    Example: painref schema > painref-catalog.schema.json
    """
    return commands.schema(_chosen)


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
    global _chosen
    _chosen = _choices(catalog, no_bundled, color.value)


__all__ = ["app"]
