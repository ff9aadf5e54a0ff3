"""The patient handout (`show NAME --for patient`): which parts it has, in what
order, under which plain headings, and its sources grouped by publisher.

Every renderer (terminal, Markdown, HTML, JSON) draws these sections, so the
handout says the same thing everywhere. Headings are questions a patient asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from painref.core import vocab
from painref.core.model import Source
from painref.query.lines import Line, field_lines, notice_lines
from painref.query.results import Entry


class Section(NamedTuple):
    key: str  # stable, for JSON: a field name, "notices" or "questions"
    heading: str
    lines: tuple[Line, ...]
    missing: str  # shown in place of the lines when there are none


# The care fields, in the order a patient meets them.
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("patient_summary", "What is it?", "Ask your care team to explain what it is."),
    ("patient_steps", "What happens?", "Ask your care team what will happen on the day."),
    ("preparation", "How do I get ready?", "Ask your care team how to get ready."),
    ("aftercare", "What happens afterwards?", "Ask your care team what to do afterwards."),
    (
        "warning_signs",
        "When should I get help?",
        "Our sources do not list warning signs for this. Ask your care team what to look out for.",
    ),
)
NOTICES_HEADING = "Please note"
QUESTIONS_HEADING = "What should I ask my doctor?"
SOURCES_HEADING = "Where does this come from?"
# After the publishers: where each page's title and address can be read.
SOURCES_WHERE = "Each page's title and web address: painref sources {id}"


def patient_sections(entry: Entry) -> list[Section]:
    """The handout's parts: plain texts and care fields, the warnings every card
    carries, then the questions to ask."""
    sections = []
    for name, heading, missing in _FIELDS:
        sections.append(Section(name, heading, tuple(field_lines(entry, name)), missing))
    warnings = notice_lines([entry])
    if warnings:
        sections.append(Section("notices", NOTICES_HEADING, tuple(warnings), ""))
    questions = tuple(Line(q.text, q.sources, bullet=True) for q in entry.questions)
    if questions:
        sections.append(Section("questions", QUESTIONS_HEADING, questions, ""))
    return sections


# The publisher is the last parenthesis of a source's title: "Page (Publisher)".
_PUBLISHER = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)\s*$")


def publisher_of(source: Source) -> str:
    """Who publishes a source; a title without a publisher in parentheses is its own."""
    match = _PUBLISHER.search(source.title)
    if match is None or match.start() == 0:
        return source.title
    return match.group(1).strip()


class Publisher(NamedTuple):
    name: str
    kind: str | None  # the kind of its first cited page
    numbers: tuple[int, ...]  # the citation numbers of its pages

    def said(self) -> str:
        """The publisher as the handout names it: "Azura Vascular Care, a private clinic"."""
        return f"{self.name}, {vocab.SOURCE_KINDS_PLAIN[self.kind]}" if self.kind else self.name

    def marks(self) -> str:
        return f"[{','.join(str(number) for number in self.numbers)}]"


def by_publisher(order: Sequence[str], sources: Sequence[Source]) -> list[Publisher]:
    """The cited sources (`order`: ids in citation order) grouped by publisher, each
    publisher where its first page is first cited."""
    known = {source.id: source for source in sources}
    groups: dict[str, list[int]] = {}
    kinds: dict[str, str | None] = {}
    for number, source_id in enumerate(order, start=1):
        name = publisher_of(known[source_id])
        groups.setdefault(name, []).append(number)
        kinds.setdefault(name, known[source_id].kind)
    return [Publisher(name, kinds[name], tuple(numbers)) for name, numbers in groups.items()]
