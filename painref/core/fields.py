"""The procedure's fields, declared once.

Every layer reads this table: the validator (which keys a record may hold, which
it must), the JSON Schema, the index codec, the JSON contract, the card and
compare rows, `--fields`, search and the content lint. Adding a field is one
entry here, its typed attribute on model.Procedure (a test holds the two equal)
and its data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from painref.core import vocab

# What a field holds, which decides how each layer treats it.
ID = "id"  # a kebab-case id
NAME = "name"  # one line of text
NAMES = "names"  # a list of names
CHOICE = "choice"  # one value of a closed vocabulary
CHOICES = "choices"  # values of a closed vocabulary, cited under `cite`
WORDS = "words"  # free words (medicines), cited under `cite`
REFS = "refs"  # condition ids, cited under `cite`
CITE = "cite"  # the sources of the tag fields above
FACT = "fact"  # a piece of text and its sources
FACTS = "facts"  # a list of them
DURATION = "duration"  # minutes, low to high, with a note and sources
RELIEF = "relief"  # when relief starts and how long it lasts, each a fact
LINKS = "links"  # relations to other procedures
BLEEDING = "bleeding"  # a bleeding-risk tier, whether inferred, its basis and sources
STATEMENTS = "statements"  # dated statements of guideline bodies, newest first
CODES = "codes"  # procedure code numbers with our own labels
KINDS = (
    *(ID, NAME, NAMES, CHOICE, CHOICES, WORDS, REFS, CITE, FACT, FACTS, DURATION, RELIEF, LINKS),
    *(BLEEDING, STATEMENTS, CODES),
)
# Kinds whose values are tags: their sources sit in the procedure's `cite` mapping.
TAG_KINDS = (CHOICES, WORDS, REFS)


class Field(NamedTuple):
    name: str  # the catalog key, the model attribute and the JSON key
    kind: str  # one of KINDS
    label: str = ""  # what people read, on a card row and in compare
    card: int | None = None  # position on the card, in compare and `--fields`; None: no row
    required: bool = False  # the validator refuses a record without it
    vocabulary: Mapping[str, str] | None = None  # for CHOICE and CHOICES: value -> label
    item: str = ""  # what one value is called ("region"); for REFS, the kind it refers to
    searched: bool = True  # whether `search` reads it (card rows only)
    in_json: bool = True  # `cite` is given as `citations`, by path, after `sources`
    measures: str = "procedure"  # for DURATION: what its minutes measure unless it says


# In the JSON contract's order. `card` gives reading order: what it is, how it's
# done, guidance and medications, time and setting, recovery and relief, who
# it's for, risks, related procedures.
TABLE: tuple[Field, ...] = (
    Field("id", ID, required=True, searched=False),
    Field("name", NAME, required=True, searched=False),
    Field("aliases", NAMES, searched=False),
    Field("category", CHOICE, "Category", 2, True, vocab.CATEGORIES, "category"),
    Field("purpose", CHOICES, "Purpose", 3, True, vocab.PURPOSES, "purpose"),
    Field("regions", CHOICES, "Body region", 4, False, vocab.REGIONS, "region"),
    Field("summary", FACT, "What it is", 1, required=True),
    # Plain-language texts for the patient handout (`show --for patient`), not card rows.
    Field("patient_summary", FACT, "What it is, in plain words", searched=False),
    Field("patient_steps", FACT, "What happens, in plain words", searched=False),
    Field("how_it_works", FACT, "How it's done", 5),
    Field("guidance", CHOICES, "Imaging", 6, False, vocab.GUIDANCE, "guidance"),
    Field("medications", WORDS, "Medications and materials", 7),
    Field("settings", CHOICES, "Where", None, False, vocab.SETTINGS, "setting", searched=False),
    Field("anesthesia", FACT, "Anesthesia", 8),
    Field("setting", FACT, "Setting", 11),
    Field("duration", DURATION, "Duration", 9),
    Field("visit_duration", DURATION, "Whole visit", 10, measures="visit"),
    Field("preparation", FACTS, "How to prepare", 12),
    Field("recovery", FACT, "Recovery", 13),
    Field("aftercare", FACTS, "Afterwards", 14),
    Field("warning_signs", FACTS, "When to get help", 15),
    Field("relief", RELIEF, "Relief", 16),
    Field("conditions", REFS, "Treats", 17, item="condition"),
    Field("candidacy", FACTS, "Who it's for", 18),
    Field("contraindications", FACTS, "Who should not have it", 19),
    Field("risks", FACTS, "Risks", 20),
    Field("bleeding_risk", BLEEDING, "Bleeding risk", 21),
    Field("evidence", STATEMENTS, "Evidence and guidance", 22),
    Field("codes", CODES, "Procedure codes", 23),
    Field("related", LINKS, "Related", 24),
    Field("cite", CITE, searched=False, in_json=False),
)

BY_NAME: dict[str, Field] = {field.name: field for field in TABLE}
# The rows of a card, compare and `--fields`, in reading order: name -> label.
ROWS: dict[str, str] = {
    field.name: field.label
    for field in sorted((f for f in TABLE if f.card is not None), key=lambda f: f.card or 0)
}
NAMES_IN_CATALOG: tuple[str, ...] = tuple(field.name for field in TABLE)
REQUIRED: tuple[str, ...] = tuple(field.name for field in TABLE if field.required)
TAG_FIELDS: tuple[str, ...] = tuple(field.name for field in TABLE if field.kind in TAG_KINDS)


def of_kind(*kinds: str) -> tuple[str, ...]:
    """The names of the fields of these kinds, in table order."""
    return tuple(field.name for field in TABLE if field.kind in kinds)
