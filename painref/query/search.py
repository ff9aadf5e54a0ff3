"""Full-text search: which procedures a question is about, best first, and where.

Every field is searched as it reads on the card (query.lines), plus the names,
aliases and lookup names, and the synonyms of the conditions treated. Question
words ("how", "can", "does") are dropped; a field word ("risks", "how long",
"recovery") is not searched for but points the excerpts at its field. The
other words may be written another way (data/search-words.json: "cortisone"
finds "steroid", "Eliquis" finds "blood thinner").

A word matches in any of its forms ("drooping" finds "droopy", "eyelids"
"eyelid"), except that a word with an ending never matches the bare word
("fasting" is not "fast"), and as the start of a longer word ("verteb" finds
"vertebra") unless it is itself a word of the catalog. Words weigh more the
fewer procedures they are in. Hits rank by how much of the query's weight they
hold, then by where (a name counts more than a risk) and whether the words
stand together as typed. A word no procedure has weighs as a rare word would,
so a hit must hold enough of the rest; one that looks like a misspelling of a
catalog word weighs as that word, and the search suggests it.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from painref.catalog.records import Catalog
from painref.core import fields
from painref.core.errors import UsageProblem
from painref.core.model import Notice, Procedure
from painref.core.text import SPELLINGS, STOPWORDS, normalise
from painref.query.hits import Excerpt, Hit
from painref.query.lines import field_lines
from painref.query.lookup import MAX_QUERY_CHARS, entry_of

# The fields search reads, in card order.
SEARCHED = tuple(name for name in fields.ROWS if fields.BY_NAME[name].searched)

# How much a match counts in each field; unlisted fields count 1.
WEIGHTS: dict[str, float] = {
    "name": 8,
    "names": 6,  # lookup names (MeSH, NICE, abbreviations, lay words)
    "conditions": 5,
    "summary": 4,
    "medications": 4,
    "category": 3,
    "how_it_works": 2,
    "guidance": 2,
    "related": 0,  # other procedures' names: shown, never a reason to rank
}
PHRASE_BONUS = 2.0  # a word beside the next word of the query, as typed, counts this much more
SYNONYM_WEIGHT = 0.7  # a match through data/search-words.json counts this much of a direct one
# A hit holds at least this share of the query's weight, and scores at least
# KEEP_SCORE of the best hit's score.
MIN_SHARE = 0.4
KEEP_SCORE = 0.25
MAX_EXCERPTS = 3
EXCERPT_CHARS = 58  # around the first match: one line beside its label at 80 columns
PREFIX_MIN = 4  # a query word this long also matches words it begins
CLOSE_WORD = 80  # a word no procedure has, this close to one of the catalog's, is a misspelling

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")

# Words that make a question rather than say what it is about: they are not searched for.
_QUESTION_WORDS = frozenset(
    {"how", "what", "why", "when", "where", "who", "which", "whom", "whose"}
    | {"do", "does", "did", "can", "could", "should", "would", "will", "may", "might", "must"}
    | {"be", "been", "being", "am", "was", "were", "have", "has", "had", "get", "got"}
    | {"it", "this", "that", "these", "those", "there", "here", "if", "then", "than"}
    | {"you", "your", "they", "them", "their", "we", "our", "us", "he", "she", "her", "his"}
    | {"about", "any", "some", "much", "many", "very", "really", "please", "tell"}
    | {"after", "before", "during", "between", "versus", "vs", "since", "until", "while"}
)
# Words that ask about one part of the card: not searched for, but the excerpts start
# there. "how long" points weakly: only when no other field word does.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("risk", "danger", "dangerous", "safe", "safety", "complication", "side effect", "harm"),
        ("risks",),
    ),
    "duration": ("duration",),
    **dict.fromkeys(
        ("recovery", "recover", "aftercare", "after care", "drive", "driving", "shower"),
        ("recovery",),
    ),
    **dict.fromkeys(("exercise", "back to work", "downtime"), ("recovery",)),
    **dict.fromkeys(("relief", "last", "effective", "success", "successful", "work"), ("relief",)),
    **dict.fromkeys(("hurt", "painful", "sedation", "sedated", "asleep", "awake"), ("anesthesia",)),
    **dict.fromkeys(("candidate", "eligible", "suitable"), ("candidacy",)),
    **dict.fromkeys(("contraindication", "who should not"), ("contraindications",)),
    **dict.fromkeys(("outpatient", "overnight", "hospital stay"), ("setting",)),
    **dict.fromkeys(("imaging", "guidance"), ("guidance",)),
    **dict.fromkeys(("medication", "medicine"), ("medications",)),
}
WEAK_FIELD_WORDS: dict[str, tuple[str, ...]] = {"how long": ("duration", "relief")}
# As the query's words will be: normalised ("does" -> "doe", "side effects" -> "side effect").
QUESTION_WORDS = frozenset(normalise(word) for word in _QUESTION_WORDS)
FIELD_WORDS = {normalise(words): fields for words, fields in FIELD_WORDS.items()}


class Term(NamedTuple):
    """A word or phrase of the query, normalised, and the word sequences that match it:
    its own first, then those data/search-words.json gives for it."""

    typed: str
    forms: tuple[tuple[str, ...], ...]


class Query(NamedTuple):
    terms: tuple[Term, ...]
    fields: tuple[str, ...]  # the fields it asks about ("risks"), in the order asked


class Results(NamedTuple):
    hits: list[Hit]
    suggestions: list[str]  # catalog words close to the terms that look misspelt
    unknown: list[str]  # words no procedure has (and no misspelling of one)
    notices: tuple[Notice, ...] = ()  # catalog-wide notices that hold every term


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


def parse_query(query: str) -> Query:
    """The query's terms and the fields it asks about; UsageProblem when there is
    nothing to look for."""
    from painref.query.synonyms import synonyms

    if len(query) > MAX_QUERY_CHARS:
        raise UsageProblem(
            f"the text to search for is {len(query)} characters long; "
            f"the limit is {MAX_QUERY_CHARS}"
        )
    words = normalise(query).split()
    if not words:
        raise UsageProblem("give a word to search for, for example 'bone cement'")
    also = synonyms()
    phrases = {*FIELD_WORDS, *WEAK_FIELD_WORDS, *also}
    longest = max(len(phrase.split()) for phrase in phrases)
    kept: list[str] = []  # words and phrases to search for
    asked: list[str] = []  # field words and phrases
    index = 0
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if phrase in phrases and (size > 1 or phrase not in STOPWORDS):
                break
        else:
            phrase, size = words[index], 1
        index += size
        if phrase in FIELD_WORDS or phrase in WEAK_FIELD_WORDS:
            asked.append(phrase)
        elif phrase not in STOPWORDS and phrase not in QUESTION_WORDS:
            kept.append(phrase)
    strong = [f for phrase in asked for f in FIELD_WORDS.get(phrase, ())]
    weak = [f for phrase in asked for f in WEAK_FIELD_WORDS.get(phrase, ())]
    # Only field words ("side effects"), or only small words: search for them after all.
    kept = kept or asked or words
    terms = {
        phrase: Term(
            phrase, (tuple(phrase.split()), *(tuple(a.split()) for a in also.get(phrase, ())))
        )
        for phrase in kept
    }
    return Query(tuple(terms.values()), tuple(dict.fromkeys(strong or weak)))


def search(catalog: Catalog, query: Query) -> Results:
    """Procedures that hold enough of the query, best first, then by name, with the
    catalog's words close to any term that looks misspelt."""
    needles = {word for term in query.terms for form in term.forms for word in form}
    texts = {}  # each procedure that may hold a term: its segments and their words
    cores = {_core(needle) for needle in needles}
    for procedure in catalog.procedures.values():
        segments = list(_segments(catalog, procedure))
        # Only a segment holding some needle's letters can match: the rest go unread.
        holding = [_may_hold(_folded(segment.text), cores) for segment in segments]
        if any(holding):
            words_of = [
                _words(s) if held else [] for s, held in zip(segments, holding, strict=True)
            ]
            texts[procedure.id] = (procedure, segments, words_of)
    # Catalog-wide notices are searched once, by the same word rules.
    notice_words = [(n, _words(_Segment("notice", n.text))) for n in catalog.notices_of("warning")]
    vocabulary = sorted(
        {
            normal
            for _, _, words_of in texts.values()
            for words in words_of
            for *_, normal, _ in words
        }
        | {normal for _, words in notice_words for *_, normal, _ in words}
    )
    fitting = {word: _fitting(word, vocabulary) for word in needles}
    notice_runs = [(notice, _runs(query.terms, words, fitting)) for notice, words in notice_words]
    in_notices = {typed for _, found in notice_runs for typed in found}
    runs = {
        pid: [_runs(query.terms, words, fitting) for words in words_of]
        for pid, (_, _, words_of) in texts.items()
    }
    total = max(1, len(catalog.procedures))
    weight: dict[str, float] = {}
    unknown: list[str] = []
    holders_of: dict[str, int] | None = None  # every catalog word: how many procedures hold it
    everyword: list[str] = []  # the same words, sorted
    misspelt: dict[str, list[str]] = {}  # terms no procedure has, with the words they resemble
    for term in query.terms:
        holders = sum(
            1 for found in runs.values() if any(found_here.get(term.typed) for found_here in found)
        )
        if holders:
            weight[term.typed] = math.log(1 + total / holders)
            continue
        if term.typed in in_notices:  # a notice holds it: a known word, no procedure's
            weight[term.typed] = math.log(1 + total / 2)
            continue
        if holders_of is None:
            holders_of = _holders_of_words(catalog)
            everyword = sorted(holders_of)
        close = _close_words(term.typed, everyword)
        if close:  # a misspelling: it weighs what the word it resembles would
            weight[term.typed] = math.log(1 + total / holders_of[close[0]])
            misspelt[term.typed] = close
        else:
            unknown.append(term.typed)
            # It still asks for something: it weighs as a word of two procedures would.
            weight[term.typed] = math.log(1 + total / 2)
    whole = sum(weight.values())
    scored = []
    for pid, (procedure, segments, words_of) in texts.items():
        hit = _score(procedure, segments, words_of, runs[pid], query, weight)
        if hit is not None and whole:
            held = sum(weight[t] for t in _held(runs[pid])) / whole
            scored.append((held, hit))
    enough = [hit for held, hit in scored if held >= MIN_SHARE - 1e-9]
    best = max((hit.score for hit in enough), default=0.0)
    hits = [hit for hit in enough if hit.score >= best * KEEP_SCORE]
    hits.sort(key=lambda hit: (-hit.score, hit.procedure.name.casefold(), hit.procedure.id))
    suggestions = list(dict.fromkeys(word for words in misspelt.values() for word in words))
    notices = tuple(
        notice for notice, found in notice_runs if all(term.typed in found for term in query.terms)
    )
    return Results(hits, suggestions, unknown, notices)


def _held(found_by_segment: Sequence[Mapping[str, list[tuple[int, int, float]]]]) -> set[str]:
    return {
        typed for found in found_by_segment for typed, found_runs in found.items() if found_runs
    }


def _holders_of_words(catalog: Catalog) -> dict[str, int]:
    """Each word of the catalog (normalised): how many procedures hold it."""
    holders: dict[str, int] = {}
    for procedure in catalog.procedures.values():
        words: set[str] = set()
        for segment in _segments(catalog, procedure):
            words.update(_normal_of(word) for word in _WORD.findall(segment.text))
        for word in words - {""}:
            holders[word] = holders.get(word, 0) + 1
    return holders


def _close_words(typed: str, vocabulary: Sequence[str]) -> list[str]:
    """Up to three words of the vocabulary close to a term (of one word) that none
    matches, starting with its letter (a slip of the hand, as lookup has it)."""
    from rapidfuzz import fuzz, process

    if " " in typed:
        return []
    starting = [word for word in vocabulary if word[:1] == typed[:1]]
    return [
        word
        for word, _, _ in process.extract(
            typed, starting, scorer=fuzz.ratio, limit=3, score_cutoff=CLOSE_WORD
        )
    ]


class _Segment(NamedTuple):
    field: str
    text: str


def _segments(catalog: Catalog, procedure: Procedure) -> Iterator[_Segment]:
    yield _Segment("name", "; ".join((procedure.name, *procedure.aliases)))
    looked_up = catalog.lookup_names_of(procedure.id)
    if looked_up:
        yield _Segment("names", "; ".join(name.name for name in looked_up))
    # Lines need no source titles; catalog-wide notices are searched once, not per procedure.
    entry = entry_of(catalog, procedure, sources=False)._replace(notices=())
    for name in SEARCHED:
        if fields.BY_NAME[name].kind == fields.REFS:
            for condition in entry.conditions:
                also = f" (also: {', '.join(condition.aliases)})" if condition.aliases else ""
                yield _Segment(name, condition.name + also)
            continue
        for line in field_lines(entry, name):
            yield _Segment(name, line.text)


def _may_hold(folded: str, cores: AbstractSet[str]) -> bool:
    """Whether some needle's core letters (see _core) appear in a text as _folded
    gives it: a quick test that can only err towards yes."""
    return any(core in folded for core in cores)


# Any spelling _folded would change (SPELLINGS' first halves); plain substring tests
# are quicker than one regular expression of them all.
_RESPELT = tuple(british for british, _ in SPELLINGS)


def _folded(text: str) -> str:
    """A text as _may_hold reads it. A word matches only words with its stem or its
    beginning, so the text needs only the parts of normalising that change letters
    inside a word: folding case and accents, and the British and synonym spellings."""
    haystack = text.casefold()
    if not haystack.isascii():
        # Accents fold away; any other non-ASCII character is dropped too (cores are
        # ASCII, so that can only join letters into more matches, never fewer).
        folded = unicodedata.normalize("NFKD", haystack).encode("ascii", "ignore")
        haystack = folded.decode("ascii")
    if not any(british in haystack for british in _RESPELT):  # most texts need none
        return haystack
    respelled = haystack
    for british, american in SPELLINGS:
        respelled = respelled.replace(british, american)
    return f"{haystack} {respelled}"


def _core(word: str) -> str:
    """The letters every word matching this one holds (therapy -> therap: therapies)."""
    core = stem(word)
    return core[:-1] if core.endswith("y") else core


def _fitting(word: str, vocabulary: Sequence[str]) -> frozenset[str]:
    """The (sorted) vocabulary's words a query word matches: itself, its other forms
    (but a word with an ending never the bare word), and, unless it is a word of the
    vocabulary, the words it begins."""
    import bisect

    core = stem(word)
    fits = {word}
    start = bisect.bisect_left(vocabulary, core)
    is_whole = False
    for other in vocabulary[start:]:
        if not other.startswith(core):
            break
        if other == word:
            is_whole = True
        elif _stem_of_normal(other) == core and (word == core or other != core):
            fits.add(other)
    if not is_whole and len(word) >= PREFIX_MIN:
        start = bisect.bisect_left(vocabulary, word)
        for other in vocabulary[start:]:
            if not other.startswith(word):
                break
            fits.add(other)
    return frozenset(fits)


def _runs(
    terms: Sequence[Term],
    words: Sequence[tuple[int, int, str, str]],
    fitting: Mapping[str, AbstractSet[str]],
) -> dict[str, list[tuple[int, int, float]]]:
    """Where each term matches in one segment: (first word, last word, form weight)."""
    normals = [normal for *_, normal, _ in words]
    found: dict[str, list[tuple[int, int, float]]] = {}
    for term in terms:
        here: list[tuple[int, int, float]] = []
        for rank, form in enumerate(term.forms):
            factor = 1.0 if rank == 0 else SYNONYM_WEIGHT
            first = fitting[form[0]]
            for index, normal in enumerate(normals[: len(normals) - len(form) + 1]):
                if normal in first and all(
                    normals[index + k] in fitting[form[k]] for k in range(1, len(form))
                ):
                    here.append((index, index + len(form) - 1, factor))
        if here:
            found[term.typed] = here
    return found


def _words(segment: _Segment) -> list[tuple[int, int, str, str]]:
    """Each word of a segment: where it is, its normal form and its stem."""
    return [
        (found.start(), found.end(), _normal_of(found.group()), _stem_of(found.group()))
        for found in _WORD.finditer(segment.text)
    ]


# Words repeat a lot: each distinct one is normalised and stemmed once.


@functools.lru_cache(maxsize=65536)
def _normal_of(word: str) -> str:
    return normalise(word).replace(" ", "")


@functools.lru_cache(maxsize=65536)
def _stem_of(word: str) -> str:
    return stem(_normal_of(word))


@functools.lru_cache(maxsize=65536)
def _stem_of_normal(normal: str) -> str:
    return stem(normal)


def _score(
    procedure: Procedure,
    segments: Sequence[_Segment],
    words_of: Sequence[Sequence[tuple[int, int, str, str]]],
    found_by_segment: Sequence[Mapping[str, list[tuple[int, int, float]]]],
    query: Query,
    weight: Mapping[str, float],
) -> Hit | None:
    order = [term.typed for term in query.terms]
    best: dict[str, float] = {}
    scored: list[tuple[float, int, Excerpt]] = []
    for position, (segment, words, found) in enumerate(
        zip(segments, words_of, found_by_segment, strict=True)
    ):
        if not found:
            continue
        field_weight = WEIGHTS.get(segment.field, 1.0)
        points = 0.0
        for typed, found_runs in found.items():
            factor = max(f for _, _, f in found_runs)
            if _beside_a_neighbour(typed, order, found):
                factor *= PHRASE_BONUS
            value = weight.get(typed, 0.0) * field_weight * factor
            best[typed] = max(best.get(typed, 0.0), value)
            points += value
        spans = sorted(
            {(words[i][0], words[j][1]) for runs_here in found.values() for i, j, _ in runs_here}
        )
        scored.append((points, position, _excerpt(segment, tuple(spans))))
    if not best:
        return None
    return Hit(procedure, sum(best.values()), _chosen(procedure, segments, scored, query.fields))


def _beside_a_neighbour(
    typed: str, order: Sequence[str], found: Mapping[str, list[tuple[int, int, float]]]
) -> bool:
    """The term stands next to the query's next (or previous) term in this segment."""
    at = order.index(typed)
    ends = {end for _, end, _ in found[typed]}
    starts = {start for start, _, _ in found[typed]}
    after = found.get(order[at + 1], []) if at + 1 < len(order) else []
    before = found.get(order[at - 1], []) if at > 0 else []
    return any(s - 1 in ends for s, _, _ in after) or any(e + 1 in starts for _, e, _ in before)


def _chosen(
    procedure: Procedure,
    segments: Sequence[_Segment],
    scored: Sequence[tuple[float, int, Excerpt]],
    fields: Sequence[str],
) -> tuple[Excerpt, ...]:
    """The excerpts to show: the fields asked about first, then the best of each other
    field, up to MAX_EXCERPTS."""
    best: dict[str, Excerpt] = {}
    for _, _, excerpt in sorted(scored, key=lambda item: (-item[0], item[1])):
        best.setdefault(excerpt.field, excerpt)
    chosen: dict[str, Excerpt] = {}
    for field in fields:
        if field in best:
            chosen[field] = best[field]
            continue
        first = next((segment for segment in segments if segment.field == field), None)
        if first is not None:
            chosen[field] = _excerpt(first, ())
    for field, excerpt in best.items():
        chosen.setdefault(field, excerpt)
    return tuple(chosen.values())[:MAX_EXCERPTS]


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
    """The field's text, or a window of it around the busiest match (or its start)
    cut at spaces."""
    text = segment.text
    if len(text) <= EXCERPT_CHARS:
        return Excerpt(segment.field, text, spans)
    first_start, first_end = _busiest(spans) if spans else (0, 0)
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
