"""Markdown handouts: golden documents, and catalog text that can never become markup.

Refresh the golden files after a deliberate change with:
    PAINREF_UPDATE_DOCS=1 pytest -n 0 tests/test_markdown.py
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from painref.catalog.layers import Overlay, read_catalog
from painref.catalog.records import Catalog
from painref.core import vocab
from painref.core.fields import ROWS as FIELDS
from painref.core.model import Condition, Fact, Procedure, Source
from painref.core.safetext import neutralise
from painref.query.lookup import Lookup
from painref.query.results import Filters
from painref.render import markdown
from painref.render.markdown import escape, found_list
from tests.conftest import GOLDEN, MINI

# The CommonMark preset lets raw HTML through, the worst case for escaping;
# tables and strikethrough are the GitHub extensions the escaping must also defeat.
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

ESC = "\x1b"
SCRIPT = "<script>alert(1)</script>"
BOLD = "**bold**"
LINK = "[x](http://evil)"
PIPE = "a | b"
DASH = "- not a list"
WITH_ESC = f"red{ESC}[31m"

EXACT = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    BOLD: r"\*\*bold\*\*",
    LINK: r"\[x\](http://evil)",
    PIPE: r"a \| b",
    DASH: r"\- not a list",
    WITH_ESC: r"red\\x1b\[31m",
}


def procedure_handout(catalog: Catalog, procedure: Procedure) -> str:
    """The handout as `show --format markdown` renders it."""
    return markdown.procedure_handout(Lookup(catalog).entry(procedure, card=True))


def compare_table(catalog: Catalog, procedures: Sequence[Procedure], fields: Sequence[str]) -> str:
    """The table as `compare --format markdown` renders it."""
    lookup = Lookup(catalog)
    return markdown.compare_table([lookup.entry(p) for p in procedures], fields)


@pytest.fixture
def mini() -> Catalog:
    return read_catalog([Overlay(MINI, "")])


def hostile(mini: Catalog) -> tuple[Catalog, Procedure]:
    """The mini catalog with kyphoplasty's text replaced by markup and control characters."""
    source = Source("evil", f"{BOLD} {SCRIPT}", url="https://example.org/a b)c")
    condition = Condition("evil-condition", PIPE)
    kyphoplasty = mini.procedures["kyphoplasty"]
    procedure = kyphoplasty._replace(
        name=BOLD,
        aliases=(PIPE,),
        summary=Fact(SCRIPT, ("evil",)),
        how_it_works=Fact(LINK, ("evil",)),
        anesthesia=Fact(WITH_ESC, ("evil",)),
        risks=(Fact(DASH, ("evil",)), Fact(PIPE, ("evil",))),
        conditions=("evil-condition",),
    )
    catalog = Catalog(
        {**mini.sources, "evil": source},
        {**mini.conditions, "evil-condition": condition},
        {**mini.procedures, procedure.id: procedure},
    )
    return catalog, procedure


# Golden documents -------------------------------------------------------------

GOLDEN_CASES: dict[str, Callable[[Catalog], str]] = {
    "show-kyphoplasty": lambda c: procedure_handout(c, c.procedures["kyphoplasty"]),
    "compare-kyphoplasty-vertebroplasty": lambda c: compare_table(
        c, [c.procedures["kyphoplasty"], c.procedures["vertebroplasty"]], list(FIELDS)
    ),
    "find-condition": lambda c: found_list(Lookup(c).find(Filters(conditions=("slipped disc",)))),
}


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_document_matches_golden(mini: Catalog, name: str) -> None:
    actual = GOLDEN_CASES[name](mini)
    path = GOLDEN / "markdown" / f"{name}.md"
    if os.environ.get("PAINREF_UPDATE_DOCS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


# Structure --------------------------------------------------------------------


def test_every_document_ends_in_exactly_one_newline(mini: Catalog) -> None:
    procedures = list(mini.procedures.values())
    documents = [procedure_handout(mini, p) for p in procedures]
    documents.append(compare_table(mini, procedures, list(FIELDS)))
    documents.append(found_list(Lookup(mini).find(Filters())))
    documents.append(found_list([]))
    for document in documents:
        assert document.endswith("\n")
        assert not document.endswith("\n\n")


def test_handout_has_a_section_per_field_in_reading_order(mini: Catalog) -> None:
    # Then the catalog's notices (the blood-thinner line) and the sources.
    expected = [label for name, label in FIELDS.items() if name != "category"]
    expected += ["Please note", "Sources"]
    for procedure in mini.procedures.values():
        document = procedure_handout(mini, procedure)
        assert re.findall(r"^## (.*)$", document, re.MULTILINE) == expected
        assert document.splitlines()[0] == f"# {procedure.name}"
        assert f"*{vocab.EDUCATIONAL_NOTE}*" in document.splitlines()[-1]


def test_handout_cites_every_listed_source_and_lists_every_cited_one(mini: Catalog) -> None:
    for procedure in mini.procedures.values():
        document = procedure_handout(mini, procedure)
        body, sources = document.split("\n## Sources\n")
        cited = {
            int(n) for marks in re.findall(r"\\\[([\d,]+)\\\]", body) for n in marks.split(",")
        }
        listed = [int(n) for n in re.findall(r"^(\d+)\. ", sources, re.MULTILINE)]
        assert listed == list(range(1, len(listed) + 1))
        assert cited == set(listed)
        for source in mini.sources_of(procedure):
            assert source.title in sources


def test_compare_marks_only_rows_whose_text_differs(mini: Catalog) -> None:
    kyphoplasty = mini.procedures["kyphoplasty"]
    assert kyphoplasty.summary is not None
    # The same summary from a different source, and a different anesthesia text.
    twin = kyphoplasty._replace(
        id="twin",
        summary=kyphoplasty.summary._replace(sources=("umm-ir", "ipm-techniques")),
        anesthesia=Fact("General anesthesia.", ("umm-ir",)),
    )
    document = compare_table(mini, [kyphoplasty, twin], ["summary", "anesthesia"])
    labels = [row.split(" | ")[0].lstrip("| ") for row in document.splitlines()[4:6]]
    assert labels == [FIELDS["summary"], f"≠ {FIELDS['anesthesia']}"]
    assert "≠ marks the rows where they differ." in document


def test_compare_table_has_one_column_per_procedure_and_one_row_per_field(mini: Catalog) -> None:
    procedures = [
        mini.procedures[i] for i in ("kyphoplasty", "vertebroplasty", "medial-branch-block")
    ]
    fields = ["duration", "guidance", "risks"]
    document = compare_table(mini, procedures, fields)
    tokens = RENDERER.parse(document)
    headers = [t.children[0].content for t in _inline_in(tokens, "th") if t.children]
    assert headers == ["Field", *(p.name for p in procedures)]
    assert sum(1 for t in tokens if t.type == "tr_open") == len(fields) + 1
    assert document.splitlines()[0] == "# Compare: " + ", ".join(p.name for p in procedures)


def test_found_list_shows_each_match_with_its_summary(mini: Catalog) -> None:
    found = Lookup(mini).find(Filters())
    rendered = RENDERER.render(found_list(found))
    for item in found:
        assert f"<strong>{item.procedure.name}</strong>" in rendered
        assert item.procedure.summary is not None
        assert f"</strong> (<code>{item.procedure.id}</code>): treats" in rendered
        assert f"\n{item.procedure.summary.text}</li>" in rendered
    assert f"{len(found)} procedures." in rendered


def test_found_list_says_when_nothing_matches() -> None:
    document = found_list([])
    assert "*No procedure matches all of those filters.*" in document
    assert "- **" not in document
    assert document.rstrip().endswith(f"*{vocab.EDUCATIONAL_NOTE}*")


# Escaping ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "escaped"), list(EXACT.items()))
def test_escape_exact(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_hostile_text_is_escaped_in_the_handout(mini: Catalog) -> None:
    catalog, procedure = hostile(mini)
    lines = procedure_handout(catalog, procedure).splitlines()
    assert lines[0] == f"# {EXACT[BOLD]}"
    assert lines[2] == f"*Vertebral augmentation* · also called: {EXACT[PIPE]}"
    assert EXACT[SCRIPT] + r" \[1\]" in lines
    assert EXACT[LINK] + r" \[1\]" in lines
    assert EXACT[WITH_ESC] + r" \[1\]" in lines
    assert f"- {EXACT[DASH]} \\[1\\]" in lines
    assert f"1. [{EXACT[BOLD]} {EXACT[SCRIPT]}](https://example.org/a%20b%29c)" in lines
    assert not any(ESC in line for line in lines)


def test_hostile_text_is_escaped_in_the_compare_table(mini: Catalog) -> None:
    catalog, procedure = hostile(mini)
    document = compare_table(catalog, [procedure, mini.procedures["vertebroplasty"]], ["risks"])
    assert document.splitlines()[2].startswith(f"| Field | {EXACT[BOLD]} | ")
    assert f"| ≠ Risks | • {EXACT[DASH]} \\[1\\]<br>• {EXACT[PIPE]} \\[1\\] | " in document


def test_hostile_text_is_escaped_in_the_found_list(mini: Catalog) -> None:
    catalog, _ = hostile(mini)
    document = found_list(Lookup(catalog).find(Filters(conditions=("evil-condition",))))
    assert f"- **{EXACT[BOLD]}** (`kyphoplasty`): treats {EXACT[PIPE]}\n  {EXACT[SCRIPT]}\n" in (
        document
    )


def test_hostile_text_renders_as_the_same_words_not_as_markup(mini: Catalog) -> None:
    catalog, procedure = hostile(mini)
    documents = [
        procedure_handout(catalog, procedure),
        compare_table(catalog, [procedure, mini.procedures["vertebroplasty"]], list(FIELDS)),
        found_list(Lookup(catalog).find(Filters(conditions=("evil-condition",)))),
    ]
    for document in documents:
        rendered = RENDERER.render(document)
        assert "<script" not in rendered
        assert 'href="http://evil"' not in rendered
        assert "<strong>bold</strong>" not in rendered
        assert ESC not in rendered
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        assert BOLD in text
        assert SCRIPT in text
    for document in documents[:2]:  # a found list shows no anesthesia
        assert neutralise(WITH_ESC) in html.unescape(RENDERER.render(document))
    handout = RENDERER.render(documents[0])
    assert "<li>- not a list [1]</li>" in handout  # one list item, not a nested list
    # The source link survives its space and parenthesis, and goes where it says.
    assert '<a href="https://example.org/a%20b%29c">' in handout


def test_a_link_destination_cannot_be_cut_short(mini: Catalog) -> None:
    url = "https://example.org/a b)c<d>\\e&copy;"
    source = Source("odd", "Odd page", url=url)
    procedure = mini.procedures["vertebroplasty"]
    procedure = procedure._replace(summary=Fact("Text.", ("odd",)))
    catalog = Catalog(
        {**mini.sources, "odd": source}, mini.conditions, {**mini.procedures, "v": procedure}
    )
    rendered = RENDERER.render(procedure_handout(catalog, procedure))
    hrefs = re.findall(r'<a href="([^"]*)">Odd page</a>', rendered)
    assert hrefs == ["https://example.org/a%20b%29c%3Cd%3E%5Ce&amp;copy;"]


def _inline_in(tokens: list[Token], tag: str) -> list[Token]:
    """The inline tokens inside each `tag` element."""
    return [tokens[i + 1] for i, t in enumerate(tokens) if t.type == f"{tag}_open"]


# Any text, rendered by a real Markdown parser, reads back as itself.
ONE_LINE = st.text(st.characters(exclude_categories=["Cs"]), max_size=40).map(
    lambda s: s.replace("\n", " ")
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paragraph_text(rendered: str) -> str:
    assert "<" not in re.sub(r"^<p>|</p>\n$", "", rendered)  # no element came from the text
    return html.unescape(re.sub(r"^<p>|</p>\n$", "", rendered))


@PROPERTY
@given(ONE_LINE)
@example(SCRIPT)
@example(BOLD)
@example(LINK)
@example(DASH)
@example(WITH_ESC)
@example("1. first")
@example("2) second")
@example("---")
@example("# heading")
@example("&copy; &#60; &lt;")
@example("~~struck~~")
@example("![img](x.png)")
@example("trailing backslash \\")
@example("\t    indented")
@example("\xa0")
def test_escaped_text_reads_back_as_itself_in_a_paragraph(text: str) -> None:
    expected = neutralise(text).strip()
    rendered = RENDERER.render(escape(text))
    if not expected and neutralise(text).strip(" \t"):
        # Only other whitespace, such as a no-break space: markdown-it keeps a
        # paragraph and trims it to nothing, so nothing shows, as typed.
        assert rendered == "<p></p>\n"
        return
    assert (_paragraph_text(rendered) if expected else rendered) == expected


@PROPERTY
@given(ONE_LINE)
@example(PIPE)
@example("\\|")
@example("a \\")
@example("\xa0")
@example("a\xa0")
def test_escaped_text_reads_back_as_itself_in_a_table_cell(text: str) -> None:
    expected = neutralise(text).strip()
    tokens = RENDERER.parse(f"| h |\n| --- |\n| {escape(text)} |\n")
    cells = _inline_in(tokens, "td")
    assert len(cells) == 1
    rendered = RENDERER.renderer.render(cells[0].children or [], RENDERER.options, {})
    assert "<" not in rendered  # no element came from the text
    assert html.unescape(rendered) == expected
