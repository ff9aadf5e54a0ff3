"""How easy painref's handouts are to read: the US school grade (Flesch-Kincaid,
textstat 0.7.8) of each procedure's patient handout, beside its clinician handout.

    python tools/readability.py [CATALOG]

What is measured is the whole handout as printed, its list of sources too, less
its citation marks. Each line is read as a sentence of its own, as a reader
meets it: a heading or bullet without a full stop does not run on into the next.
tests/test_readability.py holds every patient handout to MAX_GRADE.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from painref.catalog.layers import Overlay, bundled_catalog_path, read_catalog
from painref.catalog.records import Catalog
from painref.query.lookup import Lookup
from painref.render import markdown

# The NIH asks for patient material below grade 8; the AAFP for grade 5-6.
MAX_GRADE = 8.0

_MARKS = re.compile(r"\s*\\\[[\d,]+\\\]")  # citation marks, escaped: \[1,2\]
_LIST = re.compile(r"^(?:[-*] (?:\[ \] )?|\d+\. )")
_ESCAPED = re.compile(r"\\(.)")
_EMPHASIS = re.compile(r"(?<!\\)\*+")  # an unescaped * is Markdown, not text
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}


def prose(document: str) -> str:
    """A Markdown handout as the sentences a reader reads: no citation marks or
    Markdown syntax, one sentence per line at least."""
    sentences = []
    for raw in document.splitlines():
        line = _MARKS.sub("", raw).strip()
        if not line or line == "---":
            continue
        line = _LIST.sub("", line.lstrip("#").strip())
        line = _ESCAPED.sub(r"\1", _EMPHASIS.sub("", line))
        for entity, char in _ENTITY.items():
            line = line.replace(entity, char)
        line = line.strip()
        if line and line[-1] not in ".?!:":
            line += "."
        sentences.append(line)
    return "\n".join(sentences)


def grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


class Reading(NamedTuple):
    procedure_id: str
    patient: float  # the patient handout, `show --for patient`
    clinician: float  # the clinician handout, `show --format markdown`


def readings(catalog: Catalog) -> list[Reading]:
    lookup = Lookup(catalog)
    found = []
    for procedure in sorted(catalog.procedures.values(), key=lambda p: p.id):
        patient = markdown.patient_handout(lookup.entry(procedure, patient=True))
        clinician = markdown.procedure_handout(lookup.entry(procedure, card=True))
        found.append(Reading(procedure.id, grade(prose(patient)), grade(prose(clinician))))
    return found


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled_catalog_path()
    found = readings(read_catalog([Overlay(path, "")]))
    print("| procedure | patient handout | clinician handout |")
    print("| --- | --- | --- |")
    for reading in found:
        print(f"| {reading.procedure_id} | {reading.patient:.1f} | {reading.clinician:.1f} |")
    patient = sorted(r.patient for r in found)
    over = [r.procedure_id for r in found if r.patient > MAX_GRADE]
    print(
        f"\npatient handouts: median grade {patient[len(patient) // 2]:.1f}, "
        f"highest {patient[-1]:.1f}; over {MAX_GRADE:g}: {', '.join(over) or 'none'}"
    )


if __name__ == "__main__":
    main()
