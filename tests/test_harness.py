"""How the suite itself runs: it never writes to the real home, it says which
seed-dependent tests did not run, and CI's lowest-version pins match pyproject.toml."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from tests.conftest import REPO, REQUIRE_SEEDS_ENV, SEEDS_ENV, TESTS
from tools.lint import LINT_CODES

LOWEST_CONSTRAINTS = REPO / ".ci" / "lowest-constraints.txt"


def pytest_in_subprocess(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # One process: the summary these tests read is the controller's own.
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_collecting_the_suite_writes_nothing_under_home_or_xdg_dirs(tmp_path: Path) -> None:
    # Test modules open the catalog (and so its index) at import, before any fixture runs.
    dirs = {name: tmp_path / name.lower() for name in ("HOME", "XDG_CACHE_HOME")}
    for path in dirs.values():
        path.mkdir()
    env = {**os.environ, **{name: str(path) for name, path in dirs.items()}}
    for name in ("PAINREF_CACHE_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        env.pop(name, None)
    # --collect-only runs no tests, so this test does not run itself again.
    done = pytest_in_subprocess(env, "--collect-only", "-q", str(TESTS))
    assert done.returncode == 0, done.stdout + done.stderr
    written = [str(p) for path in dirs.values() for p in sorted(path.rglob("*"))]
    assert written == []


def test_seed_dependent_tests_say_when_they_did_not_run(tmp_path: Path) -> None:
    env = {**os.environ, SEEDS_ENV: str(tmp_path / "no-seeds-here")}
    env.pop(REQUIRE_SEEDS_ENV, None)
    done = pytest_in_subprocess(env, "-k", "real_catalog", str(TESTS / "test_lint.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    notice = [line for line in done.stdout.splitlines() if line.startswith("painref:")]
    assert notice == [
        f"painref: content rules {', '.join(LINT_CODES)} did not run on the real catalog: "
        f"the source documents are not at {tmp_path / 'no-seeds-here'} (they live beside "
        f"the repository, in ../shared/seeds; {SEEDS_ENV} points elsewhere)"
    ]


def test_required_seeds_turn_those_skips_into_failures(tmp_path: Path) -> None:
    env = {**os.environ, SEEDS_ENV: str(tmp_path / "no-seeds-here"), REQUIRE_SEEDS_ENV: "1"}
    done = pytest_in_subprocess(env, "-k", "real_catalog", str(TESTS / "test_lint.py"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{len(LINT_CODES)} errors" in done.stdout
    assert "skipped" not in done.stdout.splitlines()[-1]
    assert f"{REQUIRE_SEEDS_ENV} is set, but this test was skipped" in done.stdout


def lower_bounds(requirements: list[str]) -> dict[str, str]:
    """{name: version} from each requirement's ">=" bound."""
    bounds: dict[str, str] = {}
    for requirement in requirements:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*([^;]*)", requirement.strip())
        assert found, requirement
        lower = [s.strip()[2:] for s in found[2].split(",") if s.strip().startswith(">=")]
        assert len(lower) == 1, f"{requirement!r} needs one tested lower bound (>=)"
        bounds[canonical(found[1])] = lower[0].strip()
    return bounds


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def release(version: str) -> tuple[int, ...]:
    """6.0 and 6.0.0 are the same release."""
    parts = [int(part) for part in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def declared_dependencies() -> list[str]:
    if sys.version_info >= (3, 11):
        import tomllib

        with (REPO / "pyproject.toml").open("rb") as file:
            return list(tomllib.load(file)["project"]["dependencies"])
    # Python 3.10 has no tomllib: the installed metadata says the same.
    return [r for r in metadata.requires("painref") or [] if "extra ==" not in r]


def test_the_lowest_constraints_pin_exactly_the_declared_lower_bounds() -> None:
    pins: dict[str, str] = {}
    for line in LOWEST_CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{line!r}: pin an exact version with =="
            pins[canonical(name)] = version.strip()
    bounds = lower_bounds(declared_dependencies())
    assert {name: release(v) for name, v in pins.items()} == {
        name: release(v) for name, v in bounds.items()
    }
    assert LOWEST_CONSTRAINTS.name in (REPO / ".ci" / "run").read_text(encoding="utf-8")
