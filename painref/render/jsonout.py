"""The JSON contract: stable keys in a stable order, null or [] for the unknown."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from painref.catalog.store import Catalog, ConditionUse, SourceUse
from painref.core.errors import PainrefError, Problem
from painref.core.model import Fact, Procedure, Source
from painref.core.safetext import UNSAFE


def _text(fact: Fact | None) -> str | None:
    return fact.text if fact else None


def procedure_object(catalog: Catalog, procedure: Procedure) -> dict[str, Any]:
    duration = procedure.duration
    return {
        "id": procedure.id,
        "name": procedure.name,
        "aliases": list(procedure.aliases),
        "category": procedure.category,
        "purpose": list(procedure.purpose),
        "regions": list(procedure.regions),
        "summary": _text(procedure.summary),
        "how_it_works": _text(procedure.how_it_works),
        "guidance": list(procedure.guidance),
        "medications": list(procedure.medications),
        "anesthesia": _text(procedure.anesthesia),
        "setting": _text(procedure.setting),
        "duration": {
            "min_minutes": duration.min_minutes if duration else None,
            "max_minutes": duration.max_minutes if duration else None,
            "note": duration.note if duration else None,
        },
        "recovery": _text(procedure.recovery),
        "relief": {
            "onset": _text(procedure.relief.onset),
            "lasts": _text(procedure.relief.lasts),
        },
        "conditions": [{"id": c.id, "name": c.name} for c in catalog.conditions_of(procedure)],
        "candidacy": [fact.text for fact in procedure.candidacy],
        "contraindications": [fact.text for fact in procedure.contraindications],
        "risks": [fact.text for fact in procedure.risks],
        "related": [
            {"id": link.id, "name": catalog.procedures[link.id].name, "relation": link.relation}
            for link in procedure.related
        ],
        "sources": [_source_ref(s) for s in catalog.sources_of(procedure)],
        "citations": {path: list(ids) for path, ids in procedure.citations().items()},
    }


def condition_object(catalog: Catalog, use: ConditionUse) -> dict[str, Any]:
    condition = use.condition
    return {
        "id": condition.id,
        "name": condition.name,
        "aliases": list(condition.aliases),
        "procedures": [{"id": p.id, "name": p.name} for p in use.procedures],
        "icd10cm": [{"code": code.code, "title": code.title} for code in use.codes],
        "sources": [_source_ref(catalog.sources[i]) for i in dict.fromkeys(condition.sources)],
    }


def _source_ref(source: Source) -> dict[str, Any]:
    return {"id": source.id, "title": source.title, "url": source.url, "file": source.file}


def source_object(use: SourceUse) -> dict[str, Any]:
    source = use.source
    return {
        "id": source.id,
        "title": source.title,
        "url": source.url,
        "file": source.file,
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
