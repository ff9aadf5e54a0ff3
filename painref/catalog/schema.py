"""The catalog's JSON Schema, built from the same field lists and vocabularies the
validator uses, so an editor can check a catalog as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from painref.catalog.validate import CODE_PATTERNS, FIRST_YEAR, LAST_YEAR, SUPPORTED_VERSIONS
from painref.core import fields, vocab


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _nullable(item: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [item, {"type": "null"}]}


def _closed(values: dict[str, str], what: str) -> dict[str, Any]:
    return {"enum": list(values), "description": f"one of the {what} values"}


def catalog_schema() -> dict[str, Any]:
    fact = _object(
        {"text": _ref("text"), "sources": _list(_ref("id"))},
        required=("text",),
    )
    defs: dict[str, Any] = {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "text": {"type": "string", "minLength": 1},
        "fact": fact,
        "source": _object(
            {
                "id": _ref("id"),
                "title": _ref("text"),
                "file": _ref("text"),
                "url": _ref("text"),
                "kind": _closed(vocab.SOURCE_KINDS, "source kind"),
            },
            required=("id", "title"),
        )
        | {"anyOf": [{"required": ["file"]}, {"required": ["url"]}]},
        "condition": _object(
            {
                "id": _ref("id"),
                "name": _ref("text"),
                "aliases": _list(_ref("text")),
                "sources": _list(_ref("id")),
            },
            required=("id", "name"),
        ),
        "duration": _object(
            {
                "min_minutes": {"type": "integer", "minimum": 0},
                "max_minutes": {"type": "integer", "minimum": 0},
                "note": _ref("text"),
                "sources": _list(_ref("id")),
                "measures": _closed(vocab.MEASURES, "measure"),
                "per": _closed(vocab.PER, "unit"),
            },
            required=("min_minutes", "max_minutes"),
        ),
        "bleeding": _object(
            {
                "tier": _closed(vocab.BLEEDING_TIERS, "bleeding-risk tier"),
                "inferred": {"type": "boolean"},
                "basis": _ref("text"),
                "sources": _list(_ref("id")),
            },
            required=("tier", "basis"),
        ),
        "statement": _object(
            {
                "year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
                "body": _ref("text"),
                "text": _ref("text"),
                "superseded": {"type": "boolean"},
                "sources": _list(_ref("id")),
            },
            required=("year", "body", "text"),
        ),
        "code": _object(
            {
                "system": _closed(vocab.CODE_SYSTEMS, "code system"),
                "code": {
                    "type": "string",
                    "pattern": "^(" + "|".join(CODE_PATTERNS.values()) + ")$",
                },
                "label": _ref("text"),
                "sources": _list(_ref("id")),
            },
            required=("system", "code", "label"),
        ),
        "notice": _object(
            {
                "id": _ref("id"),
                "text": _ref("text"),
                "sources": _list(_ref("id")),
                "role": _closed(vocab.NOTICE_ROLES, "role"),
            },
            required=("id", "text"),
        ),
        "relief": _object({"onset": _nullable(_ref("fact")), "lasts": _nullable(_ref("fact"))}),
        "name": _object(
            {
                "name": _ref("text"),
                "procedures": _list(_ref("id")) | {"minItems": 1},
                "conditions": _list(_ref("id")) | {"minItems": 1},
                "origin": _closed(vocab.NAME_ORIGINS, "origin"),
                "sources": _list(_ref("id")),
            },
            required=("name", "origin"),
        )
        | {"oneOf": [{"required": ["procedures"]}, {"required": ["conditions"]}]},
        "link": _object(
            {
                "id": _ref("id"),
                "relation": _closed(vocab.RELATIONS, "relation"),
                "sources": _list(_ref("id")),
            },
            required=("id", "relation"),
        ),
    }
    tags = {name: _list(_ref("id")) for name in fields.TAG_FIELDS}

    def closed(field: fields.Field) -> dict[str, Any]:
        return _closed(dict(field.vocabulary or {}), field.item)

    of_kind: dict[str, Callable[[fields.Field], dict[str, Any]]] = {
        fields.ID: lambda f: _ref("id"),
        fields.NAME: lambda f: _ref("text"),
        fields.NAMES: lambda f: _list(_ref("text")),
        fields.CHOICE: closed,
        fields.CHOICES: lambda f: _list(closed(f)),
        fields.WORDS: lambda f: _list(_ref("text")),
        fields.REFS: lambda f: _list(_ref("id")),
        fields.CITE: lambda f: _object(tags),
        fields.FACT: lambda f: _ref("fact") if f.required else _nullable(_ref("fact")),
        fields.FACTS: lambda f: _nullable(_list(_ref("fact"))),
        fields.DURATION: lambda f: _nullable(_ref("duration")),
        fields.RELIEF: lambda f: _nullable(_ref("relief")),
        fields.LINKS: lambda f: _nullable(_list(_ref("link"))),
        fields.BLEEDING: lambda f: _nullable(_ref("bleeding")),
        fields.STATEMENTS: lambda f: _nullable(_list(_ref("statement"))),
        fields.CODES: lambda f: _nullable(_list(_ref("code"))),
    }
    procedure_properties = {field.name: of_kind[field.kind](field) for field in fields.TABLE}
    defs["procedure"] = _object(procedure_properties, required=fields.REQUIRED)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "painref catalog",
        "description": "A painref catalog file (data/procedures.yaml or an overlay).",
        "$defs": defs,
        **_object(
            {
                "version": {"enum": list(SUPPORTED_VERSIONS)},
                "sources": _list(_ref("source")),
                "conditions": _list(_ref("condition")),
                "procedures": _list(_ref("procedure")),
                "names": _list(_ref("name")),
                "notices": _list(_ref("notice")),
            },
            required=("version",),
        ),
    }
