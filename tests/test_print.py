"""The printable HTML, printed: headless Chromium prints each page to PDF and the
PDF is read back. CI installs Debian's chromium and poppler-utils and sets
PAINREF_REQUIRE_PRINTING=1, so there these tests cannot be skipped."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from painref.core import vocab
from painref.query.handout import QUESTIONS_HEADING, SOURCES_HEADING
from tests.conftest import Invoke
from tools.printing import chromium, page_count, pdf_text, print_to_pdf

_MISSING = [
    name
    for name, found in (("chromium", chromium()), ("pdfinfo", shutil.which("pdfinfo")))
    if not found
]
if _MISSING:
    if os.environ.get("PAINREF_REQUIRE_PRINTING"):
        raise RuntimeError(f"printing tests need {', '.join(_MISSING)}, which are not installed")
    pytestmark = pytest.mark.skip(reason=f"not installed: {', '.join(_MISSING)}")


def printed(run: Invoke, tmp_path: Path, *args: str) -> tuple[int, str]:
    result = run(*args, "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = tmp_path / "page.html"
    page.write_text(result.stdout, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    print_to_pdf(page, pdf)
    return page_count(pdf), " ".join(pdf_text(pdf).split())


def test_the_patient_handout_prints_on_a_few_pages_with_all_its_text(
    run: Invoke, tmp_path: Path
) -> None:
    pages, text = printed(run, tmp_path, "show", "epidural-steroid-injection", "--for", "patient")
    assert 1 <= pages <= 4
    for expected in (
        "Epidural steroid injection",
        "What is it?",
        "When should I get help?",
        QUESTIONS_HEADING,
        SOURCES_HEADING,
        "Never stop a blood thinner on your own.",
        vocab.EDUCATIONAL_NOTE,
    ):
        assert expected in text


def test_a_comparison_and_a_find_list_print_too(run: Invoke, tmp_path: Path) -> None:
    pages, text = printed(
        run, tmp_path, "compare", "kyphoplasty", "vertebroplasty", "-f", "duration,risks"
    )
    assert 1 <= pages <= 3
    assert "Compare: Kyphoplasty, Vertebroplasty" in text and "Risks" in text
    # Printed links show where they go.
    assert re.search(r"\(https?://", text)
    pages, text = printed(run, tmp_path, "find", "--condition", "sciatica")
    assert 1 <= pages <= 6 and "Procedures found" in text
