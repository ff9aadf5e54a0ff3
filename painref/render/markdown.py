"""Markdown documents for printable handouts. Catalog text always goes through `escape`.

Pure functions: they return text and never print. The layout mirrors the
terminal renderer (same fields, labels, citation numbers and sources list), so a
handout reads the same as `painref show` or `painref compare`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from painref.core import vocab
from painref.core.fields import ROWS
from painref.core.model import Notice, Procedure, Source
from painref.core.safetext import UNSAFE, neutralise
from painref.query.handout import (
    NOTICES_HEADING,
    SOURCES_HEADING,
    SOURCES_WHERE,
    by_publisher,
    patient_sections,
)
from painref.query.lines import Line, field_lines, notice_lines
from painref.query.results import Entry, Found
from painref.render.fields import DIFFERS, DIFFERS_LEGEND, Citations, differ

# Markdown punctuation that is backslash-escaped wherever it appears, and the
# characters that become HTML entities instead; one pass, so nothing is escaped twice.
_INLINE = re.compile(r"[\\`*_\[\]|#!~&<>]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
# Block markers that only count at the start of a line: bullet and ordered
# list items, thematic breaks and setext underlines.
_LIST_START = re.compile(r"^([-+=])", re.MULTILINE)
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)", re.MULTILINE)
# In a link destination: what would end or split it, or be read as an entity.
_URL_UNSAFE = re.compile(r"[\s()<>\\]|" + UNSAFE.pattern)
_URL_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def escape(text: str) -> str:
    """Catalog text made inert in Markdown and in the HTML a Markdown renderer makes.

    - Control and bidi characters are spelled out first (`safetext.neutralise`),
      so an ESC arrives as the visible text ``\\x1b``.
    - ``&``, ``<`` and ``>`` become ``&amp;``, ``&lt;`` and ``&gt;``: no raw HTML,
      autolink or entity reference survives, and a leading ``>`` is no block quote.
    - Backslash, backquote and ``*`` ``_`` ``[`` ``]`` ``|`` ``#`` ``!`` ``~`` are
      backslash-escaped anywhere: no emphasis, code, link, image, table cell,
      heading or strikethrough.
    - At the start of a line only: ``-``, ``+`` and ``=`` are escaped (no list,
      thematic break or setext heading), and so is the ``.`` or ``)`` of an
      ordered-list start such as ``1.`` or ``2)``. Spaces and tabs that indent a
      line are dropped (Markdown ignores them in a paragraph), so an indent can
      never turn text into a code block.

    Everything else stays as it is (``-`` and ``.`` inside a sentence, parentheses,
    colons) so that the Markdown source still reads as plain text. A bare URL in
    the text may still be linked by renderers that auto-link, to the URL shown.
    """
    text = _INLINE.sub(lambda m: _ENTITIES.get(m.group(), "\\" + m.group()), neutralise(text))
    text = _LIST_START.sub(r"\\\1", _INDENT.sub("", text))
    return _ORDERED_START.sub(r"\1\\\2", text)


def procedure_handout(entry: Entry) -> str:
    """One procedure: every field in card order, its sources, and the note."""
    procedure = entry.procedure
    citations = Citations()
    subtitle = f"*{escape(_capitalised(vocab.CATEGORIES[procedure.category]))}*"
    aliases = entry.shown_aliases
    if aliases:
        subtitle += " · also called: " + ", ".join(_inline(a) for a in aliases)
    blocks = [f"# {_inline(procedure.name)}", subtitle, f"Catalog id: {_code(procedure.id)}"]
    for name, label in ROWS.items():
        if name == "category":
            continue  # in the subtitle
        blocks.append(f"## {label}")
        blocks.extend(_field_blocks(field_lines(entry, name), citations))
    return _document([*blocks, *_notices([entry], citations), *_sources([entry], citations)])


def patient_handout(entry: Entry) -> str:
    """The handout for patients: plain words, care before and after, when to get
    help, the warnings, questions to ask, and the sources by publisher."""
    citations = Citations()
    blocks = [
        f"# {_inline(entry.procedure.name)}",
        f"*{escape('Information for patients.')}*",
    ]
    for section in patient_sections(entry):
        blocks.append(f"## {escape(section.heading)}")
        if not section.lines:
            blocks.append(f"*{escape(section.missing)}*")
        elif section.key == "notices":
            blocks.extend(_bold(section.lines, citations))
        else:
            blocks.extend(_field_blocks(section.lines, citations))
    items = [
        f"- {_inline(publisher.said())} {escape(publisher.marks())}."
        for publisher in by_publisher(citations.order, entry.sources)
    ]
    body = "\n".join(items) if items else f"*{escape('No sources are cited.')}*"
    where = escape(SOURCES_WHERE.format(id=entry.procedure.id))
    return _document([*blocks, f"## {escape(SOURCES_HEADING)}", body, where, *_note()])


def checklist(entry: Entry, sections: Sequence[str]) -> str:
    """Only the chosen parts of a procedure, each item a box to tick: a printable
    checklist for before and after it."""
    procedure = entry.procedure
    citations = Citations()
    blocks = [f"# {_inline(procedure.name)}: checklist", f"Catalog id: {_code(procedure.id)}"]
    for name in sections:
        blocks.append(f"## {ROWS[name]}")
        lines = field_lines(entry, name)
        if not lines:
            blocks.append(_missing())
            continue
        blocks.append("\n".join(f"- [ ] {_marked(line, citations)}" for line in lines))
    return _document([*blocks, *_notices([entry], citations), *_sources([entry], citations)])


# More procedures than this read better as blocks than as table columns in a handout.
MAX_TABLE_COLUMNS = 4


def compare_table(entries: Sequence[Entry], fields: Sequence[str], layout: str = "auto") -> str:
    """Procedures side by side, one table row per field (or, with more than fit on a
    page, one section per field); rows that differ are marked."""
    if layout == "blocks" or (layout == "auto" and len(entries) > MAX_TABLE_COLUMNS):
        return _compare_blocks(entries, fields)
    procedures = [entry.procedure for entry in entries]
    citations = Citations()
    rows = [
        _row(["Field", *(_inline(p.name) for p in procedures)]),
        _row(["---"] * (len(procedures) + 1)),
    ]
    for name in fields:
        per_procedure = [field_lines(entry, name) for entry in entries]
        cells = [_table_cell(lines, citations) for lines in per_procedure]
        label = f"{DIFFERS} {ROWS[name]}" if differ(per_procedure) else ROWS[name]
        rows.append(_row([label, *cells]))
    blocks = [
        "# Compare: " + ", ".join(_inline(p.name) for p in procedures),
        "\n".join(rows),
        DIFFERS_LEGEND,
    ]
    return _document([*blocks, *_notices(entries, citations), *_sources(entries, citations)])


def _compare_blocks(entries: Sequence[Entry], fields: Sequence[str]) -> str:
    procedures = [entry.procedure for entry in entries]
    citations = Citations()
    blocks = ["# Compare: " + ", ".join(_inline(p.name) for p in procedures)]
    for name in fields:
        per_procedure = [field_lines(entry, name) for entry in entries]
        mark = f"{DIFFERS} " if differ(per_procedure) else ""
        blocks.append(f"## {mark}{ROWS[name]}")
        blocks.append(
            "\n".join(
                f"- **{_inline(entry.procedure.name)}**: {_table_cell(lines, citations)}"
                for entry, lines in zip(entries, per_procedure, strict=True)
            )
        )
    return _document(
        [*blocks, DIFFERS_LEGEND, *_notices(entries, citations), *_sources(entries, citations)]
    )


def found_list(
    found: Sequence[Found],
    columns: Sequence[Sequence[tuple[str, str]]] = (),
    notices: Sequence[Notice] = (),
    untimed: Sequence[Procedure] = (),
) -> str:
    """The procedures a `find` matched: name, id, conditions treated, summary and
    the chosen columns."""
    blocks = ["# Procedures found"]
    left_out = (
        [escape(f"Not listed, as no procedure time is recorded for them: {_ids(untimed)}.")]
        if untimed
        else []
    )
    if not found:
        blocks.append(f"*{escape('No procedure matches all of those filters.')}*")
        return _document([*blocks, *left_out, *_note()])
    items = []
    for index, item in enumerate(found):
        procedure = item.procedure
        treats = ", ".join(_inline(c.name) for c in item.matched_conditions) or _missing()
        summary = _inline(procedure.summary.text) if procedure.summary else _missing()
        extra = "".join(
            f"\n  {escape(label)}: {_inline(value)}."
            for label, value in (columns[index] if columns else ())
        )
        # The summary continues the item on its own line (read as one paragraph).
        items.append(
            f"- **{_inline(procedure.name)}** ({_code(procedure.id)}): treats {treats}\n"
            f"  {summary}{extra}"
        )
    count = f"{len(found)} procedure{'s' if len(found) != 1 else ''}."
    said = [_inline(notice.text) for notice in notices]
    return _document([*blocks, "\n".join(items), *said, *left_out, count, *_note()])


def _ids(procedures: Sequence[Procedure]) -> str:
    return ", ".join(procedure.id for procedure in procedures)


# Pieces -----------------------------------------------------------------------


def _document(blocks: Sequence[str]) -> str:
    """Blocks separated by blank lines, ending in exactly one newline."""
    return "\n\n".join(blocks) + "\n"


def _inline(text: str) -> str:
    """Catalog text as one escaped line (line breaks inside it become spaces)."""
    return escape(_one_line(neutralise(text)))


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines()).strip()


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def _missing() -> str:
    return f"*{escape(vocab.NOT_STATED)}*"


def _marked(line: Line, citations: Citations) -> str:
    """A line's escaped text followed by its citation marks, e.g. ``text \\[1,2\\]``."""
    marks = citations.marks(line.sources)
    return _inline(line.text) + (f" {escape(marks)}" if marks else "")


def _field_blocks(lines: Sequence[Line], citations: Citations) -> list[str]:
    """A field's body: runs of bullets as one list, every other line a paragraph."""
    if not lines:
        return [_missing()]
    blocks: list[str] = []
    bullets: list[str] = []
    for line in lines:
        if line.bullet:
            bullets.append(f"- {_marked(line, citations)}")
            continue
        if bullets:
            blocks.append("\n".join(bullets))
            bullets = []
        blocks.append(_marked(line, citations))
    if bullets:
        blocks.append("\n".join(bullets))
    return blocks


def _table_cell(lines: Sequence[Line], citations: Citations) -> str:
    if not lines:
        return _missing()
    return "<br>".join(("• " if line.bullet else "") + _marked(line, citations) for line in lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _code(text: str) -> str:
    """Text as a code span, fenced with more backticks than it contains."""
    text = _one_line(neutralise(text))
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    edge = text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ")
    pad = " " if edge else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _notices(entries: Sequence[Entry], citations: Citations) -> list[str]:
    """The notices every handout and comparison shows, under their own heading."""
    lines = notice_lines(entries)
    if not lines:
        return []
    return [f"## {escape(NOTICES_HEADING)}", *_bold(lines, citations)]


def _bold(lines: Sequence[Line], citations: Citations) -> list[str]:
    """Each line a bold paragraph, as the notices are shown."""
    return [f"**{_marked(line, citations)}**" for line in lines]


def _sources(entries: Sequence[Entry], citations: Citations) -> list[str]:
    """The numbered sources list in citation order, then the rule and the note."""
    cited = {source.id: source for entry in entries for source in entry.sources}
    items = [
        f"{number}. {_source(cited[source_id])}"
        for number, source_id in enumerate(citations.order, start=1)
    ]
    body = "\n".join(items) if items else f"*{escape('No sources are cited.')}*"
    return ["## Sources", body, *_note()]


def _source(source: Source) -> str:
    kind = f" · {escape(vocab.SOURCE_KINDS[source.kind])}" if source.kind else ""
    if source.url and source.url.startswith(("https://", "http://")):
        return f"[{_inline(source.title)}]({_url(source.url)}){kind}"
    if source.url:  # not a web address: shown as text, never as a link
        return f"{_inline(source.title)} — {_inline(source.url)}{kind}"
    return f"{_inline(source.title)} — a page kept in painref's source documents{kind}"


def _url(url: str) -> str:
    """A link destination that cannot end early: whitespace, parentheses, angle
    brackets, backslashes and control characters percent-encoded; an ``&`` that
    would start an entity reference written as ``&amp;``."""
    url = _URL_ENTITY.sub("&amp;", url)
    return _URL_UNSAFE.sub(
        lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), url
    )


def _note() -> list[str]:
    return ["---", f"*{escape(vocab.EDUCATIONAL_NOTE)}*"]
