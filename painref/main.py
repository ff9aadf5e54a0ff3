"""The console script: answer the command line, then make sure the answer got out.

Loading Typer costs about four times Python's own start-up, so the simplest
command lines, which both front ends read the same way, skip it: leading
`--catalog PATH` pairs, then a command followed by plain words, filter options
with plain values, and --json. Anything else, including every option that
takes more parsing, goes to the Typer app.
tests/test_quick.py holds the two front ends to the same answers.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from painref import commands
from painref.catalog import ENV_VAR, Filters, overlays

OUTPUT_FAILED = 4
COMPLETE_VAR = "_PAINREF_COMPLETE"  # set by the shell when it asks for completions

# find's filter options that take one plain value each, and their Filters field.
_FILTER_OPTIONS = {
    "--condition": "conditions",
    "-c": "conditions",
    "--region": "regions",
    "--guidance": "guidance",
    "--category": "categories",
    "--purpose": "purposes",
    "--medication": "medications",
}


def main() -> None:
    """Console-script entry point."""
    if sys.stdout is None:  # started with stdout closed (`painref list >&-`)
        sys.exit(_output_failed("standard output is closed"))
    for stream in (sys.stdout, sys.stderr):
        # A terminal that cannot show a character gets '?' instead of a crash.
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")
    try:
        try:
            code = answer(sys.argv[1:])
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
    sys.exit(code)


def answer(argv: Sequence[str]) -> int:
    """Run one command line and return its exit code."""
    command = quick_command(argv)
    if command is not None:
        return commands.guarded(command, as_json="--json" in argv)
    from painref.cli import app

    code: int = app(args=list(argv), standalone_mode=False)
    return code


def quick_command(argv: Sequence[str]) -> Callable[[], None] | None:
    """The command for a simple command line, or None to leave it to Typer."""
    if COMPLETE_VAR in os.environ:
        return None
    layers: list[Path] = []
    while len(argv) > 1 and argv[0] == "--catalog" and argv[1].strip() and _plain(argv[1:2]):
        layers.append(Path(argv[1]))
        argv = argv[2:]
    if not argv:
        return None

    def choices() -> commands.Choices:
        return commands.Choices(overlays=overlays(os.environ.get(ENV_VAR), layers))

    name, rest = argv[0], [word for word in argv[1:] if word != "--json"]
    as_json = len(rest) < len(argv) - 1
    if any(word.startswith("-") and word not in _FILTER_OPTIONS for word in rest):
        return None
    if name == "show" and rest and _plain(rest):
        return lambda: commands.show(choices(), " ".join(rest), as_json)
    if name == "compare" and rest and _plain(rest):
        return lambda: commands.compare(choices(), rest, [], as_json)
    if name == "list" and not rest:
        return lambda: commands.list_procedures(choices(), as_json)
    if name == "find":
        filters = _filters(argv[1:])
        if filters is not None:
            return lambda: commands.find(choices(), filters, as_json)
    return None


def _plain(words: Sequence[str]) -> bool:
    return not any(word.startswith("-") for word in words)


def _filters(words: Sequence[str]) -> Filters | None:
    """`--option value` pairs (and --json) as Filters, or None for anything else."""
    chosen: dict[str, list[str]] = {field: [] for field in _FILTER_OPTIONS.values()}
    remaining = iter(words)
    for option in remaining:
        if option == "--json":
            continue
        value = next(remaining, "-")
        if option not in _FILTER_OPTIONS or value.startswith("-"):
            return None
        chosen[_FILTER_OPTIONS[option]].append(value)
    return Filters(
        conditions=tuple(chosen["conditions"]),
        regions=tuple(chosen["regions"]),
        guidance=tuple(chosen["guidance"]),
        categories=tuple(chosen["categories"]),
        purposes=tuple(chosen["purposes"]),
        medications=tuple(chosen["medications"]),
    )


def _output_failed(reason: str) -> int:
    if sys.stderr is not None:
        sys.stderr.write(f"painref: cannot write the output: {reason}\n")
    return OUTPUT_FAILED
