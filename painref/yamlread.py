"""Read one YAML file into plain data, keeping where each value stood.

Only the core schema is accepted: mappings, sequences, strings, decimal
integers, booleans and nulls. Anything YAML would quietly turn into another
type (``12:30``, ``2024-02-30``, ``1.5``) is kept as an ``OddScalar`` so the
validator can ask for quotes instead of storing a surprise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from painref.errors import Problem

try:  # libyaml is much faster; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_CORE_TAGS = {
    _STR,
    _INT,
    _BOOL,
    _NULL,
    _MAP,
    _SEQ,
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_DECIMAL = re.compile(r"[-+]?[0-9]+")
MAX_DEPTH = 32


@dataclass(frozen=True)
class OddScalar:
    """A plain scalar YAML would read as something other than text."""

    kind: str
    raw: str


# Stands in for a value already reported as a problem, so checks skip it quietly.
REJECTED = OddScalar("rejected", "")


@dataclass
class Document:
    """One file's data and its problems.

    Problems found by path are placed on a line and column only when they are
    read: a valid catalog never pays for recording where each value stood.
    """

    file: str
    text: str = ""
    data: Any = None
    _problems: list[Problem] = field(default_factory=list)
    _pending: list[tuple[PathKey, str, str]] = field(default_factory=list)
    _marks: dict[PathKey, tuple[int, int]] | None = None

    def where(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest parent."""
        if self._marks is None:
            self._marks = {}
            # A second pass only for positions: its problems were reported by the first.
            _Composer(Document(self.file), self._marks).run(self.text)
        while path not in self._marks and path:
            path = path[:-1]
        return self._marks.get(path, (1, 1))

    def problem(self, path: PathKey, code: str, message: str) -> None:
        self._pending.append((path, code, message))

    def problem_at(self, line: int, column: int, code: str, message: str) -> None:
        self._problems.append(Problem(self.file, line, column, code, message))

    @property
    def problems(self) -> list[Problem]:
        for path, code, message in self._pending:
            self.problem_at(*self.where(path), code, message)
        self._pending.clear()
        return self._problems


def read_text(text: str, file: str) -> Document:
    doc = Document(file, text)
    try:
        data = _Composer(doc).run(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "cannot be parsed"
        doc._problems, doc._pending = [], []
        doc.problem_at(line, column, "PR001", f"YAML syntax error: {reason}")
        return doc
    except yaml.YAMLError as exc:
        doc._problems, doc._pending = [], []
        doc.problem_at(1, 1, "PR001", f"YAML syntax error: {exc}")
        return doc
    except _TooDeep as exc:
        line, column = exc.args
        doc.problem_at(line, column, "PR005", f"nesting deeper than {MAX_DEPTH} levels")
        return doc
    if data is _NOTHING:
        doc.problem_at(1, 1, "PR002", "the file is empty")
        return doc
    doc.data = data
    return doc


class _TooDeep(Exception):
    """Raised at the first value nested deeper than MAX_DEPTH: parsing stops there,
    since libyaml slows down sharply with depth (and composing recursively, as
    yaml.compose does, crashes the process at a few tens of thousands of levels)."""


_NOTHING = object()  # no document at all
_NO_KEY = object()  # a mapping waiting for its next key
_SKIP = object()  # a mapping whose next value is dropped (its key was refused)
_RESOLVER = yaml.resolver.Resolver()


@dataclass
class _Open:
    """A mapping or sequence being filled."""

    path: PathKey
    container: dict[str, Any] | list[Any]
    key: Any = _NO_KEY
    rejected: bool = False

    def child(self) -> PathKey:
        if isinstance(self.container, list):
            return (*self.path, len(self.container))
        return (*self.path, self.key)


class _Composer:
    """Builds plain data from the parser's events with an explicit stack, so no
    depth of nesting can exhaust the C stack, and refuses what a catalog may not
    use as it goes. With ``marks`` it records where every value starts."""

    def __init__(self, doc: Document, marks: dict[PathKey, tuple[int, int]] | None = None) -> None:
        self.doc = doc
        self.marks = marks
        self.stack: list[_Open] = []
        self.result: Any = _NOTHING
        self.skip = 0
        self.plain: dict[str, str] = {}

    def run(self, text: str) -> Any:
        documents = 0
        for event in yaml.parse(text, Loader=SafeLoader):
            if self.skip:
                if isinstance(event, yaml.CollectionStartEvent):
                    self.skip += 1
                elif isinstance(event, yaml.CollectionEndEvent):
                    self.skip -= 1
            elif isinstance(event, yaml.CollectionEndEvent):
                done = self.stack.pop()
                self.deliver(REJECTED if done.rejected else done.container)
            elif isinstance(event, yaml.NodeEvent):
                self.node(event)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        None,
                        "but found another document",
                        event.start_mark,  # type: ignore[arg-type]
                    )
        return self.result

    def node(self, event: yaml.NodeEvent) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.container, dict):
            if parent.key is _NO_KEY:
                self.key(parent, event)
                return
            if parent.key is _SKIP:
                parent.key = _NO_KEY
                self.drop(event)
                return
        path = parent.child() if parent is not None else ()
        if self.marks is not None:
            self.marks[path] = _where(event)
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            self.doc.problem(path, "PR003", "anchors and aliases are not allowed in a catalog")
            self.reject(event)
            return
        tag = self.tag(event)
        if tag not in _CORE_TAGS:
            self.doc.problem(path, "PR004", f"the YAML tag {tag!r} is not allowed")
            self.reject(event)
            return
        if len(path) > MAX_DEPTH:
            raise _TooDeep(*_where(event))
        if isinstance(event, yaml.ScalarEvent):
            self.deliver(_scalar(tag, event.value))
        elif isinstance(event, yaml.MappingStartEvent):
            self.stack.append(_Open(path, {}))
        else:
            self.stack.append(_Open(path, []))

    def key(self, parent: _Open, event: yaml.NodeEvent) -> None:
        tag = self.tag(event) if isinstance(event, yaml.ScalarEvent) else None
        parent.key = _SKIP
        if tag == "tag:yaml.org,2002:merge":
            self.doc.problem(parent.path, "PR003", "merge keys (<<) are not allowed in a catalog")
            parent.rejected = True
        elif not isinstance(event, yaml.ScalarEvent) or tag != _STR or event.anchor is not None:
            self.doc.problem_at(*_where(event), "PR006", "mapping keys must be plain text")
            self.drop(event)
        elif event.value in parent.container:
            self.doc.problem_at(*_where(event), "PR007", f"duplicate key {event.value!r}")
        else:
            parent.key = event.value

    def tag(self, event: yaml.NodeEvent) -> str:
        tag: str | None = getattr(event, "tag", None)
        if tag is None or tag == "!":
            if isinstance(event, yaml.ScalarEvent):
                if not event.implicit[0]:
                    return _STR  # quoted: always text
                value = event.value
                if value not in self.plain:  # the same words recur: resolve each once
                    resolved = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
                    self.plain[value] = str(resolved)
                return self.plain[value]
            if isinstance(event, yaml.MappingStartEvent):
                return _MAP
            return _SEQ
        return tag

    def drop(self, event: yaml.NodeEvent) -> None:
        """Pass over a node without keeping it."""
        if isinstance(event, yaml.CollectionStartEvent):
            self.skip = 1

    def reject(self, event: yaml.NodeEvent) -> None:
        """Keep a refused node's place, so later checks skip it quietly."""
        self.drop(event)
        self.deliver(REJECTED)

    def deliver(self, value: Any) -> None:
        if not self.stack:
            self.result = value
            return
        parent = self.stack[-1]
        if isinstance(parent.container, list):
            parent.container.append(value)
        else:
            parent.container[parent.key] = value
            parent.key = _NO_KEY


def _where(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _scalar(tag: str, raw: str) -> Any:
    if tag == _STR:
        return raw
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return OddScalar("a yes/no value", raw)
    if tag == _INT and _DECIMAL.fullmatch(raw):
        return int(raw)
    kind = {
        _INT: "a number",
        "tag:yaml.org,2002:float": "a number",
        "tag:yaml.org,2002:timestamp": "a date or time",
    }.get(tag, "not text")
    return OddScalar(kind, raw)
