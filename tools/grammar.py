"""Write painref/cli/grammar.py: the command-line grammar, read from the Typer app.

The quick route (painref.cli.quick) answers simple command lines without importing
Typer; what those command lines may hold comes from this generated table, never
from a hand copy. tests/test_grammar.py fails when the table is not current.

    python tools/grammar.py        # rewrite painref/cli/grammar.py
"""

from __future__ import annotations

import json
import sys
import typing
from pathlib import Path
from typing import Any

import typer.main

from painref.cli.app import app

TARGET = Path(__file__).resolve().parent.parent / "painref" / "cli" / "grammar.py"

HEADER = '''"""The command-line grammar, generated from the Typer app by tools/grammar.py: do not
edit. tests/test_grammar.py fails when it is not current.

ROOT_OPTIONS: each option before the command -> (parameter, takes a value).
COMMANDS: each command -> (arguments, options). An argument is (parameter, required,
completes); an option string -> (parameter, takes a value, completes). `completes`
names the kind of name shell completion offers there ("procedure", "condition"), or "".
"""
'''


def _py(value: Any) -> str:
    """A tuple of texts and truth values as ruff formats it: double quotes."""
    if isinstance(value, tuple):
        inner = ", ".join(_py(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def _completes(callback: Any) -> dict[str, str]:
    """Parameter -> the kind of name its completer offers, read from the annotations."""
    found: dict[str, str] = {}
    for name, hint in typing.get_type_hints(callback, include_extras=True).items():
        for info in getattr(hint, "__metadata__", ()):
            kind = getattr(getattr(info, "autocompletion", None), "completes", "")
            if kind:
                found[name] = kind
    return found


def _options(params: list[Any], completes: dict[str, str]) -> dict[str, tuple[Any, ...]]:
    options: dict[str, tuple[Any, ...]] = {}
    for param in params:
        if param.param_type_name == "option":  # click's own word; Typer vendors click
            for opt in (*param.opts, *param.secondary_opts):
                options[opt] = (param.name, not param.is_flag, completes.get(param.name or "", ""))
    return options


def grammar_text() -> str:
    group: Any = typer.main.get_command(app)
    root = {opt: spec[:2] for opt, spec in _options(group.params, {}).items()}
    callbacks = {
        (info.name or info.callback.__name__): info.callback
        for info in app.registered_commands
        if info.callback is not None
    }
    lines = [HEADER, "ROOT_OPTIONS: dict[str, tuple[str, bool]] = {"]
    lines += [f"    {_py(opt)}: {_py(spec)}," for opt, spec in root.items()]
    lines += [
        "}",
        "COMMANDS: dict[",
        "    str,",
        "    tuple[",
        "        tuple[tuple[str, bool, str], ...],",
    ]
    lines += ["        dict[str, tuple[str, bool, str]],", "    ],", "] = {"]
    for name, command in group.commands.items():
        completes = _completes(callbacks[name])
        arguments = tuple(
            (param.name, param.required, completes.get(param.name or "", ""))
            for param in command.params
            if param.param_type_name == "argument"
        )
        lines.append(f"    {_py(name)}: (")
        lines.append(f"        {_py(arguments)},")
        options = _options(command.params, completes)
        if options:
            lines.append("        {")
            lines += [f"            {_py(opt)}: {_py(spec)}," for opt, spec in options.items()]
            lines.append("        },")
        else:
            lines.append("        {},")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TARGET.write_text(grammar_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")
