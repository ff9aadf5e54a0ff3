"""The patient handout (`show --for patient`) and printable HTML (`--format html`):
what they hold, that catalog text stays inert in them, and the JSON contract."""

from __future__ import annotations

import html
import json
import re

import pytest
from markdown_it import MarkdownIt

from painref.catalog.layers import Overlay, bundled_catalog_path, read_catalog
from painref.catalog.records import Catalog
from painref.core import vocab
from painref.core.model import Fact, Notice, Source
from painref.query.handout import (
    NOTICES_HEADING,
    QUESTIONS_HEADING,
    SOURCES_HEADING,
    by_publisher,
    publisher_of,
)
from painref.query.lookup import Lookup
from painref.render import markdown
from painref.render.html import page
from tests.conftest import MINI, Invoke

HEADINGS = [
    "What is it?",
    "What happens?",
    "How do I get ready?",
    "What happens afterwards?",
    "When should I get help?",
    NOTICES_HEADING,
    QUESTIONS_HEADING,
    SOURCES_HEADING,
]


@pytest.fixture(scope="module")
def mini() -> Catalog:
    return read_catalog([Overlay(MINI, "")])


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return read_catalog([Overlay(bundled_catalog_path(), "")])


def handout(catalog: Catalog, procedure_id: str) -> str:
    entry = Lookup(catalog).entry(catalog.procedures[procedure_id], patient=True)
    return markdown.patient_handout(entry)


# What it holds -------------------------------------------------------------------


def test_every_procedure_has_every_part_in_order(bundled: Catalog) -> None:
    for procedure_id in bundled.procedures:
        document = handout(bundled, procedure_id)
        found = re.findall(r"^## (.+)$", document, re.MULTILINE)
        assert [markdown.escape(h) for h in HEADINGS] == found, procedure_id


def test_every_procedure_has_its_plain_texts_and_the_questions(bundled: Catalog) -> None:
    questions = bundled.notices_of("question")
    assert 5 <= len(questions) <= 8
    for procedure in bundled.procedures.values():
        assert procedure.patient_summary and procedure.patient_steps, procedure.id
        document = handout(bundled, procedure.id)
        assert markdown.escape(procedure.patient_summary.text) in document
        for question in questions:
            assert f"- {markdown.escape(question.text)} " in document


def test_the_card_and_search_keep_the_questions_out(run: Invoke, bundled: Catalog) -> None:
    question = bundled.notices_of("question")[0].text
    assert question not in run("show", "kyphoplasty").stdout
    assert question in run("show", "kyphoplasty", "--for", "patient").stdout
    assert "blood thinner" in run("show", "kyphoplasty", "--for", "patient").stdout


def test_a_missing_part_says_to_ask_the_care_team(mini: Catalog) -> None:
    procedure = mini.procedures["kyphoplasty"]._replace(warning_signs=(), patient_steps=None)
    catalog = Catalog(mini.sources, mini.conditions, {**mini.procedures, "kyphoplasty": procedure})
    document = handout(catalog, "kyphoplasty")
    assert "*Ask your care team what will happen on the day.*" in document
    assert "Ask your care team what to look out for.*" in document


def test_sources_are_grouped_by_publisher_each_number_once(bundled: Catalog) -> None:
    document = handout(bundled, "epidural-steroid-injection")
    listed = document.split(f"## {markdown.escape(SOURCES_HEADING)}")[1]
    numbers = [
        int(n) for marks in re.findall(r"\\\[([\d,]+)\\\]", listed) for n in marks.split(",")
    ]
    cited = {
        int(n)
        for marks in re.findall(r"\\\[([\d,]+)\\\]", document.split(SOURCES_HEADING)[0])
        for n in marks.split(",")
    }
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert cited == set(numbers)
    publishers = re.findall(r"^- (.+?), a [^\\]+ \\\[", listed, re.MULTILINE)
    assert len(publishers) == len(set(publishers))
    assert "painref sources epidural-steroid-injection" in listed
    assert ".txt" not in document and "http" not in document


def test_a_title_names_its_publisher_in_its_last_parentheses() -> None:
    assert publisher_of(Source("a", "Epidurals (Johns Hopkins (Baltimore))")) == (
        "Johns Hopkins (Baltimore)"
    )
    assert publisher_of(Source("b", "A page with no publisher")) == "A page with no publisher"
    three = [
        Source("x", "One (NICE)", kind="guideline"),
        Source("y", "Two (Mayo)"),
        Source("z", "Three (NICE)", kind="journal"),
    ]
    grouped = by_publisher(["x", "y", "z"], three)
    assert [(p.name, p.numbers) for p in grouped] == [("NICE", (1, 3)), ("Mayo", (2,))]
    assert [(p.said(), p.marks()) for p in grouped] == [
        ("NICE, a national health body", "[1,3]"),
        ("Mayo", "[2]"),
    ]


# Inert text ----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
STYLE = "<style>body{display:none}</style>"


def hostile(mini: Catalog) -> Catalog:
    source = Source("evil", f"{SCRIPT} ({LINK})", url="javascript:alert(1)", kind="clinic")
    kyphoplasty = mini.procedures["kyphoplasty"]._replace(
        name=f"{STYLE} **bold**",
        patient_summary=Fact(SCRIPT, ("evil",)),
        patient_steps=Fact(LINK, ("evil",)),
        preparation=(Fact("<img src=x onerror=alert(1)>", ("evil",)),),
    )
    question = Notice("question-evil", f"{SCRIPT}?", ("evil",), "question")
    return Catalog(
        {**mini.sources, "evil": source},
        mini.conditions,
        {**mini.procedures, "kyphoplasty": kyphoplasty},
        notices={**mini.notices, "question-evil": question},
    )


def test_catalog_text_stays_text_in_the_html_page(mini: Catalog) -> None:
    document = page(handout(hostile(mini), "kyphoplasty"))
    body = document.split("<body>")[1]
    assert "<script" not in body and "<style" not in body and "<img" not in body
    assert not re.search(r"<[^>]*javascript:", body)  # in no tag or attribute
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    for shown in (SCRIPT, LINK, "<img src=x onerror=alert(1)>", f"{STYLE} **bold**"):
        assert shown in text
    title = re.search(r"<title>(.*)</title>", document)
    assert title is not None and html.unescape(title.group(1)) == f"{STYLE} **bold**"


def test_the_html_page_is_self_contained_and_printable(mini: Catalog) -> None:
    document = page(handout(mini, "kyphoplasty"))
    assert document.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "@media print" in document and "@page" in document
    assert not re.search(r"<(link|script|img|iframe)\b", document)
    assert not re.search(r"url\(", document)  # no font or image fetched by the style sheet


def test_html_is_the_markdown_rendered_with_raw_html_off(mini: Catalog) -> None:
    text = handout(mini, "kyphoplasty")
    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    assert rendered in page(text)


# Commands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["show", "kyphoplasty", "--for", "patient"],
        ["compare", "kyphoplasty", "vertebroplasty"],
        ["find", "--condition", "slipped disc"],
    ],
)
def test_each_data_command_prints_one_html_page(run_mini: Invoke, args: list[str]) -> None:
    result = run_mini(*args, "--format", "html")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stdout.count("<html") == 1 and result.stdout.endswith("</html>\n")
    assert vocab.EDUCATIONAL_NOTE in html.unescape(result.stdout)


def test_for_patient_json_follows_the_contract(run_mini: Invoke) -> None:
    value = json.loads(run_mini("show", "kyphoplasty", "--for", "patient", "--json").stdout)
    assert list(value) == ["id", "name", "for", "sections", "sources"]
    assert (value["id"], value["for"]) == ("kyphoplasty", "patient")
    keys = [section["key"] for section in value["sections"]]
    assert keys == [
        "patient_summary",
        "patient_steps",
        "preparation",
        "aftercare",
        "warning_signs",
        "notices",
        "questions",
    ]
    listed = [source["id"] for source in value["sources"]]
    for section in value["sections"]:
        assert list(section) == ["key", "heading", "items"]
        for item in section["items"]:
            assert list(item) == ["text", "sources"]
            assert set(item["sources"]) <= set(listed)
    assert listed and list(value["sources"][0]) == ["id", "title", "url", "file", "kind"]


def test_for_takes_any_case_and_the_clinician_card_is_the_default(run_mini: Invoke) -> None:
    assert run_mini("show", "kyphoplasty", "--for", "Patient").stdout == (
        run_mini("show", "kyphoplasty", "--for", "patient").stdout
    )
    assert run_mini("show", "kyphoplasty", "--for", "clinician").stdout == (
        run_mini("show", "kyphoplasty").stdout
    )
