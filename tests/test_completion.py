"""Shell completion through Typer's machinery: what each shell is offered."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from painref.catalog.layers import Overlay, open_catalog
from painref.cli import commands
from painref.cli.app import app
from painref.cli.quick import quick_reply
from painref.core import vocab
from painref.core.fields import ROWS as FIELDS
from painref.query.lookup import Lookup
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
    # Lookup names complete too: a family name is offered, and then asked about.
    # Ids come first, then the other names.
    assert bash("painref compare kyphoplasty vert") == ["vertebroplasty", "vertebral-augmentation"]
    assert bash("painref sources kyp") == ["kyphoplasty"]


def test_names_and_aliases_complete_written_with_hyphens() -> None:
    offered = bash("painref show cervical-r")
    catalog = open_catalog([], bundled=True)
    ids = [value for value in offered if value in catalog.procedures]
    assert offered == sorted(ids) + sorted(set(offered) - set(ids))
    assert {"cervical-radiofrequency-ablation", "cervical-rfa"} <= set(offered)
    assert all(item.startswith("cervical-r") for item in offered)
    assert bash("painref show es") == ["esi"]
    # Every value offered looks up as the procedure it was offered for.
    for value, description in commands.complete_names(commands.Choices(), "procedure", "cerv"):
        assert Lookup(catalog).procedure(value).name == description


def test_a_name_several_procedures_share_is_offered_and_then_asked_about() -> None:
    offered = dict(commands.complete_names(commands.Choices(), "procedure", "radiofrequency-ab"))
    assert offered["radiofrequency-ablation"] == "could mean 5 procedures"
    shown = CliRunner().invoke(app, ["show", "radiofrequency-ablation"])
    assert shown.exit_code == 1
    assert shown.stderr.startswith(
        "painref: 'radiofrequency-ablation' could mean more than one procedure: "
    )


def test_an_empty_word_offers_every_procedure() -> None:
    catalog = open_catalog([], bundled=True, use_index=False)
    assert bash("painref show ") == sorted(catalog.procedures)


def test_condition_terms_complete_for_find() -> None:
    # The condition, then the ICD-10-CM titles under it; each looks up as sciatica.
    offered = bash("painref find --condition sciat")
    assert offered[0] == "sciatica"
    assert bash("painref find -c sciat") == offered
    catalog = open_catalog([], bundled=True)
    assert {Lookup(catalog).condition(value).id for value in offered} == {"sciatica"}


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


# The quick answer (painref.cli.quick) against Typer's own -------------------------

SHELLS = ["bash", "zsh", "fish get-args", "fish is-args"]
TYPED = ["", "k", "kyp", "kyphoplasty", "cervical-r", "rad", "sci", "Kyp", "x", "back-", "lumb"]
FIND_WORDS = ["--region", "lumbar", "--json", "-c", "sciatica", "--purpose", "diagnostic"]


def _request(shell: str, words: list[str], typed: str) -> dict[str, str]:
    line = shlex.join(["painref", *words]) + " " + (shlex.quote(typed) if typed else "")
    if shell == "bash":
        return {VAR: "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) + 1)}
    if shell == "zsh":
        return {VAR: "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    action = shell.split()[1]
    return {
        VAR: "complete_fish",
        "_TYPER_COMPLETE_FISH_ACTION": action,
        "_TYPER_COMPLETE_ARGS": line,
    }


def _typer_answer(env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, [], env=env)
    return result.exit_code, result.stdout


def _quick_answer(env: dict[str, str]) -> tuple[int, str] | None:
    reply = quick_reply({**os.environ, **env})
    if reply is None:
        return None
    with CliRunner().isolation(env=env) as (stdout, _, _):
        code = reply()
        sys.stdout.flush()
        return code, stdout.getvalue().decode()


requests = st.builds(
    lambda shell, layers, words, typed: _request(shell, [*layers, *words], typed),
    st.sampled_from(SHELLS),
    st.sampled_from([[], ["--catalog", str(MINI)], ["--catalog", "/nonexistent.yaml"]]),
    st.one_of(
        st.tuples(
            st.sampled_from(["show", "compare", "sources"]),
            st.lists(st.sampled_from(["kyphoplasty", "esi", "--json", "x y"]), max_size=2),
        ).map(lambda parts: [parts[0], *parts[1]]),
        st.lists(st.sampled_from(FIND_WORDS), max_size=4).map(lambda words: ["find", *words]),
        st.lists(st.sampled_from(FIND_WORDS), max_size=2).map(lambda w: ["find", *w, "-c"]),
    ),
    st.sampled_from(TYPED),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(env=requests)
@example(env=_request("bash", ["show"], "kyp"))
@example(env=_request("zsh", ["show"], "cervical-r"))
@example(env=_request("fish get-args", ["show"], "radiofrequency-ab"))
@example(env=_request("fish is-args", ["find", "-c"], "zzz"))
def test_quick_completion_prints_exactly_what_typer_would(env: dict[str, str]) -> None:
    quick = _quick_answer(env)
    assume(quick is not None)
    assert quick == _typer_answer(env)


@pytest.mark.parametrize("shell", SHELLS)
def test_name_completion_is_answered_quickly_in_every_shell(shell: str) -> None:
    assert quick_reply(_request(shell, ["show"], "kyp")) is not None
    assert quick_reply(_request(shell, ["--catalog", "x.yaml", "find", "-c"], "")) is not None


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["show", "--"],
        ["--no-bundled", "show"],
        ["compare", "a", "--fields"],
        ["compare", "a", "-f", "risks"],
        ["find"],
        ["find", "--region"],
        ["find", "--condition=x"],
        ["find", "--max-minutes", "3", "-c"],
        ["list"],
        ["validate"],
    ],
)
def test_other_completion_requests_go_to_typer(words: list[str]) -> None:
    assert quick_reply(_request("bash", words, "")) is None
    assert quick_reply(_request("zsh", ["show"], "--j")) is None
    assert quick_reply({VAR: "complete_powershell"}) is None
    assert quick_reply({VAR: "source_bash"}) is None


def test_a_completion_request_through_the_console_script(tmp_path: Path) -> None:
    env = {**os.environ, "PAINREF_CACHE_DIR": str(tmp_path), **_request("bash", ["show"], "kyp")}
    command = [sys.executable, "-X", "importtime", "-m", "painref"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert (done.returncode, done.stdout) == (0, "kyphoplasty\n")
    assert " typer" not in done.stderr and " rich" not in done.stderr
