"""Everything a user can get wrong, each a fixture in tests/fixtures/input/ with the
exact command, exit code and output. The commands run through bash with the installed
console script, so pipes, closed streams and full disks are the real thing.

The README's "What painref does with bad input" table is built from the same
fixtures; refresh it with PAINREF_UPDATE_DOCS=1 (and -n 0: one process) after a deliberate change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, REPO

INPUTS = sorted((FIXTURES / "input").glob("*.yaml"))
README = REPO / "README.md"
TABLE_START = "<!-- bad-input-table -->\n"
TABLE_END = "<!-- /bad-input-table -->"
CELL_LIMIT = 110


def _case(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return case


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_bad_input_gets_its_exact_answer_and_exit_code(path: Path, tmp_path: Path) -> None:
    case = _case(path)
    (tmp_path / "bad").symlink_to(FIXTURES / "bad")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", case["command"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if os.environ.get("PAINREF_UPDATE_DOCS"):
        _rewrite(path, case, done)
        return
    assert (done.returncode, done.stdout, done.stderr) == (
        case["exit"],
        case.get("stdout", ""),
        case["stderr"],
    )
    assert "Traceback" not in done.stderr


def _literal(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _rewrite(path: Path, case: dict[str, Any], done: subprocess.CompletedProcess[str]) -> None:
    """Record what painref printed now, after a deliberate change."""
    fresh: dict[str, Any] = {"what": case["what"], "command": case["command"]}
    fresh["exit"] = done.returncode
    if done.stdout:
        fresh["stdout"] = done.stdout
    fresh["stderr"] = done.stderr

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _literal)
    path.write_text(
        yaml.dump(fresh, Dumper=Dumper, sort_keys=False, allow_unicode=False, width=1000),
        encoding="utf-8",
    )


def _cell(text: str) -> str:
    text = text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"
    return text.replace("|", "\\|")


def _table() -> str:
    rows = [
        "| bad input | try it | exit | what painref prints |",
        "| --- | --- | --- | --- |",
    ]
    for path in INPUTS:
        case = _case(path)
        said = (case.get("stdout") or case["stderr"]).splitlines()
        command = case["command"].replace("|", "\\|")
        answer = _cell(said[0]) if said else "(nothing)"
        rows.append(f"| {case['what']} | `{command}` | {case['exit']} | {answer} |")
    return "\n".join(rows) + "\n"


def test_readme_bad_input_table_is_built_from_the_fixtures() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    if os.environ.get("PAINREF_UPDATE_DOCS"):
        README.write_text(text[:start] + _table() + text[end:], encoding="utf-8")
        return
    assert text[start:end] == _table()


def test_every_exit_code_in_the_fixtures_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    for code in {_case(path)["exit"] for path in INPUTS}:
        assert f"\n| {code} | " in text
