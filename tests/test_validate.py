"""Catalog validation: one failing fixture per rule, each with its exact expected output."""

from __future__ import annotations

from pathlib import Path

import pytest

from painref.catalog import merge, read_layer
from painref.errors import CatalogError
from painref.validate import CODES
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


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_bad_fixture_fails_with_its_exact_message(path: Path) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert problems_of(path) + "\n" == expected.replace("{file}", str(path))


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
    from painref import catalog

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
    for path in (REPO / "painref").glob("*.py"):
        used |= set(re.findall(r'"(PR\d{3})"', path.read_text(encoding="utf-8")))
    assert used == set(CODES)


def test_each_problem_is_recorded_once_before_any_merging() -> None:
    from painref.validate import check_layer
    from painref.yamlread import read_text

    for path in BAD:
        if path.name.startswith("PR008"):
            continue  # not UTF-8: refused before YAML is read
        doc = read_text(path.read_text(encoding="utf-8"), str(path))
        check_layer(doc)
        assert len(doc.problems) == len(set(doc.problems)), path.name
