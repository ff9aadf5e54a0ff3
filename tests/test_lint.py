"""Content lint: one failing fixture per rule, and the real catalog passes every rule."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from painref.catalog.layers import Overlay, bundled_catalog_path, read_catalog
from painref.core.errors import Problem
from tests.conftest import FIXTURES, REPO, SEEDS, needs_seeds
from tools.lint import CARE_FIELDS, LINT_CODES, MAX_CARE_GAPS, Evidence, is_empty, lint

LINT = FIXTURES / "lint"
FIXTURE_SEEDS = LINT / "seeds"
FIXTURE_EVIDENCE = LINT / "evidence.yaml"
BAD = sorted(LINT.glob("CL*.yaml"))
EVIDENCE = REPO / "data" / "evidence.yaml"


def lint_fixture(path: Path) -> list[Problem]:
    return lint(path, FIXTURE_SEEDS, FIXTURE_EVIDENCE)


def test_the_good_fixture_passes_every_rule() -> None:
    assert lint_fixture(LINT / "good.yaml") == []


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_bad_fixture_fails_with_its_exact_message(path: Path) -> None:
    actual = "".join(f"{problem}\n" for problem in lint_fixture(path))
    expected_path = path.with_suffix(".expected")
    if os.environ.get("PAINREF_UPDATE_DOCS"):
        expected_path.write_text(actual.replace(str(path), "{file}"), encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8").replace("{file}", str(path))


def test_every_rule_has_a_fixture_that_fails_for_that_rule_alone() -> None:
    assert {path.name[:5] for path in BAD} == set(LINT_CODES)
    for path in BAD:
        assert {problem.code for problem in lint_fixture(path)} == {path.name[:5]}, path.name


def test_every_problem_names_its_record() -> None:
    for path in BAD:
        for problem in lint_fixture(path):
            assert re.search(r"\(in (procedure|source|condition) '[^']+'\)$", problem.message)


def test_a_structurally_broken_catalog_reports_its_pr_problems() -> None:
    bad = FIXTURES / "bad" / "PR011-unknown-field.yaml"
    assert [problem.code for problem in lint(bad, FIXTURE_SEEDS)] == ["PR011"]


@needs_seeds
@pytest.mark.parametrize("code", list(LINT_CODES))
def test_the_real_catalog_passes_every_content_rule(code: str) -> None:
    problems = [p for p in real_catalog_problems() if p.code == code]
    assert not problems, "\n".join(str(p) for p in problems)


@cache
def real_catalog_problems() -> tuple[Problem, ...]:
    return tuple(lint(bundled_catalog_path(), SEEDS, EVIDENCE))


def test_at_most_a_few_care_fields_are_left_empty_and_each_says_why() -> None:
    catalog = read_catalog([Overlay(bundled_catalog_path(), "")])
    evidence = Evidence.read(EVIDENCE)
    empty = [
        (procedure.id, name)
        for procedure in catalog.procedures.values()
        for name in CARE_FIELDS
        if is_empty(procedure, name)
    ]
    assert len(empty) <= MAX_CARE_GAPS, empty
    for procedure_id, name in empty:
        assert evidence.explains(procedure_id, name), (procedure_id, name)


def test_every_procedure_has_dated_evidence_newest_first() -> None:
    catalog = read_catalog([Overlay(bundled_catalog_path(), "")])
    for procedure in catalog.procedures.values():
        years = [statement.year for statement in procedure.evidence]
        assert years, procedure.id
        assert years == sorted(years, reverse=True), procedure.id


def test_a_notice_meets_the_same_content_rules_as_a_procedure(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    notice = (
        "notices:\n"
        "  - id: example-notice\n"
        "    text: Stop eating 7 hours before the block, the clinic says.\n"
        "    sources: [clinic-page]\n"
    )
    good = (LINT / "good.yaml").read_text(encoding="utf-8")
    catalog.write_text(good + notice)
    problems = lint(catalog, FIXTURE_SEEDS, FIXTURE_EVIDENCE)
    at = good.count("\n") + 2  # the notice's line, after the 'notices:' key
    assert [str(p).replace(str(catalog), "{file}") for p in problems] == [
        f"{{file}}:{at}:5: CL004 notice: 7 is not in its sources (clinic-page) or their "
        "recorded excerpts (in notice 'example-notice')"
    ]
