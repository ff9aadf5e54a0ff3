"""Each field of a procedure as the lines people read, each with the sources
behind it: what cards, handouts, compare and search all show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from painref.core import fields, vocab
from painref.core.model import Duration, Fact
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
        return [Line(duration_text(value) + note, value.sources)]
    if kind == fields.BLEEDING:
        if value is None:
            return []
        tier = vocab.BLEEDING_TIERS[value.tier].capitalize()
        how = "inferred, not named in the guideline" if value.inferred else "named in the guideline"
        return [Line(f"{tier} ({how}): {value.basis}", value.sources)]
    if kind == fields.STATEMENTS:
        return [
            Line(
                f"{item.year}, {item.body}{SUPERSEDED if item.superseded else ''}: {item.text}",
                item.sources,
                bullet=True,
            )
            for item in value
        ]
    if kind == fields.CODES:
        return [
            Line(f"{item.system} {item.code}: {item.label}", item.sources, bullet=True)
            for item in value
        ]
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


SUPERSEDED = " (superseded by newer guidance)"


def notice_lines(entries: Sequence[Entry]) -> list[Line]:
    """The catalog's notices, which every card, handout and comparison shows once."""
    notices = entries[0].notices if entries else ()
    return [Line(notice.text, notice.sources) for notice in notices]


def column_text(entry: Entry, name: str) -> str:
    """A field in a few words, as a `find` column shows it."""
    procedure = entry.procedure
    if name == "duration" or name == "visit_duration":
        value = getattr(procedure, name)
        return duration_text(value) if value else "not recorded"
    if name == "setting" and procedure.settings:
        return ", ".join(procedure.settings)
    if name == "bleeding_risk":
        risk = procedure.bleeding_risk
        if risk is None:
            return "not recorded"
        return f"{risk.tier} (inferred)" if risk.inferred else risk.tier
    lines = field_lines(entry, name)
    return "; ".join(line.text for line in lines) if lines else vocab.NOT_STATED


def _part(label: str, fact: Fact | None) -> Line:
    return Line(f"{label}: {fact.text if fact else vocab.NOT_STATED}", fact.sources if fact else ())


def duration_text(duration: Duration) -> str:
    """Its minutes and what they measure: "45-60 minutes per vertebra (procedure time)"."""
    per = f" {vocab.PER[duration.per]}" if duration.per else ""
    minutes = format_minutes(duration.min_minutes, duration.max_minutes)
    return f"{minutes}{per} ({vocab.MEASURES[duration.measures]})"


def format_minutes(low: int, high: int) -> str:
    unit = "minute" if high == 1 else "minutes"
    return f"{low} {unit}" if low == high else f"{low}-{high} {unit}"
