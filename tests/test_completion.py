"""Shell completion through Typer's machinery: what each shell is offered."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from painref import commands, vocab
from painref.catalog import Overlay, open_catalog
from painref.cli import app
from painref.render.fields import FIELDS
from tests.conftest import MINI

VAR = "_PAINREF_COMPLETE"


def bash(line: str, **env: str) -> list[str]:
    """What bash is offered for the last word of `line` (or a new word after a space)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    result = CliRunner().invoke(
        app,
        [],
        env={VAR: "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cword), **env},
    )
    assert result.exit_code == 0, result.output
    # bash reads the words between newlines, ignoring trailing ones.
    return result.stdout.rstrip("\n").split("\n") if result.stdout.strip() else []


def test_procedure_names_complete_for_show_and_compare() -> None:
    assert bash("painref show kyp") == ["kyphoplasty"]
    assert bash("painref compare kyphoplasty vert") == ["vertebroplasty"]
    assert bash("painref sources kyp") == ["kyphoplasty"]


def test_names_and_aliases_complete_written_with_hyphens() -> None:
    offered = bash("painref show cervical-r")
    assert offered == sorted(offered)
    assert {"cervical-radiofrequency-ablation", "cervical-rfa"} <= set(offered)
    assert all(item.startswith("cervical-r") for item in offered)
    assert bash("painref show es") == ["esi"]
    # Every value offered looks up as the procedure it was offered for.
    catalog = open_catalog([], bundled=True)
    for value, description in commands.complete_names(commands.Choices(), "procedure", "cerv"):
        assert catalog.procedure(value).name == description


def test_a_name_several_procedures_share_is_offered_and_then_asked_about() -> None:
    offered = dict(commands.complete_names(commands.Choices(), "procedure", "radiofrequency-ab"))
    assert offered["radiofrequency-ablation"].startswith("5 entries: ")
    shown = CliRunner().invoke(app, ["show", "radiofrequency-ablation"])
    assert shown.exit_code == 1
    assert shown.stderr.startswith(
        "painref: 'radiofrequency-ablation' could mean more than one procedure: "
    )


def test_an_empty_word_offers_every_procedure() -> None:
    catalog = open_catalog([], bundled=True, use_index=False)
    assert bash("painref show ") == sorted(catalog.procedures)


def test_condition_terms_complete_for_find() -> None:
    assert bash("painref find --condition sciat") == ["sciatica"]
    assert bash("painref find -c sciat") == ["sciatica"]


@pytest.mark.parametrize(
    ("option", "typed", "vocabulary"),
    [
        ("--region", "lu", vocab.REGIONS),
        ("--guidance", "", vocab.GUIDANCE),
        ("--category", "nerve", vocab.CATEGORIES),
        ("--purpose", "d", vocab.PURPOSES),
    ],
)
def test_closed_vocabularies_complete(option: str, typed: str, vocabulary: dict[str, str]) -> None:
    expected = [value for value in vocabulary if value.startswith(typed)]
    assert expected
    assert bash(f"painref find {option} {typed}".rstrip() + (" " if not typed else "")) == expected


def test_fields_complete_one_name_at_a_time() -> None:
    assert bash("painref compare a b --fields dur") == ["duration"]
    assert bash("painref compare a b -f duration,ri") == ["duration,risks"]
    offered = bash("painref compare a b --fields duration,")
    assert offered == [f"duration,{name}" for name in FIELDS if name != "duration"]


def test_zsh_and_fish_also_get_the_names() -> None:
    zsh = CliRunner().invoke(
        app, [], env={VAR: "complete_zsh", "_TYPER_COMPLETE_ARGS": "painref show kyp"}
    )
    assert zsh.exit_code == 0
    assert zsh.stdout == '_arguments \'*: :(("kyphoplasty":"Kyphoplasty"))\'\n'
    fish = CliRunner().invoke(
        app,
        [],
        env={
            VAR: "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "painref show kyp",
        },
    )
    assert fish.exit_code == 0
    assert fish.stdout == "kyphoplasty\tKyphoplasty\n"


def test_completion_reads_the_catalogs_typed_on_the_line(tmp_path: Path) -> None:
    overlay = tmp_path / "clinic.yaml"
    overlay.write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    offered = bash(f"painref --no-bundled --catalog {overlay} show ")
    only_mini = open_catalog([Overlay(overlay, "")], bundled=False, use_index=False)
    assert offered == sorted(only_mini.procedures)
    assert bash("painref show ", PAINREF_CATALOG=str(overlay)) != offered


def test_a_broken_catalog_completes_nothing_quietly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("procedures: [\n", encoding="utf-8")
    assert bash(f"painref --catalog {broken} show kyp") == []
    assert bash("painref --catalog '' show kyp") == []


def test_completion_helpers_without_a_catalog() -> None:
    assert commands.complete_term(vocab.GUIDANCE, " CT ") == [("ct", "CT")]
    assert commands.complete_fields("how-") == [("how_it_works", FIELDS["how_it_works"])]
    assert commands.complete_fields("risks,risks") == []


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_installed_bash_completion_works_in_a_real_bash(tmp_path: Path) -> None:
    """--install-completion writes a script; sourcing it in bash completes names."""
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",  # take the shell as given
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    installed = subprocess.run(
        [sys.executable, "-m", "painref", "--install-completion", "bash"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    assert "bash completion installed" in installed.stdout
    script = tmp_path / ".bash_completions" / "painref.sh"
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text(encoding="utf-8")
    probe = (
        f"source '{script}'; COMP_WORDS=(painref show kyp); COMP_CWORD=2; "
        '_painref_completion painref; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "-c", probe], capture_output=True, text=True, env=env, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "kyphoplasty\n", "")
