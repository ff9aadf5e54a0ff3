"""The compiled index: reused while the catalog is unchanged, rebuilt when it is not,
and never the reason for a wrong answer or a failure."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from painref import index
from painref.catalog import Overlay, bundled_catalog_path, open_catalog, read_catalog
from tests.conftest import FIXTURES, Invoke

CLINIC = FIXTURES / "overlay" / "clinic.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAINREF_CACHE_DIR", str(folder))
    index._avoid.clear()
    return folder


def _indexes(cache: Path) -> list[Path]:
    return sorted(cache.glob("index-*.sqlite"))


def _summary(run: Invoke, *args: str) -> str:
    result = run(*args, "show", "clinic-hip-block", "--json")
    assert result.exit_code == 0, result.output
    summary: str = json.loads(result.stdout)["summary"]
    return summary


def test_the_index_is_written_once_and_then_read(cache: Path, run_mini: Invoke) -> None:
    first = run_mini("show", "kyphoplasty", "--json")
    built = _indexes(cache)
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    second = run_mini("show", "kyphoplasty", "--json")
    assert second.stdout == first.stdout
    assert _indexes(cache) == built and built[0].stat().st_mtime_ns == stamp
    assert not list(cache.glob("*.tmp"))


def test_the_index_holds_exactly_the_catalog_read_from_yaml(cache: Path) -> None:
    layers = [Overlay(CLINIC, "--catalog")]
    from_yaml = open_catalog(layers, use_index=False)
    open_catalog(layers)  # builds the index
    from_index = open_catalog(layers)
    assert isinstance(from_index.procedures, index._Stored)
    for kind in ("sources", "conditions", "procedures"):
        assert list(getattr(from_index, kind).items()) == list(getattr(from_yaml, kind).items())


def test_the_real_catalog_survives_the_index_unchanged(cache: Path) -> None:
    files = [Overlay(bundled_catalog_path(), "")]
    from_yaml = read_catalog(files)
    open_catalog()
    from_index = open_catalog()
    assert dict(from_index.procedures) == dict(from_yaml.procedures)
    assert dict(from_index.conditions) == dict(from_yaml.conditions)
    assert dict(from_index.sources) == dict(from_yaml.sources)


@pytest.mark.parametrize("typed", ["", "k", "kyp", "cervical-r", "radiofrequency ab", "Sci", "zz"])
def test_the_index_completes_names_as_the_files_do(cache: Path, typed: str) -> None:
    from_yaml = open_catalog(use_index=False)
    open_catalog()
    from_index = open_catalog()
    for kind in ("procedure", "condition"):
        assert from_index.completions(kind, typed) == from_yaml.completions(kind, typed)


def test_an_edited_catalog_is_seen_on_the_next_run(
    cache: Path, run_mini: Invoke, tmp_path: Path
) -> None:
    overlay = tmp_path / "clinic.yaml"
    overlay.write_text(CLINIC.read_text(encoding="utf-8"), encoding="utf-8")
    before = _summary(run_mini, "--catalog", str(overlay))
    text = overlay.read_text(encoding="utf-8").replace(before, "Edited since the last run.")
    overlay.write_text(text, encoding="utf-8")
    stat = overlay.stat()  # the clock may not have moved: change the time on purpose
    os.utime(overlay, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _summary(run_mini, "--catalog", str(overlay)) == "Edited since the last run."


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"not a database at all"), id="garbage"),
        pytest.param(
            lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
            id="cut-short",
        ),
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    ],
)
def test_a_corrupt_index_is_rebuilt(cache: Path, run_mini: Invoke, damage: object) -> None:
    expected = _summary(run_mini, "--catalog", str(CLINIC))
    (built,) = _indexes(cache)
    damage(built)  # type: ignore[operator]
    assert _summary(run_mini, "--catalog", str(CLINIC)) == expected
    (rebuilt,) = _indexes(cache)
    with sqlite3.connect(rebuilt) as db:
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] > 0


def test_a_damaged_record_is_answered_from_the_files_and_the_index_dropped(
    cache: Path, run_mini: Invoke
) -> None:
    expected = run_mini("show", "kyphoplasty", "--json").stdout
    (built,) = _indexes(cache)
    with sqlite3.connect(built) as db:
        db.execute("UPDATE records SET data = '{broken' WHERE id = 'kyphoplasty'")
    result = run_mini("show", "kyphoplasty", "--json")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert run_mini("show", "kyphoplasty", "--json").stdout == expected


def test_no_writable_cache_dir_still_answers(
    run_mini: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("PAINREF_CACHE_DIR", str(blocker / "cache"))
    expected = open_catalog([Overlay(CLINIC, "")], use_index=False).procedures["clinic-hip-block"]
    assert expected.summary is not None
    for _ in range(2):
        assert _summary(run_mini, "--catalog", str(CLINIC)) == expected.summary.text


def test_a_read_only_cache_is_used_without_writing(cache: Path, run_mini: Invoke) -> None:
    expected = _summary(run_mini, "--catalog", str(CLINIC))
    (built,) = _indexes(cache)
    before = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    built.chmod(0o444)
    cache.chmod(0o555)
    try:
        assert _summary(run_mini, "--catalog", str(CLINIC)) == expected
        assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == before
    finally:
        cache.chmod(0o755)


def test_processes_racing_on_first_use_all_answer_correctly(cache: Path) -> None:
    command = [sys.executable, "-m", "painref", "--catalog", str(CLINIC), "show", "kyphoplasty"]
    racers = [
        subprocess.Popen([*command, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1
    assert json.loads(outputs[0][0])["id"] == "kyphoplasty"
    assert all(not err for _, err in outputs)
    assert len(_indexes(cache)) == 1
    assert not list(cache.glob("*.tmp"))


def test_only_a_few_old_indexes_are_kept(cache: Path, run_mini: Invoke, tmp_path: Path) -> None:
    for number in range(index.KEEP + 3):
        overlay = tmp_path / f"clinic-{number}.yaml"
        overlay.write_text(CLINIC.read_text(encoding="utf-8"), encoding="utf-8")
        assert run_mini("--catalog", str(overlay), "show", "kyphoplasty").exit_code == 0
    assert len(_indexes(cache)) == index.KEEP


def _imported(*args: str, cache_dir: Path) -> set[str]:
    """Modules a fresh painref process imports (second run: the index exists)."""
    env = {**os.environ, "PAINREF_CACHE_DIR": str(cache_dir)}
    command = [sys.executable, "-X", "importtime", "-m", "painref", *args]
    subprocess.run(command, capture_output=True, env=env, check=False)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}


def test_lookups_import_only_what_they_use(cache: Path) -> None:
    exact_json = _imported("show", "kyphoplasty", "--json", cache_dir=cache)
    assert {"painref.index", "sqlite3"} <= exact_json
    assert not {"yaml", "rich", "rapidfuzz", "painref.validate", "painref.yamlread"} & exact_json
    typo = _imported("show", "kyfoplasty", cache_dir=cache)
    assert {"rapidfuzz", "rich"} <= typo
    assert not {"yaml", "painref.validate"} & typo


def test_the_index_lives_under_xdg_cache_home_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAINREF_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert index.cache_dir() == tmp_path / "xdg" / "painref"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert index.cache_dir() == tmp_path / "home" / ".cache" / "painref"
