"""The console script: answer the command line, then make sure the answer got out.

Simple requests get a quick answer (painref.cli.quick); the rest go to the Typer app.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from painref.cli import commands
from painref.cli.quick import COMPLETE_VAR, quick_command, quick_reply
from painref.core.errors import ExitCode

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


def main() -> None:
    """Console-script entry point."""
    if sys.stderr is not None:
        sys.stderr = _rewrapped(sys.stderr, _BestEffortFile)
    if sys.stdout is None:  # started with stdout closed (`painref list >&-`)
        sys.exit(_output_failed("standard output is closed"))
    sys.stdout = _rewrapped(sys.stdout, _WholeFile)
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
    from painref.cli.app import app

    code: int = app(args=list(argv), standalone_mode=False)
    return code


# How a stream may be told to handle a character its encoding lacks that would
# crash on one: "strict", and "surrogateescape", which a C or POSIX locale gives
# stdout and which fails on every character outside ASCII that came from text.
_CRASHING_ERRORS = ("strict", "surrogateescape")


class _WholeFile(io.FileIO):
    """Standard output's file, where a write writes everything or raises.

    The disk can fill, or a file-size limit (`ulimit -f`) be reached, part-way
    through a write: the system writes what fits and says how much. With
    PYTHONUNBUFFERED (set in many container images) Python's own stdout then
    drops the rest without a word: it writes straight to the file and ignores
    the count. Writing the rest instead gets the error that explains it
    (ENOSPC, EFBIG), or EPIPE when the reader has gone.
    """

    def write(self, data: ReadableBuffer, /) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            written = super().write(view[done:])
            if written is None:  # a non-blocking file, full for now: wait, then go on
                import select

                select.select([], [self], [])
                continue
            done += written
        return done


class _BestEffortFile(_WholeFile):
    """Standard error's file: a message that cannot be written is dropped. It
    never changes the exit code (Python would make it 120, or 1 with a
    traceback) and never hides why painref stopped."""

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except OSError:
            return memoryview(data).nbytes


def _rewrapped(stream: TextIO, file: type[io.FileIO]) -> TextIO:
    """The same standard stream, writing through `file`; a character its
    encoding lacks prints as '?' rather than crash."""
    if not isinstance(stream, io.TextIOWrapper):
        return stream  # replaced by someone else: leave it alone
    errors = "replace" if stream.errors in _CRASHING_ERRORS else stream.errors
    buffered = isinstance(stream.buffer, io.BufferedWriter)  # not with PYTHONUNBUFFERED
    if type(stream.buffer.raw if buffered else stream.buffer) is not io.FileIO:
        stream.reconfigure(errors=errors)  # e.g. the Windows console: keep it, with '?'
        return stream
    raw = file(stream.fileno(), "wb", closefd=False)
    return io.TextIOWrapper(
        io.BufferedWriter(raw) if buffered else raw,
        encoding=stream.encoding,
        errors=errors,
        newline=None if os.name == "nt" else "\n",  # as Python's own streams
        line_buffering=stream.line_buffering,
        write_through=stream.write_through,
    )


def _output_failed(reason: str) -> int:
    if sys.stderr is not None:
        sys.stderr.write(f"painref: cannot write the output: {reason}\n")
    return ExitCode.OUTPUT
