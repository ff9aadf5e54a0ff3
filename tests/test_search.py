"""`painref search` and `painref conditions`: what a user types, what they see."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painref.catalog.layers import open_catalog
from painref.catalog.records import Catalog
from painref.core.model import Fact, Procedure
from painref.core.text import STOPWORDS, normalise
from painref.query.search import (
    EXCERPT_CHARS,
    _busiest,
    _holders_of_words,
    parse_query,
    search,
    stem,
)
from painref.query.synonyms import file_path as synonyms_path
from tests.conftest import Invoke
from tests.test_cli import check_procedure_object

REAL = open_catalog(use_index=False)


def _catalog(**texts: str) -> Catalog:
    """A catalog of one-line procedures: id -> summary."""
    procedures = {
        pid: Procedure(id=pid, name=pid.title(), category="nerve-block", summary=Fact(text, ()))
        for pid, text in texts.items()
    }
    return Catalog({}, {}, procedures)


def _ids(catalog: Catalog, query: str) -> list[str]:
    return [hit.procedure.id for hit in search(catalog, parse_query(query)).hits]


# Matching ------------------------------------------------------------------------


def test_word_forms_match_each_other() -> None:
    catalog = _catalog(a="You fasted for six hours.", b="It may leave a droopy eyelid.")
    assert _ids(catalog, "fasting") == ["a"]
    assert _ids(catalog, "fast") == ["a"]
    assert _ids(catalog, "drooping eyelid") == ["b"]
    assert _ids(catalog, "eyelids") == ["b"]


def test_a_word_with_an_ending_never_matches_the_bare_word() -> None:
    catalog = _catalog(a="A fast heart rate.", b="Bleeding may follow.")
    assert _ids(catalog, "fasting") == []
    assert _ids(catalog, "bleed") == ["b"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Local anaesthetic numbs the skin.", "anesthetic"),
        ("Local anesthetic numbs the skin.", "anaesthetic"),
        ("A slipped disk.", "disc"),
        ("A slipped disc.", "disks"),
        ("Horner\u2019s syndrome may follow.", "horners"),
        ("Une péridurale.", "peridurale"),
        ("Many therapies exist.", "therapy"),
        ("Stopped early.", "stopping"),
    ],
)
def test_spelling_variants_find_each_other(text: str, query: str) -> None:
    assert _ids(_catalog(a=text), query) == ["a"]


def test_a_whole_word_is_not_a_prefix_of_other_words() -> None:
    catalog = _catalog(a="You fast beforehand.", b="Recovery is faster.")
    assert _ids(catalog, "fast") == ["a"]
    assert _ids(catalog, "faste") == ["b"]  # not a word here: the start of one


def test_a_word_is_whole_if_any_procedure_has_it_not_only_the_hits() -> None:
    catalog = _catalog(a="You fast beforehand.", b="A faster heart rate.")
    hits = {hit.procedure.id: hit for hit in search(catalog, parse_query("fast heart")).hits}
    (excerpt,) = hits["b"].excerpts  # "fast" is a word here, so not the start of "faster"
    assert [excerpt.text[s:e] for s, e in excerpt.spans] == ["heart"]


def test_hits_rank_by_how_much_of_the_query_they_hold() -> None:
    catalog = _catalog(
        a="The bone cement sets.", b="Bone marrow is drawn.", c="A cement mixer.", d="Other."
    )
    assert _ids(catalog, "bone cement") == ["a", "b", "c"]
    assert _ids(catalog, "bone") == ["a", "b"]


def test_a_rare_word_outweighs_a_common_one() -> None:
    catalog = _catalog(
        a="Pain in the back.", b="Back and neck.", c="Back and hip.", d="Kyphoplasty."
    )
    assert _ids(catalog, "kyphoplasty back") == ["d"]


def test_a_word_no_procedure_has_counts_and_is_reported() -> None:
    results = search(_catalog(a="bone cement", b="Other."), parse_query("bone cement zqxj"))
    assert [hit.procedure.id for hit in results.hits] == ["a"]
    assert results.unknown == ["zqxj"]
    # Beside a common word it weighs enough that nothing holds enough of the query.
    common = {pid: "A syndrome." for pid in "abcdef"}
    catalog = _catalog(**common, g="Other.", h="Other.")
    assert _ids(catalog, "zqxj syndrome") == []
    assert len(_ids(catalog, "syndrome")) == 6


def test_question_and_relation_words_are_not_searched_for() -> None:
    query = parse_query("how long does it take after a kyphoplasty, and can I drive?")
    assert [term.typed for term in query.terms] == ["take", "kyphoplasty"]
    assert query.fields == ("recovery",)  # "how long" points only when no other word does


def test_a_field_word_points_the_excerpts_at_its_field() -> None:
    (hit, *_) = search(REAL, parse_query("what are the risks of a lumbar sympathetic block")).hits
    assert hit.procedure.id == "lumbar-sympathetic-block"
    assert hit.excerpts[0].field == "risks"
    assert parse_query("side effects").fields == ("risks",)
    assert [term.typed for term in parse_query("side effects").terms] == ["side effect"]


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Stop blood thinners first.", "eliquis"),
        ("Stop blood thinners first.", "anticoagulants"),
        ("Report warfarin or clopidogrel.", "blood thinner"),
        ("A corticosteroid is injected.", "cortisone"),
        ("A steroid injection.", "cortisone shot"),
        ("Radiofrequency heat disables the nerve.", "nerve burning"),
    ],
)
def test_synonyms_and_drug_names_carry_over(text: str, query: str) -> None:
    assert _ids(_catalog(a=text, b="Other text."), query) == ["a"]


def test_every_synonym_group_is_sourced_and_finds_something() -> None:
    data = json.loads(synonyms_path().read_text(encoding="utf-8"))
    catalog_words = set(_holders_of_words(REAL))
    for group in data["synonyms"]:
        assert set(group) == {"words", "finds", "url", "excerpt"}, group
        assert group["url"].startswith(("https://", "http://")) and group["excerpt"].strip()
        assert group["words"] and group["finds"]
        assert any(
            all(normalise(word) in catalog_words for word in phrase.split())
            for phrase in group["finds"]
        ), group["finds"]


def test_words_side_by_side_and_in_names_rank_first() -> None:
    catalog = Catalog(
        {},
        {},
        {
            **_catalog(a="The cement holds the bone.", b="Bone cement holds it.").procedures,
            "c": Procedure(id="c", name="Bone cement", category="nerve-block"),
        },
    )
    assert _ids(catalog, "bone cement") == ["c", "b", "a"]


def test_stem_drops_endings_but_keeps_short_words() -> None:
    assert [stem(w) for w in ("fasting", "stopped", "droopy", "filling", "bed", "sing")] == [
        "fast",
        "stop",
        "droop",
        "fill",
        "bed",
        "sing",
    ]


def test_the_excerpt_is_short_and_highlights_only_matches() -> None:
    long_text = "word " * 40 + "the bone cement sets hard " + "word " * 40
    (hit,) = search(_catalog(a=long_text), parse_query("cement")).hits
    (excerpt,) = hit.excerpts
    assert excerpt.text.startswith("…") and excerpt.text.endswith("…")
    assert len(excerpt.text) <= EXCERPT_CHARS + 2
    assert [excerpt.text[s:e] for s, e in excerpt.spans] == ["cement"]


# A long field: the work grows with its length, not with its square ---------------

LONG_CATALOG = """version: 1
sources: [{{id: s, title: S, url: "https://example.org/s"}}]
procedures:
  - {{id: long, name: Long, category: nerve-block, purpose: [diagnostic],
     cite: {{purpose: [s]}}, summary: {{sources: [s], text: "{text}"}}}}
"""


def test_a_field_of_25000_matching_words_is_searched_in_seconds(tmp_path: Path) -> None:
    # Every match used to be weighed against every other to place the excerpt:
    # 35 s for this field. A generous 20 s bound, for a search that takes well under 1 s.
    catalog = tmp_path / "long.yaml"
    catalog.write_text(LONG_CATALOG.format(text="cement " * 25_000), encoding="utf-8")
    argv = ["--no-bundled", "--catalog", str(catalog), "search", "cement"]
    done = subprocess.run(
        [sys.executable, "-m", "painref", *argv],
        env={**os.environ, "PYTHONUTF8": "1"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=20,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        "•   Long  long\n    What it is    " + "cement " * 7 + "cement…\n\n"
        "1 procedure matches 'cement'."
    )


def _busiest_by_counting(spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The definition: the match followed by the most others within reach, the first of equals."""
    return max(
        spans,
        key=lambda span: (
            sum(span[0] <= s and e <= span[0] + EXCERPT_CHARS for s, e in spans),
            -span[0],
        ),
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from([1, 4, 9, 30, 57, 58, 59, 90])),
        min_size=1,
        max_size=30,
    )
)
def test_the_excerpt_starts_where_the_definition_says(words: list[tuple[int, int]]) -> None:
    spans, end = [], 0
    for gap, length in words:  # matched words in order, a gap before each, as in a text
        spans.append((end + gap, end + gap + length))
        end += gap + length
    assert _busiest(spans) == _busiest_by_counting(spans)


# Over the real catalog: any word a procedure shows finds it ---------------------

WORDS_SHOWN = sorted(
    {
        (pid, word)
        for pid, procedure in REAL.procedures.items()
        for fact in (procedure.summary, procedure.how_it_works)
        if fact
        for word in re.findall(r"[A-Za-z]{4,}", fact.text)
        if normalise(word) not in STOPWORDS
    }
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(WORDS_SHOWN))
def test_any_word_of_a_procedure_finds_it(pair: tuple[str, str]) -> None:
    pid, word = pair
    query = parse_query(word)
    hits = search(REAL, query).hits
    assert pid in [hit.procedure.id for hit in hits]
    for hit in hits:
        assert hit.excerpts, hit.procedure.id
        for excerpt in hit.excerpts:
            # A field the query asks about ("risks") is shown even where no word matches.
            assert excerpt.spans or excerpt.field in query.fields
            assert all(0 <= s < e <= len(excerpt.text) for s, e in excerpt.spans)


# The command ---------------------------------------------------------------------


def test_search_lists_hits_with_the_field_and_excerpt(run: Invoke) -> None:
    result = run("search", "bone", "cement")
    assert result.exit_code == 0
    assert result.stdout.startswith("•   Kyphoplasty  kyphoplasty\n")
    assert "\n•   Vertebroplasty  vertebroplasty\n" in result.stdout
    assert "    Medications   acrylic bone cement, local anesthetic\n" in result.stdout
    assert "2 procedures match 'bone cement'. Run 'painref show ID' for details." in (result.stdout)
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_search_json_gives_the_same_objects_as_show_and_find(run: Invoke) -> None:
    result = run("search", "drooping", "eyelid", "--json")
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    assert [item["id"] for item in found] == _ids(REAL, "drooping eyelid")
    for item in found:
        check_procedure_object(item)
        assert item == json.loads(run("show", item["id"], "--json").stdout)


def test_search_with_no_hits_suggests_words_and_exits_0(run: Invoke) -> None:
    result = run("search", "bone", "cemnt")
    assert result.exit_code == 0
    assert result.stdout.startswith("No procedure mentions 'bone cemnt'.\nDid you mean: cement?\n")
    assert json.loads(run("search", "bone", "cemnt", "--json").stdout) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "painref: give a word to search for, for example 'bone cement'\n"),
        (["search", "?!"], "painref: give a word to search for, for example 'bone cement'\n"),
        (
            ["search", "a" * 201],
            "painref: the text to search for is 201 characters long; the limit is 200\n",
        ),
    ],
)
def test_search_usage_problems(run: Invoke, args: list[str], message: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")


# conditions ----------------------------------------------------------------------


def test_conditions_lists_every_condition_with_its_procedures(run: Invoke) -> None:
    listed = json.loads(run("conditions", "--json").stdout)
    assert [item["id"] for item in listed] == [
        c.id for c in sorted(REAL.conditions.values(), key=lambda c: c.name.casefold())
    ]
    for item in listed:
        assert list(item) == ["id", "name", "aliases", "procedures", "icd10cm", "sources"]
        assert item["sources"], item["id"]
        # The same procedures, in the same order, as find --condition.
        found = json.loads(run("find", "--condition", item["id"], "--json").stdout)
        assert [p["id"] for p in item["procedures"]] == [p["id"] for p in found], item["id"]


def test_conditions_term_keeps_those_with_words_starting_so(run: Invoke) -> None:
    listed = json.loads(run("conditions", "disc", "--json").stdout)
    assert listed
    for item in listed:
        names = [item["name"], *item["aliases"]]
        assert any(w.startswith("disc") for n in names for w in normalise(n).split()), item


def test_conditions_forgives_a_typo_and_names_the_next_step(run: Invoke) -> None:
    result = run("conditions", "sciatca")
    assert result.exit_code == 0
    assert result.stdout.startswith("•   Sciatica  sciatica\n")
    assert "Run 'painref find --condition sciatica' for its procedures" in result.stdout


def test_conditions_not_found(run: Invoke) -> None:
    result = run("conditions", "zzzqqq")
    assert result.exit_code == 1
    assert result.stderr == (
        "painref: no condition matches 'zzzqqq'; run 'painref conditions' to see what is covered\n"
    )
