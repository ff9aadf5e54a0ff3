"""The catalog's records: immutable named tuples, no behaviour beyond lookups.

(Named tuples rather than dataclasses: they are several times cheaper to define,
and every command pays for that at start-up.)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from painref.core import fields
from painref.core.fields import TAG_FIELDS

# Fields that hold one fact, and fields that hold a list of facts.
TEXT_FACTS: tuple[str, ...] = fields.of_kind(fields.FACT)
LIST_FACTS: tuple[str, ...] = fields.of_kind(fields.FACTS)


class Source(NamedTuple):
    id: str
    title: str
    file: str | None = None
    url: str | None = None
    kind: str | None = None  # a key of vocab.SOURCE_KINDS


class Condition(NamedTuple):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class LookupName(NamedTuple):
    """A name people use for entries, for lookup only (never shown as "also called").
    Naming several entries makes it a family name: lookup then asks which."""

    name: str
    kind: str  # "procedure" or "condition"
    ids: tuple[str, ...]
    origin: str
    sources: tuple[str, ...]


class Code(NamedTuple):
    """An ICD-10-CM code, its title and the conditions it sits at or below."""

    code: str
    title: str
    conditions: tuple[str, ...]


class Fact(NamedTuple):
    """A piece of text and the sources that support it."""

    text: str
    sources: tuple[str, ...]


class Duration(NamedTuple):
    min_minutes: int
    max_minutes: int
    note: str | None
    sources: tuple[str, ...]
    measures: str = "procedure"  # a key of vocab.MEASURES
    per: str | None = None  # a key of vocab.PER: the minutes are for one level, vertebra...


class Bleeding(NamedTuple):
    """A procedure's bleeding-risk tier in the ASRA/ESRA pain-procedure guideline."""

    tier: str  # a key of vocab.BLEEDING_TIERS
    inferred: bool  # the guideline's table does not name it: a tier inferred from its classes
    basis: str
    sources: tuple[str, ...]


class Statement(NamedTuple):
    """What a guideline body or review concluded, and when."""

    year: int
    body: str
    text: str
    superseded: bool
    sources: tuple[str, ...]


class BillingCode(NamedTuple):
    """A procedure code number with our own label (CPT descriptors are copyrighted)."""

    system: str  # a key of vocab.CODE_SYSTEMS
    code: str
    label: str
    sources: tuple[str, ...]


class Notice(NamedTuple):
    """A catalog-wide line: a warning shown with every procedure (about blood
    thinners, say) or a question to ask your doctor, on the patient handout."""

    id: str
    text: str
    sources: tuple[str, ...]
    role: str = "warning"  # one of vocab.NOTICE_ROLES


class Relief(NamedTuple):
    onset: Fact | None = None
    lasts: Fact | None = None


class Link(NamedTuple):
    """A relation to another procedure, as seen from the procedure that holds it."""

    id: str
    relation: str
    sources: tuple[str, ...] = ()


class Procedure(NamedTuple):
    """One attribute per field of core.fields.TABLE (a test holds the two equal),
    typed so that every use is checked."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    category: str = ""
    purpose: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    cite: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    summary: Fact | None = None
    patient_summary: Fact | None = None
    patient_steps: Fact | None = None
    how_it_works: Fact | None = None
    settings: tuple[str, ...] = ()
    anesthesia: Fact | None = None
    setting: Fact | None = None
    duration: Duration | None = None
    visit_duration: Duration | None = None
    preparation: tuple[Fact, ...] = ()
    recovery: Fact | None = None
    aftercare: tuple[Fact, ...] = ()
    warning_signs: tuple[Fact, ...] = ()
    relief: Relief = Relief()
    candidacy: tuple[Fact, ...] = ()
    contraindications: tuple[Fact, ...] = ()
    risks: tuple[Fact, ...] = ()
    bleeding_risk: Bleeding | None = None
    evidence: tuple[Statement, ...] = ()
    codes: tuple[BillingCode, ...] = ()
    # Links in both directions, filled in by the catalog.
    related: tuple[Link, ...] = ()

    def citations(self) -> dict[str, tuple[str, ...]]:
        """Every cited field, keyed by its path (``summary``, ``risks[0]`` ...):
        the tag fields first, then the others, each in table order."""
        cited: dict[str, tuple[str, ...]] = {}
        for name in TAG_FIELDS:
            if name in self.cite:
                cited[name] = self.cite[name]
        for field in fields.TABLE:
            value = getattr(self, field.name)
            if field.kind in (fields.FACT, fields.DURATION, fields.BLEEDING) and value is not None:
                cited[field.name] = value.sources
            elif field.kind == fields.RELIEF:
                for part in ("onset", "lasts"):
                    fact = getattr(value, part)
                    if fact is not None:
                        cited[f"{field.name}.{part}"] = fact.sources
            elif field.kind in (fields.FACTS, fields.LINKS, fields.STATEMENTS, fields.CODES):
                for index, item in enumerate(value):
                    if item.sources or field.kind != fields.LINKS:  # a link may cite none
                        cited[f"{field.name}[{index}]"] = item.sources
        return cited

    def source_ids(self) -> tuple[str, ...]:
        """All sources this procedure cites, in order of first citation."""
        seen: dict[str, None] = {}
        for ids in self.citations().values():
            for source_id in ids:
                seen.setdefault(source_id, None)
        return tuple(seen)
