"""Quick answers: the commonest requests, answered without loading Typer.

Importing Typer costs about four times Python's own start-up. Two kinds of
request skip it, each only in shapes that both front ends read the same way:

- Command lines: leading `--catalog PATH` pairs, then show, compare, search,
  conditions, list or find with plain words, filter options with plain
  values, --json and --no-pager. Any other option or shape goes to the Typer app in cli.py.
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
from typing import NamedTuple

from painref.cli import commands
from painref.cli.output import Output
from painref.query.results import Filters

COMPLETE_VAR = "_PAINREF_COMPLETE"  # set by the shell when it asks for completions
NAME_COMMANDS = ("show", "compare", "sources")  # their arguments are procedure names

# find's filter options that take one plain value each, and their Filters field.
FILTER_OPTIONS = {
    "--condition": "conditions",
    "-c": "conditions",
    "--region": "regions",
    "--guidance": "guidance",
    "--category": "categories",
    "--purpose": "purposes",
    "--medication": "medications",
}


# Command lines -------------------------------------------------------------------


def quick_command(argv: Sequence[str]) -> Callable[[], commands.Reply] | None:
    """The command for a simple command line, or None to leave it to Typer."""
    if COMPLETE_VAR in os.environ:
        return None
    layers, argv = _layers(argv)
    if not argv:
        return None

    name, words = argv[0], [word for word in argv[1:] if word != "--no-pager"]
    paging = len(words) == len(argv) - 1
    rest = [word for word in words if word != "--json"]
    as_json = len(rest) < len(words)
    output = Output.JSON if as_json else Output.RICH

    def choices() -> commands.Choices:
        return commands.choose(layers, pager=paging)

    if name == "show" and rest and _plain(rest):
        return lambda: commands.show(choices(), " ".join(rest), output)
    if name == "compare" and rest and _plain(rest):
        return lambda: commands.compare(choices(), rest, [], output)
    if name == "search" and rest and _plain(rest):
        return lambda: commands.search(choices(), " ".join(rest), output)
    if name == "conditions" and _plain(rest):
        term = " ".join(rest) if rest else None
        return lambda: commands.conditions(choices(), term, output)
    if name == "list" and not rest:
        return lambda: commands.list_procedures(choices(), output)
    if name == "find":
        filters = _filters(argv[1:])
        if filters is not None:
            return lambda: commands.find(choices(), filters, output)
    return None


def _plain(words: Sequence[str]) -> bool:
    return not any(word.startswith("-") for word in words)


def _layers(argv: Sequence[str]) -> tuple[list[Path], Sequence[str]]:
    """Leading `--catalog PATH` pairs as paths, and the words after them."""
    layers: list[Path] = []
    while len(argv) > 1 and argv[0] == "--catalog" and argv[1].strip() and _plain(argv[1:2]):
        layers.append(Path(argv[1]))
        argv = argv[2:]
    return layers, argv


def _filters(words: Sequence[str]) -> Filters | None:
    """`--option value` pairs (and the flags) as Filters, or None for anything else."""
    chosen: dict[str, list[str]] = {field: [] for field in FILTER_OPTIONS.values()}
    remaining = iter(words)
    for option in remaining:
        if option in ("--json", "--no-pager"):
            continue
        value = next(remaining, "-")
        if option not in FILTER_OPTIONS or value.startswith("-"):
            return None
        chosen[FILTER_OPTIONS[option]].append(value)
    return Filters(
        conditions=tuple(chosen["conditions"]),
        regions=tuple(chosen["regions"]),
        guidance=tuple(chosen["guidance"]),
        categories=tuple(chosen["categories"]),
        purposes=tuple(chosen["purposes"]),
        medications=tuple(chosen["medications"]),
    )


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
    command, rest = args[0], args[1:]
    if command in NAME_COMMANDS and _plain([word for word in rest if word != "--json"]):
        kind = "procedure"
    elif (
        command == "find"
        and rest[-1:] in (["--condition"], ["-c"])
        and _filters(rest[:-1]) is not None
    ):
        kind = "condition"
    else:
        return None

    def reply() -> int:
        return _write(
            request, commands.complete_names(commands.choose(layers), kind, request.incomplete)
        )

    return reply


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
