"""The quick route reads its command lines from a grammar generated from the Typer app."""

from __future__ import annotations

from painref.cli import grammar
from painref.cli.quick import ANSWERED, FILTERS, FLAGS, ROOT_PARAMETERS
from tests.conftest import REPO
from tools.grammar import grammar_text


def test_the_generated_grammar_is_current() -> None:
    written = (REPO / "painref" / "cli" / "grammar.py").read_text(encoding="utf-8")
    assert written == grammar_text(), "run: python tools/grammar.py"


def test_every_parameter_the_quick_route_applies_is_in_the_grammar() -> None:
    root = {parameter for parameter, _ in grammar.ROOT_OPTIONS.values()}
    assert root >= ROOT_PARAMETERS
    for command, parameters in ANSWERED.items():
        _, options = grammar.COMMANDS[command]
        given = {parameter for parameter, _, _ in options.values()}
        assert given >= parameters | FLAGS, command
    assert set(ANSWERED["find"]) == set(FILTERS)
