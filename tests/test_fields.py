"""The field table is the one declaration of a procedure's fields: every layer reads it."""

from __future__ import annotations

from painref.catalog import codec, schema, validate
from painref.core import fields
from painref.core.model import Procedure
from painref.render import jsonout


def test_the_model_has_exactly_the_fields_of_the_table() -> None:
    assert set(Procedure._fields) == set(fields.NAMES_IN_CATALOG)


def test_every_kind_is_read_checked_stored_and_shown() -> None:
    kinds = {field.kind for field in fields.TABLE}
    assert kinds <= set(fields.KINDS)
    assert set(fields.KINDS) <= set(validate._FIELD_PARSERS)
    assert set(fields.KINDS) <= set(codec._DECODE)
    assert {f.kind for f in fields.TABLE if f.in_json} <= set(jsonout._AS_JSON)


def test_the_validator_and_schema_accept_the_fields_of_the_table_in_its_order() -> None:
    procedure = schema.catalog_schema()["$defs"]["procedure"]
    assert tuple(procedure["properties"]) == fields.NAMES_IN_CATALOG == validate.PROCEDURE_FIELDS
    assert tuple(procedure["required"]) == fields.REQUIRED


def test_card_rows_are_numbered_once_each() -> None:
    positions = [field.card for field in fields.TABLE if field.card is not None]
    assert sorted(positions) == list(range(1, len(positions) + 1))
    assert all(field.label for field in fields.TABLE if field.card is not None)


def test_closed_fields_name_their_vocabulary_and_tags_are_cited() -> None:
    for field in fields.TABLE:
        if field.kind in (fields.CHOICE, fields.CHOICES):
            assert field.vocabulary and field.item, field.name
    tags = ("purpose", "regions", "guidance", "medications", "settings", "conditions")
    assert tags == fields.TAG_FIELDS
