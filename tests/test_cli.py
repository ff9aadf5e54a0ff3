"""Every command and exit code, as a user sees them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer

from painref.cli.app import app
from painref.core import vocab
from tests.conftest import GOLDEN, Invoke

ESCAPE = re.compile(r"\x1b\[")
PROCEDURE_KEYS = [
    "id",
    "name",
    "aliases",
    "category",
    "purpose",
    "regions",
    "summary",
    "patient_summary",
    "patient_steps",
    "how_it_works",
    "guidance",
    "medications",
    "settings",
    "anesthesia",
    "setting",
    "duration",
    "visit_duration",
    "preparation",
    "recovery",
    "aftercare",
    "warning_signs",
    "relief",
    "conditions",
    "candidacy",
    "contraindications",
    "risks",
    "bleeding_risk",
    "evidence",
    "codes",
    "related",
    "sources",
    "citations",
    "notices",
]


def check_procedure_object(value: dict[str, Any]) -> None:
    """The JSON contract: every key present, in order, with the documented shapes."""
    assert list(value) == PROCEDURE_KEYS
    duration_keys = ["min_minutes", "max_minutes", "note", "measures", "per"]
    assert list(value["duration"]) == duration_keys
    assert list(value["visit_duration"]) == duration_keys
    assert value["bleeding_risk"] is None or list(value["bleeding_risk"]) == [
        "tier",
        "inferred",
        "basis",
    ]
    assert all(list(s) == ["year", "body", "text", "superseded"] for s in value["evidence"])
    assert [s["year"] for s in value["evidence"]] == sorted(
        (s["year"] for s in value["evidence"]), reverse=True
    ), "newest first"
    assert all(list(c) == ["system", "code", "label"] for c in value["codes"])
    assert all(list(n) == ["id", "text", "sources"] for n in value["notices"])
    assert list(value["relief"]) == ["onset", "lasts"]
    for key in (
        "aliases",
        "purpose",
        "regions",
        "guidance",
        "medications",
        "candidacy",
        "contraindications",
        "risks",
        "settings",
        "preparation",
        "aftercare",
        "warning_signs",
    ):
        assert isinstance(value[key], list) and all(isinstance(v, str) for v in value[key])
    text_keys = ("summary", "patient_summary", "patient_steps", "how_it_works", "anesthesia")
    for key in (*text_keys, "setting", "recovery"):
        assert value[key] is None or isinstance(value[key], str)
    assert all(list(c) == ["id", "name"] for c in value["conditions"])
    assert all(list(r) == ["id", "name", "relation"] for r in value["related"])
    assert value["sources"], "every procedure cites at least one source"
    for source in value["sources"]:
        assert list(source) == ["id", "title", "url", "file", "kind"]
        assert source["url"] or source["file"]
    cited = {s["id"] for s in value["sources"]}
    for path, ids in value["citations"].items():
        assert ids and set(ids) <= cited, path


# show ----------------------------------------------------------------------


def test_show_prints_the_card_and_the_educational_note(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty")
    assert result.exit_code == 0
    assert result.stdout.startswith("Kyphoplasty  (kyphoplasty)\n")
    assert "Not stated by our sources." in result.stdout
    assert result.stdout.rstrip().endswith("clinician about\nyour care.")
    assert not ESCAPE.search(result.stdout)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kyphoplasty", "kyphoplasty"),
        ("balloon-kyphoplasty", "kyphoplasty"),
        ("kyfoplasty", "kyphoplasty"),
        ("esi", "epidural-steroid-injection"),
        ("Epidural Injections", "epidural-steroid-injection"),
        ("MBB", "medial-branch-block"),
    ],
)
def test_show_resolves_forgivingly(run_mini: Invoke, query: str, expected: str) -> None:
    result = run_mini("show", query, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == expected


def test_show_json_follows_the_contract(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "--json")
    assert result.exit_code == 0
    value = json.loads(result.stdout)
    check_procedure_object(value)
    assert value["duration"] == {
        "min_minutes": 45,
        "max_minutes": 45,
        "note": "per vertebra treated",
        "measures": "procedure",
        "per": "vertebra",
    }
    assert value["visit_duration"]["measures"] == "visit"
    assert value["bleeding_risk"] == {
        "tier": "high",
        "inferred": False,
        "basis": "Vertebral augmentation is in the guideline's high-risk group.",
    }
    assert [s["year"] for s in value["evidence"]] == [2013, 2006]
    assert value["evidence"][1]["superseded"] is True
    assert value["codes"] == [
        {"system": "CPT", "code": "22513", "label": "kyphoplasty-type vertebral augmentation"}
    ]
    assert value["notices"] == [
        {
            "id": "blood-thinners",
            "text": "Never stop a blood thinner on your own; ask the doctor who prescribed it.",
            "sources": ["umm-ir"],
        }
    ]
    assert value["relief"] == {"onset": None, "lasts": None}
    assert value["setting"] is None
    assert value["related"] == [
        {"id": "vertebroplasty", "name": "Vertebroplasty", "relation": "alternative"}
    ]
    assert value["citations"]["risks[1]"] == ["azura-ipm"]


def test_a_link_stored_once_shows_from_both_sides(run_mini: Invoke) -> None:
    before = json.loads(run_mini("show", "medial-branch-block", "--json").stdout)
    after = json.loads(run_mini("show", "radiofrequency-neurotomy", "--json").stdout)
    assert {
        "id": "radiofrequency-neurotomy",
        "name": "Radiofrequency medial branch neurotomy",
        "relation": "precedes",
    } in before["related"]
    assert {
        "id": "medial-branch-block",
        "name": "Medial branch block",
        "relation": "preceded-by",
    } in after["related"]
    assert {
        "id": "cervical-radiofrequency-neurotomy",
        "name": "Cervical radiofrequency ablation",
        "relation": "has-variant",
    } in after["related"]


def test_show_ambiguous_lists_candidates_and_exits_1(run_mini: Invoke) -> None:
    result = run_mini("show", "RFA")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "painref: 'RFA' could mean more than one procedure: "
        "radiofrequency-neurotomy (Radiofrequency medial branch neurotomy); "
        "cervical-radiofrequency-neurotomy (Cervical radiofrequency ablation)\n"
    )


def test_show_ambiguous_json_error(run_mini: Invoke) -> None:
    result = run_mini("show", "RFA", "--json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "ambiguous"
    assert [c["id"] for c in error["candidates"]] == [
        "radiofrequency-neurotomy",
        "cervical-radiofrequency-neurotomy",
    ]


def test_show_unknown_suggests_and_exits_1(run_mini: Invoke) -> None:
    result = run_mini("show", "vertebrplasti kit")
    assert result.exit_code == 1
    assert result.stderr == (
        "painref: no procedure matches 'vertebrplasti kit'; did you mean: vertebroplasty?\n"
    )


def test_show_nothing_close_points_to_list(run_mini: Invoke) -> None:
    result = run_mini("show", "appendectomy", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "error": {
            "code": "not-found",
            "message": (
                "no procedure matches 'appendectomy'; run 'painref list' to see what is covered"
            ),
            "candidates": [],
        }
    }


@pytest.mark.parametrize("query", ["", "   ", "?!-"])
def test_show_empty_query_is_a_usage_error(run_mini: Invoke, query: str) -> None:
    result = run_mini("show", query)
    assert result.exit_code == 2
    assert result.stderr == (
        "painref: give a procedure name to look up, for example 'kyphoplasty'\n"
    )


def test_usage_errors_exit_2_with_one_line(run_mini: Invoke) -> None:
    missing = run_mini("show")
    assert missing.exit_code == 2
    assert missing.stderr == "painref: Missing argument 'name'. (try 'painref --help')\n"
    unknown = run_mini("frobnicate")
    assert unknown.exit_code == 2
    assert unknown.stderr == "painref: No such command 'frobnicate'. (try 'painref --help')\n"
    option = run_mini("show", "kyphoplasty", "--colour")
    assert option.exit_code == 2
    assert option.stderr.startswith("painref: No such option: --colour")


def test_usage_error_with_json_is_a_json_error(run_mini: Invoke) -> None:
    result = run_mini("find", "--max-minutes", "soon", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "usage"


def test_no_arguments_prints_help(run_mini: Invoke) -> None:
    result = run_mini()
    assert result.exit_code == 0
    assert "Usage: painref" in result.stdout
    for command in ("show", "compare", "find", "list"):
        assert command in result.stdout


def test_version(run_mini: Invoke) -> None:
    from painref import __version__

    result = run_mini("--version")
    assert result.exit_code == 0
    assert result.stdout == f"painref {__version__}\n"


COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
PAGED = ["compare", "conditions", "find", "list", "search", "show", "sources"]


def test_the_command_list_is_what_we_think() -> None:
    assert sorted([*PAGED, "validate", "schema"]) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run_mini: Invoke, command: str) -> None:
    result = run_mini(command, "--help")
    assert result.exit_code == 0
    assert "Example: painref " + command in result.stdout
    assert ("--json" in result.stdout) == (command != "schema")  # schema prints JSON anyway
    assert ("--no-pager" in result.stdout) == (command in PAGED)
    assert ("--format" in result.stdout) == (command in ("show", "compare", "find"))


# compare -------------------------------------------------------------------


def test_compare_two_procedures(run_mini: Invoke) -> None:
    result = run_mini("compare", "kyphoplasty", "vertebroplasty", "--fields", "duration,risks")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[1]
    assert "Kyphoplasty" in header and "Vertebroplasty" in header
    assert "Duration" in result.stdout and "Risks" in result.stdout
    assert "How it's done" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_compare_json_is_an_array_of_procedure_objects(run_mini: Invoke) -> None:
    result = run_mini("compare", "kyphoplasty", "ESI", "mbb", "--json")
    assert result.exit_code == 0
    values = json.loads(result.stdout)
    assert [v["id"] for v in values] == [
        "kyphoplasty",
        "epidural-steroid-injection",
        "medial-branch-block",
    ]
    for value in values:
        check_procedure_object(value)


def test_compare_fails_on_any_unresolved_name(run_mini: Invoke) -> None:
    result = run_mini("compare", "kyphoplasty", "RFA")
    assert result.exit_code == 1
    assert result.stderr.startswith("painref: 'RFA' could mean more than one procedure:")


def test_compare_needs_two_different_procedures(run_mini: Invoke) -> None:
    result = run_mini("compare", "kyphoplasty", "balloon kyphoplasty")
    assert result.exit_code == 2
    assert result.stderr == "painref: compare needs at least two different procedures\n"


def test_compare_unknown_field_is_a_usage_error(run_mini: Invoke) -> None:
    result = run_mini("compare", "kyphoplasty", "vertebroplasty", "--fields", "risk")
    assert result.exit_code == 2
    assert result.stderr.startswith("painref: unknown field 'risk'; did you mean 'risks'?")


# find ----------------------------------------------------------------------


def test_find_by_condition_shows_what_it_treats(run_mini: Invoke) -> None:
    result = run_mini("find", "--condition", "spinal compression fracture")
    assert result.exit_code == 0
    assert "Kyphoplasty  kyphoplasty" in result.stdout
    assert "treats: Vertebral compression fracture" in result.stdout
    assert "2 procedures." in result.stdout


@pytest.mark.parametrize("term", ["slipped disc", "Herniated Discs", "hernaited disc"])
def test_find_condition_synonyms_and_typos(run_mini: Invoke, term: str) -> None:
    result = run_mini("find", "--condition", term, "--json")
    assert result.exit_code == 0
    assert [v["id"] for v in json.loads(result.stdout)] == ["epidural-steroid-injection"]


def test_find_unknown_condition_exits_1(run_mini: Invoke) -> None:
    result = run_mini("find", "--condition", "sunburn")
    assert result.exit_code == 1
    assert result.stderr.startswith("painref: no condition matches 'sunburn'")


def test_find_repeated_option_is_or_different_options_are_and(run_mini: Invoke) -> None:
    either = run_mini("find", "-c", "herniated disc", "-c", "facet joint pain", "--json")
    ids = [v["id"] for v in json.loads(either.stdout)]
    assert ids == ["epidural-steroid-injection", "medial-branch-block", "radiofrequency-neurotomy"]
    both = run_mini("find", "-c", "facet joint pain", "--purpose", "diagnostic", "--json")
    assert [v["id"] for v in json.loads(both.stdout)] == ["medial-branch-block"]


def test_find_filters(run_mini: Invoke) -> None:
    def ids(*args: str) -> list[str]:
        result = run_mini("find", *args, "--json")
        assert result.exit_code == 0, result.output
        return [v["id"] for v in json.loads(result.stdout)]

    assert ids("--region", "cervical") == [
        "cervical-radiofrequency-neurotomy",
        "epidural-steroid-injection",
    ]
    assert ids("--guidance", "fluoroscopy", "--medication", "cement") == [
        "kyphoplasty",
        "vertebroplasty",
    ]
    assert ids("--category", "nerve-block") == ["medial-branch-block"]
    assert ids("--max-minutes", "10") == ["epidural-steroid-injection"]
    assert ids("--medication", "steroid") == ["epidural-steroid-injection"]


def test_find_valid_filters_matching_nothing_is_empty_and_exit_0(run_mini: Invoke) -> None:
    result = run_mini("find", "--region", "knee", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    human = run_mini("find", "--region", "knee")
    assert human.exit_code == 0
    assert "No procedure matches all of those filters." in human.stdout


def test_find_unknown_vocabulary_term_exits_1(run_mini: Invoke) -> None:
    result = run_mini("find", "--guidance", "xray vision")
    assert result.exit_code == 1
    assert result.stderr == (
        "painref: 'xray vision' is not a known guidance; did you mean: fluoroscopy? "
        "(choose from: fluoroscopy, ct, ultrasound, mri, none)\n"
    )


def test_find_without_filters_is_a_usage_error(run_mini: Invoke) -> None:
    result = run_mini("find")
    assert result.exit_code == 2
    assert result.stderr.startswith("painref: give at least one filter")


# list ----------------------------------------------------------------------


def test_list_groups_by_category(run_mini: Invoke) -> None:
    result = run_mini("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Vertebral augmentation"
    assert "Nerve block" in lines
    assert result.stdout.rstrip().endswith("6 procedures. Run 'painref show ID' for one of them.")


def test_list_json(run_mini: Invoke) -> None:
    values = json.loads(run_mini("list", "--json").stdout)
    assert len(values) == 6
    for value in values:
        check_procedure_object(value)


# sources -------------------------------------------------------------------


def test_sources_json_lists_every_source_with_its_citers(run_mini: Invoke) -> None:
    result = run_mini("sources", "--json")
    assert result.exit_code == 0
    values = json.loads(result.stdout)
    assert [v["id"] for v in values] == [
        "umm-ir",
        "ipm-techniques",
        "azura-ipm",
        "example-facet-page",
    ]
    for value in values:
        assert list(value) == ["id", "title", "url", "file", "kind", "procedures", "conditions"]
        assert value["url"] or value["file"]
    azura = values[2]
    assert [p["id"] for p in azura["procedures"]] == [
        "epidural-steroid-injection",
        "kyphoplasty",
        "vertebroplasty",
    ]
    assert azura["conditions"] == [{"id": "herniated-disc", "name": "Herniated disc"}]
    assert values[3]["procedures"] == []
    assert values[3]["conditions"] == [{"id": "facet-joint-pain", "name": "Facet joint pain"}]


def test_sources_of_one_procedure_are_the_ones_it_cites(run_mini: Invoke) -> None:
    values = json.loads(run_mini("sources", "kyphoplasty", "--json").stdout)
    shown = json.loads(run_mini("show", "kyphoplasty", "--json").stdout)
    assert {v["id"] for v in values} == {s["id"] for s in shown["sources"]}


def test_sources_of_an_unknown_procedure_exits_1(run_mini: Invoke) -> None:
    result = run_mini("sources", "nothing like it")
    assert result.exit_code == 1
    assert result.stderr.startswith("painref: no procedure matches 'nothing like it'")


def test_every_real_source_is_listed_with_at_least_one_citer(run: Invoke) -> None:
    values = json.loads(run("sources", "--json").stdout)
    assert len(values) == len({v["id"] for v in values})
    for value in values:
        assert value["procedures"] or value["conditions"], value["id"]
    printed = run("sources").stdout.splitlines()
    for value in values:
        if value["url"]:
            assert "    " + value["url"] in printed, value["url"]


# output --------------------------------------------------------------------


def test_catalog_text_is_never_markup(run_mini: Invoke) -> None:
    # "[1]"-style citation marks would vanish if text were parsed as Rich markup.
    result = run_mini("show", "kyphoplasty")
    assert "Bleeding [2]" in result.stdout


def test_no_escape_sequences_when_piped_even_with_no_color_unset(run_mini: Invoke) -> None:
    for args in (
        ["show", "esi"],
        ["compare", "esi", "mbb"],
        ["find", "-c", "slipped disc"],
        ["list"],
    ):
        result = run_mini(*args)
        assert result.exit_code == 0
        assert not ESCAPE.search(result.stdout)
        assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_every_source_url_is_printed_whole_and_unwrapped(run: Invoke) -> None:
    """Citations must stay copyable: no URL may be cropped or folded at the width."""
    from painref.catalog.layers import open_catalog

    catalog = open_catalog()
    for procedure in catalog.procedures.values():
        shown = run("show", procedure.id).stdout.splitlines()
        for source in catalog.sources_of(procedure):
            if source.url:
                assert f"    {source.url}" in shown, (procedure.id, source.url)


def test_show_takes_a_multi_word_name_without_quotes(run_mini: Invoke) -> None:
    result = run_mini("show", "medial", "branch", "block", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "medial-branch-block"


def test_find_vocabulary_takes_everyday_words(run_mini: Invoke) -> None:
    result = run_mini("find", "--region", "neck", "--guidance", "x-ray", "--json")
    assert result.exit_code == 0
    assert [v["id"] for v in json.loads(result.stdout)] == ["epidural-steroid-injection"]


def test_find_vocabulary_miss_suggests(run_mini: Invoke) -> None:
    result = run_mini("find", "--region", "spine")
    assert result.exit_code == 1
    assert result.stderr == (
        "painref: 'spine' is not a known region; did you mean: cervical, lumbar, thoracic? "
        "(choose from: head, "
        "cervical, thoracic, lumbar, sacral, pelvis, shoulder, hip, knee, limbs)\n"
    )


def test_a_single_letter_gets_no_noise_suggestions(run_mini: Invoke) -> None:
    result = run_mini("show", "é")
    assert result.exit_code == 1
    assert result.stderr == (
        "painref: no procedure matches 'é'; run 'painref list' to see what is covered\n"
    )


# --format --------------------------------------------------------------------

MARKDOWN_CASES = {
    "show-kyphoplasty": ["show", "kyphoplasty"],
    "compare-kyphoplasty-vertebroplasty": ["compare", "kyphoplasty", "vertebroplasty"],
    "find-condition": ["find", "--condition", "slipped disc"],
}


@pytest.mark.parametrize("name", list(MARKDOWN_CASES))
def test_format_markdown_prints_the_handout(run_mini: Invoke, name: str) -> None:
    result = run_mini(*MARKDOWN_CASES[name], "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "markdown" / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(MARKDOWN_CASES))
@pytest.mark.parametrize("spelling", [["--format", "json"], ["--format=JSON"]])
def test_format_json_is_the_same_as_json(run_mini: Invoke, name: str, spelling: list[str]) -> None:
    result = run_mini(*MARKDOWN_CASES[name], *spelling)
    assert result.exit_code == 0
    assert result.stdout == run_mini(*MARKDOWN_CASES[name], "--json").stdout


def test_format_rich_is_the_default(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "--format", "rich")
    assert result.stdout == run_mini("show", "kyphoplasty").stdout


def test_format_and_json_that_disagree_is_a_usage_error(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "--format", "markdown", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["message"] == (
        "--json and --format markdown ask for different output; give one"
    )
    assert run_mini("show", "kyphoplasty", "--format", "json", "--json").exit_code == 0


def test_unknown_format_is_a_usage_error(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "--format", "pdf")
    assert result.exit_code == 2
    assert result.stderr.startswith("painref: Invalid value for '--format': 'pdf' is not one of")


def test_format_json_errors_are_json(run_mini: Invoke) -> None:
    result = run_mini("show", "xyzzy", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "not-found"


# compare marks differences ---------------------------------------------------


def test_compare_marks_only_the_rows_that_differ(run_mini: Invoke) -> None:
    result = run_mini("compare", "kyphoplasty", "vertebroplasty", "-f", "category,duration")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[1].startswith("|   Category ")  # the same for both
    assert rows[2].startswith("| ≠ Duration ")  # 45 minutes against not stated
    assert "≠ marks the rows where they differ." in result.stdout


# care path: sections, settings, bleeding risk, layouts -------------------------


def test_show_section_prints_only_the_parts_named(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "--section", "preparation,warning_signs")
    assert result.exit_code == 0
    assert "Preparing      • Bring a list of the medicines you take. [1]" in result.stdout
    assert "Get help if" in result.stdout
    assert "Risks" not in result.stdout and "What it is" not in result.stdout
    # The blood-thinner line shows however few parts are asked for.
    assert "Never stop a blood thinner on your own" in result.stdout


def test_show_section_markdown_is_a_checklist(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "-s", "aftercare", "--format", "markdown")
    assert result.exit_code == 0
    assert "## Afterwards\n\n- [ ] Rest for the first day. \\[1\\]\n" in result.stdout
    assert "## Please note" in result.stdout


def test_show_unknown_section_is_a_usage_error(run_mini: Invoke) -> None:
    result = run_mini("show", "kyphoplasty", "--section", "preperation")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "painref: unknown field 'preperation'; did you mean 'preparation'?"
    )


def test_find_by_setting_and_bleeding_risk_shows_those_columns(run_mini: Invoke) -> None:
    result = run_mini("find", "--setting", "same day", "--bleeding-risk", "high")
    assert result.exit_code == 0
    assert "Kyphoplasty  kyphoplasty" in result.stdout
    assert "   setting: outpatient\n" in result.stdout
    assert "   bleeding risk: high\n" in result.stdout
    assert "Never stop a blood thinner on your own" in result.stdout


def test_find_unknown_setting_lists_the_choices(run_mini: Invoke) -> None:
    result = run_mini("find", "--setting", "on the moon")
    assert result.exit_code == 1
    assert "(choose from: outpatient, day-case, inpatient)" in result.stderr


def test_max_minutes_names_the_procedures_it_could_not_judge(run_mini: Invoke) -> None:
    result = run_mini("find", "--max-minutes", "30")
    assert result.exit_code == 0
    assert "Epidural steroid injection" in result.stdout
    assert "   duration: 5-10 minutes (procedure time)\n" in result.stdout
    assert "Not listed, as no procedure time is recorded for them:" in result.stdout
    assert "Kyphoplasty  kyphoplasty" not in result.stdout  # 45 minutes per vertebra


def test_find_columns_picks_card_fields(run_mini: Invoke) -> None:
    result = run_mini("find", "-c", "compression fracture", "--columns", "codes")
    assert "   codes: CPT 22513: kyphoplasty-type vertebral augmentation\n" in result.stdout


def test_compare_switches_to_blocks_when_columns_would_be_too_narrow(run_mini: Invoke) -> None:
    names = ("esi", "kyphoplasty", "mbb", "vertebroplasty")
    narrow = run_mini("compare", *names, "-f", "duration")
    assert narrow.stdout.startswith("≠ Duration\n•  Epidural steroid injection\n")
    wide = run_mini("compare", *names, "-f", "duration", COLUMNS="160")
    assert wide.stdout.startswith("+-")
    forced = run_mini("compare", *names, "-f", "duration", "--layout", "table")
    assert forced.stdout.startswith("+-")


def test_compare_rejects_an_unknown_layout(run_mini: Invoke) -> None:
    result = run_mini("compare", "esi", "kyphoplasty", "--layout", "grid")
    assert result.exit_code == 2
    assert result.stderr == ("painref: --layout must be one of: auto, table, blocks (got 'grid')\n")


@pytest.mark.parametrize("width", ["20", "30", "60"])
def test_list_never_cuts_an_id_short(run: Invoke, width: str) -> None:
    result = run("list", COLUMNS=width)
    ids = [p["id"] for p in json.loads(run("list", "--json").stdout)]
    for procedure_id in ids:
        assert any(line.split()[:1] == [procedure_id] for line in result.stdout.splitlines()), (
            procedure_id
        )


def test_search_shows_a_matching_notice_once(run: Invoke) -> None:
    result = run("search", "apixaban")
    assert result.exit_code == 0
    assert result.stdout.count("On every card  (blood-thinners)") == 1
    assert result.stdout.startswith("•   On every card  (blood-thinners)\n")


def test_sources_kind_filters_by_publisher_kind(run_mini: Invoke) -> None:
    values = json.loads(run_mini("sources", "--kind", "clinic", "--json").stdout)
    assert [v["id"] for v in values] == ["ipm-techniques", "azura-ipm"]
    assert {v["kind"] for v in values} == {"clinic"}
    shown = run_mini("sources", "--kind", "clinic").stdout
    assert "azura-ipm  Interventional Pain Management (Azura Vascular Care) · clinic or" in shown


def test_sources_unknown_kind_lists_the_kinds(run_mini: Invoke) -> None:
    result = run_mini("sources", "--kind", "blog")
    assert result.exit_code == 1
    assert "is not a known source kind" in result.stderr
    assert "(choose from: guideline, academic, journal, society, clinic," in result.stderr


def test_every_bundled_source_says_what_kind_of_publisher_it_is(run: Invoke) -> None:
    values = json.loads(run("sources", "--json").stdout)
    assert all(value["kind"] in vocab.SOURCE_KINDS for value in values)
