"""Rendered output at a fixed width with colour off, compared exactly with tests/golden/.

Refresh after a deliberate change with:  PAINREF_UPDATE_DOCS=1 pytest -n 0 tests/test_golden.py
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import GOLDEN, Invoke

CASES = {
    "show-kyphoplasty": ["show", "kyphoplasty"],
    "show-medial-branch-block": ["show", "mbb"],
    "compare-kyphoplasty-vertebroplasty": ["compare", "kyphoplasty", "vertebroplasty"],
    "compare-three-fields": ["compare", "esi", "kyphoplasty", "mbb", "-f", "duration,guidance"],
    "find-condition": ["find", "--condition", "slipped disc"],
    "find-nothing": ["find", "--region", "knee"],
    "search-bone-cement": ["search", "bone", "cement"],
    "search-nothing": ["search", "cemnt", "baloon"],
    "search-misspelt": ["search", "balloon", "cemnt"],
    "conditions": ["conditions"],
    "conditions-term": ["conditions", "disk"],
    "list": ["list"],
    "sources": ["sources"],
    "sources-of-one-procedure": ["sources", "mbb"],
    "show-sections": ["show", "kyphoplasty", "-s", "preparation,aftercare,warning_signs"],
    "show-checklist": [
        "show",
        "kyphoplasty",
        "--section",
        "preparation,warning_signs,bleeding_risk",
        "--format",
        "markdown",
    ],
    "compare-blocks": ["compare", "esi", "kyphoplasty", "mbb", "vertebroplasty", "-f", "duration"],
    "compare-table-forced": [
        *("compare", "kyphoplasty", "vertebroplasty"),
        *("--layout", "table", "-f", "bleeding_risk"),
    ],
    "find-scheduler": ["find", "--setting", "outpatient", "--max-minutes", "60"],
    "find-max-minutes": ["find", "--max-minutes", "30"],
    "find-columns": ["find", "--condition", "compression fracture", "--columns", "codes,evidence"],
    "search-notice": ["search", "blood", "thinner"],
    "show-patient": ["show", "kyphoplasty", "--for", "patient"],
    "show-patient-markdown": ["show", "kyphoplasty", "--for", "patient", "--format", "markdown"],
    "show-patient-html": ["show", "kyphoplasty", "--for", "patient", "--format", "html"],
    "compare-html": [
        *("compare", "kyphoplasty", "vertebroplasty"),
        *("-f", "duration", "--format", "html"),
    ],
    "error-ambiguous": ["show", "rfa"],
    "error-not-found": ["show", "vertebrplasti kit"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_rendered_output_matches_golden(run_mini: Invoke, name: str) -> None:
    result = run_mini(*CASES[name])
    actual = f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("PAINREF_UPDATE_DOCS"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
