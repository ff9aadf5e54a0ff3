"""The lookup evaluation (bench/evaluate.py) as a guard, held to issue 14's targets:
no WRONG answer in any group; procedures and conditions resolve RIGHT at least as often
as TARGETS says (90% and 85%); questions find their procedures in the top three (90%).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO


def _evaluate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate", REPO / "bench" / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["evaluate"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evaluation() -> tuple[ModuleType, Any]:
    module = _evaluate_module()
    return module, module.evaluate(Path(REPO / "bench" / "lookup_queries.yaml"))


def test_questions_find_their_procedures_in_the_top_three(
    evaluation: tuple[ModuleType, Any],
) -> None:
    module, report = evaluation
    missed = [q.question.query for q in report.questions if not q.hit]
    assert report.question_share() >= module.TARGETS["questions"], missed


@pytest.mark.parametrize("group", ["procedures", "conditions"])
def test_lookup_never_answers_wrong(evaluation: tuple[ModuleType, Any], group: str) -> None:
    _, report = evaluation
    wrong = [
        f"{r.query.query} -> {r.answer.describe()}" for r in report.with_outcome("wrong", group)
    ]
    assert wrong == []


@pytest.mark.parametrize("group", ["procedures", "conditions"])
def test_lookup_resolves_at_least_the_target_share(
    evaluation: tuple[ModuleType, Any], group: str
) -> None:
    module, report = evaluation
    not_right = [r.query.query for r in report.scored(group) if r.outcome != "right"]
    assert report.right_share(group) >= module.TARGETS[group], not_right
