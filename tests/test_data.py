"""What the real catalog must cover: the procedures and conditions the source
documents name, and the relationships between them. The content rules every
record must pass are in tools/lint.py, run by tests/test_lint.py."""

from __future__ import annotations

import pytest

from painref.catalog.layers import open_catalog
from painref.query.lookup import Lookup

CATALOG = Lookup(open_catalog())


@pytest.mark.parametrize(
    ("first", "relation", "second"),
    [
        ("medial-branch-block", "precedes", "facet-radiofrequency-ablation"),
        ("genicular-nerve-block", "precedes", "genicular-radiofrequency-ablation"),
        ("spinal-cord-stimulator-trial", "trial-for", "spinal-cord-stimulator-implant"),
        ("kyphoplasty", "alternative", "vertebroplasty"),
        ("cervical-epidural-injection", "variant-of", "epidural-steroid-injection"),
        ("sacroiliac-joint-injection", "precedes", "sacroiliac-radiofrequency-ablation"),
        ("endoscopic-discectomy", "variant-of", "minimally-invasive-lumbar-discectomy"),
        # and shown from the other side
        ("facet-radiofrequency-ablation", "preceded-by", "medial-branch-block"),
        ("spinal-cord-stimulator-implant", "has-trial", "spinal-cord-stimulator-trial"),
        ("vertebroplasty", "alternative", "kyphoplasty"),
    ],
)
def test_key_relationships(first: str, relation: str, second: str) -> None:
    assert (second, relation) in {
        (link.id, link.relation) for link in CATALOG.procedures[first].related
    }


# Every procedure the source documents name, in their words, with what it must
# resolve to. A name that covers several entries must list them, never pick one.
SCS = {"spinal-cord-stimulator-trial", "spinal-cord-stimulator-implant"}
RFA = {
    "facet-radiofrequency-ablation",
    "cervical-radiofrequency-ablation",
    "genicular-radiofrequency-ablation",
    "hip-radiofrequency-ablation",
    "sacroiliac-radiofrequency-ablation",
}
SEED_PROCEDURES: list[tuple[str, str | set[str]]] = [
    # 000 (University of Maryland)
    ("geniculate artery embolization", "geniculate-artery-embolization"),
    ("balloon kyphoplasty", "kyphoplasty"),
    ("nerve block", "nerve-block"),
    ("pudendal nerve block", "pudendal-nerve-block"),
    ("occipital nerve block", "occipital-nerve-block"),
    ("medial branch block", "medial-branch-block"),
    ("facet joint block", "facet-joint-injection"),
    ("epidural steroid injection", "epidural-steroid-injection"),
    ("radiofrequency nerve ablation", RFA),
    ("genicular nerve block", "genicular-nerve-block"),
    ("knee RFA", "genicular-radiofrequency-ablation"),
    # 001
    ("vertebroplasty", "vertebroplasty"),
    # 002 opening list
    ("facet joint injections", "facet-joint-injection"),
    ("nerve blocks", "nerve-block"),
    ("neuroaugmentation", SCS),
    ("nucleoplasty", "nucleoplasty"),
    ("endoscopic discectomy", "endoscopic-discectomy"),
    ("radiofrequency rhizotomy", "facet-radiofrequency-ablation"),
    ("implantable drug delivery systems", "implantable-drug-pump"),
    # 002 techniques
    ("sacroiliac joint injection", "sacroiliac-joint-injection"),
    ("cervical radiofrequency ablation", "cervical-radiofrequency-ablation"),
    ("cervical facet thermal coagulation", "cervical-radiofrequency-ablation"),
    ("cervical epidural injection", "cervical-epidural-injection"),
    ("radiofrequency medial branch neurotomy", "facet-radiofrequency-ablation"),
    ("lumbar facet injection", "lumbar-facet-injection"),
    # 002 list of common interventional spine procedures
    ("Botox Injections", "botox-injection"),
    ("Chemonucleolysis", "chemonucleolysis"),
    ("Discography", "discography"),
    ("Epidural Steroid Injections", "epidural-steroid-injection"),
    ("Facet Joint Injections", "facet-joint-injection"),
    ("Facet Joint Syovial Cyst Aspiration/Rupture", "facet-synovial-cyst-aspiration"),
    ("Intradiscal Injection", "intradiscal-injection"),
    ("Kyphoplasty", "kyphoplasty"),
    ("Lumbar Sympathetic Block", "lumbar-sympathetic-block"),
    ("Medial Branch Block", "medial-branch-block"),
    ("Minimally Invasive Lumbar Discectomy", "minimally-invasive-lumbar-discectomy"),
    ("Occipital Nerve Block", "occipital-nerve-block"),
    ("Prolotherapy", "prolotherapy"),
    ("Pulsed Radiofrequency Ablation Peripheral Nerves", "pulsed-radiofrequency"),
    (
        "Radiofrequency Ablation of Hip and Knees",
        {"hip-radiofrequency-ablation", "genicular-radiofrequency-ablation"},
    ),
    ("Radiofrequency Ablation, Rhizotomy of Facet Joints", "facet-radiofrequency-ablation"),
    ("Sacroiliac Joint Injection (SI Joint)", "sacroiliac-joint-injection"),
    ("Sacroiliac Joint Percutaneous Fusion", "sacroiliac-joint-fusion"),
    ("Sacroiliac Radiofrequency Ablation", "sacroiliac-radiofrequency-ablation"),
    ("Selective Nerve Root Block", "selective-nerve-root-block"),
    ("Spinal Cord Stimulator Trial", "spinal-cord-stimulator-trial"),
    ("Spinal Cord Stimulator", SCS),
    ("Stellate Ganglion Block", "stellate-ganglion-block"),
    ("Stem Cell Injection", "stem-cell-therapy"),
    ("Suprascapular Nerve Block", "suprascapular-nerve-block"),
    ("Trigger Point Injections", "trigger-point-injection"),
    ("Ultrasound Guided Hip Joint Injection", "hip-joint-injection"),
    ("Ultrasound Guided Peripheral Nerve Injection", "peripheral-nerve-injection"),
    ("Ultrasound Guided Piriformis Injection", "piriformis-injection"),
    ("Vertebroplasty", "vertebroplasty"),
    # 003 (All Star)
    ("implantable opioid infusion pumps", "implantable-drug-pump"),
    ("spinal cord stimulators", SCS),
    ("stem cell therapy", "stem-cell-therapy"),
    ("radiofrequency ablation", RFA),
    # 004 (Azura)
    ("epidural injections", "epidural-steroid-injection"),
]


@pytest.mark.parametrize(("name", "expected"), SEED_PROCEDURES, ids=[n for n, _ in SEED_PROCEDURES])
def test_every_seed_procedure_resolves_or_lists_its_variants(
    name: str, expected: str | set[str]
) -> None:
    from painref.core.errors import Ambiguous

    if isinstance(expected, str):
        assert CATALOG.procedure(name).id == expected
        return
    with pytest.raises(Ambiguous) as caught:
        CATALOG.procedure(name)
    assert {c.id for c in caught.value.candidates} == expected


# Every condition the source documents name, in their words.
SEED_CONDITIONS = [
    # 002's list of common interventional spine conditions
    "annular tear",
    "bulging disc",
    "cervicogenic headache",
    "complex regional pain syndrome",
    "degenerative disc disease",
    "disk extrusion",
    "disk protrusion",
    "failed back surgery syndrome",
    "facet joint arthritis",
    "herniated discs",
    "occipital neuralgia",
    "pinched nerve",
    "reflex sympathetic dystrophy",
    "sciatica",
    "SI joint pain",
    "spinal stenosis",
    "spondylolisthesis",
    "spondylosis",
    "vertebrae fracture",
    "whiplash",
    # 002's opening list, and the other documents
    "chronic headaches",
    "mouth or face pain",
    "low back pain",
    "neck and back pain",
    "muscle and bone pain",
    "neck pain",
    "knee osteoarthritis",
    "vertebral compression fracture",
    "osteoporosis",
    "cancer involving the spine",
    "sacral insufficiency fracture",
    "migraines",
    "pudendal nerve pain",
    "facet joint pain",
    "arm or leg pain from the spine",
    "hip pain",
]


@pytest.mark.parametrize("term", SEED_CONDITIONS)
def test_every_seed_condition_finds_a_procedure(term: str) -> None:
    from painref.query.results import Filters

    assert CATALOG.find(Filters(conditions=(term,))), term
