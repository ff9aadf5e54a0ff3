"""What queries answer: plain records, with everything they refer to looked up,
so that renderers never need the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from painref.core.model import Code, Condition, Notice, Procedure, Source


class Filters(NamedTuple):
    """`find` filters: values within one option are OR'ed, options are AND'ed."""

    conditions: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    max_minutes: int | None = None
    settings: tuple[str, ...] = ()
    bleeding_risks: tuple[str, ...] = ()


class Found(NamedTuple):
    procedure: Procedure
    matched_conditions: tuple[Condition, ...]


class ConditionUse(NamedTuple):
    """One condition, the procedures that treat it and its ICD-10-CM codes."""

    condition: Condition
    procedures: tuple[Procedure, ...]
    codes: tuple[Code, ...] = ()
    sources: tuple[Source, ...] = ()


class SourceUse(NamedTuple):
    """One source and the records that cite it."""

    source: Source
    procedures: tuple[Procedure, ...]
    conditions: tuple[Condition, ...]


class Entry(NamedTuple):
    """A procedure with what it refers to looked up: all a renderer needs."""

    procedure: Procedure
    conditions: tuple[Condition, ...]  # the conditions it treats
    related_names: Mapping[str, str]  # each related procedure's name, by id
    sources: tuple[Source, ...]  # every source it cites, in order of first citation
    shown_aliases: tuple[str, ...] = ()  # "also called" on a card
    notices: tuple[Notice, ...] = ()  # catalog-wide warnings shown with it
    questions: tuple[Notice, ...] = ()  # questions to ask, for the patient handout
