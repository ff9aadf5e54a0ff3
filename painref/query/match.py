"""Forgiving lookup: normalise text, try exact names, then rank names by how
well they cover the query.

A wrong guess is worse than a question. Matching works on whole words, each
allowed a typo or, when it is not a word of any name itself, to be the start
of one, so that "hip joint injection" can never become "SI joint injection":

1. exact: the normalised query is a name (also with its spaces removed); a
   name several entries share (a family name) asks which one;
2. coverage: each query word weighs what it tells apart (inverse document
   frequency over the entries' names); generic words (procedure, injection,
   left, unspecified ...) weigh nothing, so they neither block a match nor
   decide one. An entry covers a query word with a word of one of its names,
   or with its context (for a procedure: its regions, levels and the
   conditions it treats), but context alone never names an entry. Entries
   that cover every distinctive word are ranked by how much of their best
   name the query covers: one clearly ahead resolves (so a generic entry
   beats a specific one for a generic query); several close ones ask;
3. none covers everything: "not found", suggesting the entries that cover
   the most of the query (the same ranking, so never unrelated ones).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, NamedTuple

from painref.catalog.names import NamesInDicts
from painref.core import vocab
from painref.core.text import GENERIC, STOPWORDS, name_keys, normalise

if TYPE_CHECKING:
    from painref.catalog.names import NameStore

# A query word matches a name word at or above this similarity, or as a prefix
# of at least PREFIX_MIN letters.
WORD_ACCEPT = 80.0
PREFIX_MIN = 3
# Suggestions for a query no name shares a word with: words at least this similar.
SUGGEST = 65.0
MAX_SUGGESTIONS = 5
MIN_SUGGEST_QUERY = 3
# An entry resolves when its score is at least this many times the next one's ...
CLEAR_LEAD = 1.25
# ... and, with rivals, the query covers at least this share of its best name.
MIN_SHARE = 0.8
# An entry far ahead of the others that cover the query resolves when its names cover
# at least this share of it (the rest fitting its regions or conditions).
NAMED_ALONE = 0.5
# Below this share of its best name, a query that fits several entries only
# suggests them ("block" is a small part of every block's name).
ASK_MIN_SHARE = 0.3
# A generic word of a name still weighs this much in how much of it a query covers:
# "SI joint" covers "SI joint injection" only in part.
GENERIC_IN_NAME = 2.0
# A condition's own names add up to cover a query when the query covers at least this
# share of each ("mechanical back pain" and "low back pain"; not a long ICD-10-CM title
# that shares one word). A procedure's always do.
OWN_NAMES_SHARE = 0.5
# Words covered by context count this much towards the score (a name counts fully).
CONTEXT_WEIGHT = 0.3
# Query words shorter than this are matched exactly, never as a typo
# (abbreviations); words this long need to be closer than longer ones.
TYPO_MIN = 4
SHORT_WORD_ACCEPT = 88.0
# Suggestions cover at least this share of what the best candidate covers.
SUGGEST_SHARE = 0.5


class Match(NamedTuple):
    """What a query resolved to: one id, several (ask), or none with suggestions."""

    ids: tuple[str, ...]
    exact: bool
    suggestions: tuple[str, ...] = ()


class Matcher:
    """Finds entry ids by every name they answer to."""

    def __init__(
        self,
        names: Mapping[str, Iterable[str]] | NameStore,
        context: Callable[[str], Mapping[str, float]] | None = None,
        spelled_out: Callable[[str], Collection[tuple[str, ...]]] | None = None,
        lay_regions: bool = False,
        parent_of: Callable[[str], str | None] | None = None,
        generic: AbstractSet[str] = GENERIC,
    ) -> None:
        """`context(id)`: normalised words that fit an entry without naming it, each
        with how much it counts (a name counts 1). `spelled_out(word)`: the runs of
        name words an abbreviation stands for ("esi": epidural steroid injection).
        `lay_regions`: the names say "lumbar", not "lower back" or "L4", and an entry's
        own names always add up to cover a query (procedures). `parent_of(id)`: the
        entry this one is a variant of, if any. `generic`: words that tell no entry
        apart."""
        if isinstance(names, Mapping):
            names = NamesInDicts(
                (key, entry_id) for entry_id, entry_names in names.items()
                for key in name_keys(entry_id, entry_names)
            )  # fmt: skip
        self._store = names
        self._context = context
        self._spelled_out = spelled_out
        self._lay_regions = lay_regions
        self._parent_of = parent_of
        self._generic = generic
        self._entries: dict[str, int] | None = None

    def exact(self, key: str) -> tuple[str, ...]:
        """Ids whose normalised name is `key`, or is `key` without its spaces."""
        return tuple(self._store.ids(key) or self._store.ids_compact(key.replace(" ", "")))

    def starting(self, typed: str) -> list[tuple[str, str]]:
        """(name, id) pairs whose normalised name begins with what was typed."""
        return self._store.keys_starting(normalise(typed))

    def match(self, query: str) -> Match:
        key = normalise(query)
        if not key:
            return Match((), exact=False)
        exact = self.exact(key)
        if exact:
            return Match(exact, exact=True)
        ranked = self.rank(key)
        full = [c for c in ranked if c.complete]
        # An entry that covers less of the query but scores close to (or above) the
        # one that covers it all is a rival too: nothing is certain then.
        # One that covers only words the complete one covers too is no rival when one
        # of its names and its context say all of the query: "nerve block" does not
        # outname "genicular nerve block" for "knee nerve block".
        outnamed = full and any(
            c.score * CLEAR_LEAD > full[0].score
            and not (self._lay_regions and _subsumed(c, full[0]))
            for c in ranked
            if not c.complete
        )
        if (
            full
            and not outnamed
            and any(w not in self._generic and w not in STOPWORDS for w in key.split())
        ):
            top = full[0]
            rivals = [c for c in full[1:] if c.score * CLEAR_LEAD > top.score]
            alone = len(full) == 1 and (top.named or top.share >= MIN_SHARE or len(ranked) == 1)
            if not rivals and (alone or top.share >= MIN_SHARE):
                return Match((top.id,), exact=False)
            close = [c for c in full if c.score * CLEAR_LEAD * CLEAR_LEAD > top.score]
            # Far ahead of the rest, none of which the query names with names of its own
            # ("knee denervation": the hip entry has "knee" only from a name it shares).
            others_named = any(c.named and c.own_covers >= c.covers for c in full[1:])
            if len(close) == 1 and top.by_name >= NAMED_ALONE and not others_named:
                return Match((top.id,), exact=False)
            generic = _most_generic(close)
            if generic is not None:
                return Match((generic.id,), exact=False)
            in_family = self._within_family(close)
            if in_family is not None:
                return Match((in_family.id,), exact=False)
            # One covers it all with its own names and regions; the others need a name
            # they share ("RFA knee": knee RFA, not "RFA of hip and knees"), unless the
            # query says a shared name whole ("percutaneous discectomy").
            own_full = [c for c in close if c.own_covers >= c.covers]
            if len(close) > 1 and len(own_full) == 1 and not any(c.says_shared for c in close):
                return Match((own_full[0].id,), exact=False)
            # One entry's names say all of it; the others need context for some.
            by_names = [c for c in close if c.named]
            if len(close) > 1 and len(by_names) == 1 and by_names[0] is top:
                return Match((top.id,), exact=False)
            if len(close) > 1 and top.share >= ASK_MIN_SHARE:
                return Match(tuple(sorted(c.id for c in close)), exact=False)
        if not ranked and len(key) >= MIN_SUGGEST_QUERY:
            ranked = self.rank(key, accept=SUGGEST)  # typos past what a match forgives
        if ranked:
            best = ranked[0].covered
            best_score = max(c.score for c in ranked)
            chosen = [
                c.id
                for c in ranked
                if c.covered >= best * SUGGEST_SHARE or c.score >= best_score * SUGGEST_SHARE
            ]
            return Match((), exact=False, suggestions=tuple(chosen[:MAX_SUGGESTIONS]))
        return Match((), exact=False)

    def is_a_name(self, key: str) -> bool:
        """The normalised query is, word for word, one of the entries' names: exactly,
        or in another order or in everyday words ("back ache" for "back pain"), with
        no generic word that asks for more ("injection for piriformis syndrome")."""
        if self.exact(key):
            return True
        if any(word in self._generic for word in key.split()):
            return False  # "injection for piriformis syndrome" asks for more than the name
        ranked = self.rank(key)
        return bool(ranked) and ranked[0].named and ranked[0].share >= 0.999

    def _within_family(self, close: Sequence[Candidate]) -> Candidate | None:
        """Close candidates that are one general entry and its variants (a cervical
        kind of it): the variant whose names hold a word the general one's do not
        ("cervical"), or else the general one ("rhizotomy")."""
        if len(close) < 2 or self._parent_of is None:
            return None
        roots = {self._parent_of(c.id) or c.id for c in close}
        if len(roots) != 1:
            return None
        root = next((c for c in close if c.id in roots), None)
        if root is None:
            return None
        telling = [c for c in close if c is not root and c.named_words - root.named_words]
        if not telling:
            return root
        return telling[0] if len(telling) == 1 else None

    def rank(self, key: str, accept: float = WORD_ACCEPT) -> list[Candidate]:
        """Entries that cover any of the query's words (each at least `accept`
        similar to a word of a name), best first. An entry covers the words any of
        its names hold; its share is that of the name the query covers most."""
        # A bare number is the end of a level range ("L4-5"): it says nothing alone.
        words = [w for w in key.split() if w not in STOPWORDS and not w.isdigit()]
        words = words or key.split()
        words = _pain_named(words, self._words())
        if self._lay_regions:
            words = _regions_named(words, self._words())
        distinctive = [w for w in words if w not in self._generic] or words
        near = {word: self._near(word, accept) for word in distinctive}
        weight = {word: self._weight(word, near[word]) for word in distinctive}
        total = sum(weight.values())
        spelled = {q: self._spelled_out(q) for q in distinctive} if self._spelled_out else {}
        looked_for = {w for found in near.values() for w in found}
        looked_for.update(w for runs in spelled.values() for run in runs for w in run)
        own: dict[str, set[str]] = {}  # id -> query words its own names hold
        by_family: dict[str, set[str]] = {}  # id -> the most a family name of it holds
        best_name: dict[str, tuple[float, frozenset[str], frozenset[str]]] = {}
        # id -> (share, its words the query leaves out, the query's words it holds)
        says_shared: set[str] = set()  # ids with a shared name the query holds whole
        for name in sorted(self._store.keys_with(looked_for)):  # ties settle the same way
            name_words = name.split()
            # Name words an abbreviation of the query stands for ("cervical ESI").
            spelled_here = {
                q: run for q, runs in spelled.items() for run in runs if _holds(name_words, run)
            }
            also = {w for run in spelled_here.values() for w in run}
            named = {q for q in distinctive if q in spelled_here or near[q] & set(name_words)}
            share = self._share(name_words, words, near, also)
            left = frozenset(
                w
                for w in name_words
                if w not in STOPWORDS
                and w not in also
                and not any(w in near.get(q, ()) or w == q for q in words)
            )
            entry_ids = self._store.ids(name)
            for entry_id in entry_ids:
                if len(entry_ids) == 1 and (self._lay_regions or share >= OWN_NAMES_SHARE):
                    # A procedure's own names add up ("lumbar" from one, "RFA" from another) ...
                    own.setdefault(entry_id, set()).update(named)
                else:  # ... a family name, or a condition's name, counts on its own
                    family = by_family.setdefault(entry_id, set())
                    if _heft(named, weight) > _heft(family, weight):
                        by_family[entry_id] = set(named)
                if len(entry_ids) > 1 and share > 0.999 and named >= set(distinctive):
                    says_shared.add(entry_id)
                if entry_id not in best_name or (share, len(named)) > (
                    best_name[entry_id][0],
                    len(best_name[entry_id][2]),
                ):  # the name covered most, and of those the one holding most of the query
                    best_name[entry_id] = (share, left, frozenset(named))
        covered_by = {
            entry_id: own.get(entry_id, set()) | by_family.get(entry_id, set())
            if self._lay_regions  # a procedure's family name adds to its own names
            else max(
                own.get(entry_id, set()),
                by_family.get(entry_id, set()),
                key=lambda named: _heft(named, weight),
            )
            for entry_id in {*own, *by_family}
        }
        ranked = []
        for entry_id, named in covered_by.items():
            share, left, best_named = best_name[entry_id]
            named_weight = sum(weight[q] for q in named)
            rest = [q for q in distinctive if q not in named]
            # Without the names it shares with others: "knee" in "RFA of hip and knees"
            # says less of the hip entry than the knee entry's own names and regions do.
            own_named = own.get(entry_id, set()) if self._lay_regions else named
            unshared = [q for q in distinctive if q not in own_named]  # holds all of `rest`
            fitting = self._context(entry_id) if unshared and self._context else {}
            fits = {q: _fits(q, fitting) for q in unshared}
            context_weight = sum(weight[q] for q in rest if fits[q])
            credited_weight = sum(weight[q] * fits[q] for q in rest)
            covered = (named_weight + context_weight) / total if total else 0.0
            credited = (named_weight + CONTEXT_WEIGHT * credited_weight) / total if total else 0.0
            complete = covered > 0.999 and named_weight > 0
            by_names = named_weight >= total * 0.999
            by_name_part = named_weight / total if total else 0.0
            covers = frozenset(named) | {q for q in rest if fits[q]}
            own_covers = frozenset(own_named) | {q for q in unshared if fits[q]}
            ranked.append(
                Candidate(
                    entry_id,
                    covered,
                    share * credited,
                    share,
                    complete,
                    by_names,
                    left,
                    by_name_part,
                    frozenset(named | own.get(entry_id, set()) | by_family.get(entry_id, set())),
                    covers,
                    own_covers,
                    entry_id in says_shared,
                    best_named,
                )
            )
        ranked.sort(key=lambda c: (-c.complete, -c.score, -c.covered, c.id))
        return ranked

    def _share(
        self,
        name_words: list[str],
        words: list[str],
        near: Mapping[str, set[str]],
        also: AbstractSet[str] = frozenset(),
    ) -> float:
        """How much of a name the query covers, by weight; generic words count a little.
        `also`: name words the query holds another way (spelled out from an abbreviation)."""
        have = total = 0.0
        for word in name_words:
            if word in STOPWORDS:
                continue
            heft = GENERIC_IN_NAME if word in self._generic else self._idf(word)
            total += heft
            if word in also or any(word in near.get(q, ()) or word == q for q in words):
                have += heft
        return have / total if total else 1.0

    def _entry_counts(self) -> dict[str, int]:
        if self._entries is None:
            self._entries = self._store.word_entries()
        return self._entries

    def _idf(self, word: str) -> float:
        counts = self._entry_counts()
        entries = max(self._store.total(), 1)
        return math.log((entries + 1) / (counts.get(word, 0) + 0.5))

    def _weight(self, query_word: str, near: set[str]) -> float:
        """What a query word tells apart: its rarest reading, or, for a word no
        name has, as much as the rarest word (it must be covered some other way)."""
        if not near:
            return self._idf("")
        return max(self._idf(word) for word in near)

    def _words(self) -> dict[str, int]:
        return self._entry_counts()

    def _near(self, query_word: str, accept: float = WORD_ACCEPT) -> set[str]:
        """Words of names that the query word is, is a form of, misspells or begins.
        A word of some name means itself and its other forms only: "disc" is no
        prefix of "discography", but "discogram" is a form of it."""
        vocabulary = self._words()
        forms = _forms_in(query_word, vocabulary)
        if query_word in vocabulary:
            return {query_word, *forms}
        if len(query_word) < TYPO_MIN:
            near = set()
        else:
            from rapidfuzz import fuzz, process  # only when the exact lookup failed

            near = {
            word
            for word, _, _ in process.extract(
                query_word, list(vocabulary), scorer=fuzz.ratio, limit=None,
                score_cutoff=accept if len(query_word) > TYPO_MIN else SHORT_WORD_ACCEPT,
            )
            if word[0] == query_word[0]  # a slip of the hand, not another word's ending
            }  # fmt: skip
            # Two letters swapped ("pian"): one slip, however short the word.
            near.update(word for word in _swapped(query_word) if word in vocabulary)
        if len(query_word) == TYPO_MIN - 1 and set(query_word) & set("aeiou"):
            # One letter left out of a short word ("rot" for "root"): one slip too. A
            # word with no vowel is an abbreviation ("DRG"), not a slip.
            near.update(
                word
                for word in vocabulary
                if len(word) == TYPO_MIN
                and word[0] == query_word[0]
                and any(word[:i] + word[i + 1 :] == query_word for i in range(1, TYPO_MIN))
            )
        if query_word.endswith("s") and query_word[:-1] in vocabulary:
            near.add(query_word[:-1])  # a plural normalising keeps: ESIs, TPIs
        if len(query_word) >= PREFIX_MIN:
            near.update(word for word in vocabulary if word.startswith(query_word))
        return near | forms


class Candidate(NamedTuple):
    """One entry's standing for a query."""

    id: str
    covered: float  # share of the query's distinctive weight the entry covers
    score: float  # what it covers (context counting less) x `share`
    share: float  # the share of its best name the query covers
    complete: bool  # covers every distinctive word, at least one with a name
    named: bool  # covers every distinctive word with a name, without context
    left: frozenset[str] = frozenset()  # the words of its best name the query does not hold
    by_name: float = 0.0  # the share of the query's distinctive weight its names cover
    named_words: frozenset[str] = frozenset()  # the query's words any of its names hold
    covers: frozenset[str] = frozenset()  # the distinctive words it covers, by name or context
    own_covers: frozenset[str] = frozenset()  # ... without the names it shares with others
    says_shared: bool = False  # the query is, word for word, a name it shares with others
    best_named: frozenset[str] = frozenset()  # the query's words its best name holds


_LEVEL = re.compile(r"([ctls])([1-9]|1[0-2])")
_LEVEL_REGIONS = {"c": "cervical", "t": "thoracic", "l": "lumbar", "s": "sacral"}


# Endings that make another form of the same word, longest first.
_ENDINGS = (
    *("ography", "ogram", "ation", "ator", "osis", "otic", "ade", "ion", "ed", "ar", "us"),
    *("ica", "ic", "y"),  # sciatica, sciatic; fluoroscopic, fluoroscopy; neuropathic, neuropathy
    *("able", "ate"),  # implantable, implant; geniculate, genicular
)
# Forms match when what is left is at least this long (both with an ending), or
# FORM_BARE_MIN long when one of them is the bare word ("blockade", "block").
FORM_MIN = 4
FORM_BARE_MIN = 5


def _form_root(word: str) -> tuple[str, bool]:
    """The word without one ending that makes another form of it, and whether it had one."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= FORM_MIN:
            return word[: -len(ending)], True
    return word, False


def _forms_in(word: str, vocabulary: Iterable[str]) -> set[str]:
    """The vocabulary's other forms of a word: "discogram" and "discography",
    "osteoporotic" and "osteoporosis", "implantation" and "implant"."""
    root, ended = _form_root(word)
    if len(root) < FORM_MIN or (not ended and len(root) < FORM_BARE_MIN):
        return set()
    forms = set()
    for other in vocabulary:
        if other != word and other.startswith(root):
            other_root, other_ended = _form_root(other)
            bare = not (ended and other_ended)
            if other_root == root and (not bare or len(root) >= FORM_BARE_MIN):
                forms.add(other)
    return forms


def _swapped(word: str) -> list[str]:
    """The word with each pair of neighbouring letters swapped."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]


def _subsumed(rival: Candidate, complete: Candidate) -> bool:
    """The rival covers nothing the complete candidate does not, and the complete
    one covers the whole query with one name and its context."""
    one_name = complete.best_named | (complete.covers - complete.named_words)
    return rival.covers <= complete.covers and complete.covers <= one_name


def _heft(words: Collection[str], weight: Mapping[str, float]) -> float:
    return sum(weight[word] for word in words)


def _holds(words: Sequence[str], run: Sequence[str]) -> bool:
    """The words hold the run, side by side."""
    width = len(run)
    return any(tuple(words[i : i + width]) == tuple(run) for i in range(len(words) - width + 1))


def spelled_out_in(abbreviation: str, name_words: Sequence[str]) -> list[tuple[str, ...]]:
    """The runs of a name's words an abbreviation stands for: each word gives its first
    letter and maybe more of its letters, in order ("rfa": radiofrequency ablation,
    "tfesi": transforaminal epidural steroid injection, "rf": radiofrequency)."""
    found: list[tuple[str, ...]] = []
    for start in range(len(name_words)):
        # One word too, when it is much longer than the abbreviation ("rf": radiofrequency).
        shortest = 1 if len(name_words[start]) >= len(abbreviation) + 4 else 2
        for end in range(start + shortest, len(name_words) + 1):
            run = tuple(name_words[start:end])
            # Spelled out means in words, not in other abbreviations ("sij injection").
            if all(len(word) > 3 for word in run) and _abbreviates(abbreviation, run):
                found.append(run)
    # A short one that spells one word stands for it ("si": sacroiliac, not "sacroiliac
    # injection"); otherwise the reading with the most words wins ("esi": epidural
    # steroid injection, not "epidural steroid" with the i taken from "steroid").
    single: list[tuple[str, ...]] = [run for run in found if len(run) == 1]
    if single:
        return single
    longest = max((len(run) for run in found), default=0)
    return [run for run in found if len(run) == longest]


COMPOUND_MIN = 10  # a word this long may give an abbreviation more than its first letter
COMPOUND_END_MIN = 6  # a word this long fits a context word it ends ("steroid": corticosteroid)


def _abbreviates(letters: str, words: Sequence[str]) -> bool:
    if not words:
        return not letters
    if not letters or letters[0] != words[0][0]:
        return False
    word, rest = words[0], letters[1:]
    # This word gives its first letter; a long, compound word ("radio-frequency",
    # "sacro-iliac", "trans-foraminal") may give more of its letters, in order.
    most = len(rest) if len(word) >= COMPOUND_MIN else 0
    for taken in range(most + 1):
        if _in_order(rest[:taken], word[1:]) and _abbreviates(rest[taken:], words[1:]):
            return True
    return False


def _in_order(letters: str, word: str) -> bool:
    position = 0
    for letter in letters:
        position = word.find(letter, position) + 1
        if position == 0:
            return False
    return True


def _most_generic(candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate whose best name leaves out of the query only words every other's
    best name leaves out too, and fewer: the generic entry for a generic query
    ("epidural": Epidural steroid injection, not Cervical epidural steroid injection)."""
    if len(candidates) < 2:
        return None
    for candidate in candidates:
        if candidate.named and all(
            candidate.left < other.left for other in candidates if other is not candidate
        ):
            return candidate
    return None


def _fits(query_word: str, context: Mapping[str, float]) -> float:
    """How much a query word fits an entry's context (0: not at all): as one of its
    words or another form of one, or as a spinal level (T12, L4 ...) in one of its
    regions."""
    if query_word in context:
        return context[query_word]
    forms = _forms_in(query_word, context)  # "osteoporotic" fits "osteoporosis"
    if len(query_word) >= COMPOUND_END_MIN:  # "steroid" fits "corticosteroid"
        forms |= {word for word in context if word.endswith(query_word)}
    if forms:
        return max(context[form] for form in forms)
    level = _LEVEL.fullmatch(query_word)
    return context.get(_LEVEL_REGIONS[level.group(1)], 0.0) if level is not None else 0.0


# Lay words for the spine's regions (vocab.SYNONYMS), as a procedure's name would say
# them: "lower back" is lumbar. Synonyms that already say the region ("lumbar spine")
# are left as they are.
_REGION_PHRASES = {
    tuple(synonym.split()): region
    for region in _LEVEL_REGIONS.values()
    for synonym in vocab.SYNONYMS.get(region, ())
    if region not in synonym.split()
}


# Everyday words for pain, as a name says it.
_PAIN_WORDS = frozenset({"ache", "aching", "achy", "sore", "soreness", "painful"})


def _pain_named(words: list[str], vocabulary: Collection[str]) -> list[str]:
    """The query's words with everyday words for pain put as names say it: "sore
    knee" is "knee pain", "backache" is "back pain" (unless a name uses the word)."""
    if "pain" not in vocabulary:
        return words
    out: list[str] = []
    for word in words:
        if word in vocabulary:
            out.append(word)
        elif word in _PAIN_WORDS:
            out.append("pain")
        elif word.endswith("ache") and len(word) > 6:
            out += [word[: -len("ache")], "pain"]
        else:
            out.append(word)
    return list(dict.fromkeys(out))


def _regions_named(words: list[str], vocabulary: Collection[str]) -> list[str]:
    """The query's words with lay words for a spinal region, and spinal levels, put
    as a name says them ("lower back facet injection", "L4-5 facet injection" ->
    "lumbar facet injection"), unless a name uses the lay word itself."""
    out: list[str] = []
    index = 0
    while index < len(words):
        for phrase, region in _REGION_PHRASES.items():
            if tuple(words[index : index + len(phrase)]) == phrase and (
                len(phrase) > 1 or phrase[0] not in vocabulary
            ):
                out.append(region)
                index += len(phrase)
                break
        else:
            level = _LEVEL.fullmatch(words[index])
            # A spinal level is its region as a name says it ("L4-5 facet injection"); a
            # range is the region it starts in ("L5-S1" is lumbar, "C7-T1" cervical).
            out.append(_LEVEL_REGIONS[level.group(1)] if level else words[index])
            index += 1
            if level and index < len(words) and _LEVEL.fullmatch(words[index]):
                index += 1
    return list(dict.fromkeys(out))
