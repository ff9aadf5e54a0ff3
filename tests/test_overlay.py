"""Overlay catalogs (--catalog, PAINREF_CATALOG, --no-bundled) and `painref validate`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, MINI, Invoke

CLINIC = FIXTURES / "overlay" / "clinic.yaml"
SECOND = FIXTURES / "overlay" / "second.yaml"
BAD = FIXTURES / "bad" / "PR016-unknown-reference.yaml"


def test_an_overlay_replaces_by_id_and_adds_new_entries(run_mini: Invoke) -> None:
    replaced = json.loads(
        run_mini("--catalog", str(CLINIC), "show", "vertebroplasty", "--json").stdout
    )
    assert replaced["summary"] == "At our clinic, cement is injected under CT guidance."
    assert replaced["guidance"] == ["ct"]
    listed = json.loads(run_mini("--catalog", str(CLINIC), "list", "--json").stdout)
    assert len(listed) == 7
    added = json.loads(
        run_mini("--catalog", str(CLINIC), "show", "clinic hip block", "--json").stdout
    )
    # References into the layer below resolve: a condition, a procedure and a source.
    assert added["conditions"] == [{"id": "facet-joint-pain", "name": "Facet joint pain"}]
    assert added["related"][0]["id"] == "medial-branch-block"
    assert {s["id"] for s in added["sources"]} == {"clinic-handbook", "umm-ir"}


def test_the_bundled_catalog_is_untouched_without_overlays(run_mini: Invoke) -> None:
    shown = json.loads(run_mini("show", "vertebroplasty", "--json").stdout)
    assert shown["guidance"] == ["fluoroscopy"]


def test_later_layers_win_and_the_env_var_comes_before_the_option(run_mini: Invoke) -> None:
    both = os.pathsep.join([str(CLINIC), str(SECOND)])
    result = run_mini("show", "clinic-hip-block", "--json", PAINREF_CATALOG=both)
    assert json.loads(result.stdout)["name"] == "Clinic hip block, second edition"
    # The option's layers go on top of the environment's.
    result = run_mini(
        "--catalog", str(CLINIC), "show", "clinic-hip-block", "--json", PAINREF_CATALOG=str(SECOND)
    )
    assert json.loads(result.stdout)["name"] == "Clinic hip block"


def test_empty_parts_of_the_env_var_are_ignored(run_mini: Invoke) -> None:
    value = os.pathsep + str(CLINIC) + os.pathsep + os.pathsep
    result = run_mini("show", "clinic-hip-block", PAINREF_CATALOG=value)
    assert result.exit_code == 0


def test_no_bundled_uses_only_the_given_catalogs(run_mini: Invoke) -> None:
    result = run_mini("--no-bundled", "--catalog", str(MINI), "list", "--json")
    assert len(json.loads(result.stdout)) == 6
    # Without the layer below, the clinic overlay's references do not resolve.
    alone = run_mini("--no-bundled", "--catalog", str(CLINIC), "list")
    assert alone.exit_code == 3
    assert "PR016 unknown condition id 'vertebral-compression-fracture'" in alone.stderr


def test_no_bundled_without_a_catalog_is_a_usage_error(run_mini: Invoke) -> None:
    result = run_mini("--no-bundled", "list")
    assert result.exit_code == 2
    assert result.stderr == (
        "painref: --no-bundled needs a catalog: give --catalog PATH or set PAINREF_CATALOG\n"
    )


@pytest.mark.parametrize(
    ("args", "env", "origin"),
    [
        (["--catalog", "{missing}"], {}, "--catalog"),
        ([], {"PAINREF_CATALOG": "{missing}"}, "PAINREF_CATALOG"),
    ],
)
def test_errors_name_the_file_and_where_its_path_came_from(
    run_mini: Invoke, tmp_path: Path, args: list[str], env: dict[str, str], origin: str
) -> None:
    missing = str(tmp_path / "nowhere.yaml")
    args = [a.replace("{missing}", missing) for a in args]
    env = {k: v.replace("{missing}", missing) for k, v in env.items()}
    result = run_mini(*args, "show", "kyphoplasty", **env)
    assert result.exit_code == 3
    assert result.stderr == (
        f"{missing}:1:1: PR009 cannot read the catalog (given by {origin}): "
        "No such file or directory\n"
    )


def test_every_unreadable_layer_is_reported_at_once(run_mini: Invoke, tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    result = run_mini("--catalog", str(first), "--catalog", str(second), "list")
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [str(first), str(second)]


def test_a_directory_is_not_a_catalog(run_mini: Invoke, tmp_path: Path) -> None:
    result = run_mini("--catalog", str(tmp_path), "list")
    assert result.exit_code == 3
    assert result.stderr == (
        f"{tmp_path}:1:1: PR009 cannot read the catalog (given by --catalog): it is a directory\n"
    )


def test_a_path_with_a_nul_is_no_file(run_mini: Invoke) -> None:
    # No shell passes a NUL in an argument, but a program calling us can.
    result = run_mini("--catalog", "a\x00b", "list")
    assert result.exit_code == 3
    assert result.stderr == (
        "a\\x00b:1:1: PR009 cannot read the catalog (given by --catalog): no such file\n"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_instead_of_read_forever(run_mini: Invoke) -> None:
    result = run_mini("--catalog", "/dev/zero", "list")
    assert result.exit_code == 3
    assert "PR009 cannot read the catalog (given by --catalog): it is not a regular file" in (
        result.stderr
    )


# validate ------------------------------------------------------------------


def test_validate_a_good_catalog_exits_0_and_says_what_it_read(run_mini: Invoke) -> None:
    result = run_mini("validate", str(CLINIC))
    assert result.exit_code == 0
    assert result.stdout == (
        f"ok: 7 procedures, 3 conditions, 5 sources in 2 files\n  {MINI}\n  {CLINIC}\n"
    )


def test_validate_prints_every_problem_and_exits_3(run_mini: Invoke) -> None:
    result = run_mini("--no-bundled", "validate", str(BAD))
    assert result.exit_code == 3
    expected = BAD.with_suffix(".expected").read_text(encoding="utf-8").replace("{file}", str(BAD))
    assert result.stdout == expected
    assert result.stderr == "painref: 1 problem found\n"


def test_validate_json(run_mini: Invoke) -> None:
    bad = json.loads(run_mini("--no-bundled", "validate", str(BAD), "--json").stdout)
    assert bad["ok"] is False
    assert [p["code"] for p in bad["problems"]] == ["PR016"]
    assert list(bad["problems"][0]) == ["file", "line", "column", "code", "message"]
    good = json.loads(run_mini("validate", "--json").stdout)
    assert good == {
        "ok": True,
        "files": [str(MINI)],
        "procedures": 6,
        "conditions": 3,
        "sources": 4,
        "problems": [],
    }


def test_validate_without_paths_checks_the_catalogs_in_use(run_mini: Invoke) -> None:
    result = run_mini("validate", PAINREF_CATALOG=str(CLINIC))
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: 7 procedures")


def test_the_real_catalog_validates(run: Invoke) -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ")


@pytest.mark.parametrize(
    ("args", "what"),
    [(["--catalog", "", "list"], "--catalog"), (["validate", " "], "validate")],
)
def test_an_empty_path_is_a_usage_error_not_the_current_directory(
    run_mini: Invoke, args: list[str], what: str
) -> None:
    result = run_mini(*args)
    assert result.exit_code == 2
    assert result.stderr == f"painref: {what} needs a catalog file path, not an empty one\n"
