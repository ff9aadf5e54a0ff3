"""Content rules, checked on every record of the real catalog."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest
import yaml

from painref.catalog import Catalog, bundled_catalog_path, open_catalog
from painref.model import LIST_FACTS, TEXT_FACTS, Fact, Procedure
from painref.validate import PROCEDURE_FIELDS
from painref.vocab import TAG_FIELDS
from tests.conftest import SEEDS

CATALOG = open_catalog()
RAW: dict[str, Any] = yaml.safe_load(bundled_catalog_path().read_text(encoding="utf-8"))
RAW_PROCEDURES = {record["id"]: record for record in RAW["procedures"]}
IDS = list(CATALOG.procedures)

# Fields every entry must fill; the rest may be null when no source states them,
# and painref then says "Not stated by our sources."
MUST_FILL = ("summary", "how_it_works", "purpose", "medications", "conditions", "candidacy")

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}


def facts_of(procedure: Procedure) -> list[tuple[str, Fact]]:
    facts: list[tuple[str, Fact]] = []
    for name in TEXT_FACTS:
        fact = getattr(procedure, name)
        if fact is not None:
            facts.append((name, fact))
    for name, fact in (
        ("relief.onset", procedure.relief.onset),
        ("relief.lasts", procedure.relief.lasts),
    ):
        if fact is not None:
            facts.append((name, fact))
    for name in LIST_FACTS:
        facts.extend((f"{name}[{i}]", fact) for i, fact in enumerate(getattr(procedure, name)))
    if procedure.duration is not None:
        text = f"{procedure.duration.min_minutes} {procedure.duration.max_minutes}"
        facts.append(("duration", Fact(text, procedure.duration.sources)))
    return facts


@cache
def seed_text(file: str) -> str:
    return (SEEDS / file).read_text(encoding="utf-8")


@cache
def seed_numbers(file: str) -> frozenset[int]:
    text = seed_text(file).lower()
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    numbers |= {value for word, value in NUMBER_WORDS.items() if re.search(rf"\b{word}\b", text)}
    return frozenset(numbers)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@cache
def seed_ngrams(size: int = 12) -> frozenset[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for path in SEEDS.glob("*.txt"):
        tokens = words(path.read_text(encoding="utf-8"))
        grams.update(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
    return frozenset(grams)


def seed_file(catalog: Catalog, source_id: str) -> str | None:
    return catalog.sources[source_id].file


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside repo")


@pytest.mark.parametrize("procedure_id", IDS)
def test_every_field_is_present_filled_or_explicitly_empty(procedure_id: str) -> None:
    record = RAW_PROCEDURES[procedure_id]
    missing = [name for name in PROCEDURE_FIELDS if name not in record]
    assert not missing, f"{procedure_id}: write these fields, null if no source states them"
    procedure = CATALOG.procedures[procedure_id]
    empty = [name for name in MUST_FILL if not getattr(procedure, name)]
    assert not empty, f"{procedure_id}: must be filled: {empty}"


@pytest.mark.parametrize("procedure_id", IDS)
def test_every_fact_and_tag_is_cited(procedure_id: str) -> None:
    procedure = CATALOG.procedures[procedure_id]
    for name, fact in facts_of(procedure):
        assert fact.sources, f"{procedure_id}.{name} has no source"
    for tag in TAG_FIELDS:
        if getattr(procedure, tag):
            assert procedure.cite.get(tag), f"{procedure_id}.{tag} has no source"
    assert set(procedure.source_ids()) <= set(CATALOG.sources)


@needs_seeds
@pytest.mark.parametrize("procedure_id", IDS)
def test_numbers_from_seeds_appear_in_the_seed(procedure_id: str) -> None:
    """A number in a fact citing only seed documents must be in one of them."""
    procedure = CATALOG.procedures[procedure_id]
    for name, fact in facts_of(procedure):
        files = [seed_file(CATALOG, source) for source in fact.sources]
        if not files or None in files:
            continue  # cites a public page too; checked by review against data/evidence.yaml
        allowed = set().union(*(seed_numbers(file) for file in files if file))
        for number in (int(n) for n in re.findall(r"\d+", fact.text)):
            assert number in allowed, f"{procedure_id}.{name}: {number} is not in {files}"


@needs_seeds
@pytest.mark.parametrize("procedure_id", IDS)
def test_no_sentence_copied_from_a_seed(procedure_id: str) -> None:
    procedure = CATALOG.procedures[procedure_id]
    grams = seed_ngrams()
    for name, fact in facts_of(procedure):
        tokens = words(fact.text)
        for i in range(len(tokens) - 11):
            run = tuple(tokens[i : i + 12])
            assert run not in grams, f"{procedure_id}.{name} copies: {' '.join(run)}"


@needs_seeds
def test_every_seed_source_file_exists() -> None:
    for source in CATALOG.sources.values():
        if source.file is not None:
            assert (SEEDS / source.file).is_file(), source.id


def test_every_source_is_cited() -> None:
    cited = {s for p in CATALOG.procedures.values() for s in p.source_ids()}
    cited |= {s for c in CATALOG.conditions.values() for s in c.sources}
    assert set(CATALOG.sources) == cited


def test_every_condition_is_sourced_and_its_names_are_unambiguous() -> None:
    owner: dict[str, str] = {}
    from painref.match import normalise

    for condition in CATALOG.conditions.values():
        assert condition.sources, condition.id
        for name in (condition.id, condition.name, *condition.aliases):
            key = normalise(name)
            assert owner.setdefault(key, condition.id) == condition.id, (
                f"{name!r} names both {owner[key]} and {condition.id}"
            )


def test_related_links_are_stored_once() -> None:
    stored = [(p["id"], link["id"]) for p in RAW["procedures"] for link in p["related"] or []]
    pairs = [frozenset(pair) for pair in stored]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(
    ("first", "relation", "second"),
    [
        ("medial-branch-block", "precedes", "facet-radiofrequency-ablation"),
        ("genicular-nerve-block", "precedes", "genicular-radiofrequency-ablation"),
        ("spinal-cord-stimulator-trial", "trial-for", "spinal-cord-stimulator-implant"),
        ("kyphoplasty", "alternative", "vertebroplasty"),
        ("cervical-epidural-injection", "variant-of", "epidural-steroid-injection"),
    ],
)
def test_key_relationships(first: str, relation: str, second: str) -> None:
    assert (second, relation) in {
        (link.id, link.relation) for link in CATALOG.procedures[first].related
    }


def test_the_seed_procedures_are_covered() -> None:
    for query in [
        "kyphoplasty",
        "vertebroplasty",
        "epidural steroid injection",
        "cervical epidural injection",
        "facet joint injection",
        "lumbar facet injection",
        "medial branch block",
        "radiofrequency rhizotomy",
        "cervical RFA",
        "radiofrequency medial branch neurotomy",
        "genicular nerve block",
        "genicular RFA",
        "geniculate artery embolization",
        "sacroiliac joint injection",
        "occipital nerve block",
        "pudendal nerve block",
        "nerve block",
        "spinal cord stimulator implant",
        "spinal cord stimulator trial",
        "implantable drug delivery system",
        "stem cell therapy",
    ]:
        CATALOG.procedure(query)
