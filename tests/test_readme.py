"""The README's examples are real output: each ```console block is re-run and compared.
A block that ends with a line "..." shows the start of the output, which must match exactly.
Each screenshot must show exactly the text its command prints today.

Refresh them after a deliberate change with:  PAINREF_UPDATE_DOCS=1 pytest -n 0 tests/test_readme.py
"""

from __future__ import annotations

import os
import re
import shlex

import pytest

from tests.conftest import REPO, Invoke
from tools.screenshots import IMAGES, SHOTS, screen_text, screenshot, svg_text

README = REPO / "README.md"
ELLIPSIS = "...\n"
BLOCK = re.compile(r"```console\n\$ (painref [^\n]*)\n(.*?)```", re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_examples_of_every_command() -> None:
    commands = {command.split()[1] for command, _ in _blocks()}
    assert {"show", "compare", "find", "search", "conditions", "list", "sources"} <= commands


@pytest.mark.parametrize("command", [command for command, _ in _blocks()])
def test_readme_example_is_real_output(run: Invoke, command: str) -> None:
    result = run(*shlex.split(command)[1:])
    shown = dict(_blocks())[command]
    actual = result.stdout + result.stderr
    if shown.endswith(ELLIPSIS):
        lines = actual.splitlines(keepends=True)[: shown.count("\n") - 1]
        actual = "".join(lines) + ELLIPSIS
    if os.environ.get("PAINREF_UPDATE_DOCS") and actual != shown:
        text = README.read_text(encoding="utf-8")
        old = f"```console\n$ {command}\n{shown}```"
        README.write_text(
            text.replace(old, f"```console\n$ {command}\n{actual}```"), encoding="utf-8"
        )
        return
    assert actual == shown


def test_readme_test_command_is_what_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count("<!-- test-command -->") == 1
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci


# Screenshots -------------------------------------------------------------------
# Rendered by tools/screenshots.py; refreshed here too with PAINREF_UPDATE_DOCS=1.


@pytest.mark.parametrize("name", list(SHOTS))
def test_readme_screenshot_shows_what_the_command_prints(name: str) -> None:
    path = IMAGES / name
    if os.environ.get("PAINREF_UPDATE_DOCS"):
        path.write_text(screenshot(SHOTS[name]), encoding="utf-8")
    assert svg_text(path.read_text(encoding="utf-8")) == screen_text(SHOTS[name])


def test_readme_shows_every_screenshot_under_its_command() -> None:
    text = README.read_text(encoding="utf-8")
    for name, argv in SHOTS.items():
        assert f"![painref {shlex.join(argv)}](docs/images/{name})" in text


def test_readme_shows_the_printed_patient_handout() -> None:
    # Made by: painref show epidural steroid injection --for patient --format html, printed
    # with tools/printing.py (which draws the first PDF page as this PNG).
    text = README.read_text(encoding="utf-8")
    assert "](docs/images/handout.png)" in text
    picture = (IMAGES / "handout.png").read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    assert 400 <= width < height  # a portrait page
