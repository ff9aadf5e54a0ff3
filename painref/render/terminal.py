"""Rich renderables for people. Catalog text always goes in as Text, never as markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from painref.core import vocab
from painref.core.fields import ROWS
from painref.core.model import Notice, Procedure, Source
from painref.query.lines import Line, field_lines, notice_lines
from painref.query.results import ConditionUse, Entry, Found, SourceUse
from painref.render.fields import DIFFERS, DIFFERS_LEGEND, Citations, differ

if TYPE_CHECKING:
    from rich.table import Table

    from painref.query.hits import Excerpt, Hit

LABEL_STYLE = "bold cyan"
MISSING_STYLE = "dim italic"
MARK_STYLE = "dim"


def _lines_text(lines: Sequence[Line], citations: Citations) -> Text:
    if not lines:
        return Text(vocab.NOT_STATED, style=MISSING_STYLE)
    text = Text()
    for index, line in enumerate(lines):
        if index:
            text.append("\n")
        if line.bullet:
            text.append("• ")
        text.append(line.text)
        marks = citations.marks(line.sources)
        if marks:
            text.append(" " + marks, style=MARK_STYLE)
    return text


def _sources(entries: Sequence[Entry], citations: Citations) -> RenderableType:
    """The numbered source list."""
    parts: list[RenderableType] = [Text("Sources", style="bold")]
    cited = {source.id: source for entry in entries for source in entry.sources}
    for number, source_id in enumerate(citations.order, start=1):
        source = cited[source_id]
        title = Text(f"[{number}] ", style=MARK_STYLE)
        title.append(source.title)
        title.append(_kind(source))
        parts.append(title)
        parts.append(_where(source))
    return Group(*parts)


def _kind(source: Source) -> Text:
    """What kind of publisher a source is, after its title: " · clinic or practice"."""
    if source.kind is None:
        return Text()
    return Text(f" · {vocab.SOURCE_KINDS[source.kind]}", style=MARK_STYLE)


def _where(source: Source) -> Text:
    """Where a source is, indented. Kept out of any grid and never wrapped or
    cropped, so a URL stays whole, copyable and clickable."""
    if source.url:
        return Text(
            f"    {source.url}",
            style=Style(dim=True, link=source.url),
            no_wrap=True,
            overflow="ignore",
        )
    return Text("    a page kept in painref's source documents; no public address", style="dim")


def _named(name: str, record_id: str) -> Text:
    """A record's name in bold and its id dimmed, as lists show them."""
    text = Text(name, style="bold")
    text.append(f"  {record_id}", style="dim")
    return text


def _note() -> Text:
    return Text(vocab.EDUCATIONAL_NOTE, style=MISSING_STYLE)


def procedure_card(entry: Entry, styled: bool, sections: Sequence[str] = ()) -> RenderableType:
    """The whole card, or only the rows in `sections`."""
    procedure = entry.procedure
    citations = Citations()
    rows = [
        (Text(_short_label(label)), _lines_text(field_lines(entry, name), citations))
        for name, label in ROWS.items()
        if name != "category" and (not sections or name in sections)  # category: in the heading
    ]
    grid = _Rows(rows)

    heading = Text()
    heading.append(procedure.name, style="bold")
    heading.append(f"  ({procedure.id})", style="dim")
    subtitle = Text(vocab.CATEGORIES[procedure.category], style="italic")
    aliases = entry.shown_aliases
    if aliases:
        subtitle.append(" · also called: " + ", ".join(aliases), style="dim")
    said = _notices([entry], citations)
    if styled:
        from rich.panel import Panel

        return Group(
            Panel(
                Group(subtitle, Text(), grid, *said),
                title=heading,
                title_align="left",
                box=box.ROUNDED,
                padding=(0, 1),
            ),
            _sources([entry], citations),
            Text(),
            _note(),
        )
    return Group(
        heading,
        subtitle,
        Text(),
        grid,
        *said,
        Text(),
        _sources([entry], citations),
        Text(),
        _note(),
    )


def patient_handout(entry: Entry) -> RenderableType:
    """The handout for patients: a heading per question, bullets hanging, the
    sources grouped by publisher."""
    from painref.query.handout import SOURCES_HEADING, SOURCES_WHERE, by_publisher, patient_sections

    citations = Citations()
    parts: list[RenderableType] = []
    heading = Text(entry.procedure.name, style="bold")
    heading.append("  information for patients", style="italic")
    parts.append(heading)
    for section in patient_sections(entry):
        parts.append(Text())
        parts.append(Text(section.heading, style=LABEL_STYLE))
        if not section.lines:
            parts.append(Text(section.missing, style=MISSING_STYLE))
            continue
        for line in section.lines:
            text = Text(line.text, style="bold" if section.key == "notices" else "")
            marks = citations.marks(line.sources)
            if marks:
                text.append(" " + marks, style=MARK_STYLE)
            parts.append(_hanging("•", text) if line.bullet else text)
    parts.extend([Text(), Text(SOURCES_HEADING, style="bold")])
    for publisher in by_publisher(citations.order, entry.sources):
        said = Text(publisher.said())
        said.append(f" {publisher.marks()}", style=MARK_STYLE)
        said.append(".")
        parts.append(_hanging("•", said))
    where = Text(SOURCES_WHERE.format(id=entry.procedure.id), style=MISSING_STYLE)
    parts.extend([Text(), where, Text(), _note()])
    return Group(*parts)


class _Rows:
    """A label column and a wrapped value column, drawn as a two-column grid would
    draw them (label 13 wide, then 2 spaces), at a fraction of a table's cost: a
    card has many long rows, and every `show` draws one."""

    LABEL = 13
    GAP = 2

    def __init__(self, rows: Sequence[tuple[Text, Text]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width - self.LABEL - self.GAP)
        indent = Segment(" " * (self.LABEL + self.GAP))
        gap = Segment(" " * self.GAP)
        for label, value in self.rows:
            shown = label.copy()
            shown.truncate(self.LABEL, overflow="ellipsis", pad=True)
            shown.stylize(LABEL_STYLE)
            for index, line in enumerate(value.wrap(console, width, overflow="fold")):
                if index:
                    yield indent
                else:
                    yield from shown.render(console)
                    yield gap
                yield from line.render(console)
                yield Segment.line()


def _notices(entries: Sequence[Entry], citations: Citations) -> list[RenderableType]:
    """The notices every card and comparison shows, after a blank line."""
    lines = notice_lines(entries)
    if not lines:
        return []
    return [Text(), _lines_text(lines, citations)]


_SHORT_LABELS = {
    "Medications and materials": "Medications",
    "Who should not have it": "Not for",
    "How to prepare": "Preparing",
    "When to get help": "Get help if",
    "Evidence and guidance": "Evidence",
    "Procedure codes": "Codes",
}


def _short_label(label: str) -> str:
    return _SHORT_LABELS.get(label, label)


# A procedure's column in compare needs at least this many characters to read well.
MIN_COLUMN = 18
_LABEL_WIDTH = 15


class _FitsOrBlocks:
    """Compare side by side when every procedure gets a readable column at the width
    it is drawn at, else one block per field."""

    def __init__(self, entries: Sequence[Entry], fields: Sequence[str], styled: bool) -> None:
        self.entries, self.fields, self.styled = entries, fields, styled

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wanted = _LABEL_WIDTH + len(self.entries) * (MIN_COLUMN + 3)
        if wanted <= options.max_width:
            yield compare_table(self.entries, self.fields, self.styled)
        else:
            yield compare_blocks(self.entries, self.fields, self.styled)


def compare_view(
    entries: Sequence[Entry], fields: Sequence[str], styled: bool, layout: str = "auto"
) -> RenderableType:
    if layout == "table":
        return compare_table(entries, fields, styled)
    if layout == "blocks":
        return compare_blocks(entries, fields, styled)
    return _FitsOrBlocks(entries, fields, styled)


def compare_blocks(entries: Sequence[Entry], fields: Sequence[str], styled: bool) -> RenderableType:
    """One block per field, a line (or lines) per procedure: readable at any number."""
    citations = Citations()
    parts: list[RenderableType] = []
    for name in fields:
        lines = [field_lines(entry, name) for entry in entries]
        heading = Text()
        heading.append(f"{DIFFERS} " if differ(lines) else "", style=DIFFERS_STYLE)
        heading.append(ROWS[name], style="bold underline")
        parts.append(heading)
        grid = _grid()
        grid.add_column(width=2)
        grid.add_column(ratio=1)
        for entry, each in zip(entries, lines, strict=True):
            grid.add_row(Text("•"), Text(entry.procedure.name, style=LABEL_STYLE))
            grid.add_row(Text(), _lines_text(each, citations))
        parts.extend([grid, Text()])
    legend = Text(DIFFERS_LEGEND, style=MARK_STYLE)
    said = _notices(entries, citations)
    return Group(*parts, legend, *said, Text(), _sources(entries, citations), Text(), _note())


def compare_table(entries: Sequence[Entry], fields: Sequence[str], styled: bool) -> RenderableType:
    citations = Citations()
    header = [Text(""), *(Text(entry.procedure.name) for entry in entries)]
    rows = []
    for name in fields:
        lines = [field_lines(entry, name) for entry in entries]
        label = Text()
        label.append(f"{DIFFERS} " if differ(lines) else "  ", style=DIFFERS_STYLE)
        label.append(_short_label(ROWS[name]))
        rows.append([label, *(_lines_text(each, citations) for each in lines)])
    table = _SideBySide(header, rows, box.SIMPLE_HEAD if styled else box.ASCII2)
    legend = Text(DIFFERS_LEGEND, style=MARK_STYLE)
    said = _notices(entries, citations)
    return Group(table, legend, *said, Text(), _sources(entries, citations), Text(), _note())


class _SideBySide:
    """The compare table: a label column _LABEL_WIDTH wide, then one equal column per
    procedure, every row ruled off, drawn as a Rich table with those settings would
    draw it (box, padding 1, widths shared out first column first) at a fraction of
    its cost: compare draws every field of every procedure."""

    def __init__(self, header: list[Text], rows: list[list[Text]], frame: box.Box) -> None:
        self.header, self.rows, self.frame = header, rows, frame

    def widths(self, total: int) -> list[int]:
        """Each column's width with its padding."""
        count = len(self.header) - 1
        flexible = max(count * 3, total - (count + 2) - (_LABEL_WIDTH + 2))
        widths = [_LABEL_WIDTH + 2]
        for left in range(count, 0, -1):
            share = -(-flexible // left)  # the first columns take any remainder
            widths.append(share)
            flexible -= share
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        frame, widths = self.frame, self.widths(options.max_width)
        new_line = Segment.line()
        yield Segment(frame.get_top(widths))
        yield new_line
        yield from self._row(console, self.header, widths, frame.head_left, frame.head_vertical,
                             frame.head_right, Style(bold=True))  # fmt: skip
        yield Segment(frame.get_row(widths, "head"))
        yield new_line
        for index, row in enumerate(self.rows):
            if index:
                yield Segment(frame.get_row(widths, "row"))
                yield new_line
            yield from self._row(console, row, widths, frame.mid_left, frame.mid_vertical,
                                 frame.mid_right, None)  # fmt: skip
        yield Segment(frame.get_bottom(widths))
        yield new_line

    def _row(
        self,
        console: Console,
        cells: list[Text],
        widths: list[int],
        left: str,
        between: str,
        right: str,
        style: Style | None,
    ) -> RenderResult:
        columns = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            text = cell.copy()
            if style is not None:
                text.stylize(style)
            if index == 0:
                if style is None:
                    text.stylize(LABEL_STYLE)
                text.truncate(width - 2, overflow="ellipsis")
                columns.append([text])
            else:
                columns.append(list(text.wrap(console, width - 2, overflow="fold")))
        height = max(len(lines) for lines in columns)
        if style is not None:  # header cells sit at the bottom of their row
            columns = [[Text()] * (height - len(lines)) + lines for lines in columns]
        for number in range(height):
            yield Segment(left)
            for index, (lines, width) in enumerate(zip(columns, widths, strict=True)):
                if index:
                    yield Segment(between)
                line = lines[number] if number < len(lines) else Text()
                yield Segment(" ")
                yield from line.render(console)
                yield Segment(" " * (width - 2 - line.cell_len + 1))
            yield Segment(right)
            yield Segment.line()


DIFFERS_STYLE = "bold yellow"


def found_table(
    found: Sequence[Found],
    styled: bool,
    columns: Sequence[Sequence[tuple[str, str]]] = (),
    notices: Sequence[Notice] = (),
    untimed: Sequence[Procedure] = (),
) -> RenderableType:
    """Each procedure found with what it treats, its summary and its `columns`
    ((label, text) pairs, one list per procedure)."""
    left_out = _untimed(untimed)
    if not found:
        return Group(
            Text("No procedure matches all of those filters.", style=MISSING_STYLE),
            *left_out,
            _note(),
        )
    grid = _grid()
    grid.add_column(width=2)
    grid.add_column(ratio=1)
    for index, item in enumerate(found):
        procedure = item.procedure
        heading = _named(procedure.name, procedure.id)
        treats = Text("treats: ", style=LABEL_STYLE)
        treats.append(", ".join(c.name for c in item.matched_conditions) or vocab.NOT_STATED)
        summary = Text(
            procedure.summary.text if procedure.summary else vocab.NOT_STATED,
            no_wrap=True,
            overflow="ellipsis",
        )
        grid.add_row(Text("•"), heading)
        grid.add_row(Text(), treats)
        grid.add_row(Text(), summary)
        for label, value in columns[index] if columns else ():
            shown = Text(f"{_short_label(label).lower()}: ", style=LABEL_STYLE)
            shown.append(value)
            grid.add_row(Text(), shown)
    count = Text(
        f"{len(found)} procedure{'s' if len(found) != 1 else ''}. "
        "Run 'painref show ID' for details.",
        style="dim",
    )
    said = [Text(notice.text) for notice in notices]
    return Group(grid, Text(), *said, *left_out, count, Text(), _note())


def _untimed(untimed: Sequence[Procedure]) -> list[RenderableType]:
    if not untimed:
        return []
    names = ", ".join(procedure.id for procedure in untimed)
    return [
        Text(
            f"Not listed, as no procedure time is recorded for them: {names}.",
            style=MISSING_STYLE,
        )
    ]


HIGHLIGHT_STYLE = "bold yellow"
SEARCH_LABELS = {"name": "Name", "names": "Known as"}  # the two name rows search adds


def search_view(
    hits: Sequence[Hit],
    query: str,
    suggestions: Sequence[str],
    unknown: Sequence[str],
    styled: bool,
    notices: Sequence[Notice] = (),
) -> RenderableType:
    shown = repr(query)
    said = _notices_found(notices)
    if not hits:
        parts: list[RenderableType] = [
            *said,
            Text(f"No procedure's own text mentions {shown}.", style=MISSING_STYLE)
            if notices
            else Text(f"No procedure mentions {shown}.", style=MISSING_STYLE),
        ]
        if suggestions:
            parts.append(Text(f"Did you mean: {', '.join(suggestions)}?"))
        return Group(*parts, Text(), _note())
    parts = [*said]
    for hit in hits:
        heading = _named(hit.procedure.name, hit.procedure.id)
        parts.append(_hanging("•", heading))
        grid = _grid()
        grid.add_column(width=3)
        grid.add_column(style=LABEL_STYLE, no_wrap=True, width=13)
        grid.add_column(ratio=1)
        for excerpt in hit.excerpts:
            label = _short_label(ROWS.get(excerpt.field, SEARCH_LABELS.get(excerpt.field, "")))
            grid.add_row(Text(), Text(label), _highlighted(excerpt))
        parts.append(grid)
    count = Text(
        f"{len(hits)} procedure{'s' if len(hits) != 1 else ''} "
        f"match{'es' if len(hits) == 1 else ''} {shown}. Run 'painref show ID' for details.",
        style="dim",
    )
    if unknown:
        missing = ", ".join(repr(word) for word in unknown)
        count.append(f"\nNo procedure mentions {missing}; these match the other words.")
    if suggestions:
        count.append(f"\nDid you mean: {', '.join(suggestions)}?")
    return Group(*parts, Text(), count, Text(), _note())


def _notices_found(notices: Sequence[Notice]) -> list[RenderableType]:
    """Notices the search words are in: shown once, above the procedures, as every
    card shows them."""
    parts: list[RenderableType] = []
    for notice in notices:
        heading = Text("On every card", style="bold")
        heading.append(f"  ({notice.id})", style="dim")
        parts.extend([_hanging("•", heading), _hanging("", Text(notice.text)), Text()])
    return parts


def _highlighted(excerpt: Excerpt) -> Text:
    text = Text(excerpt.text)
    for start, end in excerpt.spans:
        text.stylize(HIGHLIGHT_STYLE, start, end)
    return text


def list_view(groups: Mapping[str, Sequence[Procedure]], styled: bool) -> RenderableType:
    parts: list[RenderableType] = []
    for category, procedures in groups.items():
        parts.append(Text(vocab.CATEGORIES[category].capitalize(), style="bold underline"))
        # One line each, never cropped: an id stays whole, ready to paste into `show`.
        widest = max(len(procedure.id) for procedure in procedures)
        for procedure in procedures:
            line = Text(procedure.id.ljust(widest), style="cyan", no_wrap=True, overflow="ignore")
            line.append(f"  {procedure.name}", style="")
            parts.append(line)
        parts.append(Text())
    total = sum(len(items) for items in groups.values())
    parts.append(Text(f"{total} procedures. Run 'painref show ID' for one of them.", style="dim"))
    return Group(*parts)


def conditions_view(uses: Sequence[ConditionUse], styled: bool) -> RenderableType:
    grid = _grid()  # one grid for all: far quicker to draw than one each
    grid.add_column(width=3)
    grid.add_column(ratio=1)
    for use in uses:
        condition = use.condition
        title = _named(condition.name, condition.id)
        grid.add_row(Text("•"), title)
        if condition.aliases:
            also = Text("also called: ", style=LABEL_STYLE)
            also.append(", ".join(condition.aliases))
            grid.add_row(Text(), also)
        treated = Text("treated by: ", style=LABEL_STYLE)
        treated.append(", ".join(p.name for p in use.procedures) or "no procedure in the catalog")
        grid.add_row(Text(), treated)
        if use.codes:
            coded = Text("ICD-10-CM: ", style=LABEL_STYLE)
            if len(use.codes) == 1:
                coded.append(f"{use.codes[0].code} {use.codes[0].title}")
            else:
                coded.append(", ".join(code.code for code in use.codes))
            grid.add_row(Text(), coded)
    parts: list[RenderableType] = [grid]
    total = len(uses)
    example = uses[0].condition.id if total == 1 else "ID"
    parts.append(Text())
    parts.append(
        Text(
            f"{total} condition{'s' if total != 1 else ''}. "
            f"Run 'painref find --condition {example}' for its procedures with summaries.",
            style="dim",
        )
    )
    parts.extend([Text(), _note()])
    return Group(*parts)


def sources_view(uses: Sequence[SourceUse], styled: bool) -> RenderableType:
    parts: list[RenderableType] = []
    documents = [use for use in uses if use.source.file is not None]
    pages = [use for use in uses if use.source.file is None]
    for heading, group in (("Source documents", documents), ("Public pages", pages)):
        if not group:
            continue
        parts.append(Text(f"{heading} ({len(group)})", style="bold underline"))
        for use in group:
            parts.extend(_source_entry(use))
        parts.append(Text())
    total = len(uses)
    parts.append(
        Text(
            f"{total} source{'s' if total != 1 else ''}. "
            "Run 'painref show ID' to read a procedure with its citations.",
            style="dim",
        )
    )
    return Group(*parts)


def _source_entry(use: SourceUse) -> list[RenderableType]:
    source = use.source
    title = Text(source.id, style="cyan")
    title.append(f"  {source.title}")
    title.append(_kind(source))
    cited = Text("cited by: ", style=LABEL_STYLE)
    cited.append(", ".join(p.id for p in use.procedures) or "no procedure")
    if use.conditions:
        cited.append("; conditions: ", style=LABEL_STYLE)
        cited.append(", ".join(c.id for c in use.conditions))
    return [_hanging("•", title), _where(source), _hanging("", cited)]


def _grid() -> Table:
    """A borderless grid, its cells one space apart. (rich.table is imported only
    when a grid is drawn: a card and a comparison draw none.)"""
    from rich.table import Table

    return Table.grid(padding=(0, 1))


def _hanging(mark: str, text: Text) -> RenderableType:
    grid = _grid()
    grid.add_column(width=3)
    grid.add_column(ratio=1)
    grid.add_row(Text(mark), text)
    return grid
