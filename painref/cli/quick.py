"""Quick answers: the commonest requests, answered without loading Typer.

Importing Typer costs about four times Python's own start-up. Two kinds of
request skip it, each only in shapes that both front ends read the same way:

- Command lines: leading `--catalog PATH` pairs, then show, compare, search,
  conditions, list or find with plain words, filter options with plain
  values, --json and --no-pager. Which option strings spell these, and which
  take a value, is read from painref.cli.grammar, generated from the Typer app
  (cli/app.py); any other option or shape goes to the app itself.
- Shell completion of a procedure or condition name. The shell scripts are
  Typer's (`painref --install-completion`): they run painref with
  _PAINREF_COMPLETE set and read the answer, which is written here in Typer's
  own format. Through Typer it costs about 7 times Python's start-up in bash
  and 14 in zsh and fish, where Typer also loads Rich for the descriptions.

tests/test_quick.py and tests/test_completion.py hold the quick answers to
exactly what Typer would print.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from painref.cli import commands
from painref.cli.grammar import COMMANDS, ROOT_OPTIONS
from painref.cli.output import Output
from painref.query.results import Filters

COMPLETE_VAR = "_PAINREF_COMPLETE"  # set by the shell when it asks for completions

# What the quick route applies, by the app's parameter names. How each is spelt on
# the command line, and whether it takes a value, comes from the grammar generated
# from the Typer app (painref.cli.grammar); anything else goes to Typer.
ROOT_PARAMETERS = {"catalog"}  # before the command: `--catalog PATH`, repeated
FLAGS = {"json_output", "no_pager"}
# find's filters that take one plain value each, and their Filters field.
FILTERS = {
    "condition": "conditions",
    "region": "regions",
    "guidance": "guidance",
    "category": "categories",
    "purpose": "purposes",
    "medication": "medications",
}
# The commands answered here, and the parameters (besides FLAGS) each may be given.
ANSWERED: dict[str, set[str]] = {
    "show": set(),
    "compare": set(),
    "search": set(),
    "conditions": set(),
    "list": set(),
    "find": set(FILTERS),
}


class _Line(NamedTuple):
    """A command line as the quick route reads it."""

    command: str
    words: list[str]  # the command's arguments
    values: dict[str, list[str]]  # option parameter -> values given
    flags: set[str]  # flag parameters given


# Command lines -------------------------------------------------------------------


def quick_command(argv: Sequence[str]) -> Callable[[], commands.Reply] | None:
    """The command for a simple command line, or None to leave it to Typer."""
    if COMPLETE_VAR in os.environ:
        return None
    layers, argv = _layers(argv)
    line = _read(argv)
    if line is None:
        return None
    output = Output.JSON if "json_output" in line.flags else Output.RICH
    words, paging = line.words, "no_pager" not in line.flags

    def choices() -> commands.Choices:
        return commands.choose(layers, pager=paging)

    if line.command == "show":
        return lambda: commands.show(choices(), " ".join(words), output)
    if line.command == "compare":
        return lambda: commands.compare(choices(), words, [], output)
    if line.command == "search":
        return lambda: commands.search(choices(), " ".join(words), output)
    if line.command == "conditions":
        term = " ".join(words) if words else None
        return lambda: commands.conditions(choices(), term, output)
    if line.command == "list":
        return lambda: commands.list_procedures(choices(), output)
    given: dict[str, Any] = {field: tuple(line.values.get(p, ())) for p, field in FILTERS.items()}
    filters = Filters(**given)
    return lambda: commands.find(choices(), filters, output)


def _read(argv: Sequence[str]) -> _Line | None:
    """A command line the quick route answers, read by the grammar; None for any other."""
    if not argv or argv[0] not in ANSWERED or argv[0] not in COMMANDS:
        return None
    command = argv[0]
    arguments, options = COMMANDS[command]
    line = _Line(command, [], {}, set())
    remaining = iter(argv[1:])
    for word in remaining:
        if not word.startswith("-"):
            line.words.append(word)
            continue
        parameter, takes_value, _ = options.get(word, ("", False, ""))
        if parameter in FLAGS and not takes_value:
            line.flags.add(parameter)
            continue
        value = next(remaining, "-")
        if parameter not in ANSWERED[command] or not takes_value or value.startswith("-"):
            return None
        line.values.setdefault(parameter, []).append(value)
    if line.words and not arguments:
        return None
    if arguments and arguments[0][1] and not line.words:
        return None  # a required argument left out: Typer's usage error says so
    return line


def _layers(argv: Sequence[str]) -> tuple[list[Path], Sequence[str]]:
    """Leading `--catalog PATH` pairs as paths, and the words after them."""
    layers: list[Path] = []
    while len(argv) > 1 and _root_value(argv[0]) and argv[1].strip() and _plain(argv[1:2]):
        layers.append(Path(argv[1]))
        argv = argv[2:]
    return layers, argv


def _root_value(word: str) -> bool:
    """Whether `word` is a root option the quick route applies, one that takes a value."""
    parameter, takes_value = ROOT_OPTIONS.get(word, ("", False))
    return parameter in ROOT_PARAMETERS and takes_value


def _plain(words: Sequence[str]) -> bool:
    return not any(word.startswith("-") for word in words)


# Shell completion ---------------------------------------------------------------


class _Request(NamedTuple):
    shell: str
    args: list[str]  # the words before the one being completed
    incomplete: str  # the word being completed, as typed so far
    action: str = ""  # fish asks twice: "is-args", then "get-args"


def quick_reply(env: Mapping[str, str]) -> Callable[[], int] | None:
    """The answer to a name-completion request, or None to leave it to Typer."""
    request = _request(env)
    if request is None:
        return None
    layers, args = _layers(request.args)
    if not args or request.incomplete.startswith("-"):
        return None
    kind = _completes(args)
    if not kind:
        return None

    def reply() -> int:
        return _write(
            request, commands.complete_names(commands.choose(layers), kind, request.incomplete)
        )

    return reply


def _completes(args: Sequence[str]) -> str:
    """The kind of name completed after these words ("procedure", "condition"),
    when the quick route answers them; "" for Typer."""
    command, rest = args[0], args[1:]
    if command not in ANSWERED or command not in COMMANDS:
        return ""
    arguments, options = COMMANDS[command]
    last = options.get(rest[-1], ("", False, "")) if rest else ("", False, "")
    parameter, takes_value, completes = last
    if completes and takes_value and parameter in ANSWERED[command]:
        return completes if _read(args[:-1]) is not None else ""  # the option's value
    if arguments and arguments[0][2] and _read([command, *rest, "x"]) is not None:
        return arguments[0][2]  # one more argument word
    return ""


def _request(env: Mapping[str, str]) -> _Request | None:
    instruction = env.get(COMPLETE_VAR)
    if instruction == "complete_bash":
        words = split_arg_string(env.get("COMP_WORDS", ""))
        try:
            cword = int(env.get("COMP_CWORD", ""))
        except ValueError:
            return None
        if cword < 1:
            return None
        return _Request("bash", words[1:cword], words[cword] if cword < len(words) else "")
    action = env.get("_TYPER_COMPLETE_FISH_ACTION", "")
    if instruction == "complete_zsh" or (
        instruction == "complete_fish" and action in ("get-args", "is-args")
    ):
        line = env.get("_TYPER_COMPLETE_ARGS", "")
        args = split_arg_string(line)[1:]
        incomplete = args.pop() if args and not line.endswith(" ") else ""
        return _Request(instruction.removeprefix("complete_"), args, incomplete, action)
    return None


def _write(request: _Request, items: Sequence[tuple[str, str]]) -> int:
    """Print the items as Typer would for this shell; return the exit code."""
    if request.shell == "bash":
        out = "\n".join(value for value, _ in items)
    elif request.shell == "zsh":
        specs = "\n".join(f'"{_zsh_escape(value)}":"{_zsh_escape(help)}"' for value, help in items)
        out = f"_arguments '*: :(({specs}))'" if items else "_files"
    elif request.action == "is-args":
        return 0 if items else 1  # fish: names to offer (0), or files instead (1)
    else:
        out = "\n".join(f"{value}\t{_one_line(help)}" for value, help in items)
    sys.stdout.write(out + "\n")
    return 0


def _one_line(text: str) -> str:
    return "".join(" " if char.isspace() else char for char in text)


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


def split_arg_string(string: str) -> list[str]:
    """Split a command line as shlex does, keeping an unfinished last word (as click does)."""
    import shlex

    lexer = shlex.shlex(string, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        for token in lexer:
            words.append(token)
    except ValueError:  # an unclosed quote or a trailing escape
        words.append(lexer.token)
    return words
