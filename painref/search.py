"""Full-text search: which procedures mention these words, best first, and where.

Every field is searched as it reads on the card (render.fields), plus the
names, aliases and the synonyms of the conditions treated. Words match in any
form ("fasting" finds "fast", "drooping" finds "droopy") and as the start of
a longer word ("verteb" finds "vertebra"). A procedure is a hit only when
every word of the query is somewhere in it. Hits rank by where the words are
(a name counts more than a risk) and whether they stand together as typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from painref.catalog import MAX_QUERY_CHARS, Catalog
from painref.errors import UsageProblem
from painref.match import SPELLINGS, STOPWORDS, normalise
from painref.model import Procedure
from painref.render.fields import FIELDS, field_lines

# How much a match counts in each field; unlisted fields count 1.
WEIGHTS: dict[str, int] = {
    "name": 8,
    "conditions": 5,
    "summary": 4,
    "medications": 4,
    "category": 3,
    "how_it_works": 2,
    "guidance": 2,
    "related": 0,  # other procedures' names: shown, never a reason to rank
}
PHRASE_BONUS = 2  # the query's words side by side, in order, count this much more
MAX_EXCERPTS = 3
EXCERPT_CHARS = 58  # around the first match: one line beside its label at 80 columns
PREFIX_MIN = 4  # a query word this long also matches words it begins

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


class Excerpt(NamedTuple):
    """A short piece of one field, with the matched words' (start, end) spans."""

    field: str  # "name" or a key of FIELDS
    text: str
    spans: tuple[tuple[int, int], ...]


class Hit(NamedTuple):
    procedure: Procedure
    score: int
    excerpts: tuple[Excerpt, ...]


class _Segment(NamedTuple):
    field: str
    text: str


def stem(word: str) -> str:
    """A normalised word without the endings that change its form, not its sense."""
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # stopping -> stop
            return word
    if word.endswith("y") and len(word) >= 5:
        return word[:-1]  # droopy -> droop, therapy -> therap
    return word


def query_terms(query: str) -> list[str]:
    """The query's words as stems; UsageProblem when there is nothing to look for."""
    if len(query) > MAX_QUERY_CHARS:
        raise UsageProblem(
            f"the text to search for is {len(query)} characters long; "
            f"the limit is {MAX_QUERY_CHARS}"
        )
    words = normalise(query).split()
    kept = [word for word in words if word not in STOPWORDS] or words
    terms = list(dict.fromkeys(stem(word) for word in kept))
    if not terms:
        raise UsageProblem("give a word to search for, for example 'bone cement'")
    return terms


class Results(NamedTuple):
    hits: list[Hit]
    suggestions: list[str]  # close catalog words, when asked for and nothing was found


def search(catalog: Catalog, terms: Sequence[str], suggest: bool = False) -> Results:
    """Procedures that mention every term (see query_terms), best first, then by name;
    with `suggest`, words of the catalog close to the terms when none is found."""
    full = []  # procedures that may hold every term
    partial = []  # procedures that may hold some: they only tell whole words apart
    texts: list[str] = []  # every segment's text, read once, for suggestions
    for procedure in catalog.procedures.values():
        segments = list(_segments(catalog, procedure))
        texts.extend(segment.text for segment in segments)
        holding = _may_hold(segments, terms)
        if len(holding) == len(terms):
            full.append((procedure, segments, [_words(segment) for segment in segments]))
        elif holding:
            partial.append((segments, holding))
    # A whole word of the catalog means itself: "fast" is no prefix of "faster".
    whole = {term for term in terms if any(_has_word(words, term) for _, _, words in full)}
    for term in set(terms) - whole:
        if any(
            _has_word([_words(segment) for segment in segments], term)
            for segments, holding in partial
            if term in holding
        ):
            whole.add(term)
    hits = []
    for procedure, segments, words in full:
        hit = _score(procedure, segments, words, terms, whole)
        if hit is not None:
            hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.procedure.name.casefold(), h.procedure.id))
    return Results(hits, _suggestions(texts, terms) if suggest and not hits else [])


def _suggestions(texts: Sequence[str], terms: Sequence[str]) -> list[str]:
    """Words of these texts close to the terms that none of them has."""
    from rapidfuzz import fuzz, process

    words: set[str] = set()
    for text in texts:
        words.update(_WORD.findall(text))
    vocabulary = {_normal_of(word) for word in words} - {""}
    found: list[str] = []
    for term in terms:
        if any(_matches(term, _stem_of(word)) for word in vocabulary):
            continue
        for word, _, _ in process.extract(
            term, sorted(vocabulary), scorer=fuzz.ratio, limit=3, score_cutoff=75
        ):
            if word not in found:
                found.append(word)
    return found


def _segments(catalog: Catalog, procedure: Procedure) -> Iterator[_Segment]:
    yield _Segment("name", "; ".join((procedure.name, *procedure.aliases)))
    for name in FIELDS:
        if name == "conditions":
            for condition in catalog.conditions_of(procedure):
                also = f" (also: {', '.join(condition.aliases)})" if condition.aliases else ""
                yield _Segment(name, condition.name + also)
            continue
        for line in field_lines(catalog, procedure, name):
            yield _Segment(name, line.text)


def _may_hold(segments: Sequence[_Segment], terms: Sequence[str]) -> set[str]:
    """The terms whose letters appear: a quick test that can only err towards yes.

    Stems are beginnings of normalised words, so the text needs only the parts
    of normalising that change letters inside a word: folding case and accents,
    and the British and synonym spellings."""
    haystack = " ".join(segment.text for segment in segments).casefold()
    if not haystack.isascii():
        haystack = unicodedata.normalize("NFKD", haystack)
        haystack = "".join(ch for ch in haystack if not unicodedata.combining(ch))
    respelled = haystack
    for british, american in SPELLINGS:
        respelled = respelled.replace(british, american)
    haystack += " " + respelled
    return {term for term in terms if (term[:-1] if term.endswith("y") else term) in haystack}


def _matches(term: str, word: str, whole: AbstractSet[str] = frozenset()) -> bool:
    if word == term:
        return True
    return term not in whole and len(term) >= PREFIX_MIN and word.startswith(term)


def _has_word(words_of: Sequence[list[tuple[int, int, str]]], term: str) -> bool:
    return any(word == term for words in words_of for _, _, word in words)


def _words(segment: _Segment) -> list[tuple[int, int, str]]:
    """Each word of a segment: where it is, and its stem."""
    return [
        (found.start(), found.end(), _stem_of(found.group()))
        for found in _WORD.finditer(segment.text)
    ]


# Words repeat a lot: each distinct one is normalised and stemmed once.


@functools.lru_cache(maxsize=65536)
def _normal_of(word: str) -> str:
    return normalise(word).replace(" ", "")


@functools.lru_cache(maxsize=65536)
def _stem_of(word: str) -> str:
    return stem(_normal_of(word))


def _score(
    procedure: Procedure,
    segments: Sequence[_Segment],
    words_of: Sequence[list[tuple[int, int, str]]],
    terms: Sequence[str],
    whole: AbstractSet[str],
) -> Hit | None:
    found: set[str] = set()
    scored: list[tuple[int, int, Excerpt]] = []
    for order, (segment, words) in enumerate(zip(segments, words_of, strict=True)):
        # The terms each word matches, worked out once per word.
        matched = [{term for term in terms if _matches(term, word, whole)} for _, _, word in words]
        here = set().union(*matched)
        if not here:
            continue
        found |= here
        points = WEIGHTS.get(segment.field, 1) * len(here)
        if len(terms) > 1 and _side_by_side(matched, terms):
            points *= PHRASE_BONUS
        spans = tuple(
            (start, end)
            for (start, end, _), terms_here in zip(words, matched, strict=True)
            if terms_here
        )
        scored.append((points, order, _excerpt(segment, spans)))
    if found != set(terms):
        return None
    # The best excerpt of each field, for the fields that count most.
    best: dict[str, Excerpt] = {}
    for _, _, excerpt in sorted(scored, key=lambda item: (-item[0], item[1])):
        best.setdefault(excerpt.field, excerpt)
    excerpts = tuple(best.values())[:MAX_EXCERPTS]
    return Hit(procedure, sum(points for points, _, _ in scored), excerpts)


def _side_by_side(matched: Sequence[AbstractSet[str]], terms: Sequence[str]) -> bool:
    """The terms appear next to each other in the query's order (`matched` holds
    the terms each word of a segment matches)."""
    width = len(terms)
    return any(
        all(term in matched[i + k] for k, term in enumerate(terms))
        for i in range(len(matched) - width + 1)
    )


def _busiest(spans: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The match followed by the most others within reach (the first of equals).

    The spans are a text's words, in order, so their ends rise with their
    starts: the matches within reach of one are those after it up to the last
    ending in reach, and that last one only moves on. One pass, not every
    match against every other (a field of 25,000 matches took 35 s that way).
    """
    best, most = spans[0], -1
    reach = 0  # how many spans end within reach of the current one
    for index, (start, end) in enumerate(spans):
        while reach < len(spans) and spans[reach][1] <= start + EXCERPT_CHARS:
            reach += 1
        within = max(0, reach - index)  # none for a word longer than the reach
        if within > most:
            best, most = (start, end), within
    return best


def _excerpt(segment: _Segment, spans: tuple[tuple[int, int], ...]) -> Excerpt:
    """The field's text, or a window of it around the first match cut at spaces."""
    text = segment.text
    if len(text) <= EXCERPT_CHARS:
        return Excerpt(segment.field, text, spans)
    first_start, first_end = _busiest(spans)
    start = max(0, min(first_start - EXCERPT_CHARS // 3, len(text) - EXCERPT_CHARS))
    end = min(len(text), max(start + EXCERPT_CHARS, first_end))
    if start > 0:
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    shift = len(lead) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Excerpt(segment.field, lead + text[start:end] + tail, kept)
