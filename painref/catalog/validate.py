"""Turn a read YAML document into checked records, collecting every problem.

Every problem has a stable code from CODES; tests and users may rely on them.
"""

from __future__ import annotations

import difflib
import itertools
import re
import sys
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, TypeVar

from painref.catalog.records import RecordSink
from painref.catalog.yamlread import REJECTED, Document, OddScalar, PathKey, read_text
from painref.core import fields, vocab
from painref.core.model import (
    BillingCode,
    Bleeding,
    Condition,
    Duration,
    Fact,
    Link,
    LookupName,
    Notice,
    Procedure,
    Relief,
    Source,
    Statement,
)
from painref.core.safetext import UNSAFE, describe

T = TypeVar("T")

CODES: dict[str, str] = {
    "PR001": "YAML syntax error",
    "PR002": "empty file",
    "PR003": "anchor, alias or merge key",
    "PR004": "YAML tag not allowed",
    "PR005": "nesting too deep",
    "PR006": "mapping key is not text",
    "PR007": "duplicate key",
    "PR008": "file too large, not UTF-8, or holding a character YAML refuses",
    "PR009": "file cannot be read",
    "PR010": "wrong type",
    "PR011": "unknown field",
    "PR012": "required field missing",
    "PR013": "id is not kebab-case",
    "PR014": "duplicate id",
    "PR015": "value outside a closed vocabulary",
    "PR016": "reference to an unknown id",
    "PR017": "fact without sources",
    "PR018": "impossible duration",
    "PR019": "a source needs a file or a url",
    "PR020": "link stored on both procedures",
    "PR021": "procedure linked to itself",
    "PR022": "unsupported catalog version",
    "PR023": "empty text",
    "PR024": "control or bidi character in text",
    "PR025": "evidence not listed newest first",
    "PR026": "malformed procedure code",
    "PR027": "year out of range",
}
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SUPPORTED_VERSIONS = (1,)


@dataclass(frozen=True)
class Ref:
    """A reference from one record to an id of some kind, and where it stands."""

    kind: str
    target: str
    doc: Document
    path: PathKey
    owner: str


STORED_KINDS = ("sources", "conditions", "procedures", "notices")  # records with ids


@dataclass
class Layer:
    """The checked records of one catalog file, with the references they make.

    With a `sink`, each record goes there as it is checked and the layer keeps only
    what merging needs: the ids (`ids`) and each procedure's links (`links`)."""

    doc: Document
    sources: dict[str, Source] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)
    sink: RecordSink | None = None
    # The ids of the records checked, by kind ("sources", ...), in the file's order.
    ids: dict[str, dict[str, None]] = field(
        default_factory=lambda: {kind: {} for kind in STORED_KINDS}
    )
    links: dict[str, tuple[Link, ...]] = field(default_factory=dict)
    # References made by each record, keyed by (record kind, record id).
    refs: dict[tuple[str, str], list[Ref]] = field(default_factory=dict)
    # Where each record starts, for problems found after merging.
    paths: dict[tuple[str, str], PathKey] = field(default_factory=dict)
    # Ids of records that failed their checks: references to them are not
    # reported again as unknown.
    broken: set[tuple[str, str]] = field(default_factory=set)
    names: list[LookupName] = field(default_factory=list)
    # Ids of the layers below, by kind: references to them always resolve.
    known: Mapping[str, AbstractSet[str]] = field(default_factory=dict)

    # Checked kebab-case ids, and source ids written exactly so that already resolve:
    # the same few recur in every record.
    good_ids: set[str] = field(default_factory=set)
    sure_sources: set[str] = field(default_factory=set)

    def has(self, kind: str, record_id: str) -> bool:
        """Whether a reference to this id resolves whatever layers come after."""
        if record_id in self.known.get(kind, ()) or (f"{kind}s", record_id) in self.broken:
            return True
        return record_id in self.ids.get(f"{kind}s", ())


TOP_FIELDS = ("version", "sources", "conditions", "procedures", "names", "notices")
NAME_FIELDS = ("name", "procedures", "conditions", "origin", "sources")
SOURCE_FIELDS = ("id", "title", "file", "url", "kind")
CONDITION_FIELDS = ("id", "name", "aliases", "sources")
FACT_FIELDS = ("text", "sources")
DURATION_FIELDS = ("min_minutes", "max_minutes", "note", "sources", "measures", "per")
BLEEDING_FIELDS = ("tier", "inferred", "basis", "sources")
STATEMENT_FIELDS = ("year", "body", "text", "superseded", "sources")
CODE_FIELDS = ("system", "code", "label", "sources")
NOTICE_FIELDS = ("id", "text", "sources", "role")
FIRST_YEAR, LAST_YEAR = 1950, 2100  # a guideline's year outside these is a typing slip
# How each code system writes a code: CPT Category I, II (F) and III (T); HCPCS Level II.
CODE_PATTERNS: dict[str, str] = {"CPT": "[0-9]{4}[0-9FT]", "HCPCS": "[A-V][0-9]{4}"}
_CODE_SHAPES = {system: re.compile(pattern) for system, pattern in CODE_PATTERNS.items()}
_CODE_SHAPE_SAID = {
    "CPT": "four digits then a digit, F or T",
    "HCPCS": "a capital letter then four digits",
}
RELIEF_FIELDS = ("onset", "lasts")
LINK_FIELDS = ("id", "relation", "sources")
PROCEDURE_FIELDS = fields.NAMES_IN_CATALOG


RECORD_KINDS = ("sources", "conditions", "procedures", "names", "notices")


def check_text(
    text: str | bytes,
    file: str,
    keep_records: bool = True,
    known: Mapping[str, AbstractSet[str]] | None = None,
    sink: RecordSink | None = None,
) -> Layer:
    """Read and check one catalog file. Records are checked as the parser reaches
    them, so a file with too many problems is not read to its end; unless
    `keep_records`, the raw records are not kept once checked. `known`: the ids
    of the layers below, by kind; references to them need no check after merging.
    `sink`: where checked records go instead of the layer (see Layer)."""
    stream = _RecordStream(known or {}, sink)
    doc = read_text(text, file, on_item=stream.check, keep_items=keep_records)
    layer = stream.layer
    return check_layer(doc, layer if layer is not None and layer.doc is doc else None)


class _RecordStream:
    """Checks each record as it is read, into a layer of the document being read."""

    def __init__(self, known: Mapping[str, AbstractSet[str]], sink: RecordSink | None) -> None:
        self.layer: Layer | None = None
        self.known = known
        self.sink = sink

    def check(self, doc: Document, path: PathKey, raw: Any) -> None:
        kind, index = path
        if kind not in RECORD_KINDS:
            return
        if self.layer is None or self.layer.doc is not doc:
            self.layer = Layer(doc, known=self.known, sink=self.sink)
        _check_record(self.layer, str(kind), int(index), raw)


def check_layer(doc: Document, streamed: Layer | None = None) -> Layer:
    """The layer's records (`streamed`: already checked as they were read);
    checking stops once the file has too many problems."""
    if doc.data is None:
        return Layer(doc)
    layer = streamed or Layer(doc)
    top = _Checker(layer, "catalog").mapping(doc.data, (), TOP_FIELDS, required=("version",))
    if top is None:
        return layer
    version = top.get("version")
    if "version" in top and (not isinstance(version, int) or version not in SUPPORTED_VERSIONS):
        supported = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        doc.problem(
            ("version",),
            "PR022",
            f"catalog version {_show(version)} is not supported (supported: {supported})",
        )
    for kind in RECORD_KINDS:
        records = top.get(kind)
        if records is None:
            continue
        if not isinstance(records, list):
            doc.problem((kind,), "PR010", f"'{kind}' must be a list")
            continue
        if streamed is None:
            for index, raw in enumerate(records):
                if doc.overflowed:
                    break
                _check_record(layer, kind, index, raw)
    return layer


def _check_record(layer: Layer, kind: str, index: int, raw: Any) -> None:
    path: PathKey = (kind, index)
    if kind == "names":
        checker = _Checker(layer, f"name #{index + 1}", kind, f"#{index + 1}")
        name = _parse_name(checker, raw, path)
        if name is not None:
            layer.names.append(name)
        return
    record_id = _record_id(raw)
    checker = _Checker(
        layer,
        f"{kind[:-1]} {record_id!r}" if record_id else f"{kind[:-1]} #{index + 1}",
        kind,
        record_id,
    )
    record = _PARSERS[kind](checker, raw, path)
    if record is None:
        if record_id:
            layer.broken.add((kind, record_id))
        return
    ids = layer.ids[kind]
    if record.id in ids:
        layer.doc.problem(
            (*path, "id"),
            "PR014",
            f"duplicate {kind[:-1]} id {record.id!r} (in {kind[:-1]} #{index + 1})",
        )
        return
    ids[record.id] = None
    if kind == "procedures":
        layer.links[record.id] = record.related
    if layer.sink is None:
        getattr(layer, kind)[record.id] = record
    else:
        layer.sink(kind, record)
    layer.paths[(kind, record.id)] = path


def _record_id(raw: Any) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return str(raw["id"])
    return None


def _show(value: Any) -> str:
    if isinstance(value, OddScalar):
        return repr(value.raw)
    return repr(value)


class _Checker:
    """Field checks for one record; each reports problems and returns a clean value or None."""

    def __init__(self, layer: Layer, owner: str, kind: str = "", record_id: str | None = None):
        self.layer = layer
        self.doc = layer.doc
        self.owner = owner
        self.key = (kind, record_id or "")

    def problem(self, path: PathKey, code: str, message: str) -> None:
        self.doc.problem(path, code, f"{message} (in {self.owner})")

    def ref(self, kind: str, target: str, path: PathKey) -> bool:
        """Keep a reference for checking after merging, unless it already resolves;
        whether it does."""
        if self.layer.has(kind, target):
            return True
        self.layer.refs.setdefault(self.key, []).append(
            Ref(kind, target, self.doc, path, self.owner)
        )
        return False

    def mapping(
        self, value: Any, path: PathKey, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if value is REJECTED:
            return None
        if not isinstance(value, dict):
            self.problem(path, "PR010", f"expected a mapping, got {_describe(value)}")
            return None
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problem((*path, key), "PR011", f"unknown field {key!r}{suggestion}")
        for key in required:
            if value.get(key) is None:
                self.problem(path, "PR012", f"required field {key!r} is missing")
        return value

    def text(self, value: Any, path: PathKey) -> str | None:
        cleaned = _usual_text(value)
        if cleaned is not None:
            return cleaned  # anything else is explained below
        if value is None or value is REJECTED:
            return None
        if isinstance(value, OddScalar):
            self.problem(
                path,
                "PR010",
                f"expected text, but YAML reads {value.raw!r} as {value.kind}; put it in quotes",
            )
            return None
        if not isinstance(value, str):
            self.problem(path, "PR010", f"expected text, got {_describe(value)}")
            return None
        unsafe = UNSAFE.search(value)
        if unsafe:
            self.problem(
                path,
                "PR024",
                f"text contains the control character {describe(unsafe.group())}, "
                "which could change how a terminal shows it; remove it",
            )
            return None
        cleaned = " ".join(value.split())
        if not cleaned:
            self.problem(path, "PR023", "text is empty")
            return None
        return cleaned

    def ident(self, value: Any, path: PathKey) -> str | None:
        if value.__class__ is str and value in self.layer.good_ids:
            # Checked before: ids recur (every fact cites sources); one string each.
            return sys.intern(value)
        text = self.text(value, path)
        if text is not None and not _KEBAB.fullmatch(text):
            self.problem(path, "PR013", f"id {text!r} must be kebab-case (a-z, 0-9, hyphens)")
            return None
        if text is not None:
            text = sys.intern(text)
            self.layer.good_ids.add(text)
        return text

    def items(
        self,
        value: Any,
        path: PathKey,
        check: Callable[[Any, PathKey], T | None],
    ) -> tuple[T, ...]:
        if value is None or value is REJECTED:
            return ()
        if not isinstance(value, list):
            self.problem(path, "PR010", f"expected a list, got {_describe(value)}")
            return ()
        kept = []
        for index, item in enumerate(value):
            checked = check(item, (*path, index))
            if checked is not None:
                kept.append(checked)
        return tuple(kept)

    def texts(self, value: Any, path: PathKey) -> tuple[str, ...]:
        if value.__class__ is list:  # the usual list: every text with nothing to report
            usual = [_usual_text(item) for item in value]
            if None not in usual:
                return tuple(usual)  # type: ignore[arg-type]
        return self.items(value, path, self.text)

    def vocab(self, allowed: Mapping[str, str], what: str) -> Callable[[Any, PathKey], str | None]:
        def check(value: Any, path: PathKey) -> str | None:
            text = self.text(value, path)
            if text is not None and text not in allowed:
                hint = difflib.get_close_matches(text, list(allowed), n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                self.problem(
                    path,
                    "PR015",
                    f"{text!r} is not a known {what}{suggestion} (known: {', '.join(allowed)})",
                )
                return None
            return text

        return check

    def refs(self, kind: str) -> Callable[[Any, PathKey], str | None]:
        def check(value: Any, path: PathKey) -> str | None:
            target = self.ident(value, path)
            if target is not None:
                resolves = self.ref(kind, target, path)
                if resolves and kind == "source" and target == value:
                    self.layer.sure_sources.add(target)
            return target

        return check

    def source_list(self, value: Any, path: PathKey, required: bool = True) -> tuple[str, ...]:
        if self._known_sources(value):
            return tuple(map(sys.intern, value))
        ids = self.items(value, path, self.refs("source"))
        if required and not ids and value is not REJECTED and not isinstance(value, OddScalar):
            self.problem(path, "PR017", "every fact needs at least one source")
        return ids

    def _known_sources(self, value: Any) -> bool:
        """Whether `value` is a list of source ids, each written exactly as one that
        already resolves (the usual source list)."""
        if value.__class__ is not list or not value:
            return False
        try:
            return self.layer.sure_sources.issuperset(value)
        except TypeError:  # an item that cannot be hashed: the full checks say so
            return False

    def _usual_fact(self, value: Any) -> Fact | None:
        """The fact, if it has the usual shape and nothing to report; else None."""
        if value.__class__ is dict and len(value) == 2 and "sources" in value:
            cleaned = _usual_text(value.get("text"))
            if cleaned is not None and self._known_sources(value["sources"]):
                return Fact(cleaned, tuple(value["sources"]))
        return None

    def fact(self, value: Any, path: PathKey) -> Fact | None:
        if value is None:
            return None
        usual = self._usual_fact(value)
        if usual is not None:
            return usual  # nothing to report: no paths made
        if (
            value.__class__ is dict
            and len(value) == 2
            and value.get("text").__class__ is str
            and "sources" in value
        ):  # the usual shape: no mapping checks to make
            text = self.text(value["text"], (*path, "text"))
            sources = self.source_list(value["sources"], (*path, "sources"))
            return None if text is None else Fact(text, sources)
        raw = self.mapping(value, path, FACT_FIELDS, required=("text",))
        if raw is None:
            return None
        text = self.text(raw.get("text"), (*path, "text"))
        sources = self.source_list(raw.get("sources"), (*path, "sources"))
        if text is None:
            return None
        return Fact(text, sources)

    def facts(self, value: Any, path: PathKey) -> tuple[Fact, ...]:
        if value.__class__ is list:  # the usual list: every fact with nothing to report
            usual = [self._usual_fact(item) for item in value]
            if None not in usual:
                return tuple(usual)  # type: ignore[arg-type]
        return self.items(value, path, self.fact)

    def minutes(self, value: Any, path: PathKey) -> int | None:
        if value is None or value is REJECTED:
            return None  # already reported
        if not isinstance(value, int) or value < 0:
            self.problem(path, "PR010", f"expected a whole number of minutes, got {_show(value)}")
            return None
        return value

    def duration(self, value: Any, path: PathKey, default: str = "procedure") -> Duration | None:
        if value is None:
            return None
        raw = self.mapping(value, path, DURATION_FIELDS, required=("min_minutes", "max_minutes"))
        if raw is None:
            return None
        low = self.minutes(raw.get("min_minutes"), (*path, "min_minutes"))
        high = self.minutes(raw.get("max_minutes"), (*path, "max_minutes"))
        note = self.text(raw.get("note"), (*path, "note"))
        sources = self.source_list(raw.get("sources"), (*path, "sources"))
        measures = self.vocab(vocab.MEASURES, "measure")(raw.get("measures"), (*path, "measures"))
        per = self.vocab(vocab.PER, "unit")(raw.get("per"), (*path, "per"))
        if low is None or high is None:
            return None
        if low > high:
            self.problem(path, "PR018", f"min_minutes ({low}) is more than max_minutes ({high})")
            return None
        return Duration(low, high, note, sources, measures or default, per)

    def flag(self, value: Any, path: PathKey) -> bool:
        """`true` or `false`, spelt so (YAML's yes, no, on and off are refused)."""
        if value is None or value is REJECTED:
            return False
        if isinstance(value, OddScalar) and value.raw in ("true", "false"):
            return value.raw == "true"
        shown = value.raw if isinstance(value, OddScalar) else value
        self.problem(path, "PR010", f"expected true or false, got {_show(shown)}")
        return False

    def bleeding(self, value: Any, path: PathKey) -> Bleeding | None:
        if value is None:
            return None
        raw = self.mapping(value, path, BLEEDING_FIELDS, required=("tier", "basis"))
        if raw is None:
            return None
        tier = self.vocab(vocab.BLEEDING_TIERS, "bleeding-risk tier")(
            raw.get("tier"), (*path, "tier")
        )
        inferred = self.flag(raw.get("inferred"), (*path, "inferred"))
        basis = self.text(raw.get("basis"), (*path, "basis"))
        sources = self.source_list(raw.get("sources"), (*path, "sources"))
        if tier is None or basis is None:
            return None
        return Bleeding(tier, inferred, basis, sources)

    def statement(self, value: Any, path: PathKey) -> Statement | None:
        raw = self.mapping(value, path, STATEMENT_FIELDS, required=("year", "body", "text"))
        if raw is None:
            return None
        year = self.year(raw.get("year"), (*path, "year"))
        body = self.text(raw.get("body"), (*path, "body"))
        text = self.text(raw.get("text"), (*path, "text"))
        superseded = self.flag(raw.get("superseded"), (*path, "superseded"))
        sources = self.source_list(raw.get("sources"), (*path, "sources"))
        if year is None or body is None or text is None:
            return None
        return Statement(year, body, text, superseded, sources)

    def statements(self, value: Any, path: PathKey) -> tuple[Statement, ...]:
        found = self.items(value, path, self.statement)
        for index, (newer, older) in enumerate(itertools.pairwise(found)):
            if older.year > newer.year:
                self.problem(
                    (*path, index + 1),
                    "PR025",
                    f"evidence from {older.year} comes after evidence from {newer.year}; "
                    "list the newest first",
                )
                break
        return found

    def year(self, value: Any, path: PathKey) -> int | None:
        if value is None or value is REJECTED:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(path, "PR010", f"expected a year, got {_show(value)}")
            return None
        if not FIRST_YEAR <= value <= LAST_YEAR:
            self.problem(path, "PR027", f"year {value} is not between {FIRST_YEAR} and {LAST_YEAR}")
            return None
        return value

    def code(self, value: Any, path: PathKey) -> BillingCode | None:
        raw = self.mapping(value, path, CODE_FIELDS, required=("system", "code", "label"))
        if raw is None:
            return None
        system = self.vocab(vocab.CODE_SYSTEMS, "code system")(raw.get("system"), (*path, "system"))
        code = self.text(raw.get("code"), (*path, "code"))
        label = self.text(raw.get("label"), (*path, "label"))
        sources = self.source_list(raw.get("sources"), (*path, "sources"))
        if code is not None and system is not None and not _CODE_SHAPES[system].fullmatch(code):
            self.problem(
                (*path, "code"),
                "PR026",
                f"{system} code {code!r} must be {_CODE_SHAPE_SAID[system]}, in quotes",
            )
            return None
        if system is None or code is None or label is None:
            return None
        return BillingCode(system, code, label, sources)

    def relief(self, value: Any, path: PathKey) -> Relief:
        if value is None:
            return Relief()
        raw = self.mapping(value, path, RELIEF_FIELDS)
        if raw is None:
            return Relief()
        return Relief(
            self.fact(raw.get("onset"), (*path, "onset")),
            self.fact(raw.get("lasts"), (*path, "lasts")),
        )

    def link(self, value: Any, path: PathKey) -> Link | None:
        raw = self.mapping(value, path, LINK_FIELDS, required=("id", "relation"))
        if raw is None:
            return None
        target = self.refs("procedure")(raw.get("id"), (*path, "id"))
        relation = self.vocab(vocab.RELATIONS, "relation")(raw.get("relation"), (*path, "relation"))
        sources = self.source_list(raw.get("sources"), (*path, "sources"))
        if target is None or relation is None:
            return None
        return Link(target, relation, sources)

    def cite(self, value: Any, path: PathKey) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        raw = self.mapping(value, path, fields.TAG_FIELDS)
        if raw is None:
            return {}
        return {
            name: self.source_list(ids, (*path, name))
            for name, ids in raw.items()
            if name in fields.TAG_FIELDS
        }


def _usual_text(value: Any) -> str | None:
    """Text that needs no problem reported, cleaned; None for anything else (including
    what must be reported)."""
    if value.__class__ is not str:
        return None
    if value.isprintable():
        # Every whitespace character but the space is unprintable: this text is clean
        # unless spaces lead, trail or come two together.
        if value[:1] != " " and value[-1:] != " " and "  " not in value:
            return value or None
        return " ".join(value.split()) or None
    if not UNSAFE.search(value):
        return " ".join(value.split()) or None
    return None


def _describe(value: Any) -> str:
    if isinstance(value, OddScalar):
        return f"{value.raw!r} ({value.kind})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, int):
        return f"the number {value}"
    return repr(value)


def _parse_source(c: _Checker, value: Any, path: PathKey) -> Source | None:
    raw = c.mapping(value, path, SOURCE_FIELDS, required=("id", "title"))
    if raw is None:
        return None
    source_id = c.ident(raw.get("id"), (*path, "id"))
    title = c.text(raw.get("title"), (*path, "title"))
    file = c.text(raw.get("file"), (*path, "file"))
    url = c.text(raw.get("url"), (*path, "url"))
    kind = c.vocab(vocab.SOURCE_KINDS, "source kind")(raw.get("kind"), (*path, "kind"))
    if file is None and url is None:
        # A source document (`file`) may also give the public page it was saved from (`url`).
        c.problem(path, "PR019", "a source needs a 'file' (a source document) or a 'url'")
        return None
    if url is not None and not url.startswith(("https://", "http://")):
        c.problem((*path, "url"), "PR010", f"url {url!r} must start with https:// or http://")
        return None
    if source_id is None or title is None:
        return None
    return Source(source_id, title, file, url, kind)


def _parse_condition(c: _Checker, value: Any, path: PathKey) -> Condition | None:
    raw = c.mapping(value, path, CONDITION_FIELDS, required=("id", "name"))
    if raw is None:
        return None
    condition_id = c.ident(raw.get("id"), (*path, "id"))
    name = c.text(raw.get("name"), (*path, "name"))
    aliases = c.texts(raw.get("aliases"), (*path, "aliases"))
    sources = c.source_list(raw.get("sources"), (*path, "sources"))
    if condition_id is None or name is None:
        return None
    return Condition(condition_id, name, aliases, sources)


def _parse_name(c: _Checker, value: Any, path: PathKey) -> LookupName | None:
    raw = c.mapping(value, path, NAME_FIELDS, required=("name", "origin"))
    if raw is None:
        return None
    name = c.text(raw.get("name"), (*path, "name"))
    origin = c.vocab(vocab.NAME_ORIGINS, "origin")(raw.get("origin"), (*path, "origin"))
    sources = c.source_list(raw.get("sources"), (*path, "sources"))
    kinds = [kind for kind in ("procedures", "conditions") if raw.get(kind) is not None]
    if len(kinds) != 1:
        c.problem(path, "PR012", "a name needs a list of either 'procedures' or 'conditions'")
        return None
    ids = c.items(raw[kinds[0]], (*path, kinds[0]), c.refs(kinds[0][:-1]))
    if name is None or origin is None or not ids:
        return None
    return LookupName(name, kinds[0][:-1], ids, origin, sources)


def _parse_notice(c: _Checker, value: Any, path: PathKey) -> Notice | None:
    raw = c.mapping(value, path, NOTICE_FIELDS, required=("id", "text"))
    if raw is None:
        return None
    notice_id = c.ident(raw.get("id"), (*path, "id"))
    text = c.text(raw.get("text"), (*path, "text"))
    sources = c.source_list(raw.get("sources"), (*path, "sources"))
    role = c.vocab(vocab.NOTICE_ROLES, "notice role")(raw.get("role", "warning"), (*path, "role"))
    if notice_id is None or text is None or role is None:
        return None
    return Notice(notice_id, text, sources, role)


def _parse_procedure(c: _Checker, value: Any, path: PathKey) -> Procedure | None:
    raw = c.mapping(value, path, fields.NAMES_IN_CATALOG, required=fields.REQUIRED)
    if raw is None:
        return None
    values = {
        field.name: _FIELD_PARSERS[field.kind](c, field, raw.get(field.name), (*path, field.name))
        for field in fields.TABLE
    }
    for tag in fields.TAG_FIELDS:
        if values[tag] and tag not in values["cite"]:
            c.problem(
                (*path, tag), "PR017", f"'{tag}' needs its sources under 'cite: {{{tag}: ...}}'"
            )
    if not all(values[name] for name in fields.REQUIRED):
        return None
    procedure = Procedure(**values)
    for index, link in enumerate(procedure.related):
        if link.id == procedure.id:
            c.problem((*path, "related", index), "PR021", "a procedure cannot be related to itself")
    return procedure


def _choice(c: _Checker, field: fields.Field) -> Callable[[Any, PathKey], str | None]:
    return c.vocab(field.vocabulary or {}, field.item)


# How each kind of field is checked: (checker, field, raw value, path) -> clean value.
_FIELD_PARSERS: dict[str, Callable[[_Checker, fields.Field, Any, PathKey], Any]] = {
    fields.ID: lambda c, f, v, p: c.ident(v, p),
    fields.NAME: lambda c, f, v, p: c.text(v, p),
    fields.NAMES: lambda c, f, v, p: c.texts(v, p),
    fields.CHOICE: lambda c, f, v, p: _choice(c, f)(v, p),
    fields.CHOICES: lambda c, f, v, p: c.items(v, p, _choice(c, f)),
    fields.WORDS: lambda c, f, v, p: c.texts(v, p),
    fields.REFS: lambda c, f, v, p: c.items(v, p, c.refs(f.item)),
    fields.CITE: lambda c, f, v, p: c.cite(v, p),
    fields.FACT: lambda c, f, v, p: c.fact(v, p),
    fields.FACTS: lambda c, f, v, p: c.facts(v, p),
    fields.DURATION: lambda c, f, v, p: c.duration(v, p, f.measures),
    fields.BLEEDING: lambda c, f, v, p: c.bleeding(v, p),
    fields.STATEMENTS: lambda c, f, v, p: c.statements(v, p),
    fields.CODES: lambda c, f, v, p: c.items(v, p, c.code),
    fields.RELIEF: lambda c, f, v, p: c.relief(v, p),
    fields.LINKS: lambda c, f, v, p: c.items(v, p, c.link),
}


_PARSERS: dict[str, Callable[[_Checker, Any, PathKey], Any]] = {
    "sources": _parse_source,
    "conditions": _parse_condition,
    "procedures": _parse_procedure,
    "notices": _parse_notice,
}
