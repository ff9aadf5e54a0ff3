"""Every patient handout reads at US grade 8 or below (Flesch-Kincaid, textstat
0.7.8 as pinned in pyproject.toml); tools/readability.py prints the table."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from painref.catalog.layers import Overlay, bundled_catalog_path, read_catalog
from tools.readability import MAX_GRADE, grade, prose, readings


def test_textstat_is_the_pinned_version() -> None:
    # Later versions fetch data at run time and fail offline; grades differ by version.
    assert version("textstat") == "0.7.8"


def test_every_patient_handout_reads_at_grade_8_or_below() -> None:
    found = readings(read_catalog([Overlay(bundled_catalog_path(), "")]))
    assert len(found) == 41
    over = {r.procedure_id: round(r.patient, 1) for r in found if r.patient > MAX_GRADE}
    assert not over, f"patient handouts above grade {MAX_GRADE:g}: {over}"


def test_prose_is_what_a_reader_reads() -> None:
    document = (
        "# Kyphoplasty\n\n## What is it?\n\n- A \\*small\\* balloon \\[1,2\\]\n\n**Rest** \\[3\\]\n"
    )
    assert prose(document) == "Kyphoplasty.\nWhat is it?\nA *small* balloon.\nRest."


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("The cat sat on the mat. It was warm.", -4.0, 2.0),
        (
            "Percutaneous vertebroplasty necessitates fluoroscopic visualisation "
            "of polymethylmethacrylate extravasation.",
            18.0,
            40.0,
        ),
    ],
)
def test_grade_tells_plain_from_technical(text: str, low: float, high: float) -> None:
    assert low <= grade(text) <= high
