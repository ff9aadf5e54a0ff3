"""The console script: answer the command line, then make sure the answer got out.

Simple requests get a quick answer (painref.quick); the rest go to the Typer app.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence

from painref import commands
from painref.quick import COMPLETE_VAR, quick_command, quick_reply

OUTPUT_FAILED = 4


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
    """Run one command line (or answer the shell's completion request); return the exit code."""
    if COMPLETE_VAR in os.environ:
        reply = quick_reply(os.environ)
        if reply is not None:
            return reply()
    command = quick_command(argv)
    if command is not None:
        return commands.guarded(command, as_json="--json" in argv)
    from painref.cli import app

    code: int = app(args=list(argv), standalone_mode=False)
    return code


def _output_failed(reason: str) -> int:
    if sys.stderr is not None:
        sys.stderr.write(f"painref: cannot write the output: {reason}\n")
    return OUTPUT_FAILED
