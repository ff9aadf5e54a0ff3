"""The compiled index: reused while the catalog is unchanged, rebuilt when it is not,
and never the reason for a wrong answer or a failure."""

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from painref.catalog import codec, index, stored
from painref.catalog.layers import Overlay, bundled_catalog_path, open_catalog, read_catalog
from painref.core.errors import CatalogError
from painref.query.lookup import Lookup
from tests.conftest import FIXTURES, Invoke

CLINIC = FIXTURES / "overlay" / "clinic.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAINREF_CACHE_DIR", str(folder))
    index._avoid.clear()
    return folder


def _indexes(cache: Path) -> list[Path]:
    return sorted((cache / index.FOLDER).glob("index-*.sqlite"))


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
    assert not list(cache.glob("**/*.tmp"))


def test_the_index_holds_exactly_the_catalog_read_from_yaml(cache: Path) -> None:
    layers = [Overlay(CLINIC, "--catalog")]
    from_yaml = open_catalog(layers, use_index=False)
    open_catalog(layers)  # builds the index
    from_index = open_catalog(layers)
    assert isinstance(from_index.procedures, stored.Records)
    for kind in ("sources", "conditions", "procedures"):
        assert list(getattr(from_index, kind).items()) == list(getattr(from_yaml, kind).items())


SECOND = FIXTURES / "overlay" / "second.yaml"


def test_layers_indexed_as_they_are_read_give_the_catalog_merged_in_memory(
    cache: Path, tmp_path: Path
) -> None:
    # Replacements across three layers, and a link stored on an overlay's procedure
    # that the bundled procedure it points to must show too.
    layers = [Overlay(CLINIC, "--catalog"), Overlay(SECOND, "--catalog")]
    from_yaml = open_catalog(layers, use_index=False)
    open_catalog(layers)  # builds the index
    from_index = open_catalog(layers)
    assert isinstance(from_index.procedures, stored.Records)
    for kind in ("sources", "conditions", "procedures", "notices"):
        assert list(getattr(from_index, kind).items()) == list(getattr(from_yaml, kind).items())
    assert from_index.names == from_yaml.names
    assert from_index.procedures["clinic-hip-block"].name == "Clinic hip block, second edition"
    # The second overlay's clinic-hip-block stores no link: the first one's is gone too.
    back = from_index.procedures["medial-branch-block"].related
    assert "clinic-hip-block" not in [link.id for link in back]
    for kind in ("procedure", "condition"):
        indexed, in_memory = from_index.name_store(kind), from_yaml.name_store(kind)
        keys = in_memory.keys()
        assert sorted(indexed.keys()) == sorted(keys)
        assert all(indexed.ids(key) == in_memory.ids(key) for key in keys)
        assert indexed.word_entries() == in_memory.word_entries()
        assert indexed.total() == in_memory.total()


def test_a_link_from_an_overlay_shows_on_the_procedure_it_points_to(
    cache: Path, run_mini: Invoke
) -> None:
    result = run_mini("--catalog", str(CLINIC), "show", "medial-branch-block", "--json")
    assert result.exit_code == 0, result.output
    related = json.loads(result.stdout)["related"]
    assert {"id": "clinic-hip-block", "relation": "see-also"}.items() <= next(
        link for link in related if link["id"] == "clinic-hip-block"
    ).items()


def test_a_catalog_with_problems_reports_them_as_read_in_memory_and_leaves_no_index(
    cache: Path, run_mini: Invoke, tmp_path: Path
) -> None:
    overlay = tmp_path / "broken.yaml"
    text = CLINIC.read_text(encoding="utf-8")
    text = text.replace("conditions: [facet-joint-pain]", "conditions: [facet-joint-pian]")
    overlay.write_text(text, encoding="utf-8")
    layers = [Overlay(overlay, "--catalog")]
    with pytest.raises(CatalogError) as in_memory:
        open_catalog(layers, use_index=False)
    with pytest.raises(CatalogError) as indexed:
        open_catalog(layers)
    assert indexed.value.problems == in_memory.value.problems
    assert "unknown condition id 'facet-joint-pian'" in str(indexed.value)
    result = run_mini("--catalog", str(overlay), "show", "kyphoplasty")
    assert result.exit_code == 3
    assert not [path for path in cache.glob("**/*") if path.is_file()]


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
        indexed = Lookup(from_index).completions(kind, typed)
        assert indexed == Lookup(from_yaml).completions(kind, typed)


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
    folder = built.parent
    before = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    built.chmod(0o444)
    folder.chmod(0o555)
    try:
        assert _summary(run_mini, "--catalog", str(CLINIC)) == expected
        assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == before
    finally:
        folder.chmod(0o755)


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
    assert not list(cache.glob("**/*.tmp"))


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
    assert {"painref.catalog.index", "sqlite3"} <= exact_json
    assert (
        not {"yaml", "rich", "rapidfuzz", "painref.catalog.validate", "painref.catalog.yamlread"}
        & exact_json
    )
    typo = _imported("show", "kyfoplasty", cache_dir=cache)
    assert {"rapidfuzz", "rich"} <= typo
    assert not {"yaml", "painref.catalog.validate"} & typo


def test_the_index_lives_under_xdg_cache_home_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAINREF_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert index.cache_dir() == tmp_path / "xdg" / "painref"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert index.cache_dir() == tmp_path / "home" / ".cache" / "painref"


# A hostile environment ----------------------------------------------------------


def _build_for(run_mini: Invoke, tmp_path: Path, number: int) -> None:
    """Build the index of one more catalog combination."""
    overlay = tmp_path / f"clinic-{number}.yaml"
    overlay.write_text(CLINIC.read_text(encoding="utf-8"), encoding="utf-8")
    assert run_mini("--catalog", str(overlay), "show", "kyphoplasty").exit_code == 0


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_a_shared_cache_dir_keeps_files_painref_did_not_write(
    cache: Path, run_mini: Invoke, tmp_path: Path
) -> None:
    cache.mkdir()
    theirs = cache / "index-0123456789abcdef.sqlite"
    theirs.write_text("someone else's file", encoding="utf-8")
    _age(theirs, 86_400)
    for number in range(index.KEEP + 3):
        _build_for(run_mini, tmp_path, number)
    assert theirs.read_text(encoding="utf-8") == "someone else's file"
    assert len(_indexes(cache)) == index.KEEP


def test_cleaning_up_removes_only_what_painref_provably_wrote(
    cache: Path, run_mini: Invoke, tmp_path: Path
) -> None:
    run_mini("show", "kyphoplasty")
    (ours,) = _indexes(cache)
    folder = ours.parent
    unmarked = folder / "index-00000000000000aa.sqlite"  # SQLite, not painref's
    with contextlib.closing(sqlite3.connect(unmarked)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    text = folder / "index-00000000000000bb.sqlite"
    text.write_text("notes", encoding="utf-8")
    link = folder / "index-00000000000000cc.sqlite"
    link.symlink_to(ours)
    foreign_temporary = folder / ".index-abcdefgh.tmp"
    foreign_temporary.write_text("not painref's", encoding="utf-8")
    other = folder / "keep.txt"
    other.write_text("kept", encoding="utf-8")
    killed = folder / ".index-killed01.tmp"  # a build killed half-way: marked as painref's
    killed.write_bytes(ours.read_bytes()[:4096])
    killed_at_once = folder / ".index-killed02.tmp"  # killed before writing anything
    killed_at_once.touch()
    in_progress = folder / ".index-running1.tmp"  # another process's build, under way
    in_progress.write_bytes(ours.read_bytes()[:4096])
    for path in (unmarked, text, link, foreign_temporary, other, killed, killed_at_once, ours):
        _age(path, index.STALE_TEMPORARY_SECONDS + 60)
    for number in range(index.KEEP + 2):
        _build_for(run_mini, tmp_path, number)
    left = {path.name for path in folder.iterdir()}
    foreign = {unmarked, text, link, foreign_temporary, other}
    assert {path.name for path in foreign} | {in_progress.name} <= left
    assert not {killed.name, killed_at_once.name, ours.name} & left
    assert len(left - {path.name for path in foreign} - {in_progress.name}) == index.KEEP


def _no_passwd_entry(uid: int) -> Any:
    raise KeyError(f"getpwuid(): uid not found: {uid}")


def test_no_home_directory_answers_from_the_catalog_files(
    run_mini: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pwd

    expected = run_mini("show", "kyphoplasty", "--json", PAINREF_CACHE_DIR=str(tmp_path / "c"))
    for name in ("HOME", "XDG_CACHE_HOME", "PAINREF_CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", _no_passwd_entry)
    assert index.cache_dir() is None
    for _ in range(2):
        result = run_mini("show", "kyphoplasty", "--json")
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, "")


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_a_home_that_is_not_an_absolute_path_is_not_used(
    home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", home)
    assert index.cache_dir() is None


def _forge(db: sqlite3.Connection) -> None:
    """Recompute every digest, as someone who knows painref's scheme would."""
    rows = db.execute("SELECT kind, id, data FROM records").fetchall()
    for kind, record_id, data in rows:
        digest = codec.digest(kind, record_id, str(data))
        db.execute(
            "UPDATE records SET digest = ? WHERE kind = ? AND id = ?", (digest, kind, record_id)
        )
    for kind in ("source", "condition", "procedure"):
        sql = "SELECT digest FROM records WHERE kind = ? ORDER BY position"
        digests = [row[0] for row in db.execute(sql, (kind,))]
        overall = hashlib.blake2b(b"".join(digests), digest_size=16).hexdigest()
        db.execute(
            "UPDATE meta SET value = ? WHERE key = ?",
            (f"{len(digests)} {overall}", f"records:{kind}"),
        )
    for rowid, kind, key, compact, entry_id in db.execute(
        "SELECT rowid, kind, key, compact, id FROM names"
    ).fetchall():
        digest = codec.digest(kind, key, compact, entry_id)
        db.execute("UPDATE names SET digest = ? WHERE rowid = ?", (digest, rowid))
    for rowid, kind, word, keys in db.execute("SELECT rowid, kind, word, keys FROM words"):
        digest = codec.digest(kind, word, keys)
        db.execute("UPDATE words SET digest = ? WHERE rowid = ?", (digest, rowid))
    for table, column in (("vocabulary", "word"), ("names", "key")):
        for kind in ("condition", "procedure"):
            sql = f"SELECT DISTINCT {column} FROM {table} WHERE kind = ?"
            values = sorted(row[0] for row in db.execute(sql, (kind,)))
            db.execute(
                "UPDATE meta SET value = ? WHERE key = ?",
                (codec.list_digest(values), f"{table}:{kind}"),
            )


_RED_NAME = "replace(data, '\"Kyphoplasty\"', '\"' || char(27) || '[31mKyphoplasty\"')"
TAMPERING = {
    # id: (command, SQL, forge the digests too)
    "escape-sequence-in-a-name": (
        ["show", "kyphoplasty"],
        "UPDATE records SET data = replace(data, '\"Kyphoplasty\"', '\"\\u001b[31mK\"') "
        "WHERE id = 'kyphoplasty'",
        False,
    ),
    "escape-sequence-forged": (
        ["show", "kyphoplasty"],
        f"UPDATE records SET data = {_RED_NAME} WHERE id = 'kyphoplasty'",
        True,
    ),
    "delete-character-forged": (
        ["show", "kyphoplasty"],
        "UPDATE records SET data = replace(data, '\"Kyphoplasty\"', '\"K' || char(127) || '\"') "
        "WHERE id = 'kyphoplasty'",
        True,
    ),
    "escaped-escape-sequence-forged": (
        ["show", "kyphoplasty"],
        "UPDATE records SET data = replace(data, '\"Kyphoplasty\"', '\"\\u001b[31mK\"') "
        "WHERE id = 'kyphoplasty'",
        True,
    ),
    "name-not-text-forged": (
        ["show", "kyphoplasty", "--json"],
        "UPDATE records SET data = replace(data, '\"Kyphoplasty\"', '42') WHERE id = 'kyphoplasty'",
        True,
    ),
    "unknown-category-forged": (
        ["list"],
        "UPDATE records SET data = replace(data, 'vertebral-augmentation', 'made-up') "
        "WHERE id = 'kyphoplasty'",
        True,
    ),
    "unknown-relation-forged": (
        ["show", "kyphoplasty"],
        "UPDATE records SET data = replace(data, '\"alternative\"', '\"made-up\"') "
        "WHERE id = 'kyphoplasty'",
        True,
    ),
    "record-not-a-list-forged": (
        ["show", "kyphoplasty", "--json"],
        "UPDATE records SET data = '{\"id\": \"kyphoplasty\"}' WHERE id = 'kyphoplasty'",
        True,
    ),
    "data-not-text": (
        ["show", "kyphoplasty", "--json"],
        "UPDATE records SET data = x'5b5d' WHERE id = 'kyphoplasty'",
        False,
    ),
    "another-record-under-its-id-forged": (
        ["show", "kyphoplasty", "--json"],
        "UPDATE records SET data = (SELECT data FROM records WHERE id = 'vertebroplasty') "
        "WHERE id = 'kyphoplasty'",
        True,
    ),
    "dangling-condition-id": (
        ["show", "kyphoplasty", "--json"],
        "DELETE FROM records WHERE id = 'vertebral-compression-fracture'",
        True,
    ),
    "dangling-name-id-forged": (
        ["show", "kyphoplasty", "--json"],
        "UPDATE names SET id = 'no-such-procedure' WHERE id = 'kyphoplasty'",
        True,
    ),
    "name-leads-elsewhere": (
        ["show", "kyphoplasty", "--json"],
        "UPDATE names SET id = 'vertebroplasty' WHERE id = 'kyphoplasty'",
        False,
    ),
    "a-record-deleted": (
        ["list", "--json"],
        "DELETE FROM records WHERE id = 'cervical-radiofrequency-neurotomy'",
        False,
    ),
    "vocabulary-not-text": (
        ["show", "kyfoplasty", "--json"],
        "UPDATE vocabulary SET word = x'6b7970686f' WHERE word = 'kyphoplasty'",
        False,
    ),
    "vocabulary-changed": (
        ["show", "kyfoplasty", "--json"],
        "UPDATE vocabulary SET word = 'something' WHERE word = 'kyphoplasty'",
        False,
    ),
    "word-leads-elsewhere": (
        ["show", "kyfoplasty", "--json"],
        "UPDATE words SET keys = 'vertebroplasty' WHERE word = 'kyphoplasty'",
        False,
    ),
    "names-changed": (
        ["show", "kyfoplsty", "--json"],
        "UPDATE names SET key = 'something' WHERE key = 'kyphoplasty'",
        False,
    ),
}


def _rows(path: Path) -> dict[str, list[Any]]:
    """Every row of an index file, in an order that does not depend on how it was written."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("meta", "records", "names", "words", "vocabulary")
        }


@pytest.mark.parametrize("case", list(TAMPERING), ids=list(TAMPERING))
def test_a_tampered_index_is_answered_from_the_files_and_rebuilt(
    case: str, cache: Path, run_mini: Invoke
) -> None:
    command, sql, forge = TAMPERING[case]
    expected = run_mini(*command)
    (built,) = _indexes(cache)
    original = _rows(built)
    with contextlib.closing(sqlite3.connect(built)) as db:
        assert db.execute(sql).rowcount > 0
        if forge:
            _forge(db)
        db.commit()
    result = run_mini(*command)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, "")
    assert "\x1b" not in result.stdout
    assert _indexes(cache) == [built] and _rows(built) == original  # rebuilt


def test_text_with_backslashes_is_served_from_the_index(
    cache: Path, run_mini: Invoke, tmp_path: Path
) -> None:
    text = r"Text, not escapes: C:\users\bin \\u001b \r \f."
    overlay = tmp_path / "clinic.yaml"
    quoted = text.replace("\\", "\\\\")  # inside YAML's double quotes
    yaml_text = CLINIC.read_text(encoding="utf-8").replace("A numbing injection", quoted)
    overlay.write_text(yaml_text, encoding="utf-8")
    first = _summary(run_mini, "--catalog", str(overlay))
    assert first.startswith(text)
    (built,) = _indexes(cache)
    stamp = built.stat().st_mtime_ns
    assert _summary(run_mini, "--catalog", str(overlay)) == first
    assert _indexes(cache) == [built] and built.stat().st_mtime_ns == stamp


def _forge_summary(built: Path, text: str) -> None:
    """Change kyphoplasty's summary in a way that passes every check of the content."""
    with contextlib.closing(sqlite3.connect(built)) as db:
        db.execute(
            "UPDATE records SET data = replace(data, 'A balloon lifts', ?) "
            "WHERE id = 'kyphoplasty'",
            (text,),
        )
        _forge(db)
        db.commit()


def _kyphoplasty_summary(run_mini: Invoke) -> str:
    result = run_mini("show", "kyphoplasty", "--json")
    assert result.exit_code == 0, result.output
    summary: str = json.loads(result.stdout)["summary"]
    return summary


def test_an_index_others_can_write_is_not_trusted_and_replaced(
    cache: Path, run_mini: Invoke
) -> None:
    expected = _kyphoplasty_summary(run_mini)
    (built,) = _indexes(cache)
    _forge_summary(built, "Planted")
    built.chmod(0o666)
    assert _kyphoplasty_summary(run_mini) == expected
    (rebuilt,) = _indexes(cache)
    assert stat.S_IMODE(rebuilt.stat().st_mode) == 0o600
    assert b"Planted" not in rebuilt.read_bytes()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")
def test_an_index_owned_by_someone_else_is_not_trusted_and_replaced(
    cache: Path, run_mini: Invoke
) -> None:
    expected = _kyphoplasty_summary(run_mini)
    (built,) = _indexes(cache)
    _forge_summary(built, "Planted")
    os.chown(built, 4242, 4242)
    assert _kyphoplasty_summary(run_mini) == expected
    (rebuilt,) = _indexes(cache)
    assert rebuilt.stat().st_uid == os.geteuid()
    assert b"Planted" not in rebuilt.read_bytes()


def test_an_index_folder_others_can_write_is_neither_read_nor_written(
    cache: Path, run_mini: Invoke
) -> None:
    expected = _kyphoplasty_summary(run_mini)
    (built,) = _indexes(cache)
    _forge_summary(built, "Planted")
    built.parent.chmod(0o777)
    before = {path.name: path.stat().st_mtime_ns for path in built.parent.iterdir()}
    assert _kyphoplasty_summary(run_mini) == expected
    assert {path.name: path.stat().st_mtime_ns for path in built.parent.iterdir()} == before


def _make_fifo(path: Path, elsewhere: Path) -> None:
    os.mkfifo(path)


def _make_directory(path: Path, elsewhere: Path) -> None:
    path.mkdir()


def _make_link_to_fifo(path: Path, elsewhere: Path) -> None:
    os.mkfifo(elsewhere)
    path.symlink_to(elsewhere)


@pytest.mark.parametrize(
    "make", [_make_fifo, _make_directory, _make_link_to_fifo], ids=["fifo", "directory", "link"]
)
def test_something_not_a_file_at_the_index_path_is_never_opened(
    make: Callable[[Path, Path], None], cache: Path, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "painref", "show", "kyphoplasty", "--json"]
    env = {**os.environ, "PAINREF_CACHE_DIR": str(cache)}
    expected = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    (built,) = _indexes(cache)
    built.unlink()
    make(built, tmp_path / "elsewhere")
    for _ in range(2):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=30)
        assert (done.returncode, done.stdout, done.stderr) == (0, expected.stdout, "")
    assert built.is_dir() or stat.S_ISREG(built.lstat().st_mode)


def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    cache: Path, run_mini: Invoke, tmp_path: Path
) -> None:
    overlay = tmp_path / "clinic.yaml"
    overlay.write_text(CLINIC.read_text(encoding="utf-8"), encoding="utf-8")
    before = _summary(run_mini, "--catalog", str(overlay))
    status = overlay.stat()
    edited = before.replace("numbing", "NUMBING")
    assert edited != before and len(edited) == len(before)
    overlay.write_text(overlay.read_text(encoding="utf-8").replace(before, edited), "utf-8")
    os.utime(overlay, ns=(status.st_atime_ns, status.st_mtime_ns))  # as `cp -p` or `touch -d`
    after = overlay.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        status.st_size,
        status.st_mtime_ns,
        status.st_ino,
    )
    assert _summary(run_mini, "--catalog", str(overlay)) == edited
