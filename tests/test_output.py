"""Output safety: colour modes, escaping of control characters, and the query cap."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest

from painref.output import use_style
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
