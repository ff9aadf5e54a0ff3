"""Writing results: styled or plain text for people, JSON for programs.

Whether to style is decided once, from --color, the environment and whether
stdout is a terminal; Rich is imported only when there is something to draw.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Output(str, Enum):
    """How a reply is shown: the one output switch."""

    RICH = "rich"  # for reading here: styled on a terminal, plain text when piped
    MARKDOWN = "markdown"  # a printable handout
    HTML = "html"  # the same handout as one printable page
    JSON = "json"  # for programs: the contract in the README


class ColorMode(str, Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


def use_style(color: str, is_terminal: bool, env: Mapping[str, str]) -> bool:
    """--color always/never decide; under auto, NO_COLOR and TERM=dumb turn
    styling off, FORCE_COLOR turns it on when piped, and otherwise a terminal
    gets style and a pipe gets plain text."""
    if color != "auto":
        return color == "always"
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "0") not in ("", "0", "false"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return is_terminal


def _encodes_unicode() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return encoding.lower().replace("_", "-").startswith("utf")


def emit_json(value: Any) -> None:
    from painref.render.jsonout import dumps

    # A terminal that cannot show UTF-8 gets \u escapes: the same JSON value.
    sys.stdout.write(dumps(value, ascii_only=not _encodes_unicode()) + "\n")


_recorder: Console | None = None  # see `recording`


@contextmanager
def recording(console: Console) -> Iterator[None]:
    """Send styled output to this console instead (the README's screenshots use it)."""
    global _recorder
    _recorder = console
    try:
        yield
    finally:
        _recorder = None


def emit_rich(build: Callable[[bool], RenderableType], color: str, page: bool = True) -> None:
    """Render for a person: Rich styling on a terminal, plain text otherwise;
    through a pager when it would scroll off a terminal (unless `page` is off)."""
    from rich.console import Console

    if _recorder is not None:
        _recorder.print(build(True), crop=False)
        return
    width, height = _console_size(os.environ)
    console = Console(highlight=False, emoji=False, width=width, height=height)
    styled = use_style(color, console.is_terminal, os.environ)
    if styled and not console.is_terminal:
        # Forced colour into a pipe; Rich's width is COLUMNS or 80 there.
        console = Console(
            highlight=False, emoji=False, force_terminal=True, width=width, height=height
        )
    render = console
    if not styled:
        render = Console(
            highlight=False,
            emoji=False,
            color_system=None,
            force_terminal=False,
            width=console.width,
            height=console.height,
        )
    with render.capture() as captured:
        render.print(build(styled), crop=False)
    text = captured.get()
    if not styled:
        text = "".join(line.rstrip() + "\n" for line in text.splitlines())
    emit_text(text, page, console.height)


def _a_size(value: str | None) -> bool:
    """Whether COLUMNS or LINES holds a size: unset, or a whole number above 0."""
    return value is None or (value.isascii() and value.isdigit() and int(value) > 0)


def _console_size(env: Mapping[str, str]) -> tuple[int | None, int | None]:
    """The width and height to give Rich: None for both when it may read COLUMNS
    and LINES itself. When one is set but is no size (0, -1, "wide", "²"), Rich
    would draw nothing or crash, so both are given: that one as if unset (the
    size of the terminal we run in, else 80 by 25), the other as set."""
    columns, lines = env.get("COLUMNS"), env.get("LINES")
    if _a_size(columns) and _a_size(lines):
        return None, None
    width, height = 80, 25
    dumb = env.get("TERM") in ("dumb", "unknown") and _on_terminal()  # Rich's dumb terminal
    for stream in () if dumb else (0, 1, 2):  # where Rich looks: stdin, stdout, stderr
        try:
            width, height = os.get_terminal_size(stream)
        except (OSError, ValueError):
            continue
        width, height = width or 80, height or 25  # a pseudo-terminal may say 0 by 0
        break
    if columns is not None and _a_size(columns):
        width = int(columns)
    if lines is not None and _a_size(lines):
        height = int(lines)
    return width, height


def _on_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def emit_text(text: str, page: bool = True, height: int | None = None) -> None:
    """Write text, through the pager when asked to, on a terminal, and taller than it."""
    if page and _on_terminal():
        if height is None:
            import shutil

            height = shutil.get_terminal_size().lines
        if text.count("\n") >= height:
            from painref.cli.pager import page_through

            if page_through(text, os.environ):
                return
    sys.stdout.write(text)
