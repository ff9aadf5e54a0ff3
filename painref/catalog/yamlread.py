"""Read one YAML file into plain data, keeping where each value stood.

Only the core schema is accepted: mappings, sequences, strings, decimal
integers, booleans and nulls. Anything YAML would quietly turn into another
type (``12:30``, ``2024-02-30``, ``1.5``) is kept as an ``OddScalar`` so the
validator can ask for quotes instead of storing a surprise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from painref.core.errors import Problem
from painref.core.safetext import describe

try:  # libyaml is much faster; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

# The pure-Python parser has no nesting limit of its own, so painref's guard
# always answers first there; see _hidden_too_deep.
PURE_LOADER = yaml.SafeLoader

PathKey = tuple[str | int, ...]
OnItem = Callable[["Document", PathKey, Any], None]

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
# Characters YAML does not allow anywhere in a stream (its "printable" set inverted) ...
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# ... and the same in UTF-8 (C0 controls and DEL, C1 controls but NEL, U+FFFE and U+FFFF;
# surrogates cannot be valid UTF-8), so a large file is checked without decoding it.
_ALLOWED_BYTES = b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]")


def _unreadable_utf8(data: bytes) -> bool:
    """Whether UTF-8 `data` holds a character YAML does not allow anywhere."""
    return (
        bool(data.translate(None, _ALLOWED_BYTES))  # what is left: C0 controls and DEL
        or _C1_UTF8.search(data) is not None
        or b"\xef\xbf\xbe" in data
        or b"\xef\xbf\xbf" in data
    )


# Every new level of nesting starts at one of these characters.
_OPENERS = "[{-?:"
# Document problems kept before reading stops: enough to fix a file in one go,
# few enough that a file with a million mistakes is answered in a blink.
MAX_PROBLEMS = 100


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
    text: str | bytes = ""  # bytes: valid UTF-8, as read from the file
    data: Any = None
    _problems: list[Problem] = field(default_factory=list)
    _pending: list[tuple[PathKey, str, str]] = field(default_factory=list)
    _marks: dict[PathKey, tuple[int, int]] | None = None
    _marks_complete: bool = False
    overflowed: bool = False

    def where(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest parent."""
        known = self._marks is not None and path in self._marks
        return _nearest(self._marks if known and self._marks else self._locate(None), path)

    def _locate(self, wanted: set[PathKey] | None) -> dict[PathKey, tuple[int, int]]:
        """Where values stand: every value, or (cheaper) at least the `wanted` ones.
        A second pass over the text, only for positions: its problems were
        reported by the first."""
        if self._marks is not None and (
            self._marks_complete or (wanted and wanted <= self._marks.keys())
        ):
            return self._marks
        self._marks = {}
        self._marks_complete = _Composer(Document(self.file), self._marks, wanted).locate(self.text)
        return self._marks

    def problem(self, path: PathKey, code: str, message: str) -> None:
        if self._room():
            self._pending.append((path, code, message))

    def problem_at(self, line: int, column: int, code: str, message: str) -> None:
        if self._room():
            self._problems.append(Problem(self.file, line, column, code, message))

    def _room(self) -> bool:
        """Whether another problem is kept; past MAX_PROBLEMS the file is `overflowed`,
        and reading and checking it stop."""
        if len(self._problems) + len(self._pending) < MAX_PROBLEMS:
            return True
        self.overflowed = True
        return False

    @property
    def problems(self) -> list[Problem]:
        if self._pending:
            marks = self._locate({path for path, _, _ in self._pending})
            for path, code, message in self._pending:
                self._problems.append(Problem(self.file, *_nearest(marks, path), code, message))
            self._pending.clear()
        return self._problems


def read_text(
    text: str | bytes,
    file: str,
    loader: type[Any] | None = None,
    on_item: OnItem | None = None,
    keep_items: bool = True,
) -> Document:
    """The file's data, or its problems. Every message is painref's own, whichever
    PyYAML or libyaml does the parsing (``loader`` picks one, for tests).
    ``on_item`` sees each item of a top-level list as soon as it is read; reading
    stops once the document has more than MAX_PROBLEMS problems. Unless
    ``keep_items``, those items are not kept in the data (a large catalog is never
    held whole). ``text`` may be valid UTF-8 bytes: then no copy of it is decoded
    unless there is a problem to place."""
    if isinstance(text, bytes) and _unreadable_utf8(text):
        text = text.decode("utf-8")  # the text's own check places the character
    doc = Document(file, text)
    unreadable = _NOT_YAML.search(text) if isinstance(text, str) else None
    if unreadable and isinstance(text, str):
        # YAML refuses these anywhere; say where, before any parser words it its own way.
        char = unreadable.group()
        doc.problem_at(
            *_position(text, unreadable.start()),
            "PR008",
            f"the file contains the control character {describe(char)}, "
            "which YAML does not allow; remove it",
        )
        return doc
    loader = loader or SafeLoader
    composer = _Composer(doc, on_item=on_item, keep_items=keep_items)
    try:
        data = composer.run(text, loader)
    except yaml.YAMLError as exc:
        if isinstance(text, bytes):  # placing the error needs the text: read it as text
            return read_text(text.decode("utf-8"), file, loader, on_item, keep_items)
        doc._problems, doc._pending = [], []
        if loader is not PURE_LOADER and _hidden_too_deep(text, composer, exc):
            return read_text(text, file, PURE_LOADER, on_item, keep_items)
        reason = _reason(text, exc)
        doc.problem_at(*_error_position(text, exc), "PR001", f"YAML syntax error: {reason}")
        return doc
    except _TooDeep as exc:
        line, column = exc.args
        doc._problems, doc._pending = [], []
        doc.problem_at(line, column, "PR005", f"nesting deeper than {MAX_DEPTH} levels")
        return doc
    except _Overflowed:
        return doc
    if data is _NOTHING or data is None:
        doc.problem_at(1, 1, "PR002", "the file is empty" if data is _NOTHING else _NO_CATALOG)
        return doc
    doc.data = data
    return doc


_NO_CATALOG = "the file holds an empty YAML document, not a catalog"


def _hidden_too_deep(text: str, composer: _Composer, exc: yaml.YAMLError) -> bool:
    """Could the parser have stopped at a limit of its own before painref's guard saw
    a value nested too deep? libyaml (0.2.5 and later) refuses 1,000 levels, and
    reads far ahead inside [ ] and { }, so its error can come first. Nesting needs
    one opening character per level, so only a stretch after the last value
    painref saw with enough of them could hide one; then the pure-Python parser,
    which has no such limit, reads the file again to find it."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    end = mark.index + 1 if mark is not None else len(text)
    stretch = text[composer.seen : end]
    return len(composer.stack) + sum(stretch.count(c) for c in _OPENERS) > MAX_DEPTH


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column of a character, counting lines as the file's newlines do."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _error_position(text: str, exc: yaml.YAMLError) -> tuple[int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return (1, 1)
    if mark.index >= len(text):
        # The end of the file: parsers disagree on its line, so count it here.
        return _position(text, len(text))
    return (mark.line + 1, mark.column + 1)


# painref's words for a syntax error, by what the parser was reading; the
# parsers' own wording differs between PyYAML's two parsers and their versions.
_REASONS = (
    ("flow sequence", "a [ ] list is not closed properly: expected ',' or ']'"),
    ("flow mapping", "a { } mapping is not closed properly: expected ',' or '}'"),
    ("block mapping", "this does not line up with the keys above it; check the indenting"),
    ("block collection", "this does not line up with the '- ' items above it; check the indenting"),
    ("simple key", "expected ':' after a key"),
    ("escape", "unknown escape in double-quoted text; write a backslash as \\\\"),
    ("quoted scalar", "quoted text is not closed"),
    ("mapping values", "':' is not allowed here; put text that contains ': ' in quotes"),
    ("block sequence entries", "a '- ' item is not allowed here; check the indentation"),
    ("mapping keys", "a '? ' key is not allowed here; check the indentation"),
    (
        "cannot start any token",
        "a character that cannot start a value; use spaces, not tabs, "
        "to indent, and put text starting with @ or ` in quotes",
    ),
    ("block scalar", "a | or > block of text cannot be read; check its indentation"),
    ("plain scalar", "this text cannot be read as it is; put it in quotes"),
    ("anchor", "an anchor (&) needs a name"),
    ("alias", "an alias (*) needs a name"),
    ("directive", "a % directive cannot be read"),
    ("tag", "a tag (!) cannot be read"),
    ("single document", "a catalog is one YAML document, but another one starts here"),
)


def _reason(text: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return "a tab cannot indent YAML; use spaces"
    said = " ".join(
        str(part) for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part
    ).lower()
    for clue, reason in _REASONS:
        if clue in said:
            return reason
    return "the YAML cannot be read here"


class _Overflowed(Exception):
    """The file has more than MAX_PROBLEMS problems: reading stops."""


class _AllFound(Exception):
    """Every position asked for is known: the second pass stops reading."""


class _TooDeep(Exception):
    """Raised at the first value nested deeper than MAX_DEPTH: parsing stops there,
    since libyaml slows down sharply with depth (and composing recursively, as
    yaml.compose does, crashes the process at a few tens of thousands of levels)."""


_NOTHING = object()  # no document at all
_NO_KEY = object()  # a mapping waiting for its next key
_SKIP = object()  # a mapping whose next value is dropped (its key was refused)
_RESOLVER = yaml.resolver.Resolver()
# The first characters of plain scalars YAML may read as something other than text;
# a plain scalar starting with any other character is text.
_RESOLVED_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)
ScalarEvent = yaml.ScalarEvent
AliasEvent = yaml.AliasEvent
MappingStartEvent = yaml.MappingStartEvent
MappingEndEvent = yaml.MappingEndEvent
SequenceStartEvent = yaml.SequenceStartEvent
SequenceEndEvent = yaml.SequenceEndEvent
DocumentStartEvent = yaml.DocumentStartEvent


class _Open:
    """A mapping or sequence being filled."""

    __slots__ = ("container", "key", "path", "rejected")

    def __init__(self, path: PathKey, container: dict[str, Any] | list[Any]) -> None:
        self.path = path
        self.container = container
        self.key: Any = _NO_KEY
        self.rejected = False

    def child(self) -> PathKey:
        if isinstance(self.container, list):
            return (*self.path, len(self.container))
        return (*self.path, self.key)


class _Composer:
    """Builds plain data from the parser's events with an explicit stack, so no
    depth of nesting can exhaust the C stack, and refuses what a catalog may not
    use as it goes. With ``marks`` it records where every value starts."""

    def __init__(
        self,
        doc: Document,
        marks: dict[PathKey, tuple[int, int]] | None = None,
        wanted: set[PathKey] | None = None,
        on_item: OnItem | None = None,
        keep_items: bool = True,
    ) -> None:
        self.doc = doc
        self.on_item = on_item
        self.keep_items = keep_items
        self.marks = marks
        # With marks: the paths whose places are asked for; reading stops once all are found.
        self.wanted = set(wanted or ())
        self.stack: list[_Open] = []
        self.result: Any = _NOTHING
        self.skip = 0
        self.plain: dict[str, str] = {}
        self.last: Any = None  # the last event the parser gave

    def locate(self, text: str | bytes) -> bool:
        """Record where values stand, stopping once the wanted ones are found;
        True when every value was recorded."""
        try:
            self.run(text, SafeLoader)
        except _AllFound:
            return False
        except (yaml.YAMLError, _TooDeep):
            pass
        return True

    @property
    def seen(self) -> int:
        """Where the last event the parser gave ends."""
        mark = self.last.end_mark if self.last is not None else None
        return mark.index if mark is not None else 0

    def run(self, text: str | bytes, loader: type[Any]) -> Any:
        parser = loader(text)
        try:
            return self._events(parser.get_event)
        finally:
            parser.dispose()

    def _events(self, next_event: Callable[[], Any]) -> Any:
        """Compose the events. The commonest, a plain text value or key where nothing
        needs checking, is handled in the loop; every other event by the general path."""
        documents = 0
        stack, plain = self.stack, self.plain
        fast = self.marks is None  # the second pass records every place: no shortcut
        streamed = self.on_item is not None  # items of a top-level list go to on_item
        skip = 0  # self.skip, which only the general path changes
        event = None
        try:
            while True:
                event = next_event()
                if event is None:
                    return self.result
                cls = event.__class__
                if skip:
                    if cls is MappingStartEvent or cls is SequenceStartEvent:
                        skip = self.skip = skip + 1
                    elif cls is MappingEndEvent or cls is SequenceEndEvent:
                        skip = self.skip = skip - 1
                elif cls is ScalarEvent:
                    if fast and event.tag is None and event.anchor is None and stack:
                        value = event.value
                        if not event.implicit[0] or (
                            (value[:1] not in _RESOLVED_FIRST if value else False)
                            or plain.get(value) == _STR
                        ):
                            parent = stack[-1]
                            container = parent.container
                            if container.__class__ is dict:
                                key = parent.key
                                if key is _NO_KEY:
                                    if value not in container:
                                        parent.key = value
                                        continue
                                elif key is not _SKIP and len(stack) <= MAX_DEPTH:
                                    container[key] = value
                                    parent.key = _NO_KEY
                                    continue
                            else:
                                depth = len(stack)
                                if (depth != 2 or not streamed) and depth <= MAX_DEPTH:
                                    container.append(value)  # type: ignore[union-attr]
                                    continue
                    self.node(event)
                    skip = self.skip
                elif cls is MappingEndEvent or cls is SequenceEndEvent:
                    done = stack.pop()
                    if fast and stack and not done.rejected:
                        parent = stack[-1]
                        container = parent.container
                        if container.__class__ is dict:
                            container[parent.key] = done.container
                            parent.key = _NO_KEY
                            continue
                        if len(stack) != 2 or not streamed:
                            container.append(done.container)  # type: ignore[union-attr]
                            continue
                    self.deliver(REJECTED if done.rejected else done.container)
                elif cls is MappingStartEvent or cls is SequenceStartEvent:
                    if fast and event.tag is None and event.anchor is None and stack:
                        parent = stack[-1]
                        container = parent.container
                        if len(stack) < MAX_DEPTH:
                            new: dict[str, Any] | list[Any] = {} if cls is MappingStartEvent else []
                            if container.__class__ is not dict:
                                stack.append(_Open((*parent.path, len(container)), new))
                                continue
                            key = parent.key
                            if key is not _NO_KEY and key is not _SKIP:
                                stack.append(_Open((*parent.path, key), new))
                                continue
                    self.node(event)
                    skip = self.skip
                elif cls is AliasEvent:
                    self.node(event)
                    skip = self.skip
                elif cls is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise yaml.composer.ComposerError(
                            "expected a single document in the stream",
                            None,
                            "but found another document",
                            event.start_mark,
                        )
        except yaml.YAMLError:
            self.last = event  # where reading stopped, to see what the parser may have hidden
            raise

    def mark(self, path: PathKey, event: yaml.Event) -> None:
        assert self.marks is not None
        self.marks[path] = _where(event)
        if self.wanted:
            self.wanted.discard(path)
            if not self.wanted:
                raise _AllFound

    def node(self, event: yaml.NodeEvent) -> None:
        if self.doc.overflowed:  # only the general path finds problems: stop here
            raise _Overflowed
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
            self.mark(path, event)
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
        if self.doc.overflowed:
            raise _Overflowed
        if not self.stack:
            self.result = value
            return
        parent = self.stack[-1]
        if isinstance(parent.container, list):
            if self.on_item is not None and len(self.stack) == 2 and not self.stack[0].path:
                self.on_item(self.doc, parent.child(), value)
                if not self.keep_items:
                    value = None  # checked: its place is kept, its data is not
            parent.container.append(value)
        else:
            parent.container[parent.key] = value
            parent.key = _NO_KEY


def _nearest(marks: dict[PathKey, tuple[int, int]], path: PathKey) -> tuple[int, int]:
    """Where the value at `path` stands, or its nearest parent."""
    while path not in marks and path:
        path = path[:-1]
    return marks.get(path, (1, 1))


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
