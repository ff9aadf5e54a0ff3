"""Long output on a terminal goes through a pager; --no-pager, pipes and short output do not.

The end-to-end tests run painref on a real pseudo-terminal of a chosen size,
with PAINREF_PAGER set to a small script that records what it was given.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from painref.cli.pager import pager_command

RECORDER = """\
import os, sys
with open(sys.argv[1], "wb") as out:
    out.write(os.environ.get("LESS", "").encode() + b"\\n")
    out.write(sys.stdin.buffer.read())
"""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["less"]),
        ({"PAGER": "most -s"}, ["most", "-s"]),
        ({"PAGER": "most", "PAINREF_PAGER": "less -S"}, ["less", "-S"]),
        ({"PAGER": ""}, None),
        ({"PAINREF_PAGER": "cat"}, None),
        ({"PAGER": "less 'unbalanced"}, None),
        ({"TERM": "dumb"}, None),
    ],
)
def test_pager_command_follows_the_environment(
    env: dict[str, str], expected: list[str] | None
) -> None:
    assert pager_command(env) == expected


def _on_a_terminal(
    argv: list[str], rows: int, tmp_path: Path, pager: str | None = None
) -> tuple[int, str]:
    """Run painref with stdout on a pseudo-terminal of `rows` lines; its exit and screen."""
    reader, writer = pty.openpty()
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 80, 0, 0))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLUMNS", "LINES", "LESS", "PAGER")
    }
    env["PAINREF_CACHE_DIR"] = str(tmp_path / "cache")
    env["TERM"] = "xterm"
    if pager is not None:
        env["PAINREF_PAGER"] = pager
    screen: list[bytes] = []

    def drain() -> None:
        try:
            while chunk := os.read(reader, 65536):
                screen.append(chunk)
        except OSError:  # the terminal's other side closed
            pass

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    child = subprocess.Popen(
        [sys.executable, "-m", "painref", *argv], stdout=writer, stderr=subprocess.PIPE, env=env
    )
    os.close(writer)
    _, stderr = child.communicate(timeout=60)
    thread.join(timeout=10)
    os.close(reader)
    assert not stderr, stderr
    return child.returncode, b"".join(screen).decode("utf-8", "replace")


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "recorder.py"
    script.write_text(RECORDER)
    record = tmp_path / "paged.txt"
    return f"{sys.executable} {script} {record}", record


def test_output_taller_than_the_terminal_goes_to_the_pager(
    tmp_path: Path, recorder: tuple[str, Path]
) -> None:
    pager, record = recorder
    code, screen = _on_a_terminal(["show", "kyphoplasty"], 24, tmp_path, pager)
    assert code == 0
    less_options, _, paged = record.read_text().partition("\n")
    assert less_options == "FRX"  # less keeps colours and quits when the text fits
    assert "Kyphoplasty" in paged and "Educational reference only" in paged
    assert "Kyphoplasty" not in screen  # the pager, not painref, drew the screen


@pytest.mark.parametrize(
    ("argv", "rows"),
    [
        (["show", "kyphoplasty", "--no-pager"], 24),  # asked not to
        (["show", "kyphoplasty", "--json"], 24),  # JSON is for programs
        (["conditions", "osteoporosis"], 40),  # fits on the screen
    ],
)
def test_no_pager_when_asked_not_to_or_not_needed(
    argv: list[str], rows: int, tmp_path: Path, recorder: tuple[str, Path]
) -> None:
    pager, record = recorder
    code, screen = _on_a_terminal(argv, rows, tmp_path, pager)
    assert code == 0
    assert not record.exists()
    assert "steoporosis" in screen or "Kyphoplasty" in screen


def test_markdown_handouts_are_paged_too(tmp_path: Path, recorder: tuple[str, Path]) -> None:
    pager, record = recorder
    code, _ = _on_a_terminal(["show", "kyphoplasty", "--format", "markdown"], 24, tmp_path, pager)
    assert code == 0
    assert "\n# Kyphoplasty\n" in record.read_text()


def test_a_missing_pager_means_printing_straight_out(tmp_path: Path) -> None:
    code, screen = _on_a_terminal(["show", "kyphoplasty"], 24, tmp_path, "/nonexistent/pager")
    assert code == 0
    assert "Kyphoplasty" in screen and "Educational reference only" in screen
