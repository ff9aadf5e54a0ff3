"""Each field of a procedure as display lines, each line with the sources behind it.

Shared by the human renderers so that a field reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from painref.catalog.store import Catalog
from painref.core import vocab
from painref.core.model import LIST_FACTS, TEXT_FACTS, Fact, Procedure


@dataclass(frozen=True)
class Line:
    text: str
    sources: tuple[str, ...] = ()
    bullet: bool = False


# Reading order: what it is, how it's done, guidance and medications, time and
# setting, recovery and relief, who it's for, risks, related procedures.
FIELDS: dict[str, str] = {
    "summary": "What it is",
    "category": "Category",
    "purpose": "Purpose",
    "regions": "Body region",
    "how_it_works": "How it's done",
    "guidance": "Imaging",
    "medications": "Medications and materials",
    "anesthesia": "Anesthesia",
    "duration": "Duration",
    "setting": "Setting",
    "recovery": "Recovery",
    "relief": "Relief",
    "conditions": "Treats",
    "candidacy": "Who it's for",
    "contraindications": "Who should not have it",
    "risks": "Risks",
    "related": "Related",
}


def field_lines(catalog: Catalog, procedure: Procedure, name: str) -> list[Line]:
    """The lines of one field; an empty list means no source states it."""
    cite = procedure.cite.get(name, ())
    if name in TEXT_FACTS:
        fact: Fact | None = getattr(procedure, name)
        return [Line(fact.text, fact.sources)] if fact else []
    if name == "category":
        return [Line(vocab.CATEGORIES[procedure.category])]
    if name in ("purpose", "regions", "guidance"):
        labels = {"purpose": vocab.PURPOSES, "regions": vocab.REGIONS, "guidance": vocab.GUIDANCE}[
            name
        ]
        values = getattr(procedure, name)
        return [Line(", ".join(labels[v] for v in values), cite)] if values else []
    if name == "medications":
        meds = procedure.medications
        return [Line(", ".join(meds), cite)] if meds else []
    if name == "conditions":
        names = [c.name for c in catalog.conditions_of(procedure)]
        return [Line(", ".join(names), cite)] if names else []
    if name == "duration":
        duration = procedure.duration
        if duration is None:
            return []
        return [
            Line(
                format_minutes(duration.min_minutes, duration.max_minutes)
                + (f" ({duration.note})" if duration.note else ""),
                duration.sources,
            )
        ]
    if name == "relief":
        onset, lasts = procedure.relief.onset, procedure.relief.lasts
        if onset is None and lasts is None:
            return []
        return [
            Line(
                f"Starts: {onset.text if onset else vocab.NOT_STATED}",
                onset.sources if onset else (),
            ),
            Line(
                f"Lasts: {lasts.text if lasts else vocab.NOT_STATED}",
                lasts.sources if lasts else (),
            ),
        ]
    if name in LIST_FACTS:
        facts: tuple[Fact, ...] = getattr(procedure, name)
        return [Line(fact.text, fact.sources, bullet=True) for fact in facts]
    if name == "related":
        return [
            Line(
                f"{vocab.RELATION_LABELS[link.relation]} {catalog.procedures[link.id].name} "
                f"({link.id})",
                link.sources,
                bullet=True,
            )
            for link in procedure.related
        ]
    raise KeyError(name)


# How compare marks a row where the procedures say different things.
DIFFERS = "≠"
DIFFERS_LEGEND = f"{DIFFERS} marks the rows where they differ."


def differ(lines_of_each: Sequence[Sequence[Line]]) -> bool:
    """Whether procedures' lines for one field say different things (sources aside)."""
    return len({tuple(line.text for line in lines) for lines in lines_of_each}) > 1


def format_minutes(low: int, high: int) -> str:
    unit = "minute" if high == 1 else "minutes"
    return f"{low} {unit}" if low == high else f"{low}-{high} {unit}"


class Citations:
    """Numbers sources [1], [2] ... in the order they are first cited."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def marks(self, sources: tuple[str, ...]) -> str:
        numbers = []
        for source_id in sources:
            if source_id not in self.order:
                self.order.append(source_id)
            numbers.append(self.order.index(source_id) + 1)
        return f"[{','.join(str(n) for n in sorted(set(numbers)))}]" if numbers else ""
