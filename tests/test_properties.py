"""Property tests: whatever a user types or hands us ends in an answer or a clean error."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from painref.catalog import layers as catalog_module
from painref.catalog.layers import Overlay, open_catalog
from painref.catalog.records import Catalog
from painref.cli.app import app
from painref.core.errors import CatalogError
from tests.conftest import MINI

WORDS = [
    "show", "compare", "find", "list", "sources", "validate", "schema", "search",
    "conditions", "--json", "--help", "-h", "--version", "--catalog", "--no-bundled", "--color",
    "always", "never", "auto", "--condition", "-c", "--region", "--guidance",
    "--category", "--purpose", "--medication", "--max-minutes", "--fields", "-f",
    "kyphoplasty", "vertebroplasty", "esi", "mbb", "sciatica", "lumbar",
    "fluoroscopy", "steroid", "duration,risks", "0", "-1", "99999999999999999999",
    "--", "-", "", " ", "?!", "[bold]x[/]", "\x1b[31m", "\u202e", "a" * 300,
    str(MINI), "/dev/null", "/nonexistent.yaml",
]  # fmt: skip
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMMANDS = [
    "show", "compare", "find", "search", "conditions", "list", "sources", "validate", "schema",
]  # fmt: skip
NAMES = ["kyphoplasty", "esi", "mbb", "RFA", "cervical RFA", "vertebroplasty", "kyfoplasty"]
words = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), st.text(max_size=20))
# Mostly well-formed: global options, a command, then anything; sometimes pure noise.
arguments = st.one_of(
    st.tuples(
        st.lists(st.sampled_from([*WORDS[9:18], str(MINI)]), max_size=3),
        st.sampled_from(COMMANDS),
        st.lists(st.one_of(st.sampled_from(NAMES), words), max_size=5),
    ).map(lambda parts: [*parts[0], parts[1], *parts[2]]),
    st.lists(words, max_size=7),
)


@SETTINGS
@given(argv=arguments)
def test_any_argument_list_ends_in_exit_0_to_3_without_a_traceback(argv: list[str]) -> None:
    with mock.patch.object(catalog_module, "bundled_catalog_path", lambda: MINI):
        result = CliRunner().invoke(app, argv)
    assert result.exit_code in (0, 1, 2, 3), (argv, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv,
        repr(result.exception),
    )
    assert "Traceback" not in result.output


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["no", "yes", "2024-02-30", "12:30", "1.5", "~", "0x1f", "kyphoplasty"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(["id", "name", "sources", "procedures"]), st.text()),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)
MINI_DATA: dict[str, Any] = yaml.safe_load(MINI.read_text(encoding="utf-8"))


@st.composite
def mutated_catalog(draw: st.DrawFn) -> str:
    """The mini catalog with one value somewhere in it replaced by anything."""
    data = yaml.safe_load(yaml.safe_dump(MINI_DATA))
    node: Any = data
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
        elif isinstance(node, list) and node:
            key = draw(st.integers(min_value=0, max_value=len(node) - 1))
        else:
            break
        if isinstance(node[key], (dict, list)) and draw(st.booleans()):
            node = node[key]
        else:
            node[key] = draw(values)
            break
    return yaml.safe_dump(data, allow_unicode=True)


yaml_texts = st.one_of(
    st.text(max_size=200),
    values.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    mutated_catalog(),
    st.lists(
        st.sampled_from(["&a", "*a", "<<: ", "!!python/object ", "[", "{", "- ", ": ", "\t"]),
        max_size=12,
    ).map(" ".join),
)


@SETTINGS
@given(content=st.one_of(yaml_texts.map(lambda text: text.encode("utf-8")), st.binary()))
def test_any_yaml_fragment_gives_a_catalog_or_a_catalog_error(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fragment.yaml"
        path.write_bytes(content)
        with mock.patch.object(catalog_module, "bundled_catalog_path", lambda: MINI):
            try:
                result = open_catalog([Overlay(path, "--catalog")])
            except CatalogError as error:
                assert error.problems
                return
    assert isinstance(result, Catalog)
