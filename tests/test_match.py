"""Forgiving lookup: exact, acronym, typo, British spelling, plural, ambiguity, no match."""

from __future__ import annotations

import pytest

from painref.catalog.layers import open_catalog
from painref.core.errors import Ambiguous, NotFound, UsageProblem
from painref.core.text import normalise
from painref.query.lookup import Lookup
from painref.query.match import Matcher, _forms_in, spelled_out_in
from tests.conftest import Invoke


@pytest.fixture(scope="module")
def catalog() -> Lookup:
    return Lookup(open_catalog())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kyphoplasty", "kyphoplasty"),
        ("  Epidural   Steroid-Injections ", "epidural steroid injection"),
        ("geniculate artery embolisation", "geniculate artery embolization"),
        ("anaesthetic", "anesthetic"),
        ("Herniated disks", "herniated disc"),
        ("SI-joint", "si joint"),
        ("Sacroiliac (SI) joint: injection!", "sacroiliac si joint injection"),
        ("nerve blocks", "nerve block"),
        ("stenosis", "stenosis"),
        ("arteries", "artery"),
        ("Café", "cafe"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_matcher_exact_then_fuzzy_then_suggestions() -> None:
    matcher = Matcher({"alpha": ["alpha block"], "beta": ["beta block", "BB"]})
    assert matcher.match("Alpha Blocks").ids == ("alpha",)
    assert matcher.match("Alpha Blocks").exact
    assert matcher.match("bb").ids == ("beta",)
    assert matcher.match("alpah block").ids == ("alpha",)
    assert not matcher.match("alpah block").exact
    # "block" is only half of either name: a suggestion, not an answer.
    half = matcher.match("block")
    assert half.ids == ()
    assert set(half.suggestions) == {"alpha", "beta"}
    shared = Matcher({"alpha": ["family name"], "beta": ["family name"]})
    assert shared.match("family names").ids == ("alpha", "beta")
    assert matcher.match("gamma ray").ids == ()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kyphoplasty", "kyphoplasty"),
        ("KYPHOPLASTY", "kyphoplasty"),
        ("balloon kyphoplasty", "kyphoplasty"),
        ("kyfoplasty", "kyphoplasty"),
        ("vertebroplsty", "vertebroplasty"),
        ("ESI", "epidural-steroid-injection"),
        ("epidural steroid injections", "epidural-steroid-injection"),
        ("MBB", "medial-branch-block"),
        ("GAE", "geniculate-artery-embolization"),
        ("geniculate artery embolisation", "geniculate-artery-embolization"),
        ("SI joint injection", "sacroiliac-joint-injection"),
        ("sacro-iliac joint injection", "sacroiliac-joint-injection"),
        ("radiofrequency rhizotomy", "facet-radiofrequency-ablation"),
        ("radiofrequency medial branch neurotomy", "facet-radiofrequency-ablation"),
        ("cervical RFA", "cervical-radiofrequency-ablation"),
        ("knee RFA", "genicular-radiofrequency-ablation"),
        ("spinal cord stimulator implant", "spinal-cord-stimulator-implant"),
        ("SCS trial", "spinal-cord-stimulator-trial"),
        ("intrathecal pump", "implantable-drug-pump"),
        ("occipital nerve blok", "occipital-nerve-block"),
        ("pudendal nerve blocks", "pudendal-nerve-block"),
        ("genicular block", "genicular-nerve-block"),
        ("spinal cord stim trial", "spinal-cord-stimulator-trial"),
        ("vertebro", "vertebroplasty"),
        ("stem cell injection", "stem-cell-therapy"),
        # The only entry a distinctive word names.
        ("pudendal", "pudendal-nerve-block"),
        ("stellate", "stellate-ganglion-block"),
        # Generic and context words neither block nor decide.
        ("kyphoplasty procedure", "kyphoplasty"),
        ("lumbar kyphoplasty", "kyphoplasty"),
        ("T12 kyphoplasty", "kyphoplasty"),
        ("epidural injection for sciatica", "epidural-steroid-injection"),
        # A generic entry beats a specific one for a generic query.
        ("nerve blocks", "nerve-block"),
    ],
)
def test_real_catalog_resolves(catalog: Lookup, query: str, expected: str) -> None:
    assert catalog.procedure(query).id == expected


@pytest.mark.parametrize(
    ("query", "some_of"),
    [
        ("RFA", {"facet-radiofrequency-ablation", "genicular-radiofrequency-ablation"}),
        (
            "radiofrequency ablation",
            {"facet-radiofrequency-ablation", "cervical-radiofrequency-ablation"},
        ),
        (
            "spinal cord stimulator",
            {"spinal-cord-stimulator-trial", "spinal-cord-stimulator-implant"},
        ),
        ("spinal cord stim", {"spinal-cord-stimulator-trial", "spinal-cord-stimulator-implant"}),
        ("neuroaugmentation", {"spinal-cord-stimulator-trial", "spinal-cord-stimulator-implant"}),
    ],
)
def test_real_catalog_asks_instead_of_guessing(
    catalog: Lookup, query: str, some_of: set[str]
) -> None:
    with pytest.raises(Ambiguous) as caught:
        catalog.procedure(query)
    assert some_of <= {c.id for c in caught.value.candidates}


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        # Procedures that share words with catalog entries are never taken for them.
        ("knee joint injection", "genicular-radiofrequency-ablation"),
        # A whole word is not a prefix: "disc" is not taken for discography, and
        # suggestions come from the ranking, so they share the word.
        ("disc", "intradiscal-injection"),
    ],
)
def test_real_catalog_no_match_suggests(catalog: Lookup, query: str, suggested: str) -> None:
    with pytest.raises(NotFound) as caught:
        catalog.procedure(query)
    candidates = [c.id for c in caught.value.candidates]
    assert suggested in candidates
    assert len(candidates) <= 5


def test_empty_query_is_a_usage_problem(catalog: Lookup) -> None:
    with pytest.raises(UsageProblem):
        catalog.procedure(" - ")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("sciatica", "sciatica"),
        ("pinched nerve", "radiculopathy"),
        ("RSD", "crps"),
        ("reflex sympathetic dystrophy", "crps"),
        ("hernaited disc", "herniated-disc"),
        ("slipped disc", "herniated-disc"),
        ("migraines", "migraine"),
        ("knee arthritis", "knee-osteoarthritis"),
        # ICD-10-CM codes and titles at or below a condition's codes.
        ("M54.17", "radiculopathy"),
        ("m5417", "radiculopathy"),
        ("Radiculopathy, thoracic region", "radiculopathy"),
        ("Sciatica, left side", "sciatica"),
        ("Low back pain, unspecified", "low-back-pain"),
    ],
)
def test_real_condition_vocabulary(catalog: Lookup, term: str, expected: str) -> None:
    assert catalog.condition(term).id == expected


def test_a_query_of_generic_words_only_suggests(catalog: Lookup) -> None:
    # "injection" says nothing about which entry: never taken for one, and every
    # suggestion has the word in one of its names.
    with pytest.raises(NotFound) as caught:
        catalog.procedure("injection")
    assert caught.value.candidates
    for candidate in caught.value.candidates:
        names = {
            key for key, entry in catalog.catalog.name_pairs("procedure") if entry == candidate.id
        }
        assert any("injection" in key.split() for key in names), candidate.id


def test_an_icd_code_under_two_conditions_asks_and_one_under_none_says_so(
    catalog: Lookup,
) -> None:
    with pytest.raises(Ambiguous) as caught:
        catalog.condition("M54.41")
    assert {c.id for c in caught.value.candidates} == {"low-back-pain", "sciatica"}
    assert caught.value.message.startswith(
        "ICD-10-CM M54.41 (Lumbago with sciatica, right side) could mean more than one condition"
    )
    with pytest.raises(NotFound) as missing:
        catalog.condition("M79.7")
    assert missing.value.message == (
        "ICD-10-CM M79.7 (Fibromyalgia) is not at or below any condition in the catalog; "
        "run 'painref conditions' to see what is covered"
    )
    with pytest.raises(NotFound) as invalid:
        catalog.condition("m99.999")  # the shape of a code, but no code of the code set
    assert invalid.value.message == (
        "'m99.999' is not an ICD-10-CM code; run 'painref conditions' to see what is covered"
    )


def test_a_condition_typed_into_show_points_to_find(catalog: Lookup) -> None:
    with pytest.raises(NotFound) as caught:
        catalog.procedure("sciatica")
    assert caught.value.message == (
        "'sciatica' is a condition (Sciatica), not a procedure; for the procedures that "
        "treat it, run: painref find --condition sciatica"
    )


# The ranking's rules, each on the real catalog -------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Lay words for a spinal region read as the region a name carries.
        ("lower back facet injection", "lumbar-facet-injection"),
        ("neck RFA", "cervical-radiofrequency-ablation"),
        # A generic query gives the generic entry, not one of its specific kinds.
        ("epidural", "epidural-steroid-injection"),
        # The only entry that covers the query at all, through its medicines.
        ("ziconotide pump", "implantable-drug-pump"),
        # Spelling: "diskectomy" is "discectomy".
        ("endoscopic diskectomy", "endoscopic-discectomy"),
        # Other forms of a word: -ade, -ation/-ator, -ogram/-ography, -osis/-otic.
        ("nerve blockade", "nerve-block"),
        ("spinal cord stimulator implantation", "spinal-cord-stimulator-implant"),
        # A spinal level reads as its region; a bare number ends a range.
        ("L4-5 facet injection", "lumbar-facet-injection"),
        # A level range is the region it starts in: C7-T1 is cervical, L5-S1 lumbar.
        ("cervical ESI C7-T1", "cervical-epidural-injection"),
        ("endoscopic lumbar discectomy L5-S1", "endoscopic-discectomy"),
        # A word fits a context word it ends: steroid, corticosteroid.
        ("piriformis steroid injection", "piriformis-injection"),
        # -ic and -y forms: fluoroscopic, fluoroscopy.
        ("fluoroscopic hip joint injection right", "hip-joint-injection"),
        # Words the general entry's names hold as much as its variant's: the general entry.
        ("ablation of the facet nerves", "facet-radiofrequency-ablation"),
        # A word only the variant's names hold: the variant.
        ("lumbar intra-articular facet injection", "lumbar-facet-injection"),
        ("cervical radiofrequency denervation", "cervical-radiofrequency-ablation"),
        # A plural the normaliser keeps ("ESIs" ends like "stenosis").
        ("ESIs", "epidural-steroid-injection"),
        # A family name adds to the entry's own names: "burn the nerves" + cervical.
        ("burning the nerves in my neck", "cervical-radiofrequency-ablation"),
        # An entry that covers only words the other's name holds is no rival: the
        # generic nerve block does not outname the genicular one for the knee.
        ("knee nerve block", "genicular-nerve-block"),
        ("facet nerve block", "medial-branch-block"),
        # "knee" is the genicular entry's own (region, "knee RFA"); the hip entry has
        # it only from a name both share ("radiofrequency ablation of hip and knees").
        ("RFA knee", "genicular-radiofrequency-ablation"),
        # -ate and -able forms: geniculate, genicular; implantable, implant.
        ("geniculate nerve block", "genicular-nerve-block"),
        ("intrathecal pump implant", "implantable-drug-pump"),
        # "pain" tells no procedure apart: every one of them treats it.
        ("percutaneous vertebroplasty for painful vertebral fractures", "vertebroplasty"),
        # Far ahead, and the only other entry the query names needs a name it shares for
        # it: "hip" is in the knee entry's "radiofrequency ablation of hip and knees".
        ("hip denervation", "hip-radiofrequency-ablation"),
        # A short word with one letter left out is one slip: "rot" for "root".
        ("selective nerve rot block", "selective-nerve-root-block"),
        # A short word no name holds stands for the run of name words, one a letter,
        # wherever one is written: DRG (dorsal root ganglion), IA (intra-articular).
        ("DRG PRF", "pulsed-radiofrequency"),
        ("IA facet injection", "facet-joint-injection"),
        # Of names covered alike, the one holding more of the query speaks for the entry.
        ("SCS trial leads", "spinal-cord-stimulator-trial"),
        # Done in the neck (its regions): the lumbar-only discectomy covers less and is
        # no rival, and nucleoplasty has "discectomy" only from a name it shares.
        ("cervical discectomy", "endoscopic-discectomy"),
    ],
)
def test_the_ranking_resolves(catalog: Lookup, query: str, expected: str) -> None:
    assert catalog.procedure(query).id == expected


@pytest.mark.parametrize(
    "query",
    [
        # "occipital nerve" names the occipital nerve block better than anything that
        # covers the whole query through context: no guess.
        "occipital nerve stimulation",
        # The whole query needs names of the pulsed RF entry other than its best one:
        # the peripheral nerve block's name still rivals it.
        "peripheral nerve stimulation",
        # Procedures the catalog does not hold, sharing words with ones it does.
        "knee joint injection",
        # A word many entries' names hold: a lead over them is no certainty.
        "disc injection",
        # A four-letter word is not spelled out from names: MILD is another procedure
        # (minimally invasive lumbar decompression), not the discectomy.
        "MILD procedure",
    ],
)
def test_a_closer_partial_match_stops_a_guess(catalog: Lookup, query: str) -> None:
    with pytest.raises(NotFound):
        catalog.procedure(query)


def test_a_medicine_several_procedures_use_asks_which(catalog: Lookup) -> None:
    # Dextrose is prolotherapy's and also hydrodissection's (5% dextrose).
    with pytest.raises(Ambiguous) as caught:
        catalog.procedure("dextrose injections")
    assert {c.id for c in caught.value.candidates} == {
        "prolotherapy",
        "peripheral-nerve-injection",
    }
    # A medicine one procedure alone uses still names it.
    assert catalog.procedure("ziconotide pump").id == "implantable-drug-pump"


def test_a_word_two_entries_name_with_their_own_names_is_not_guessed(catalog: Lookup) -> None:
    # Stem cell therapy ("regenerative medicine injection") and prolotherapy
    # ("regenerative injection therapy") both: no guess.
    with pytest.raises(NotFound) as caught:
        catalog.procedure("regenerative medicine")
    assert {"stem-cell-therapy", "prolotherapy"} <= {c.id for c in caught.value.candidates}


def test_a_typo_keeps_the_first_letter(catalog: Lookup) -> None:
    # "boxarthrosis" is as close to "coxarthrosis" as many typos are to their word.
    with pytest.raises(NotFound):
        catalog.condition("boxarthrosis")
    assert catalog.condition("sciatca").id == "sciatica"


@pytest.mark.parametrize(
    ("abbreviation", "words", "runs"),
    [
        ("esi", "cervical epidural steroid injection", [("epidural", "steroid", "injection")]),
        ("rfa", "cervical radiofrequency ablation", [("radiofrequency", "ablation")]),
        (
            "tfesi",
            "transforaminal epidural steroid injection",
            [("transforaminal", "epidural", "steroid", "injection")],
        ),
        ("mbb", "medial branch block", [("medial", "branch", "block")]),
        ("esi", "facet joint injection", []),
    ],
)
def test_an_abbreviation_is_spelled_out_in_name_words(
    abbreviation: str, words: str, runs: list[tuple[str, ...]]
) -> None:
    assert spelled_out_in(abbreviation, words.split()) == runs


def test_an_abbreviation_naming_one_procedure_names_others_with_its_words(
    catalog: Lookup,
) -> None:
    # "TFESI" names the epidural steroid injection; spelled out, it is also in the
    # cervical one's name, so "cervical TFESI" is that one.
    assert ("transforaminal", "epidural", "steroid", "injection") in catalog._spelled_out("tfesi")
    assert catalog.procedure("cervical TFESI").id == "cervical-epidural-injection"


def test_a_card_shows_each_alias_once_and_no_family_name(catalog: Lookup) -> None:
    store = catalog.catalog.name_store("procedure")
    for procedure in catalog.procedures.values():
        shown = catalog.shown_aliases(procedure)
        keys = [normalise(alias) for alias in shown]
        assert len(keys) == len(set(keys)), procedure.id
        assert normalise(procedure.name) not in keys, procedure.id
        for key in keys:
            assert store.ids(key) == [procedure.id], (procedure.id, key)
    hip = catalog.procedures["hip-radiofrequency-ablation"]
    assert "RFA" in hip.aliases and "RFA" not in catalog.shown_aliases(hip)
    assert "hip RFA" in catalog.shown_aliases(hip)


def test_the_card_line_is_the_shown_aliases(run: Invoke) -> None:
    out = run("show", "hip-radiofrequency-ablation").stdout
    assert "also called: hip RFA, hip joint denervation," in out
    assert "RFA," not in out.split("also called:")[1].split("\n\n")[0].replace("hip RFA,", "")


def test_a_conditions_own_name_is_that_condition_even_inside_a_procedures_name(
    catalog: Lookup,
) -> None:
    # "stem cell therapy for back pain" is an alias; "back pain" is still the condition.
    with pytest.raises(NotFound) as caught:
        catalog.procedure("back pain")
    assert caught.value.message.startswith(
        "'back pain' is a condition (Low back pain or Neck and back pain), not a procedure;"
    )
    assert catalog.procedure("stem cell therapy for back pain").id == "stem-cell-therapy"
    # ... in another order or in everyday words, too; not with a word asking for more.
    for lay in ("back ache", "sore back"):
        with pytest.raises(NotFound) as lay_caught:
            catalog.procedure(lay)
        assert lay_caught.value.message.startswith(f"'{lay}' is a condition (Low back pain")
    assert catalog.procedure("injection for piriformis syndrome").id == "piriformis-injection"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Two letters swapped is one slip, even in a short word.
        ("neck pian", "neck-pain"),
        # Everyday words for pain read as "pain".
        ("sore knee", "knee-pain"),
        ("neckache", "neck-pain"),
        # The regions of the procedures that treat a condition fit it without naming it.
        ("slipped disc in my neck", "herniated-disc"),
        ("L4-L5 disc herniation", "herniated-disc"),
        # The one whose names say every word wins over those needing context for some.
        ("pinched nerve in my lower back", "sciatica"),
    ],
)
def test_condition_lookup_reads_everyday_words(catalog: Lookup, query: str, expected: str) -> None:
    assert catalog.condition(query).id == expected


def test_syndrome_is_a_word_that_tells_conditions_apart(catalog: Lookup) -> None:
    # Cauda equina syndrome is not a tumour of the cauda equina (an ICD-10-CM title
    # the spinal cancer entry holds): "syndrome" must be covered, not dropped.
    with pytest.raises(NotFound):
        catalog.condition("cauda equina syndrome")


def test_a_lay_name_two_conditions_share_asks(catalog: Lookup) -> None:
    # "Trapped nerve" is said of a pinched spinal root and of a peripheral entrapment.
    with pytest.raises(Ambiguous) as caught:
        catalog.condition("trapped nerve")
    assert {c.id for c in caught.value.candidates} == {"radiculopathy", "entrapment-neuropathy"}


def test_forms_need_a_root_long_enough() -> None:
    vocabulary = ["block", "disc", "discography", "discogram", "osteoporosis", "extrusion"]
    assert _forms_in("blockade", vocabulary) == {"block"}
    assert _forms_in("discogram", vocabulary) == {"discography"}
    assert _forms_in("disc", vocabulary) == set()  # no prefix of discography
    assert _forms_in("osteoporotic", vocabulary) == {"osteoporosis"}


def test_a_short_word_in_a_name_is_spelled_out_as_the_word_it_stands_for(
    catalog: Lookup,
) -> None:
    # "RF ablation of facet joints" is a name: "rf" is radiofrequency, so "RF ablation"
    # names every radiofrequency ablation and asks.
    assert catalog._spelled_out("rf") == [("radiofrequency",)]
    assert catalog._spelled_out("si") == [("sacroiliac",)]
    with pytest.raises(Ambiguous) as caught:
        catalog.procedure("RF ablation")
    assert "genicular-radiofrequency-ablation" in {c.id for c in caught.value.candidates}
    assert catalog.procedure("genicular RF").id == "genicular-radiofrequency-ablation"
    # Only a long, compound word gives more than its first letter: "sij" is not
    # "sacroiliac injection".
    assert ("sacroiliac", "injection") not in catalog._spelled_out("sij")


def test_conditions_lists_whole_words_before_word_starts(catalog: Lookup) -> None:
    # "face" is a whole word of one condition's name and the start of "facet" in others.
    assert [use.condition.id for use in catalog.condition_uses("face pain")] == [
        "face-and-mouth-pain"
    ]
    # With no whole-word match, a word's start still lists what it begins.
    assert [use.condition.id for use in catalog.condition_uses("sciat")] == ["sciatica"]
