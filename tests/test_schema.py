"""`painref schema`: the JSON Schema agrees with the validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from painref.catalog.layers import bundled_catalog_path
from painref.catalog.validate import (
    CONDITION_FIELDS,
    DURATION_FIELDS,
    FACT_FIELDS,
    LINK_FIELDS,
    PROCEDURE_FIELDS,
    RELIEF_FIELDS,
    SOURCE_FIELDS,
    TOP_FIELDS,
)
from painref.core import vocab
from tests.conftest import FIXTURES, MINI, Invoke


@pytest.fixture
def schema(run: Invoke) -> dict[str, Any]:
    result = run("schema")
    assert result.exit_code == 0
    value: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(value)
    return value


def test_the_schema_names_exactly_the_fields_the_validator_accepts(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert tuple(schema["properties"]) == TOP_FIELDS
    for name, fields in [
        ("source", SOURCE_FIELDS),
        ("condition", CONDITION_FIELDS),
        ("fact", FACT_FIELDS),
        ("duration", DURATION_FIELDS),
        ("relief", RELIEF_FIELDS),
        ("link", LINK_FIELDS),
        ("procedure", PROCEDURE_FIELDS),
    ]:
        assert tuple(defs[name]["properties"]) == fields, name
        assert defs[name]["additionalProperties"] is False


def test_the_closed_vocabularies_come_from_vocab(schema: dict[str, Any]) -> None:
    procedure = schema["$defs"]["procedure"]["properties"]
    assert procedure["category"]["enum"] == list(vocab.CATEGORIES)
    assert procedure["regions"]["items"]["enum"] == list(vocab.REGIONS)
    assert procedure["guidance"]["items"]["enum"] == list(vocab.GUIDANCE)
    assert procedure["purpose"]["items"]["enum"] == list(vocab.PURPOSES)
    assert schema["$defs"]["link"]["properties"]["relation"]["enum"] == list(vocab.RELATIONS)


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "path",
    [bundled_catalog_path(), MINI, FIXTURES / "overlay" / "clinic.yaml"],
    ids=["bundled", "mini", "overlay"],
)
def test_catalogs_the_validator_accepts_pass_the_schema(schema: dict[str, Any], path: Path) -> None:
    jsonschema.validate(_load(path), schema)


@pytest.mark.parametrize(
    "name",
    [
        "PR011-unknown-field",
        "PR012-missing-field",
        "PR013-id-not-kebab",
        "PR015-vocabulary",
        "PR019-source-no-file-or-url",
        "PR010-list-not-mapping",
    ],
)
def test_fixtures_the_validator_rejects_fail_the_schema_too(
    schema: dict[str, Any], name: str
) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_load(FIXTURES / "bad" / f"{name}.yaml"), schema)
