"""Each field of a procedure as the lines people read, each with the sources
behind it: what cards, handouts, compare and search all show."""

from __future__ import annotations

from typing import NamedTuple

from painref.core import fields, vocab
from painref.core.model import Fact
from painref.query.results import Entry


class Line(NamedTuple):
    text: str
    sources: tuple[str, ...] = ()
    bullet: bool = False


def field_lines(entry: Entry, name: str) -> list[Line]:
    """The lines of one field; an empty list means no source states it."""
    field = fields.BY_NAME[name]
    procedure = entry.procedure
    value = getattr(procedure, name)
    cite = procedure.cite.get(name, ())
    kind = field.kind
    if kind == fields.FACT:
        return [Line(value.text, value.sources)] if value else []
    if kind == fields.CHOICE:
        return [Line((field.vocabulary or {})[value])]
    if kind == fields.CHOICES:
        labels = field.vocabulary or {}
        return [Line(", ".join(labels[v] for v in value), cite)] if value else []
    if kind == fields.WORDS:
        return [Line(", ".join(value), cite)] if value else []
    if kind == fields.REFS:
        names = [condition.name for condition in entry.conditions]
        return [Line(", ".join(names), cite)] if names else []
    if kind == fields.DURATION:
        if value is None:
            return []
        note = f" ({value.note})" if value.note else ""
        return [Line(format_minutes(value.min_minutes, value.max_minutes) + note, value.sources)]
    if kind == fields.RELIEF:
        if value.onset is None and value.lasts is None:
            return []
        return [_part("Starts", value.onset), _part("Lasts", value.lasts)]
    if kind == fields.FACTS:
        return [Line(fact.text, fact.sources, bullet=True) for fact in value]
    if kind == fields.LINKS:
        return [
            Line(
                f"{vocab.RELATION_LABELS[link.relation]} {entry.related_names[link.id]} "
                f"({link.id})",
                link.sources,
                bullet=True,
            )
            for link in value
        ]
    raise KeyError(name)


def _part(label: str, fact: Fact | None) -> Line:
    return Line(f"{label}: {fact.text if fact else vocab.NOT_STATED}", fact.sources if fact else ())


def format_minutes(low: int, high: int) -> str:
    unit = "minute" if high == 1 else "minutes"
    return f"{low} {unit}" if low == high else f"{low}-{high} {unit}"
