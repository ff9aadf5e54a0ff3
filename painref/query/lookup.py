"""Queries on the catalog: the procedure or condition a query names, completion,
the conditions and sources indexes, and `find`.

Nothing here prints; every failure a user can cause is a PainrefError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from painref.catalog.records import Catalog
from painref.core import vocab
from painref.core.errors import Ambiguous, Candidate, NotFound, PainrefError, UsageProblem
from painref.core.model import Condition, Procedure
from painref.core.text import GENERIC, STOPWORDS, normalise
from painref.query.match import Matcher
from painref.query.results import ConditionUse, Entry, Filters, Found, SourceUse

# The longest word read as an abbreviation of a procedure's name ...
MAX_ABBREVIATION = 6
# Every procedure here treats pain: the word tells none of them apart ("vertebroplasty
# for painful fractures"). For conditions it does ("knee pain", not knee arthritis).
PROCEDURE_GENERIC = GENERIC | {"pain", "medicine"}
# ... and of a word in one ("rf" in "RF ablation of facet joints").
MAX_WORD_ABBREVIATION = 3
# The longest name in the catalog is under 80 characters; matching work grows
# with the query, so anything much longer is refused, not searched.
MAX_QUERY_CHARS = 200
# A query shorter than this (normalised) is never taken for a condition in `show`.
MIN_ROUTED_QUERY = 3


if TYPE_CHECKING:  # types only: defining them costs start-up time
    from typing import Protocol

    class _Named(Protocol):
        """What lookup needs of a record: procedures and conditions both qualify."""

        @property
        def id(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def aliases(self) -> tuple[str, ...]: ...


class Lookup:
    """Queries on a catalog: lookup by name, conditions, sources, find."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.sources = catalog.sources
        self.conditions = catalog.conditions
        self.procedures = catalog.procedures
        self._matchers: dict[str, Matcher] = {}
        self._regions_treated: dict[str, dict[str, float]] | None = None

    # Lookup -----------------------------------------------------------------

    def procedure(self, query: str) -> Procedure:
        """The procedure a query names; a condition typed instead says so and points
        to the procedures that treat it. A condition's own name ("back pain", "back
        ache") is that condition, even where it is also part of a procedure's name."""
        _within_limit(query, "procedure")
        key = normalise(query)
        procedure_named = bool(key) and bool(self._matcher("procedure").exact(key))
        if key and not procedure_named and self._matcher("condition").is_a_name(key):
            self._not_a_procedure(query, NotFound(""))
        try:
            found = self.procedures[self._resolve(query, self.procedures, "procedure")]
        except NotFound as missing:
            self._not_a_procedure(query, missing)
            raise
        if not procedure_named:
            self._not_one_medicines_user(query, key, found)
        return found

    def _not_one_medicines_user(self, query: str, key: str, found: Procedure) -> None:
        """Asks instead when the query is just a medicine the procedure found uses and
        others use too: "dextrose injections" may be prolotherapy or hydrodissection."""
        words = _distinctive(key)
        if not words or words not in {_distinctive(normalise(m)) for m in found.medications}:
            return  # only then read every procedure's medicines
        users = [
            procedure
            for procedure in self.procedures.values()
            if any(_distinctive(normalise(m)) == words for m in procedure.medications)
        ]
        if len(users) > 1:
            raise _ambiguous(_quote(query), sorted(users, key=lambda p: p.id), "procedure")

    def _not_a_procedure(self, query: str, missing: NotFound) -> None:
        """Raises the pointer to `find --condition` when the query names a condition."""
        condition = self._condition_named(query)
        if condition is None:
            return
        import shlex

        term = query.strip()
        raise NotFound(
            f"{_quote(query)} is a condition ({condition}), not a procedure; for the "
            f"procedures that treat it, run: painref find --condition {shlex.quote(term)}",
            missing.candidates,
        )

    def _condition_by_code(self, query: str) -> Condition:
        """The condition an ICD-10-CM code sits at or below."""
        from painref.catalog import icd10cm

        found = icd10cm.find(query)
        ids = [c for c in found.conditions if c in self.conditions] if found else []
        if len(ids) == 1:
            return self.conditions[ids[0]]
        if ids and found is not None:
            raise _ambiguous(
                f"ICD-10-CM {found.code} ({found.title})",
                [self.conditions[c] for c in ids],
                "condition",
            )
        code = icd10cm.dotted(query)
        title = icd10cm.title_of(code)
        if title is None:
            raise NotFound(
                f"{_quote(query)} is not an ICD-10-CM code; run 'painref conditions' to see "
                "what is covered"
            )
        raise NotFound(
            f"ICD-10-CM {code} ({title}) is not at or below any condition in the catalog; "
            "run 'painref conditions' to see what is covered"
        )

    def _condition_named(self, query: str) -> str | None:
        """The condition (or conditions) a query names, in words, if it names any."""
        if len(normalise(query)) < MIN_ROUTED_QUERY:
            return None  # a letter or two names nothing
        try:
            return self.condition(query).name
        except Ambiguous as several:
            return " or ".join(c.name for c in several.candidates[:3])
        except PainrefError:
            return None

    def condition(self, query: str) -> Condition:
        """The condition a query names. A part of several conditions' names that is
        no condition's own name ("knee", "headaches") asks, as `conditions` lists them."""
        _within_limit(query, "condition")
        from painref.catalog import icd10cm

        if icd10cm.looks_like_code(query):
            return self._condition_by_code(query)
        words = normalise(query).split()
        if words and not self._matcher("condition").exact(" ".join(words)):
            about = self._conditions_with_words(words, self.conditions.values())
            if len(about) > 1:
                raise _ambiguous(_quote(query), about, "condition")
        return self.conditions[self._resolve(query, self.conditions, "condition")]

    def completions(self, kind: str, typed: str) -> list[tuple[str, str]]:
        """Words for shell completion: (value, description) pairs whose value
        begins with exactly what was typed. A value is an id, or, once
        something is typed, a name or alias in lower case with hyphens for
        spaces, which lookup takes just the same (``cervical-rfa``). Ids come first."""
        records: Mapping[str, _Named] = self.procedures if kind == "procedure" else self.conditions
        named: dict[str, list[str]] = {}
        if not typed:
            named = {entry_id: [entry_id] for entry_id in records}
        else:
            for key, entry_id in self._matcher(kind).starting(typed):
                value = key.replace(" ", "-")
                if value.startswith(typed) and entry_id not in named.setdefault(value, []):
                    named[value].append(entry_id)
        # Ids first, then the other names, each alphabetically ("sciatica", "sciatic-pain").
        ordered = sorted(named.items(), key=lambda item: (item[0] not in records, item[0]))
        return [(value, _described(ids, records, kind)) for value, ids in ordered]

    def _resolve(self, query: str, records: Mapping[str, _Named], kind: str) -> str:
        """The id `query` names, or a NotFound / Ambiguous error listing candidates."""
        return _resolve(self._matcher(kind), query, records, kind)

    def _matcher(self, kind: str) -> Matcher:
        if kind not in self._matchers:
            if kind == "procedure":
                self._matchers[kind] = Matcher(
                    self.catalog.name_store(kind),
                    self._procedure_context,
                    self._spelled_out,
                    lay_regions=True,
                    parent_of=self._parent_of,
                    generic=PROCEDURE_GENERIC,
                )
            else:
                self._matchers[kind] = Matcher(
                    self.catalog.name_store(kind), self._condition_context
                )
        return self._matchers[kind]

    def _parent_of(self, procedure_id: str) -> str | None:
        """The procedure this one is a variant of ("cervical RFA" of "facet RFA")."""
        procedure = self.procedures.get(procedure_id)
        links = procedure.related if procedure else ()
        return next((link.id for link in links if link.relation == "variant-of"), None)

    def _spelled_out(self, word: str) -> list[tuple[str, ...]]:
        """What a short word that names procedures, or is part of their names, stands for
        in their own names ("esi": epidural steroid injection; "rf": radiofrequency), so
        that it names others holding those words ("cervical ESI", "genicular RF")."""
        from painref.query.match import spelled_out_in

        if not 2 <= len(word) <= MAX_ABBREVIATION or not word.isalpha():
            return []
        store = self.catalog.name_store("procedure")
        # The procedures it names, or else those with a name that holds it ("RF ablation
        # of facet joints" tells what "rf" stands for).
        named = store.ids(word)
        if not named and len(word) <= MAX_WORD_ABBREVIATION:
            named = sorted({i for key in store.keys_with({word}) for i in store.ids(key)})
        runs: list[tuple[str, ...]] = []
        for procedure_id in named:
            procedure = self.procedures.get(procedure_id)
            names = [procedure.name, *procedure.aliases] if procedure else []
            # Its own names only: a family name ("spinal injection") says nothing of one.
            names += [n.name for n in self.catalog.lookup_names_of(procedure_id) if len(n.ids) == 1]
            for name in names:
                for run in spelled_out_in(word, normalise(name).split()):
                    if run not in runs:
                        runs.append(run)
        if not named and len(word) <= MAX_WORD_ABBREVIATION:
            # A word no name holds (else `named` would have its holders): a run of name
            # words, one word a letter, it stands for wherever one is written ("DRG":
            # dorsal root ganglion; "IA": intra-articular).
            every_name = store.keys()  # a name store, not a dict
            for key in every_name:
                name_words = key.split()
                runs += [
                    run
                    for run in spelled_out_in(word, name_words)
                    if len(run) == len(word) and run not in runs
                ]
        single: list[tuple[str, ...]] = [run for run in runs if len(run) == 1]
        return single or runs  # "si" is sacroiliac wherever one name spells it so

    def _condition_context(self, condition_id: str) -> dict[str, float]:
        """Words that fit a condition without naming it: the body regions of the
        procedures that treat it ("slipped disc in my neck", "L4-L5 disc herniation")."""
        if self._regions_treated is None:
            self._regions_treated = {}
            for procedure in self.procedures.values():
                words = _region_words(procedure.regions)
                for treated in procedure.conditions:
                    self._regions_treated.setdefault(treated, {}).update(words)
        return self._regions_treated.get(condition_id, {})

    def _procedure_context(self, procedure_id: str) -> dict[str, float]:
        """Words that fit a procedure without naming it: its regions, kind, medicines,
        imaging and purpose, and the conditions it treats ("lumbar kyphoplasty", "ESI
        for sciatica", "ziconotide pump"). Not the rest of its card: cards name other
        procedures ("unlike open discectomy")."""
        procedure = self.procedures[procedure_id]
        texts = [vocab.CATEGORIES[procedure.category], *procedure.medications]
        for value in (*procedure.guidance, *procedure.purpose):
            label = {**vocab.GUIDANCE, **vocab.PURPOSES}.get(value, value)
            texts += [value, label, *vocab.SYNONYMS.get(value, ())]
        for condition_id in procedure.conditions:
            condition = self.conditions[condition_id]
            texts += [condition.name, *condition.aliases]
        fitting = _region_words(procedure.regions)
        fitting.update({word: 1.0 for text in texts for word in normalise(text).split()})
        return fitting

    def entry(self, procedure: Procedure, card: bool = False, patient: bool = False) -> Entry:
        """The procedure with what it refers to looked up; `card`: with the aliases
        a card shows; `patient`: with the questions the patient handout asks."""
        aliases = self.shown_aliases(procedure) if card else ()
        return entry_of(self.catalog, procedure, aliases, patient=patient)

    def shown_aliases(self, procedure: Procedure) -> tuple[str, ...]:
        """The aliases a card shows as "also called": each once, none that only
        repeats the name, and none another procedure answers to too (a family name
        such as "RFA" finds the family; it is no name of this one alone)."""
        store = self.catalog.name_store("procedure")
        shown: list[str] = []
        keys = {normalise(procedure.name)}
        for alias in procedure.aliases:
            key = normalise(alias)
            if key not in keys and set(store.ids(key)) <= {procedure.id}:
                shown.append(alias)
            keys.add(key)
        return tuple(shown)

    def source_uses(
        self, procedure: Procedure | None = None, kinds: Sequence[str] = ()
    ) -> list[SourceUse]:
        """Every source (or those of one procedure, or of some kinds) with what cites
        it: source documents first by file name, then public pages by title; citers by id."""
        wanted_kinds = {_vocab_term(term, vocab.SOURCE_KINDS, "source kind") for term in kinds}
        # A notice's sources are cited with every procedure: a warning on every card,
        # a question on every patient handout.
        notice_sources = {s for notice in self.catalog.notices.values() for s in notice.sources}
        wanted = set(procedure.source_ids()) | notice_sources if procedure else set(self.sources)
        # One pass over the citers, not one per source.
        procedures_of: dict[str, list[Procedure]] = {source_id: [] for source_id in wanted}
        for citer in sorted(self.procedures.values(), key=lambda p: p.id):
            for source_id in dict.fromkeys((*citer.source_ids(), *notice_sources)):
                if source_id in procedures_of:
                    procedures_of[source_id].append(citer)
        conditions_of: dict[str, list[Condition]] = {source_id: [] for source_id in wanted}
        for condition in sorted(self.conditions.values(), key=lambda c: c.id):
            for source_id in dict.fromkeys(condition.sources):
                if source_id in conditions_of:
                    conditions_of[source_id].append(condition)
        # A lookup name's sources are cited by the entries it names.
        for name in self.catalog.names:
            records: Mapping[str, _Named] = (
                self.procedures if name.kind == "procedure" else self.conditions
            )
            citers: dict[str, list[Any]] = (
                procedures_of if name.kind == "procedure" else conditions_of
            )
            for source_id in name.sources:
                for entry_id in name.ids:
                    if source_id in citers and entry_id in records:
                        record = records[entry_id]
                        if record not in citers[source_id]:
                            citers[source_id].append(record)
                            citers[source_id].sort(key=lambda r: r.id)
        uses = [
            SourceUse(
                self.sources[source_id],
                tuple(procedures_of[source_id]),
                tuple(conditions_of[source_id]),
            )
            for source_id in self.sources
            if source_id in wanted
            and (not wanted_kinds or self.sources[source_id].kind in wanted_kinds)
        ]
        return sorted(
            uses,
            key=lambda u: (u.source.file is None, u.source.file or "", u.source.title.casefold()),
        )

    def condition_uses(self, term: str | None = None) -> list[ConditionUse]:
        """Conditions by name, each with the procedures that treat it (by name).

        With a term: the conditions whose name or an alias has a word starting
        with each of its words ("back", "disc bulge"); failing that, the one
        condition the term names despite a typo, or NotFound listing suggestions.
        """
        chosen = sorted(self.conditions.values(), key=lambda c: c.name.casefold())
        if term is not None:
            chosen = self._conditions_about(term, chosen)
        treating: dict[str, list[Procedure]] = {c.id: [] for c in chosen}
        for procedure in sorted(self.procedures.values(), key=lambda p: p.name.casefold()):
            for condition_id in procedure.conditions:
                if condition_id in treating:
                    treating[condition_id].append(procedure)
        from painref.catalog.icd10cm import codes_of

        return [
            ConditionUse(
                c,
                tuple(treating[c.id]),
                codes_of(c.id),
                tuple(self.sources[i] for i in dict.fromkeys(c.sources)),
            )
            for c in chosen
        ]

    def _conditions_about(self, term: str, conditions: list[Condition]) -> list[Condition]:
        _within_limit(term, "condition")
        words = normalise(term).split()
        if not words:
            raise UsageProblem("give a condition to look up, for example 'sciatica'")
        return self._conditions_with_words(words, conditions) or [self.condition(term)]

    @staticmethod
    def _conditions_with_words(
        words: list[str], conditions: Iterable[Condition]
    ) -> list[Condition]:
        """Conditions with a name or alias that has each of `words` as a whole word
        ("face pain" is not facet joint pain); failing any, as the start of a word
        ("sciat")."""
        listed = [
            (condition, [normalise(n).split() for n in (condition.name, *condition.aliases)])
            for condition in sorted(conditions, key=lambda c: c.name.casefold())
        ]
        for whole in (True, False):
            about = [
                condition
                for condition, names in listed
                if any(
                    all(any(w == q if whole else w.startswith(q) for w in name) for q in words)
                    for name in names
                )
            ]
            if about:
                return about
        return []

    def by_category(self) -> dict[str, list[Procedure]]:
        groups: dict[str, list[Procedure]] = {category: [] for category in vocab.CATEGORIES}
        for procedure in sorted(self.procedures.values(), key=lambda p: p.name.casefold()):
            groups[procedure.category].append(procedure)
        return {category: items for category, items in groups.items() if items}

    # Find -------------------------------------------------------------------

    def find(self, filters: Filters, untimed: list[Procedure] | None = None) -> list[Found]:
        """The procedures that pass every filter; `untimed`, if given, gets those that
        pass every other filter but have no procedure time for --max-minutes to judge."""
        wanted_conditions = {self.condition(term).id for term in filters.conditions}
        regions = {_vocab_term(term, vocab.REGIONS, "region") for term in filters.regions}
        guidance = {_vocab_term(term, vocab.GUIDANCE, "guidance") for term in filters.guidance}
        categories = {
            _vocab_term(term, vocab.CATEGORIES, "category") for term in filters.categories
        }
        purposes = {_vocab_term(term, vocab.PURPOSES, "purpose") for term in filters.purposes}
        medications = [self._medication_term(term) for term in filters.medications]
        settings = {_vocab_term(term, vocab.SETTINGS, "setting") for term in filters.settings}
        tiers = {
            _vocab_term(term, vocab.BLEEDING_TIERS, "bleeding-risk tier")
            for term in filters.bleeding_risks
        }
        if filters.max_minutes is not None and filters.max_minutes < 0:
            raise UsageProblem("--max-minutes must be zero or more")

        found = []
        for procedure in sorted(self.procedures.values(), key=lambda p: p.name.casefold()):
            matched = tuple(c for c in procedure.conditions if c in wanted_conditions)
            if wanted_conditions and not matched:
                continue
            if regions and not regions.intersection(procedure.regions):
                continue
            if guidance and not guidance.intersection(procedure.guidance):
                continue
            if categories and procedure.category not in categories:
                continue
            if purposes and not purposes.intersection(procedure.purpose):
                continue
            if medications and not any(
                term in normalise(med) for term in medications for med in procedure.medications
            ):
                continue
            if settings and not settings.intersection(procedure.settings):
                continue
            risk = procedure.bleeding_risk
            if tiers and (risk is None or risk.tier not in tiers):
                continue
            if filters.max_minutes is not None:
                minutes = procedure_minutes(procedure)
                if minutes is None and untimed is not None:
                    untimed.append(procedure)
                if minutes is None or minutes > filters.max_minutes:
                    continue
            shown = matched if wanted_conditions else procedure.conditions
            found.append(Found(procedure, tuple(self.conditions[c] for c in shown)))
        return found

    def _medication_term(self, term: str) -> str:
        _within_limit(term, "medication")
        key = normalise(term)
        if not key:
            raise UsageProblem("--medication needs a word to look for")
        known = sorted({med for p in self.procedures.values() for med in p.medications})
        if any(key in normalise(med) for med in known):
            return key
        match = Matcher({med: () for med in known}).match(term)
        options = match.ids or match.suggestions
        raise NotFound(
            f"no procedure in the catalog uses {_quote(term)}"
            + (f"; did you mean: {', '.join(options)}?" if options else ""),
            tuple(Candidate(option, option) for option in options),
        )


def procedure_minutes(procedure: Procedure) -> int | None:
    """The most a procedure takes on the table (for one level or vertebra where the
    time is given per level), as --max-minutes reads it: None when only a needle
    time or nothing is recorded."""
    duration = procedure.duration
    if duration is None or duration.measures != "procedure":
        return None
    return duration.max_minutes


def entry_of(
    catalog: Catalog,
    procedure: Procedure,
    shown_aliases: tuple[str, ...] = (),
    sources: bool = True,
    patient: bool = False,
) -> Entry:
    """A procedure with the records it refers to looked up in the catalog (`sources`:
    its sources too, which only a card, a handout and JSON show), and the catalog's
    warnings (with `patient`, its questions too), whose sources come after its own."""
    notices = catalog.notices_of("warning")
    questions = catalog.notices_of("question") if patient else ()
    cited = catalog.sources_of(procedure) if sources else ()
    if sources and (notices or questions):
        own = {source.id for source in cited}
        extra = dict.fromkeys(s for n in (*notices, *questions) for s in n.sources if s not in own)
        cited = (*cited, *(catalog.sources[source_id] for source_id in extra))
    return Entry(
        procedure,
        catalog.conditions_of(procedure),
        {link.id: catalog.procedures[link.id].name for link in procedure.related},
        cited,
        shown_aliases,
        notices,
        questions,
    )


def _distinctive(key: str) -> frozenset[str]:
    """The words of a normalised text that tell procedures apart: no stop words,
    generic words or numbers ("5% dextrose" and "dextrose injections": dextrose)."""
    return frozenset(
        word
        for word in key.split()
        if word not in STOPWORDS and word not in PROCEDURE_GENERIC and not word.isdigit()
    )


def _region_words(regions: Sequence[str]) -> dict[str, float]:
    """The words for body regions: their ids, labels and everyday synonyms."""
    texts = []
    for region in regions:
        texts += [region, vocab.REGIONS.get(region, region), *vocab.SYNONYMS.get(region, ())]
    return {word: 1.0 for text in texts for word in normalise(text).split()}


def _described(ids: Sequence[str], records: Mapping[str, _Named], kind: str) -> str:
    """A completion's description: one line, short enough never to wrap."""
    return records[ids[0]].name if len(ids) == 1 else f"could mean {len(ids)} {kind}s"


def _quote(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


def _within_limit(query: str, what: str) -> None:
    """Refuse a query too long to be a name, before any matching work."""
    if len(query) > MAX_QUERY_CHARS:
        raise UsageProblem(
            f"the {what} to look up is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )


def _resolve(matcher: Matcher, query: str, records: Mapping[str, _Named], kind: str) -> str:
    _within_limit(query, kind)
    key = normalise(query)
    if not key:
        raise UsageProblem(
            f"give a {kind} name to look up, for example 'kyphoplasty'"
            if kind == "procedure"
            else f"give a {kind} to look up"
        )
    match = matcher.match(query)
    if len(match.ids) == 1:
        return match.ids[0]
    if match.ids:
        raise _ambiguous(_quote(query), [records[i] for i in match.ids], kind)
    candidates = tuple(Candidate(i, records[i].name) for i in match.suggestions)
    hint = (
        f"; did you mean: {', '.join(c.id for c in candidates)}?"
        if candidates
        else f"; run 'painref {'list' if kind == 'procedure' else 'conditions'}' "
        f"to see what is covered"
    )
    raise NotFound(f"no {kind} matches {_quote(query)}{hint}", candidates)


def _ambiguous(what: str, records: Sequence[_Named], kind: str) -> Ambiguous:
    """The error for a query (`what`, as shown) that could mean any of `records`."""
    candidates = tuple(Candidate(record.id, record.name) for record in records)
    listing = "; ".join(f"{c.id} ({c.name})" for c in candidates)
    return Ambiguous(f"{what} could mean more than one {kind}: {listing}", candidates)


def _vocab_term(term: str, allowed: Mapping[str, str], what: str) -> str:
    _within_limit(term, what)
    if not normalise(term):
        raise UsageProblem(f"give a {what} to look for (choose from: {', '.join(allowed)})")
    names = {key: (label, *vocab.SYNONYMS.get(key, ())) for key, label in allowed.items()}
    match = Matcher(names).match(term)
    if len(match.ids) == 1:
        return match.ids[0]
    options = match.ids or match.suggestions
    hint = f"did you mean: {', '.join(options)}? " if options else ""
    raise NotFound(
        f"{_quote(term)} is not a known {what}; {hint}(choose from: {', '.join(allowed)})",
        tuple(Candidate(option, allowed[option]) for option in options or allowed),
    )
