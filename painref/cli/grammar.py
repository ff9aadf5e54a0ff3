"""The command-line grammar, generated from the Typer app by tools/grammar.py: do not
edit. tests/test_grammar.py fails when it is not current.

ROOT_OPTIONS: each option before the command -> (parameter, takes a value).
COMMANDS: each command -> (arguments, options). An argument is (parameter, required,
completes); an option string -> (parameter, takes a value, completes). `completes`
names the kind of name shell completion offers there ("procedure", "condition"), or "".
"""

ROOT_OPTIONS: dict[str, tuple[str, bool]] = {
    "--catalog": ("catalog", True),
    "--no-bundled": ("no_bundled", False),
    "--color": ("color", True),
    "--version": ("version", False),
    "--install-completion": ("install_completion", False),
    "--show-completion": ("show_completion", False),
}
COMMANDS: dict[
    str,
    tuple[
        tuple[tuple[str, bool, str], ...],
        dict[str, tuple[str, bool, str]],
    ],
] = {
    "show": (
        (("name", True, "procedure"),),
        {
            "--section": ("section", True, ""),
            "-s": ("section", True, ""),
            "--for": ("audience", True, ""),
            "--format": ("output_format", True, ""),
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "compare": (
        (("names", True, "procedure"),),
        {
            "--fields": ("fields", True, ""),
            "-f": ("fields", True, ""),
            "--layout": ("layout", True, ""),
            "--format": ("output_format", True, ""),
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "find": (
        (),
        {
            "--condition": ("condition", True, "condition"),
            "-c": ("condition", True, "condition"),
            "--region": ("region", True, ""),
            "--guidance": ("guidance", True, ""),
            "--category": ("category", True, ""),
            "--purpose": ("purpose", True, ""),
            "--medication": ("medication", True, ""),
            "--max-minutes": ("max_minutes", True, ""),
            "--setting": ("setting", True, ""),
            "--bleeding-risk": ("bleeding_risk", True, ""),
            "--columns": ("columns", True, ""),
            "--format": ("output_format", True, ""),
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "search": (
        (("text", True, ""),),
        {
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "list": (
        (),
        {
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "conditions": (
        (("term", False, "condition"),),
        {
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "sources": (
        (("procedure", False, "procedure"),),
        {
            "--kind": ("kind", True, ""),
            "--json": ("json_output", False, ""),
            "--no-pager": ("no_pager", False, ""),
        },
    ),
    "validate": (
        (("paths", False, ""),),
        {
            "--json": ("json_output", False, ""),
        },
    ),
    "schema": (
        (),
        {},
    ),
}
