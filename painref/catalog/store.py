"""Locate catalog layers, read and check them, merge them, and answer queries.

Nothing here prints; every failure a user can cause is a PainrefError.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from painref.catalog.names import NamesInDicts
from painref.core import vocab
from painref.core.errors import (
    Ambiguous,
    Candidate,
    CatalogError,
    NotFound,
    PainrefError,
    Problem,
    UsageProblem,
)
from painref.core.model import Condition, Link, LookupName, Procedure, Source
from painref.core.text import GENERIC, STOPWORDS, name_keys, normalise
from painref.query.match import Matcher

# The longest word read as an abbreviation of a procedure's name ...
MAX_ABBREVIATION = 6
# Every procedure here treats pain: the word tells none of them apart ("vertebroplasty
# for painful fractures"). For conditions it does ("knee pain", not knee arthritis).
PROCEDURE_GENERIC = GENERIC | {"pain", "medicine"}
# ... and of a word in one ("rf" in "RF ablation of facet joints").
MAX_WORD_ABBREVIATION = 3
if TYPE_CHECKING:  # types only: defining them costs start-up time
    from typing import Protocol

    from painref.catalog.icd10cm import Code
    from painref.catalog.names import NameStore
    from painref.catalog.validate import Layer

    class _Named(Protocol):
        """What lookup needs of a record: procedures and conditions both qualify."""

        @property
        def id(self) -> str: ...
        @property
        def name(self) -> str: ...
        @property
        def aliases(self) -> tuple[str, ...]: ...


BUNDLED_NAME = "procedures.yaml"
MIB = 1024 * 1024
# Room for ten thousand fully written entries (about 60 MiB) and more.
MAX_CATALOG_BYTES = 128 * MIB
ENV_VAR = "PAINREF_CATALOG"
# The longest name in the catalog is under 80 characters; matching work grows
# with the query, so anything much longer is refused, not searched.
MAX_QUERY_CHARS = 200
# A query shorter than this (normalised) is never taken for a condition in `show`.
MIN_ROUTED_QUERY = 3


def bundled_catalog_path() -> Path:
    """The catalog shipped inside the package (or, in a source checkout, data/)."""
    from painref.core.datafiles import data_file

    return data_file(BUNDLED_NAME)


class Overlay(NamedTuple):
    """A user catalog layered over the bundled one, and where its path came from."""

    path: Path
    origin: str  # "--catalog" or "PAINREF_CATALOG"


def overlays(env_value: str | None, option_paths: Sequence[Path]) -> list[Overlay]:
    """PAINREF_CATALOG's paths (split on os.pathsep), then each --catalog, in order."""
    from_env = [part for part in (env_value or "").split(os.pathsep) if part.strip()]
    return [Overlay(Path(part), ENV_VAR) for part in from_env] + [
        Overlay(path, "--catalog") for path in option_paths
    ]


def read_layer(path: Path, origin: str = "") -> Layer:
    name = str(path)
    given = f" (given by {origin})" if origin else ""
    try:
        size = path.stat().st_size
        if size > MAX_CATALOG_BYTES:
            problem = Problem(
                name,
                1,
                1,
                "PR008",
                f"the file is {size / MIB:.1f} MiB; a catalog may be at most "
                f"{MAX_CATALOG_BYTES // MIB} MiB{given}",
            )
            raise CatalogError([problem])
        if path.exists() and not path.is_file():
            # A directory, FIFO or device (/dev/zero would never end).
            kind = "a directory" if path.is_dir() else "not a regular file"
            raise CatalogError(
                [Problem(name, 1, 1, "PR009", f"cannot read the catalog{given}: it is {kind}")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(
            [Problem(name, 1, 1, "PR009", f"cannot read the catalog{given}: {exc.strerror or exc}")]
        ) from None
    except ValueError:  # a NUL in the path: no file can have that name
        raise CatalogError(
            [Problem(name, 1, 1, "PR009", f"cannot read the catalog{given}: no such file")]
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CatalogError(
            [Problem(name, line, column, "PR008", f"the catalog is not valid UTF-8 text{given}")]
        ) from None
    from painref.catalog.validate import check_text

    return check_text(text, name)


def catalog_files(layers: Sequence[Overlay] = (), bundled: bool = True) -> list[Overlay]:
    """The files a catalog is read from, bottom layer first."""
    return ([Overlay(bundled_catalog_path(), "")] if bundled else []) + list(layers)


def open_catalog(
    layers: Sequence[Overlay] = (), bundled: bool = True, use_index: bool = True
) -> Catalog:
    """The catalog of the bundled file (unless told not to) and each overlay, in order.

    It comes from the compiled index while the files are unchanged; otherwise
    every file is read (all problems are reported at once) and the index rebuilt.
    """
    files = catalog_files(layers, bundled)
    if not use_index:
        return read_catalog(files)
    from painref.catalog import index

    return index.open_indexed(files, read_catalog)


def read_catalog(files: Sequence[Overlay]) -> Catalog:
    """Read, check and merge catalog files, reporting every problem at once."""
    read: list[Layer] = []
    problems: list[Problem] = []
    for item in files:
        try:
            read.append(read_layer(item.path, item.origin))
        except CatalogError as error:
            problems.extend(error.problems)
    if problems:
        raise CatalogError(problems)
    return merge(read)


def merge(layers: Sequence[Layer]) -> Catalog:
    """Later layers replace earlier entries with the same id; then check every reference."""
    sources: dict[str, Source] = {}
    conditions: dict[str, Condition] = {}
    procedures: dict[str, Procedure] = {}
    owner_layer: dict[tuple[str, str], Layer] = {}
    for layer in layers:
        for kind, store, records in (
            ("sources", sources, layer.sources),
            ("conditions", conditions, layer.conditions),
            ("procedures", procedures, layer.procedures),
        ):
            for record_id, record in records.items():
                store[record_id] = record  # type: ignore[assignment]
                owner_layer[(kind, record_id)] = layer
    known: dict[str, set[str]] = {
        "source": set(sources),
        "condition": set(conditions),
        "procedure": set(procedures),
    }
    for layer in layers:
        for kind, record_id in layer.broken:
            known[kind[:-1]].add(record_id)
    _check_links(layers, procedures, owner_layer, known)
    problems = [problem for layer in layers for problem in layer.doc.problems]
    if problems:
        stopped = tuple(layer.doc.file for layer in layers if layer.doc.overflowed)
        ordered = sorted(set(problems), key=lambda p: (p.file, p.line, p.column))
        raise CatalogError(ordered, stopped)
    names = tuple(dict.fromkeys(name for layer in layers for name in layer.names))
    return Catalog(sources, conditions, _with_links_both_ways(procedures), names=names)


def _check_links(
    layers: Sequence[Layer],
    procedures: Mapping[str, Procedure],
    owner_layer: Mapping[tuple[str, str], Layer],
    known: Mapping[str, set[str]],
) -> None:
    """Every reference resolves, and a link between two procedures is stored once."""
    for layer in layers:
        for (kind, record_id), refs in layer.refs.items():
            if kind != "names" and owner_layer.get((kind, record_id)) is not layer:
                continue  # replaced by a record of a later layer
            for ref in refs:
                if ref.target not in known[ref.kind]:
                    hint = _close(ref.target, list(known[ref.kind]))
                    ref.doc.problem(
                        ref.path,
                        "PR016",
                        f"unknown {ref.kind} id {ref.target!r}{hint} (in {ref.owner})",
                    )
    stored_pairs: dict[frozenset[str], str] = {}
    for procedure in procedures.values():
        layer = owner_layer[("procedures", procedure.id)]
        for index, link in enumerate(procedure.related):
            pair = frozenset((procedure.id, link.id))
            if pair in stored_pairs and stored_pairs[pair] != procedure.id:
                path = (*layer.paths[("procedures", procedure.id)], "related", index)
                layer.doc.problem(
                    path,
                    "PR020",
                    f"the link between {procedure.id!r} and {link.id!r} is "
                    f"already stored on {stored_pairs[pair]!r}; store it once "
                    f"(in procedure {procedure.id!r})",
                )
            stored_pairs.setdefault(pair, procedure.id)


def _close(target: str, choices: Iterable[str]) -> str:
    import difflib

    hint = difflib.get_close_matches(target, list(choices), n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


def _with_links_both_ways(procedures: Mapping[str, Procedure]) -> dict[str, Procedure]:
    links: dict[str, list[Link]] = {procedure_id: [] for procedure_id in procedures}
    for procedure in procedures.values():
        for link in procedure.related:
            links[procedure.id].append(link)
            inverse = vocab.RELATIONS[link.relation]
            links[link.id].append(Link(procedure.id, inverse, link.sources))
    return {
        procedure_id: procedure._replace(related=tuple(links[procedure_id]))
        for procedure_id, procedure in procedures.items()
    }


class Filters(NamedTuple):
    """`find` filters: values within one option are OR'ed, options are AND'ed."""

    conditions: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    guidance: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    max_minutes: int | None = None


class Found(NamedTuple):
    procedure: Procedure
    matched_conditions: tuple[Condition, ...]


class ConditionUse(NamedTuple):
    """One condition, the procedures that treat it and its ICD-10-CM codes."""

    condition: Condition
    procedures: tuple[Procedure, ...]
    codes: tuple[Code, ...] = ()


class SourceUse(NamedTuple):
    """One source and the records that cite it."""

    source: Source
    procedures: tuple[Procedure, ...]
    conditions: tuple[Condition, ...]


class Catalog:
    def __init__(
        self,
        sources: Mapping[str, Source],
        conditions: Mapping[str, Condition],
        procedures: Mapping[str, Procedure],
        name_store: Callable[[str], NameStore] | None = None,
        names: Sequence[LookupName] | Mapping[str, LookupName] = (),
    ) -> None:
        """`name_store` gives the names of one kind ("procedure" or "condition");
        by default they are read from the records and the lookup `names`."""
        self.sources = sources
        self.conditions = conditions
        self.procedures = procedures
        self._names = names
        self._name_store = name_store or self._names_in_records
        self._matchers: dict[str, Matcher] = {}
        self._regions_treated: dict[str, dict[str, float]] | None = None
        self._names_by_procedure: dict[str, list[LookupName]] | None = None

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
                    self._name_store(kind),
                    self._procedure_context,
                    self._spelled_out,
                    lay_regions=True,
                    parent_of=self._parent_of,
                    generic=PROCEDURE_GENERIC,
                )
            else:
                self._matchers[kind] = Matcher(self._name_store(kind), self._condition_context)
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
        store = self._name_store("procedure")
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
            names += [n.name for n in self.lookup_names_of(procedure_id) if len(n.ids) == 1]
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

    @property
    def names(self) -> tuple[LookupName, ...]:
        """The lookup names, in catalog order."""
        return tuple(self._names.values() if isinstance(self._names, Mapping) else self._names)

    def lookup_names_of(self, procedure_id: str) -> tuple[LookupName, ...]:
        """The lookup names that name a procedure, its own and its families', in
        catalog order."""
        if self._names_by_procedure is None:
            self._names_by_procedure = {}
            for name in self.names:
                if name.kind == "procedure":
                    for named_id in name.ids:
                        self._names_by_procedure.setdefault(named_id, []).append(name)
        return tuple(self._names_by_procedure.get(procedure_id, ()))

    def _names_in_records(self, kind: str) -> NameStore:
        return NamesInDicts(self.name_pairs(kind))

    def name_pairs(self, kind: str) -> Iterator[tuple[str, str]]:
        """(normalised name, id) for every name an entry of this kind answers to:
        its id, name and aliases, then the lookup names (a family name, once per entry)."""
        records: Mapping[str, _Named] = self.procedures if kind == "procedure" else self.conditions
        for record in records.values():
            for key in name_keys(record.id, (record.name, *record.aliases)):
                yield key, record.id
        for name in self.names:
            key = normalise(name.name)
            if name.kind == kind and key:
                for entry_id in name.ids:
                    if entry_id in records:
                        yield key, entry_id
        if kind == "condition":
            from painref.catalog import icd10cm

            # ICD-10-CM titles at or below a condition's codes name it too.
            for code in icd10cm.codes().values():
                for entry_id in code.conditions:
                    if entry_id in records:
                        yield normalise(code.title), entry_id

    def shown_aliases(self, procedure: Procedure) -> tuple[str, ...]:
        """The aliases a card shows as "also called": each once, none that only
        repeats the name, and none another procedure answers to too (a family name
        such as "RFA" finds the family; it is no name of this one alone)."""
        store = self._name_store("procedure")
        shown: list[str] = []
        keys = {normalise(procedure.name)}
        for alias in procedure.aliases:
            key = normalise(alias)
            if key not in keys and set(store.ids(key)) <= {procedure.id}:
                shown.append(alias)
            keys.add(key)
        return tuple(shown)

    def conditions_of(self, procedure: Procedure) -> tuple[Condition, ...]:
        return tuple(self.conditions[c] for c in procedure.conditions)

    def sources_of(self, procedure: Procedure) -> tuple[Source, ...]:
        return tuple(self.sources[s] for s in procedure.source_ids())

    def source_uses(self, procedure: Procedure | None = None) -> list[SourceUse]:
        """Every source (or those of one procedure) with what cites it: source
        documents first by file name, then public pages by title; citers by id."""
        wanted = set(procedure.source_ids()) if procedure else set(self.sources)
        # One pass over the citers, not one per source.
        procedures_of: dict[str, list[Procedure]] = {source_id: [] for source_id in wanted}
        for citer in sorted(self.procedures.values(), key=lambda p: p.id):
            for source_id in citer.source_ids():
                if source_id in procedures_of:
                    procedures_of[source_id].append(citer)
        conditions_of: dict[str, list[Condition]] = {source_id: [] for source_id in wanted}
        for condition in sorted(self.conditions.values(), key=lambda c: c.id):
            for source_id in dict.fromkeys(condition.sources):
                if source_id in conditions_of:
                    conditions_of[source_id].append(condition)
        # A lookup name's sources are cited by the entries it names.
        for name in self.names:
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

        return [ConditionUse(c, tuple(treating[c.id]), codes_of(c.id)) for c in chosen]

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

    def find(self, filters: Filters) -> list[Found]:
        wanted_conditions = {self.condition(term).id for term in filters.conditions}
        regions = {_vocab_term(term, vocab.REGIONS, "region") for term in filters.regions}
        guidance = {_vocab_term(term, vocab.GUIDANCE, "guidance") for term in filters.guidance}
        categories = {
            _vocab_term(term, vocab.CATEGORIES, "category") for term in filters.categories
        }
        purposes = {_vocab_term(term, vocab.PURPOSES, "purpose") for term in filters.purposes}
        medications = [self._medication_term(term) for term in filters.medications]
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
            if filters.max_minutes is not None and (
                procedure.duration is None or procedure.duration.max_minutes > filters.max_minutes
            ):
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
