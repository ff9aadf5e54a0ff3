"""The README's screenshots, rendered by painref itself through Rich's SVG export.

    python tools/screenshots.py      # rewrite docs/images/*.svg from the bundled catalog

Each command runs through painref's own entry point (painref.cli.main.answer) with
its styled output recorded at 80 columns. tests/test_readme.py renders them
again and fails when a picture no longer shows what the command prints.
"""

from __future__ import annotations

import html
import io
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from painref.cli.main import answer
from painref.cli.output import recording

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
WIDTH = 80
SHOTS: dict[str, list[str]] = {
    "show.svg": ["show", "kyphoplasty"],
    "compare.svg": ["compare", "kyphoplasty", "vertebroplasty", "-f", "guidance,duration,recovery"],
    "find.svg": ["find", "--condition", "sciatica"],
    "search.svg": ["search", "drooping", "eyelid"],
}
# Rich's SVG places each run of text at x = column * (font size 20 * aspect 0.61).
CHAR_WIDTH = 20 * 0.61
_TEXT = re.compile(
    r'<text [^>]*?x="([\d.]+)"[^>]*?clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>'
)


def record(argv: list[str]) -> Console:
    """A console holding what `painref ARGV` shows on an 80-column colour terminal."""
    console = Console(
        record=True,
        file=io.StringIO(),
        width=WIDTH,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        emoji=False,
    )
    with recording(console):
        code = answer(argv)
    if code != 0:
        raise SystemExit(f"painref {shlex.join(argv)} exited with {code}")
    return console


def screenshot(argv: list[str]) -> str:
    return record(argv).export_svg(title="painref " + shlex.join(argv))


def screen_text(argv: list[str]) -> str:
    """The same output as plain lines, to compare with what a picture shows. The
    picture is a terminal 80 columns wide, so a longer line (a URL) is cut there."""
    lines = record(argv).export_text(styles=False).splitlines()
    return _trimmed("\n".join(line[:WIDTH] for line in lines))


def svg_text(svg: str) -> str:
    """The text a picture shows, line by line, rebuilt from its positioned runs."""
    lines: dict[int, dict[int, str]] = {}
    for x, line, content in _TEXT.findall(svg):
        run = html.unescape(content).replace("\xa0", " ")
        if run.strip():  # Rich also writes each line's newline as a run
            lines.setdefault(int(line), {})[round(float(x) / CHAR_WIDTH)] = run
    shown = []
    for number in range(max(lines, default=-1) + 1):
        row = ""
        for column, run in sorted(lines.get(number, {}).items()):
            row = row.ljust(column) + run
        shown.append(row)
    return _trimmed("\n".join(shown))


def _trimmed(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines()) + "\n"


def main() -> None:
    os.environ.pop("PAINREF_CATALOG", None)  # the bundled catalog only
    os.environ["PAINREF_CACHE_DIR"] = tempfile.mkdtemp(prefix="painref-shots-")
    IMAGES.mkdir(exist_ok=True)
    for name, argv in SHOTS.items():
        (IMAGES / name).write_text(screenshot(argv), encoding="utf-8")
        sys.stdout.write(f"wrote {IMAGES / name}\n")


if __name__ == "__main__":
    main()
