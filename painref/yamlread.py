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
    file: str
    data: Any = None
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest parent."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def problem(self, path: PathKey, code: str, message: str) -> None:
        line, column = self.where(path)
        self.problems.append(Problem(self.file, line, column, code, message))


def read_text(text: str, file: str) -> Document:
    doc = Document(file)
    try:
        too_deep = _too_deep(text)
        if too_deep:
            # Composing would recurse once per level: libyaml crashes the
            # process at a few tens of thousands, and is slow long before.
            line, column = too_deep
            message = f"nesting deeper than {MAX_DEPTH} levels"
            doc.problems.append(Problem(file, line, column, "PR005", message))
            return doc
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "cannot be parsed"
        doc.problems.append(Problem(file, line, column, "PR001", f"YAML syntax error: {reason}"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(file, 1, 1, "PR001", f"YAML syntax error: {exc}"))
        return doc
    if node is None:
        doc.problems.append(Problem(file, 1, 1, "PR002", "the file is empty"))
        return doc
    doc.data = _Walker(doc).value(node, ())
    return doc


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where nesting first passes MAX_DEPTH, found from the event stream.

    The parser keeps its own stack, so this stops early at any depth.
    """
    depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:
                mark = event.start_mark
                return (mark.line + 1, mark.column + 1) if mark else (1, 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.seen: set[int] = set()

    def value(self, node: yaml.Node, path: PathKey) -> Any:
        mark = node.start_mark
        self.doc.marks[path] = (mark.line + 1, mark.column + 1)
        if id(node) in self.seen:
            self.doc.problem(path, "PR003", "anchors and aliases are not allowed in a catalog")
            return REJECTED
        self.seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            self.doc.problem(path, "PR004", f"the YAML tag {node.tag!r} is not allowed")
            return REJECTED
        if len(path) > MAX_DEPTH:
            self.doc.problem(path, "PR005", f"nesting deeper than {MAX_DEPTH} levels")
            return REJECTED
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: PathKey) -> Any:
        result: dict[str, Any] = {}
        merged = False
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.doc.problem(path, "PR003", "merge keys (<<) are not allowed in a catalog")
                merged = True
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.doc.problems.append(
                    Problem(
                        self.doc.file,
                        key_mark.line + 1,
                        key_mark.column + 1,
                        "PR006",
                        "mapping keys must be plain text",
                    )
                )
                continue
            key = key_node.value
            if key in result:
                self.doc.problems.append(
                    Problem(
                        self.doc.file,
                        key_mark.line + 1,
                        key_mark.column + 1,
                        "PR007",
                        f"duplicate key {key!r}",
                    )
                )
                continue
            result[key] = self.value(value_node, (*path, key))
        return REJECTED if merged else result

    @staticmethod
    def scalar(node: yaml.ScalarNode) -> Any:
        tag, raw = node.tag, node.value
        if tag == _STR:
            return raw
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return OddScalar("a yes/no value", raw)
        if tag == _INT and _DECIMAL.fullmatch(raw.replace("_", "")) and "_" not in raw:
            return int(raw)
        kind = {
            _INT: "a number",
            "tag:yaml.org,2002:float": "a number",
            "tag:yaml.org,2002:timestamp": "a date or time",
        }.get(tag, "not text")
        return OddScalar(kind, raw)
