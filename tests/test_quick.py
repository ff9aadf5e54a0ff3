"""The quick path (main.py) and the Typer app (cli.py) give the same answers.

Simple command lines skip Typer for speed. Every line the quick path takes must
end exactly as it would through Typer: the same stdout, stderr and exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from painref.cli import commands
from painref.cli.app import app
from painref.cli.quick import quick_command
from tests.conftest import FIXTURES, MINI

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

NAMES = [
    "kyphoplasty", "vertebroplasty", "kyfoplasty", "esi", "mbb", "RFA", "cervical",
    "nerve block", "stellate", "SCS", "block", "xyzzy", "", " ", "[bold]x[/]",
    "\x1b[31m", "a" * 201, "épidurale", "Kyphoplasty!",
]  # fmt: skip
VALUES = [
    "sciatica", "back pain", "lumbar", "fluoroscopy", "ct", "steroid", "nerve-block",
    "diagnostic", "therapeutic", "headache", "", "?!", "xyzzy", "b" * 201, "Sciatica ",
]  # fmt: skip
OPTIONS = ["--condition", "-c", "--region", "--guidance", "--category", "--purpose", "--medication"]

plain_words = st.one_of(
    st.sampled_from(NAMES),
    st.text(max_size=12).filter(lambda word: not word.startswith("-")),
)


def _with_json(words: list[str], where: int | None, flag: str = "--json") -> list[str]:
    if where is None:
        return words
    return [*words[:where], flag, *words[where:]]


def _with_flags(words: list[str], json_at: int | None, no_pager_at: int | None) -> list[str]:
    return _with_json(_with_json(words, json_at), no_pager_at, "--no-pager")


flag_place = st.one_of(st.none(), st.integers(min_value=0, max_value=8))


named = st.builds(
    lambda command, words, json_at, no_pager_at: [
        command,
        *_with_flags(words, json_at, no_pager_at),
    ],
    st.sampled_from(["show", "compare", "search"]),
    st.lists(plain_words, min_size=1, max_size=4),
    flag_place,
    flag_place,
)
filtered = st.builds(
    lambda pairs, json_at, no_pager_at: [
        "find",
        *_with_flags([w for pair in pairs for w in pair], json_at, no_pager_at),
    ],
    st.lists(st.tuples(st.sampled_from(OPTIONS), st.sampled_from(VALUES)), max_size=4),
    flag_place,
    flag_place,
)
about = st.builds(
    lambda words, json_at, no_pager_at: ["conditions", *_with_flags(words, json_at, no_pager_at)],
    st.lists(st.one_of(plain_words, st.sampled_from(VALUES)), max_size=3),
    flag_place,
    flag_place,
)
listed = st.sampled_from([["list"], ["list", "--json"], ["list", "--no-pager"]])
LAYERS = [str(MINI), str(FIXTURES / "bad" / "PR016-unknown-reference.yaml"), "/nonexistent.yaml"]
layered = st.lists(st.sampled_from(LAYERS), max_size=2).map(
    lambda paths: [word for path in paths for word in ("--catalog", path)]
)
command_lines = st.builds(
    lambda layers, line: [*layers, *line], layered, st.one_of(named, filtered, about, listed)
)


def _through_typer(argv: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, argv)
    return result.exit_code, result.stdout, result.stderr


def _through_quick(argv: list[str]) -> tuple[int, str, str]:
    command = quick_command(argv)
    assert command is not None, argv
    with CliRunner().isolation() as (stdout, stderr, _):
        code = commands.guarded(command, as_json="--json" in argv)
        sys.stdout.flush()
        sys.stderr.flush()
        return code, stdout.getvalue().decode(), stderr.getvalue().decode()


@SETTINGS
@given(argv=command_lines)
@example(argv=["show", "kyphoplasty"])
@example(argv=["show", "kyfoplasty", "--json"])
@example(argv=["compare", "kyphoplasty", "vertebroplasty"])
@example(argv=["compare", "kyphoplasty"])
@example(argv=["find", "--condition", "sciatica"])
@example(argv=["find", "--json"])
@example(argv=["search", "bone", "cement"])
@example(argv=["search", "bone", "cemnt", "--json"])
@example(argv=["search", "the", "of"])
@example(argv=["conditions"])
@example(argv=["conditions", "back", "--json"])
@example(argv=["conditions", "sciatca"])
@example(argv=["show", "xyzzy", "--json"])
@example(argv=["--catalog", str(MINI), "show", "alpha"])
@example(argv=["--catalog", "/nonexistent.yaml", "find", "-c", "sciatica", "--json"])
def test_quick_answers_match_typer_answers(argv: list[str]) -> None:
    assume(quick_command(argv) is not None)  # --json as an option's value goes to Typer
    assert _through_quick(argv) == _through_typer(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["show"],
        ["show", "--help"],
        ["show", "-h", "kyphoplasty"],
        ["show", "--", "-kyphoplasty"],
        ["show", "-"],
        ["show", "kyphoplasty", "--jsn"],
        ["--color", "never", "show", "kyphoplasty"],
        ["--catalog", "", "show", "kyphoplasty"],
        ["--catalog", "--json", "show", "kyphoplasty"],
        ["--catalog", "x.yaml"],
        ["show", "kyphoplasty", "--catalog", "x.yaml"],
        ["--no-bundled", "--catalog", "x.yaml", "show", "kyphoplasty"],
        ["compare"],
        ["compare", "a", "b", "--fields", "risks"],
        ["compare", "a", "-c", "b"],
        ["find", "--condition"],
        ["find", "--condition=sciatica"],
        ["find", "--condition", "--json"],
        ["find", "--condition", "--json", "sciatica"],
        ["find", "--condition", "--no-pager", "sciatica"],
        ["show", "kyphoplasty", "--format", "markdown"],
        ["show", "kyphoplasty", "--format=json"],
        ["compare", "a", "b", "--format", "json"],
        ["find", "--max-minutes", "30"],
        ["find", "sciatica"],
        ["find", "--condition", "sciatica", "--region"],
        ["list", "extra"],
        ["search"],
        ["search", "--json"],
        ["search", "-x"],
        ["conditions", "--help"],
        ["sources"],
        ["validate"],
        ["schema"],
        ["lst"],
    ],
)
def test_quick_path_leaves_everything_else_to_typer(argv: list[str]) -> None:
    assert quick_command(argv) is None


def test_quick_path_steps_aside_for_shell_completion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_PAINREF_COMPLETE", "complete_bash")
    assert quick_command(["show", "kyphoplasty"]) is None


def _imported(argv: list[str], cache: Path) -> set[str]:
    env = {**os.environ, "PAINREF_CACHE_DIR": str(cache)}
    command = [sys.executable, "-X", "importtime", "-m", "painref", *argv]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}


def test_simple_command_lines_never_load_typer(tmp_path: Path) -> None:
    for argv in (
        ["show", "kyphoplasty"],
        ["show", "kyphoplasty", "--json"],
        ["compare", "kyphoplasty", "vertebroplasty"],
        ["find", "--condition", "sciatica"],
        ["search", "bone", "cement"],
        ["conditions", "back"],
    ):
        assert "typer" not in _imported(argv, tmp_path), argv
    assert "typer" in _imported(["--color", "never", "show", "kyphoplasty"], tmp_path)
