"""Catalog validation: one failing fixture per rule, each with its exact expected output."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from painref.catalog import yamlread
from painref.catalog.layers import read_layer
from painref.catalog.merge import merge
from painref.catalog.validate import CODES
from painref.catalog.yamlread import MAX_PROBLEMS
from painref.core.errors import CatalogError
from tests.conftest import FIXTURES, MINI, Invoke

BAD = sorted((FIXTURES / "bad").glob("*.yaml"))
# Problems about the file as a whole; every other problem names its record.
FILE_LEVEL = {
    "PR001",
    "PR002",
    "PR003",
    "PR004",
    "PR005",
    "PR006",
    "PR007",
    "PR008",
    "PR009",
    "PR022",
}
# PR009 (unreadable file) needs a file that cannot be read, so it is tested on its own.
RULES = set(CODES) - {"PR009"}


def problems_of(path: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        merge([read_layer(path)])
    return caught.value.message


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each check runs with both of PyYAML's parsers: painref's answer must not
    depend on which one a user's PyYAML was built with."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("this PyYAML was built without libyaml")
        monkeypatch.setattr(yamlread, "SafeLoader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yamlread, "SafeLoader", yaml.SafeLoader)
    return str(request.param)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_bad_fixture_fails_with_its_exact_message(path: Path, parser: str) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert problems_of(path) + "\n" == expected.replace("{file}", str(path))


# Nesting past libyaml's own limit of 1,000 levels, in each way YAML nests. libyaml
# reads far ahead inside [ ] and { }, so its error would come first if painref let it.
DEEP = {
    "flow lists, 100,000 deep": ("version: " + "[" * 100_000 + "]" * 100_000, (1, 42)),
    "flow lists with spaces": ("version: " + "[ " * 1001 + "]" * 1001, (1, 74)),
    "flow mappings": ("version: " + "{a: " * 1001 + "}" * 1001, (1, 138)),
    "flow lists after a long gap": ("version: " + "[" * 20 + " " * 2000 + "[" * 1001, (1, 2042)),
    "compact block lists": ("version:\n" + "- " * 1001 + "x\n", (2, 65)),
    "block mappings": ("\n".join(" " * i + "a:" for i in range(1001)) + " 1\n", (34, 34)),
}


@pytest.mark.parametrize("name", DEEP)
def test_painrefs_nesting_limit_answers_before_any_parsers(
    name: str, parser: str, tmp_path: Path
) -> None:
    text, (line, column) = DEEP[name]
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path) == f"{path}:{line}:{column}: PR005 nesting deeper than 32 levels"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: [1, 2", "1:15: PR001 YAML syntax error: a [ ] list is not closed properly"),
        ("version: 'one", "1:14: PR001 YAML syntax error: quoted text is not closed"),
        ("version: 1\n  x: 2\n", "2:4: PR001 YAML syntax error: ':' is not allowed here"),
        (
            "version: 1\n\t- x\n",
            "2:1: PR001 YAML syntax error: a tab cannot indent YAML; use spaces",
        ),
        ("version: 1\n---\nversion: 1\n", "2:1: PR001 YAML syntax error: a catalog is one"),
    ],
)
def test_syntax_errors_are_worded_by_painref(
    text: str, expected: str, parser: str, tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    assert problems_of(path).startswith(f"{path}:{expected}")


def test_reading_stops_after_the_problem_limit(tmp_path: Path, parser: str) -> None:
    # 150 broken records, then a syntax error that is never reached.
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nprocedures:\n" + "- a\n" * 150 + "- [\n", encoding="utf-8")
    lines = problems_of(path).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0] == f"{path}:3:3: PR010 expected a mapping, got 'a' (in procedure #1)"
    assert lines[-1] == (
        f"painref: {path} has more problems; reading stopped after the first {MAX_PROBLEMS}"
    )
    assert "PR001" not in "".join(lines)


def test_a_file_with_exactly_the_limit_says_nothing_more(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nprocedures:\n" + "- a\n" * MAX_PROBLEMS, encoding="utf-8")
    lines = problems_of(path).splitlines()
    assert len(lines) == MAX_PROBLEMS
    assert not any(line.startswith("painref:") for line in lines)


def test_every_rule_has_a_failing_fixture() -> None:
    covered = {path.name[:5] for path in BAD}
    assert covered == RULES


def test_each_fixture_fails_for_its_own_rule() -> None:
    for path in BAD:
        codes = {line.split(": ")[1].split()[0] for line in problems_of(path).splitlines()}
        assert path.name[:5] in codes, path.name


def test_every_problem_names_its_record_where_there_is_one() -> None:
    for path in BAD:
        for line in problems_of(path).splitlines():
            code = line.split(": ")[1].split()[0]
            if code not in FILE_LEVEL:
                assert "(in " in line, line


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    broken = (
        text.replace("category: vertebral-augmentation", "category: augmentation", 1)
        .replace("conditions: [herniated-disc]", "conditions: [herniated-discs]", 1)
        .replace("name: Medial branch block", "nmae: Medial branch block", 1)
    )
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    codes = [line.split(": ")[1].split()[0] for line in problems_of(path).splitlines()]
    assert codes == ["PR015", "PR016", "PR012", "PR011"]


def test_a_bad_bundled_catalog_exits_3_with_every_problem(
    run: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from painref.catalog import layers as catalog

    bad = FIXTURES / "bad" / "PR011-unknown-field.yaml"
    monkeypatch.setattr(catalog, "bundled_catalog_path", lambda: bad)
    result = run("show", "alpha")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == (FIXTURES / "bad" / "PR011-unknown-field.expected").read_text(
        encoding="utf-8"
    ).replace("{file}", str(bad))
    as_json = run("show", "alpha", "--json")
    assert as_json.exit_code == 3
    assert '"code": "catalog"' in as_json.stdout


def test_the_mini_fixture_is_valid() -> None:
    catalog = merge([read_layer(MINI)])
    assert len(catalog.procedures) == 6


def test_an_unreadable_catalog_is_pr009(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(CatalogError) as caught:
        read_layer(missing)
    assert caught.value.message == (
        f"{missing}:1:1: PR009 cannot read the catalog: No such file or directory"
    )


def test_every_code_in_use_is_documented() -> None:
    import re

    from tests.conftest import REPO

    used = set()
    for path in (REPO / "painref").rglob("*.py"):
        used |= set(re.findall(r'"(PR\d{3})"', path.read_text(encoding="utf-8")))
    assert used == set(CODES)


def test_each_problem_is_recorded_once_before_any_merging() -> None:
    from painref.catalog.validate import check_layer
    from painref.catalog.yamlread import read_text

    for path in BAD:
        if path.name.startswith("PR008"):
            continue  # not UTF-8: refused before YAML is read
        doc = read_text(path.read_text(encoding="utf-8"), str(path))
        check_layer(doc)
        assert len(doc.problems) == len(set(doc.problems)), path.name


def test_positions_after_a_partial_pass_are_still_exact() -> None:
    from painref.catalog.yamlread import read_text

    doc = read_text("a: 1\nb: [x, y]\nc:\n  d: z\n", "f.yaml")
    doc.problem(("a",), "PR010", "first")
    assert [str(p) for p in doc.problems] == ["f.yaml:1:4: PR010 first"]
    assert doc.where(("c", "d")) == (4, 6)
    assert doc.where(("b", 1)) == (2, 8)


def test_a_file_past_the_problem_limit_is_not_read_to_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Neither the first pass nor the pass that places the problems reads on: the
    # work stays near the first 100 records, not the 100,000 in the file.
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nprocedures:\n" + "- a\n" * 100_000, encoding="utf-8")
    events = 0
    parse = yaml.parse

    def counted(*args: object, **kwargs: object) -> object:
        nonlocal events
        for event in parse(*args, **kwargs):  # type: ignore[arg-type]
            events += 1
            yield event

    monkeypatch.setattr(yaml, "parse", counted)
    assert len(problems_of(path).splitlines()) == MAX_PROBLEMS + 1
    assert events < 2_000


def test_the_bytes_check_for_characters_yaml_refuses_matches_the_text_check() -> None:
    """A large file is checked in its UTF-8 bytes; the answer must be the text check's."""
    from painref.catalog.yamlread import _NOT_YAML, _unreadable_utf8

    points = [*range(0x3000), *range(0xD7F0, 0xD800), *range(0xE000, 0x10000), 0x10FFFF]
    for point in points:
        text = f"ab{chr(point)}cd"
        assert _unreadable_utf8(text.encode()) == bool(_NOT_YAML.search(text)), hex(point)


WHITESPACE = [
    " lead",
    "trail ",
    "two  spaces",
    "tab\there",
    "no\u00a0break",
    "line\u2028sep",
    "plain",
]


def test_text_is_stored_with_single_spaces_whatever_whitespace_it_was_written_with(
    tmp_path: Path,
) -> None:
    """Any run of whitespace in catalog text reads as one space, and none leads or
    trails, in a single fact, a list of facts and a list of words alike."""
    texts = [text.replace("\t", "\\t").replace("\u2028", "\\u2028") for text in WHITESPACE]
    quoted = [f'"{text}"' for text in texts]
    facts = ", ".join(f"{{text: {text}, sources: [umm-ir]}}" for text in quoted)
    overlay = tmp_path / "spaces.yaml"
    overlay.write_text(
        "version: 1\nprocedures:\n  - id: spacing\n    name: Spacing\n"
        "    category: nerve-block\n    purpose: [diagnostic]\n"
        f"    medications: [{', '.join(quoted)}]\n"
        "    cite: {purpose: [umm-ir], medications: [umm-ir]}\n"
        f"    summary: {{text: {quoted[2]}, sources: [umm-ir]}}\n"
        f"    risks: [{facts}]\n",
        encoding="utf-8",
    )
    catalog = merge([read_layer(MINI), read_layer(overlay)])
    procedure = catalog.procedures["spacing"]
    expected = [" ".join(text.split()) for text in WHITESPACE]
    assert expected == ["lead", "trail", "two spaces", "tab here", "no break", "line sep", "plain"]
    assert list(procedure.medications) == expected
    assert [fact.text for fact in procedure.risks] == expected
    assert procedure.summary is not None and procedure.summary.text == "two spaces"
