"""The catalog's JSON Schema, built from the same field lists and vocabularies the
validator uses, so an editor can check a catalog as it is typed."""

from __future__ import annotations

from typing import Any

from painref.catalog.validate import SUPPORTED_VERSIONS
from painref.core import vocab


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
            {"id": _ref("id"), "title": _ref("text"), "file": _ref("text"), "url": _ref("text")},
            required=("id", "title"),
        )
        | {"oneOf": [{"required": ["file"]}, {"required": ["url"]}]},
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
            },
            required=("min_minutes", "max_minutes"),
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
    tags = {name: _list(_ref("id")) for name in vocab.TAG_FIELDS}
    procedure_properties: dict[str, Any] = {
        "id": _ref("id"),
        "name": _ref("text"),
        "aliases": _list(_ref("text")),
        "category": _closed(vocab.CATEGORIES, "category"),
        "purpose": _list(_closed(vocab.PURPOSES, "purpose")),
        "regions": _list(_closed(vocab.REGIONS, "region")),
        "guidance": _list(_closed(vocab.GUIDANCE, "guidance")),
        "medications": _list(_ref("text")),
        "conditions": _list(_ref("id")),
        "cite": _object(tags),
        "summary": _ref("fact"),
        "how_it_works": _nullable(_ref("fact")),
        "anesthesia": _nullable(_ref("fact")),
        "setting": _nullable(_ref("fact")),
        "duration": _nullable(_ref("duration")),
        "recovery": _nullable(_ref("fact")),
        "relief": _nullable(_ref("relief")),
        "candidacy": _nullable(_list(_ref("fact"))),
        "contraindications": _nullable(_list(_ref("fact"))),
        "risks": _nullable(_list(_ref("fact"))),
        "related": _nullable(_list(_ref("link"))),
    }
    defs["procedure"] = _object(
        procedure_properties, required=("id", "name", "category", "purpose", "summary")
    )
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
            },
            required=("version",),
        ),
    }
