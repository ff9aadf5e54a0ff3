"""How the index stores records: each as JSON, checked by the field table as it is
read back, and a digest of every row."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

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

try:  # what hashlib wraps, without the cost of importing OpenSSL
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b


# Characters the validator refuses in catalog text (safetext.UNSAFE), as they can
# appear in a record's JSON: raw (json.loads refuses raw C0 controls itself), or
# as an escape, since json.dumps writes no \u, \b, \f or \r escape for safe text.
_UNSAFE_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ESCAPE = re.compile(r"\\+[ubfr]")  # from the first backslash of a run


def digest(*parts: str) -> bytes:
    """A row's digest; NUL never occurs in catalog text, so the joining is unambiguous."""
    return blake2b("\0".join(parts).encode(), digest_size=16).digest()


def running_digest() -> Any:
    """A digest over many rows' digests, updated one row at a time."""
    return blake2b(digest_size=16)


def holds_unsafe(data: str) -> bool:
    """Whether a record's JSON holds an unsafe character; fast for the usual record."""
    if (not data.isascii() or "\x7f" in data) and _UNSAFE_RAW.search(data):
        return True
    # An odd run of backslashes escapes the letter after it.
    return "\\" in data and any(len(run.group()) % 2 == 0 for run in _ESCAPE.finditer(data))


def list_digest(values: Sequence[str]) -> str:
    """How many values, and a digest of them all, as the meta table holds it."""
    return f"{len(values)} {blake2b(chr(0).join(values).encode(), digest_size=16).hexdigest()}"


# Records as JSON ---------------------------------------------------------------
# A record is stored as the JSON array of its named tuple's fields, in order;
# FORMAT changes whenever a record's fields do. Decoding checks every value's
# type and vocabulary, so that a record that passed its digest yet is not what
# painref writes fails here, as IndexDamaged, and never later in a renderer.


class Bad(ValueError):
    """A decoded value is not what painref writes."""


def _text(value: Any) -> str:
    if type(value) is not str:
        raise Bad(f"expected text, got {type(value).__name__}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _texts(value: Any, allowed: Collection[str] | None = None) -> tuple[str, ...]:
    if type(value) is not list:
        raise Bad(f"expected a list, got {type(value).__name__}")
    for item in value:
        if type(item) is not str or (allowed is not None and item not in allowed):
            raise Bad(f"unexpected list item {item!r}")
    return tuple(value)


def _minutes(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise Bad(f"expected minutes, got {value!r}")
    return value


def encode(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=dict)


def _source(data: list[Any]) -> Source:
    record_id, title, file, url, kind = data
    if kind is not None and kind not in vocab.SOURCE_KINDS:
        raise Bad(f"unknown source kind {kind!r}")
    return Source(_text(record_id), _text(title), _optional_text(file), _optional_text(url), kind)


def _condition(data: list[Any]) -> Condition:
    record_id, name, aliases, sources = data
    return Condition(_text(record_id), _text(name), _texts(aliases), _texts(sources))


def _lookup_name(data: list[Any]) -> LookupName:
    name, kind, ids, origin, sources = data
    if kind not in ("procedure", "condition"):
        raise Bad(f"a lookup name of an unknown kind {kind!r}")
    return LookupName(
        _text(name), kind, _texts(ids), _texts([origin], vocab.NAME_ORIGINS)[0], _texts(sources)
    )


def _fact(data: Any) -> Fact | None:
    if data is None:
        return None
    text, sources = data
    return Fact(_text(text), _texts(sources))


def _facts(items: Any) -> tuple[Fact, ...]:
    if type(items) is not list:
        raise Bad("expected a list of facts")
    return tuple(Fact(_text(text), _texts(sources)) for text, sources in items)


def _cite(data: Any) -> dict[str, tuple[str, ...]]:
    if type(data) is not dict or not set(data) <= set(fields.TAG_FIELDS):
        raise Bad("unexpected citations")
    return {field: _texts(ids) for field, ids in data.items()}


def _duration(data: Any) -> Duration | None:
    if data is None:
        return None
    low, high, note, sources, measures, per = data
    if measures not in vocab.MEASURES or (per is not None and per not in vocab.PER):
        raise Bad("unknown duration measure")
    return Duration(
        _minutes(low), _minutes(high), _optional_text(note), _texts(sources), measures, per
    )


def _bleeding(data: Any) -> Bleeding | None:
    if data is None:
        return None
    tier, inferred, basis, sources = data
    if tier not in vocab.BLEEDING_TIERS or type(inferred) is not bool:
        raise Bad("unexpected bleeding risk")
    return Bleeding(tier, inferred, _text(basis), _texts(sources))


def _statements(data: Any) -> tuple[Statement, ...]:
    if type(data) is not list:
        raise Bad("expected a list of statements")
    made = []
    for year, body, text, superseded, sources in data:
        if type(year) is not int or type(superseded) is not bool:
            raise Bad("unexpected statement")
        made.append(Statement(year, _text(body), _text(text), superseded, _texts(sources)))
    return tuple(made)


def _codes(data: Any) -> tuple[BillingCode, ...]:
    if type(data) is not list:
        raise Bad("expected a list of codes")
    made = []
    for system, code, label, sources in data:
        if system not in vocab.CODE_SYSTEMS:
            raise Bad(f"unknown code system {system!r}")
        made.append(BillingCode(system, _text(code), _text(label), _texts(sources)))
    return tuple(made)


def _notice(data: list[Any]) -> Notice:
    notice_id, text, sources, role = data
    if role not in vocab.NOTICE_ROLES:
        raise Bad(f"unknown notice role {role!r}")
    return Notice(_text(notice_id), _text(text), _texts(sources), role)


def _link(data: Any) -> Link:
    link_id, relation, sources = data
    if relation not in vocab.RELATION_LABELS:
        raise Bad(f"unknown relation {relation!r}")
    return Link(_text(link_id), relation, _texts(sources))


def _choice(value: Any, field: fields.Field) -> str:
    if value not in (field.vocabulary or {}):
        raise Bad(f"unknown {field.item} {value!r}")
    return str(value)


def _relief(data: Any) -> Relief:
    onset, lasts = data
    return Relief(_fact(onset), _fact(lasts))


def _links(data: Any) -> tuple[Link, ...]:
    if type(data) is not list:
        raise Bad("expected a list of links")
    return tuple(_link(link) for link in data)


# How each kind of field is read back: (stored value, field) -> checked value.
_DECODE: dict[str, Callable[[Any, fields.Field], Any]] = {
    fields.ID: lambda v, f: _text(v),
    fields.NAME: lambda v, f: _text(v),
    fields.NAMES: lambda v, f: _texts(v),
    fields.CHOICE: _choice,
    fields.CHOICES: lambda v, f: _texts(v, f.vocabulary),
    fields.WORDS: lambda v, f: _texts(v),
    fields.REFS: lambda v, f: _texts(v),
    fields.CITE: lambda v, f: _cite(v),
    fields.FACT: lambda v, f: _fact(v),
    fields.FACTS: lambda v, f: _facts(v),
    fields.DURATION: lambda v, f: _duration(v),
    fields.RELIEF: lambda v, f: _relief(v),
    fields.LINKS: lambda v, f: _links(v),
    fields.BLEEDING: lambda v, f: _bleeding(v),
    fields.STATEMENTS: lambda v, f: _statements(v),
    fields.CODES: lambda v, f: _codes(v),
}
# A procedure is stored as the JSON array of its attributes, in the model's order.
_PROCEDURE_FIELDS = tuple(fields.BY_NAME[name] for name in Procedure._fields)


def _procedure(data: list[Any]) -> Procedure:
    if type(data) is not list or len(data) != len(_PROCEDURE_FIELDS):
        raise Bad("expected a procedure's fields")
    pairs = zip(_PROCEDURE_FIELDS, data, strict=True)
    return Procedure(*(_DECODE[field.kind](value, field) for field, value in pairs))


# The decoder of each kind of record.
DECODERS: dict[str, Callable[[Any], Any]] = {
    "source": _source,
    "condition": _condition,
    "procedure": _procedure,
    "name": _lookup_name,
    "notice": _notice,
}
