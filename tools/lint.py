"""Content lint: what the catalog says, checked against where it says it came from.

Structure is validate.py's job (PR codes). These rules (CL codes) need a valid
catalog, the source documents it cites by file name, and the reviewer's
evidence file: for each procedure, excerpts from the public pages it cites and
the reasons any field was left empty. Codes are stable; every problem names
its record.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from painref.catalog.layers import read_layer
from painref.catalog.merge import merge
from painref.catalog.records import Catalog
from painref.catalog.validate import PROCEDURE_FIELDS, Layer
from painref.catalog.yamlread import PathKey
from painref.core.errors import CatalogError, Problem
from painref.core.model import LIST_FACTS, TEXT_FACTS, Fact, Procedure
from painref.core.text import normalise

LINT_CODES: dict[str, str] = {
    "CL001": "field left out (write null or [] when no source states it)",
    "CL002": "field every procedure must fill is empty",
    "CL003": "cited source document not found",
    "CL004": "number not found in the cited sources",
    "CL005": "words copied from a source",
    "CL006": "source never cited",
    "CL007": "condition that no procedure treats",
    "CL008": "name shared by two conditions",
    "CL009": "empty field without a recorded reason",
    "CL010": "public page cited without a recorded excerpt",
    "CL011": "source without a kind",
    "CL012": "too many facts rest only on weak sources",
}
# The share of a catalog's facts that may rest only on clinic, manufacturer, media or copy
# sources (vocab.WEAK_SOURCE_KINDS); the source documents count as clinic pages.
MAX_WEAK_SHARE = 0.05

# Filled by every procedure; the other fields may be empty when no source
# states them, with the reason recorded in the evidence file.
MUST_FILL: tuple[str, ...] = (
    "summary",
    "patient_summary",
    "patient_steps",
    "how_it_works",
    "purpose",
    "conditions",
    "candidacy",
    "evidence",
)
MAY_BE_EMPTY: tuple[str, ...] = (
    "medications",
    "regions",
    "guidance",
    "anesthesia",
    "setting",
    "duration",
    "recovery",
    "relief.onset",
    "relief.lasts",
    "contraindications",
    "risks",
    "related",
    "settings",
    "visit_duration",
    "preparation",
    "aftercare",
    "warning_signs",
    "bleeding_risk",
    "codes",
)
# The care fields a nurse or patient reads before and after; the catalog may leave
# at most MAX_CARE_GAPS of them empty across all procedures (each with its reason).
CARE_FIELDS: tuple[str, ...] = ("preparation", "aftercare", "warning_signs", "bleeding_risk")
MAX_CARE_GAPS = 3
COPY_WORDS = 12

_UNITS = [
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS: dict[str, int] = {word: value for value, word in enumerate(_UNITS, start=1)}
for _tens_index, _tens_word in enumerate(_TENS):
    NUMBER_WORDS[_tens_word] = 20 + 10 * _tens_index
    for _unit_index, _unit_word in enumerate(_UNITS[:9], start=1):
        NUMBER_WORDS[f"{_tens_word}-{_unit_word}"] = 20 + 10 * _tens_index + _unit_index
        NUMBER_WORDS[f"{_tens_word} {_unit_word}"] = 20 + 10 * _tens_index + _unit_index

# A number in our text; digits straight after a letter are part of a name (L4, NG59).
_OUR_NUMBER = re.compile(r"(?<![A-Za-z0-9.,])\d+(?:[.,]\d+)*")
_ANY_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD_NUMBER = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")\b"
)
_ONE = re.compile(r"\b(?:a|an) (?:minute|hour|day|week|month|year)\b")
_HUNDREDS = re.compile(
    r"\b("
    + "|".join(_UNITS[:9])
    + r") hundred(?: and)?(?: ("
    + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))
    + r"))?\b"
)
ORDINALS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        [
            *("first", "second", "third", "fourth", "fifth", "sixth"),
            *("seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"),
        ],
        start=1,
    )
}
_ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b")
_WORD = re.compile(r"[a-z0-9]+")


def _number(raw: str) -> str:
    value = raw.replace(",", "")
    return value[:-2] if value.endswith(".0") else value


def numbers_in(text: str) -> set[str]:
    """Every number a source states: digits, words (forty-five, one hundred twenty-three)
    and ordinals (third)."""
    lowered = text.lower()
    found = {_number(raw) for raw in _ANY_NUMBER.findall(lowered)}
    found |= {str(NUMBER_WORDS[word]) for word in _WORD_NUMBER.findall(lowered)}
    found |= {str(ORDINALS[word]) for word in _ORDINAL.findall(lowered)}
    for hundreds, rest in _HUNDREDS.findall(lowered):
        found.add(str(100 * NUMBER_WORDS[hundreds] + (NUMBER_WORDS[rest] if rest else 0)))
    if _ONE.search(lowered):
        found.add("1")
    return found


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Evidence:
    """The reviewer's record: excerpts per procedure and source, and gap reasons."""

    excerpts: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    gaps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Evidence:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        excerpts: dict[str, dict[str, tuple[str, ...]]] = {}
        gaps: dict[str, tuple[str, ...]] = {}
        for procedure_id, record in data.items():
            by_source: dict[str, list[str]] = {}
            for item in record.get("evidence") or []:
                by_source.setdefault(str(item["source"]), []).append(str(item["quote"]))
            excerpts[procedure_id] = {k: tuple(v) for k, v in by_source.items()}
            gaps[procedure_id] = tuple(str(g["field"]) for g in record.get("gaps") or [])
        return cls(excerpts, gaps)

    def explains(self, procedure_id: str, field_name: str) -> bool:
        """Whether a recorded gap names this field (its notes may name several)."""
        pattern = re.compile(rf"(?<![\w.]){re.escape(field_name)}(?![\w])")
        return any(pattern.search(gap) for gap in self.gaps.get(procedure_id, ()))

    def quotes(self, source_id: str) -> tuple[str, ...]:
        """Every excerpt recorded from one source, whichever procedure it was for."""
        return tuple(q for by in self.excerpts.values() for q in by.get(source_id, ()))


# A fact with its place in its record and the name people read.
FactAt = tuple[PathKey, str, Fact]


def facts_of(procedure: Procedure) -> Iterator[FactAt]:
    """Each fact with its place in the record and the name people read."""
    for name in TEXT_FACTS:
        fact = getattr(procedure, name)
        if fact is not None:
            yield (name,), name, fact
    for part in ("onset", "lasts"):
        fact = getattr(procedure.relief, part)
        if fact is not None:
            yield ("relief", part), f"relief.{part}", fact
    for name in LIST_FACTS:
        for index, fact in enumerate(getattr(procedure, name)):
            yield (name, index), f"{name}[{index}]", fact
    for name in ("duration", "visit_duration"):
        duration = getattr(procedure, name)
        if duration is not None:
            text = f"{duration.min_minutes} {duration.max_minutes} {duration.note or ''}"
            yield (name,), name, Fact(text, duration.sources)
    risk = procedure.bleeding_risk
    if risk is not None:
        yield ("bleeding_risk", "basis"), "bleeding_risk", Fact(risk.basis, risk.sources)
    for index, statement in enumerate(procedure.evidence):
        # The year is a number its sources must state too.
        text = f"{statement.year} {statement.text}"
        yield ("evidence", index), f"evidence[{index}]", Fact(text, statement.sources)
    for index, code in enumerate(procedure.codes):
        text = f"{code.code} {code.label}"
        yield ("codes", index), f"codes[{index}]", Fact(text, code.sources)


def is_empty(procedure: Procedure, field_name: str) -> bool:
    if field_name.startswith("relief."):
        return getattr(procedure.relief, field_name.split(".")[1]) is None
    value = getattr(procedure, field_name)
    return value is None or value == ()


class Linter:
    def __init__(self, layer: Layer, catalog: Catalog, seeds: Path, evidence: Evidence):
        self.layer = layer
        self.catalog = catalog
        self.seeds = seeds
        self.evidence = evidence
        self.problems: list[Problem] = []

    def report(self, kind: str, record_id: str, path: PathKey, code: str, message: str) -> None:
        start = self.layer.paths[(kind, record_id)]
        line, column = self.layer.doc.where((*start, *path))
        owner = f"{kind[:-1]} {record_id!r}"
        self.problems.append(
            Problem(self.layer.doc.file, line, column, code, f"{message} (in {owner})")
        )

    @cached_property
    def seed_texts(self) -> dict[str, str]:
        """Text of each cited source document that exists, by source id."""
        texts = {}
        for source in self.catalog.sources.values():
            if source.file is not None and (self.seeds / source.file).is_file():
                texts[source.id] = (self.seeds / source.file).read_text(encoding="utf-8")
        return texts

    @cached_property
    def copied_runs(self) -> dict[tuple[str, ...], str]:
        """Every run of COPY_WORDS words in a source document or recorded excerpt."""
        runs: dict[tuple[str, ...], str] = {}
        origins = [(self.catalog.sources[s].file or s, text) for s, text in self.seed_texts.items()]
        for source_id in self.catalog.sources:
            origins.extend((source_id, quote) for quote in self.evidence.quotes(source_id))
        for origin, text in origins:
            tokens = words_of(text)
            for start in range(len(tokens) - COPY_WORDS + 1):
                runs.setdefault(tuple(tokens[start : start + COPY_WORDS]), origin)
        return runs

    def missing_document(self, source_id: str) -> bool:
        return self.catalog.sources[source_id].file is not None and source_id not in self.seed_texts

    @cached_property
    def source_numbers(self) -> dict[str, frozenset[str]]:
        """Every number each source states: in its title, its text if it is a
        source document, and its recorded excerpts. Read once per source."""
        numbers = {}
        for source_id, source in self.catalog.sources.items():
            texts = [source.title, *self.evidence.quotes(source_id)]
            if source_id in self.seed_texts:
                texts.append(self.seed_texts[source_id])
            numbers[source_id] = frozenset().union(*(numbers_in(text) for text in texts))
        return numbers

    def run(self) -> list[Problem]:
        raw_records = self.layer.doc.data.get("procedures") or []
        raw = {r["id"]: r for r in raw_records if isinstance(r, dict) and "id" in r}
        for procedure in self.catalog.procedures.values():
            self.fields_written(procedure, raw.get(procedure.id, {}))
            self.fields_filled(procedure)
            facts = list(facts_of(procedure))
            self.numbers_sourced("procedures", procedure.id, facts)
            self.own_words("procedures", procedure.id, facts)
            self.excerpts_recorded(procedure)
        for notice in self.catalog.notices.values():  # shown on every card: the same rules
            facts = [((), "notice", Fact(notice.text, notice.sources))]
            self.numbers_sourced("notices", notice.id, facts)
            self.own_words("notices", notice.id, facts)
        self.seed_files_exist()
        self.sources_cited()
        self.sources_have_kinds()
        self.weak_share_capped()
        self.conditions_treated_and_named_once()
        return sorted(self.problems, key=lambda p: (p.line, p.column, p.code))

    # Procedures -------------------------------------------------------------

    def fields_written(self, procedure: Procedure, record: Mapping[str, Any]) -> None:
        for name in PROCEDURE_FIELDS:
            if name not in record:
                self.report(
                    "procedures",
                    procedure.id,
                    (),
                    "CL001",
                    f"'{name}' is left out; write it, null or [] if no source states it",
                )

    def fields_filled(self, procedure: Procedure) -> None:
        for name in MUST_FILL:
            if is_empty(procedure, name):
                self.report(
                    "procedures", procedure.id, (name,), "CL002", f"'{name}' must be filled"
                )
        for name in MAY_BE_EMPTY:
            if is_empty(procedure, name) and not self.evidence.explains(procedure.id, name):
                self.report(
                    "procedures",
                    procedure.id,
                    tuple(name.split(".")),
                    "CL009",
                    f"'{name}' is empty and the evidence file records no reason (gaps)",
                )

    def numbers_sourced(self, kind: str, record_id: str, facts: list[FactAt]) -> None:
        for path, name, fact in facts:
            if any(self.missing_document(source_id) for source_id in fact.sources):
                continue  # CL003 already says so; its numbers cannot be checked
            stated: set[str] = set()
            for source_id in fact.sources:
                stated |= self.source_numbers[source_id]
            for raw in _OUR_NUMBER.findall(fact.text):
                number = _number(raw)
                if number in stated:
                    continue
                if name.endswith("duration") and _as_whole_minutes(number, stated):
                    continue
                self.report(
                    kind,
                    record_id,
                    path,
                    "CL004",
                    f"{name}: {number} is not in its sources ({', '.join(fact.sources)}) "
                    "or their recorded excerpts",
                )

    def own_words(self, kind: str, record_id: str, facts: list[FactAt]) -> None:
        runs = self.copied_runs
        for path, name, fact in facts:
            tokens = words_of(fact.text)
            for start in range(len(tokens) - COPY_WORDS + 1):
                run = tuple(tokens[start : start + COPY_WORDS])
                if run in runs:
                    self.report(
                        kind,
                        record_id,
                        path,
                        "CL005",
                        f"{name} copies {COPY_WORDS}+ words from {runs[run]}: "
                        f"'{' '.join(run)}'; say it in our own words",
                    )
                    break

    def excerpts_recorded(self, procedure: Procedure) -> None:
        recorded = self.evidence.excerpts.get(procedure.id, {})
        # As stored: a link shown from the other side is evidenced where it is stored.
        for source_id in self.layer.procedures[procedure.id].source_ids():
            source = self.catalog.sources[source_id]
            # A source document is checked against its own text; only a page is excerpted.
            if source.file is None and source.url is not None and source_id not in recorded:
                self.report(
                    "procedures",
                    procedure.id,
                    (),
                    "CL010",
                    f"cites {source_id} but the evidence file has no excerpt from it",
                )

    # Sources and conditions ---------------------------------------------------

    def seed_files_exist(self) -> None:
        for source in self.catalog.sources.values():
            if self.missing_document(source.id):
                self.report(
                    "sources",
                    source.id,
                    ("file",),
                    "CL003",
                    f"source document {source.file!r} is not in the source documents directory",
                )

    def sources_have_kinds(self) -> None:
        for source in self.catalog.sources.values():
            if source.kind is None:
                self.report(
                    "sources",
                    source.id,
                    (),
                    "CL011",
                    "no 'kind': say what publishes it (guideline, academic, journal, "
                    "society, clinic, manufacturer, media or copy)",
                )

    def weak_share_capped(self) -> None:
        """At most MAX_WEAK_SHARE of the cited facts may rest only on weak sources;
        reported on the procedure with the most such facts."""
        figures = sourcing(self.catalog)
        if figures.share <= MAX_WEAK_SHARE:
            return
        worst, count = Counter(pid for pid, _ in figures.weak_only).most_common(1)[0]
        self.report(
            "procedures",
            worst,
            (),
            "CL012",
            f"{len(figures.weak_only)} of {figures.facts} cited facts ({figures.share:.1%}) "
            f"rest only on clinic, manufacturer, media or copy sources; the cap is "
            f"{MAX_WEAK_SHARE:.0%}. This procedure has the most ({count}): cite a guideline, "
            "academic, journal or society page",
        )

    def sources_cited(self) -> None:
        cited = {s for p in self.catalog.procedures.values() for s in p.source_ids()}
        cited |= {s for c in self.catalog.conditions.values() for s in c.sources}
        cited |= {s for name in self.catalog.names for s in name.sources}
        cited |= {s for notice in self.catalog.notices.values() for s in notice.sources}
        for source_id in self.catalog.sources:
            if source_id not in cited:
                self.report(
                    "sources",
                    source_id,
                    (),
                    "CL006",
                    "no procedure or condition cites it",
                )

    def conditions_treated_and_named_once(self) -> None:
        treated = {c for p in self.catalog.procedures.values() for c in p.conditions}
        owner: dict[str, str] = {}
        for condition in self.catalog.conditions.values():
            if condition.id not in treated:
                self.report(
                    "conditions",
                    condition.id,
                    (),
                    "CL007",
                    "no procedure lists it under conditions",
                )
            for name in (condition.id, condition.name, *condition.aliases):
                first = owner.setdefault(normalise(name), condition.id)
                if first != condition.id:
                    self.report(
                        "conditions",
                        condition.id,
                        (),
                        "CL008",
                        f"{name!r} also names condition {first!r}",
                    )


@dataclass(frozen=True)
class Sourcing:
    """How well a catalog's facts are sourced: each cited fact (a path in a procedure's
    citations), those citing a weak source, and those resting only on weak ones."""

    facts: int
    citing_weak: int
    weak_only: tuple[tuple[str, str], ...]  # (procedure id, path)
    kinds: Mapping[str, int]  # citations by source kind

    @property
    def share(self) -> float:
        return len(self.weak_only) / self.facts if self.facts else 0.0


def sourcing(catalog: Catalog) -> Sourcing:
    from painref.core.vocab import WEAK_SOURCE_KINDS

    facts = citing_weak = 0
    weak_only: list[tuple[str, str]] = []
    kinds: dict[str, int] = {}
    for procedure in catalog.procedures.values():
        for path, ids in procedure.citations().items():
            if not ids:
                continue
            facts += 1
            found = [catalog.sources[s].kind or "unknown" for s in ids]
            for kind in found:
                kinds[kind] = kinds.get(kind, 0) + 1
            weak = [kind in WEAK_SOURCE_KINDS for kind in found]
            citing_weak += any(weak)
            if all(weak):
                weak_only.append((procedure.id, path))
    return Sourcing(facts, citing_weak, tuple(weak_only), kinds)


def _as_whole_minutes(number: str, stated: set[str]) -> bool:
    """A duration in whole minutes whose source gives it in hours or with decimals."""
    if not number.isdigit():
        return False
    minutes = int(number)
    if minutes % 60 == 0 and str(minutes // 60) in stated:
        return True
    return any(_rounds_to(value, minutes) for value in stated)


def _rounds_to(value: str, minutes: int) -> bool:
    try:
        return "." in value and round(float(value)) == minutes
    except ValueError:
        return False


def lint(catalog_path: Path, seeds: Path, evidence_path: Path | None = None) -> list[Problem]:
    """Every structural (PR) or, for a valid catalog, content (CL) problem."""
    try:
        layer = read_layer(catalog_path, keep_records=True)
        catalog = merge([layer])
    except CatalogError as error:
        return list(error.problems)
    evidence = Evidence.read(evidence_path) if evidence_path else Evidence()
    return Linter(layer, catalog, seeds, evidence).run()
