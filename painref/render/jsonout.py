"""The JSON contract: stable keys in a stable order, null or [] for the unknown."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from painref.core import fields
from painref.core.errors import PainrefError, Problem
from painref.core.model import Fact, Source
from painref.core.safetext import UNSAFE
from painref.query.results import ConditionUse, Entry, SourceUse


def _text(fact: Fact | None) -> str | None:
    return fact.text if fact else None


# Each kind of field as JSON: (entry, value) -> value; unknown is null or [].
_AS_JSON: dict[str, Callable[[Entry, Any], Any]] = {
    fields.ID: lambda e, v: v,
    fields.NAME: lambda e, v: v,
    fields.NAMES: lambda e, v: list(v),
    fields.CHOICE: lambda e, v: v,
    fields.CHOICES: lambda e, v: list(v),
    fields.WORDS: lambda e, v: list(v),
    fields.REFS: lambda e, v: [{"id": c.id, "name": c.name} for c in e.conditions],
    fields.FACT: lambda e, v: _text(v),
    fields.FACTS: lambda e, v: [fact.text for fact in v],
    fields.DURATION: lambda e, v: {
        "min_minutes": v.min_minutes if v else None,
        "max_minutes": v.max_minutes if v else None,
        "note": v.note if v else None,
        "measures": v.measures if v else None,
        "per": v.per if v else None,
    },
    fields.BLEEDING: lambda e, v: (
        {"tier": v.tier, "inferred": v.inferred, "basis": v.basis} if v else None
    ),
    fields.STATEMENTS: lambda e, v: [
        {"year": s.year, "body": s.body, "text": s.text, "superseded": s.superseded} for s in v
    ],
    fields.CODES: lambda e, v: [{"system": c.system, "code": c.code, "label": c.label} for c in v],
    fields.RELIEF: lambda e, v: {"onset": _text(v.onset), "lasts": _text(v.lasts)},
    fields.LINKS: lambda e, v: [
        {"id": link.id, "name": e.related_names[link.id], "relation": link.relation} for link in v
    ],
}


def procedure_object(entry: Entry) -> dict[str, Any]:
    """The fields in table order, then every source cited and each citation by path."""
    procedure = entry.procedure
    value: dict[str, Any] = {
        field.name: _AS_JSON[field.kind](entry, getattr(procedure, field.name))
        for field in fields.TABLE
        if field.in_json
    }
    value["sources"] = [_source_ref(s) for s in entry.sources]
    value["citations"] = {path: list(ids) for path, ids in procedure.citations().items()}
    value["notices"] = [
        {"id": notice.id, "text": notice.text, "sources": list(notice.sources)}
        for notice in entry.notices
    ]
    return value


def handout_object(entry: Entry) -> dict[str, Any]:
    """`show --for patient --json`: the handout's sections, each item with its
    sources, then every source cited."""
    from painref.query.handout import patient_sections

    sections = patient_sections(entry)
    cited = dict.fromkeys(s for section in sections for line in section.lines for s in line.sources)
    known = {source.id: source for source in entry.sources}
    return {
        "id": entry.procedure.id,
        "name": entry.procedure.name,
        "for": "patient",
        "sections": [
            {
                "key": section.key,
                "heading": section.heading,
                "items": [
                    {"text": line.text, "sources": list(line.sources)} for line in section.lines
                ],
            }
            for section in sections
        ],
        "sources": [_source_ref(known[source_id]) for source_id in cited],
    }


def condition_object(use: ConditionUse) -> dict[str, Any]:
    condition = use.condition
    return {
        "id": condition.id,
        "name": condition.name,
        "aliases": list(condition.aliases),
        "procedures": [{"id": p.id, "name": p.name} for p in use.procedures],
        "icd10cm": [{"code": code.code, "title": code.title} for code in use.codes],
        "sources": [_source_ref(source) for source in use.sources],
    }


def _source_ref(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "url": source.url,
        "file": source.file,
        "kind": source.kind,
    }


def source_object(use: SourceUse) -> dict[str, Any]:
    return {
        **_source_ref(use.source),
        "procedures": [{"id": p.id, "name": p.name} for p in use.procedures],
        "conditions": [{"id": c.id, "name": c.name} for c in use.conditions],
    }


def validation_object(
    files: Sequence[str], problems: Sequence[Problem], counts: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """`validate --json`: the counts only when the catalogs are sound."""
    return {
        "ok": not problems,
        "files": list(files),
        **(counts or {}),
        "problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "code": p.code,
                "message": p.message,
            }
            for p in problems
        ],
    }


def error_object(error: PainrefError) -> dict[str, Any]:
    return {
        "error": {
            "code": error.code,
            "message": error.message,
            "candidates": [{"id": c.id, "name": c.name} for c in error.candidates],
        }
    }


def dumps(value: Any, ascii_only: bool = False) -> str:
    """UTF-8 JSON; control and bidi characters stay escaped, so no terminal obeys them."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=2)
    return UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
