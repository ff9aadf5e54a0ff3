"""Output safety: colour modes, escaping of control characters, and the query cap."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from painref.cli.output import use_style
from painref.render.jsonout import dumps
from tests.conftest import Invoke

ESCAPE = re.compile(r"\x1b\[")


@pytest.mark.parametrize(
    ("color", "is_terminal", "env", "styled"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # an empty NO_COLOR does not count
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": "0"}, False),
        ("auto", False, {"FORCE_COLOR": "1", "TERM": "dumb"}, True),
        ("auto", True, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),  # the option beats the environment
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_when_to_style(color: str, is_terminal: bool, env: dict[str, str], styled: bool) -> None:
    assert use_style(color, is_terminal, env) is styled


@pytest.mark.parametrize(
    ("args", "env", "styled"),
    [
        (["--color", "always"], {}, True),
        (["--color", "ALWAYS"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        (["--color", "auto"], {}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
    ],
)
def test_color_option_and_environment_when_piped(
    run_mini: Invoke, args: list[str], env: dict[str, str], styled: bool
) -> None:
    result = run_mini(*args, "show", "kyphoplasty", **env)
    assert result.exit_code == 0
    assert bool(ESCAPE.search(result.stdout)) is styled


def _on_a_terminal(env: dict[str, str]) -> bytes:
    """painref's output when its stdout is a real pseudo-terminal."""
    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "painref", "list", "--no-pager"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        timeout=60,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks)


def test_a_terminal_gets_style_unless_term_is_dumb_or_no_color() -> None:
    assert b"\x1b[" in _on_a_terminal({"TERM": "xterm-256color"})
    assert b"\x1b[" not in _on_a_terminal({"TERM": "dumb"})
    assert b"\x1b[" not in _on_a_terminal({"TERM": "xterm-256color", "NO_COLOR": "1"})


@pytest.mark.parametrize(
    ("query", "echoed"),
    [
        ("\x1b[31mred", "'\\x1b[31mred'"),
        ("\u202ezzz", "'\\u202ezzz'"),
        ("zz\x9bz", "'zz\\x9bz'"),
        ("[bold red]zzz[/]", "'[bold red]zzz[/]'"),
    ],
)
def test_queries_are_echoed_with_control_characters_spelled_out(
    run_mini: Invoke, query: str, echoed: str
) -> None:
    result = run_mini("show", query)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"painref: no procedure matches {echoed}")
    as_json = run_mini("show", query, "--json")
    assert echoed in json.loads(as_json.stdout)["error"]["message"]
    for output in (result.stderr, as_json.stdout):
        assert not re.search("[\x1b\x9b\u202e]", output)


def test_a_path_with_an_escape_sequence_is_spelled_out(run_mini: Invoke) -> None:
    result = run_mini("--catalog", "\x1b[2Jgone.yaml", "list")
    assert result.exit_code == 3
    assert result.stderr.startswith("\\x1b[2Jgone.yaml:1:1: PR009 cannot read the catalog")
    checked = run_mini("validate", "\x1b[2Jgone.yaml")
    assert checked.stdout.startswith("\\x1b[2Jgone.yaml:1:1: PR009")


def test_json_never_carries_a_raw_control_or_bidi_character() -> None:
    value = {"text": "a\x1bb\x7fc\x85d\u202ee\u2066f\tg\nh é"}
    text = dumps(value)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert json.loads(text) == value
    assert "é" in text  # everything else stays UTF-8


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["show"], "procedure"),
        (["find", "--condition"], "condition"),
        (["find", "--region"], "region"),
        (["find", "--medication"], "medication"),
    ],
)
def test_a_query_over_200_characters_is_refused(
    run_mini: Invoke, args: list[str], what: str
) -> None:
    result = run_mini(*args, "a" * 201)
    assert result.exit_code == 2
    assert result.stderr == (
        f"painref: the {what} to look up is 201 characters long; the limit is 200\n"
    )
    assert run_mini(*args, "a" * 200).exit_code == 1  # at the limit it is looked up


@pytest.mark.parametrize(
    "args", [["find", "--region", "?"], ["find", "--guidance", " "], ["find", "--condition", "-"]]
)
def test_an_empty_or_punctuation_filter_is_a_usage_error(run_mini: Invoke, args: list[str]) -> None:
    result = run_mini(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("painref: give a ")


# Getting the output out: the real console script, as a shell runs it -------------

C_LOCALE = {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
BUFFERING = pytest.mark.parametrize(
    "unbuffered", ["", "1"], ids=["buffered", "unbuffered"]
)  # PYTHONUNBUFFERED, set in many container images, changes how stdout writes


def _shell(line: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A command line as a user types it (stdin is not a terminal)."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", line],
        cwd=cwd,
        env={**os.environ, "PATH": path, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _painref(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """painref's exit code and bytes, stdout a pipe, stdin not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "painref", *argv],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )


@BUFFERING
@pytest.mark.parametrize(
    "args", ["show kyphoplasty", "show kyphoplasty --json", "--color never show kyphoplasty"]
)
def test_output_cut_short_part_way_exits_4(tmp_path: Path, args: str, unbuffered: str) -> None:
    # The file-size limit stands in for a disk that fills during the write:
    # the system writes the first 4 KiB, then refuses the rest.
    done = _shell(f"ulimit -f 4; painref {args} > out.txt", tmp_path, PYTHONUNBUFFERED=unbuffered)
    assert (done.returncode, done.stdout, done.stderr) == (
        4,
        "",
        "painref: cannot write the output: File too large\n",
    )
    assert (tmp_path / "out.txt").stat().st_size == 4096


@BUFFERING
@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("painref list > /dev/full 2> /dev/full", 4),
        ("painref show xyzzy 2> /dev/full", 1),
        ("painref --color never show xyzzy 2> /dev/full", 1),
    ],
)
def test_messages_that_cannot_be_written_leave_the_exit_code_alone(
    tmp_path: Path, line: str, code: int, unbuffered: str
) -> None:
    done = _shell(line, tmp_path, PYTHONUNBUFFERED=unbuffered)
    assert (done.returncode, done.stdout, done.stderr) == (code, "", "")


@BUFFERING
def test_a_stdout_that_does_not_block_still_gets_everything(unbuffered: str) -> None:
    expected = _painref(["list", "--json"], {"PYTHONUNBUFFERED": unbuffered}).stdout
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # as some parent processes leave it
    child = subprocess.Popen(
        [sys.executable, "-m", "painref", "list", "--json"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": unbuffered},
    )
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _, stderr = child.communicate(timeout=60)
    assert (child.returncode, stderr) == (0, b"")
    assert len(expected) > 65536  # more than a pipe holds: the writer has to wait
    assert b"".join(chunks) == expected


@BUFFERING
@pytest.mark.parametrize(
    "args", ["list --json", "--color never list --json"], ids=["quick route", "typer route"]
)
def test_a_reader_that_stops_early_ends_quietly_with_exit_0(
    tmp_path: Path, args: str, unbuffered: str
) -> None:
    done = _shell(f"painref {args} | head -1", tmp_path, PYTHONUNBUFFERED=unbuffered)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[\n", "")


@BUFFERING
@pytest.mark.parametrize(
    "argv",
    [["list"], ["--color", "never", "list"], ["--help"], ["show", "--help"], ["validate"]],
    ids=" ".join,
)
def test_a_reader_that_is_already_gone_gets_exit_0(argv: list[str], unbuffered: str) -> None:
    """`painref --help | true`, made certain: nobody ever reads the pipe."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "painref", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": unbuffered},
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize(
    "env",
    [
        {"COLUMNS": "0"},
        {"COLUMNS": "-1"},
        {"COLUMNS": "\u00b2"},  # a digit to str.isdigit, not to int()
        {"COLUMNS": "0", "LINES": "\u00b2"},
    ],
    ids=lambda env: " ".join(f"{k}={v}" for k, v in env.items()),
)
@pytest.mark.parametrize(
    ("argv", "first"),
    [
        (["show", "kyphoplasty"], b"Kyphoplasty  (kyphoplasty)\n"),
        (["--color", "always", "search", "bone", "cement"], "•   \x1b[1mKyphoplasty".encode()),
    ],
    ids=["show", "search styled"],
)
def test_a_width_or_height_that_is_no_size_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], argv: list[str], first: bytes
) -> None:
    monkeypatch.delenv("COLUMNS")
    unset = _painref(argv, {"PYTHONUTF8": "1"})
    assert (unset.returncode, unset.stderr) == (0, b"")
    assert unset.stdout.startswith(first)
    assert max(len(line) for line in unset.stdout.decode().splitlines()) > 60  # 80 wide
    done = _painref(argv, {"PYTHONUTF8": "1", **env})
    assert (done.returncode, done.stdout, done.stderr) == (0, unset.stdout, b"")


def _on_a_sized_terminal(argv: list[str], env: dict[str, str], columns: int) -> str:
    """painref's output on a pseudo-terminal this many columns wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    chunks: list[bytes] = []

    def read() -> None:  # all the while, so that a long card never fills the terminal
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "painref", *argv],
        stdin=follower,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUTF8": "1", **env},
        timeout=60,
    )
    os.close(follower)
    reader.join(timeout=60)
    os.close(leader)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_columns_0_on_a_terminal_takes_the_terminal_s_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS")
    argv = ["show", "kyphoplasty", "--no-pager"]
    env = {"TERM": "xterm-256color", "NO_COLOR": "1"}
    unset = _on_a_sized_terminal(argv, env, columns=100)
    assert unset.startswith("Kyphoplasty  (kyphoplasty)\n")
    assert unset != _on_a_sized_terminal(argv, {**env, "COLUMNS": "80"}, columns=100)
    assert _on_a_sized_terminal(argv, {**env, "COLUMNS": "0"}, columns=100) == unset


C_LOCALE_ARGVS = [
    ["show", "kyphoplasty"],
    ["compare", "kyphoplasty", "vertebroplasty"],
    ["--color", "never", "compare", "kyphoplasty", "vertebroplasty", "--fields", "risks"],
    ["find", "--condition", "sciatica"],
    ["search", "bone", "cement"],
    ["conditions", "back"],
    ["sources", "kyphoplasty"],
    ["show", "kyphoplasty", "--format", "markdown"],
]


@pytest.mark.parametrize("argv", C_LOCALE_ARGVS, ids=" ".join)
def test_a_c_locale_prints_what_it_cannot_encode_as_question_marks(argv: list[str]) -> None:
    in_utf8 = _painref(argv, {"PYTHONUTF8": "1"})
    assert in_utf8.returncode == 0
    done = _painref(argv, C_LOCALE)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout == in_utf8.stdout.decode().encode("ascii", errors="replace")


@pytest.mark.parametrize(
    "argv",
    [["show", "kyphoplasty", "--json"], ["list", "--json"], ["validate", "--json"]],
    ids=" ".join,
)
def test_a_c_locale_gets_the_same_json_in_ascii(argv: list[str]) -> None:
    in_utf8 = _painref(argv, {"PYTHONUTF8": "1"})
    done = _painref(argv, C_LOCALE)
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.isascii()
    assert json.loads(done.stdout) == json.loads(in_utf8.stdout)


def test_a_c_locale_shows_help() -> None:
    done = _painref(["compare", "--help"], C_LOCALE)
    assert (done.returncode, done.stderr) == (0, b"")
    assert b"Compare two or more procedures side by side" in done.stdout
