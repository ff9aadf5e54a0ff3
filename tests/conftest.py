"""Shared test set-up: a scrubbed environment, a fixed width, and the CLI runner."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from painref.catalog import layers as catalog_module
from painref.cli.app import app

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
MINI = FIXTURES / "mini.yaml"
REPO = TESTS.parent
# The source documents live beside the repository; PAINREF_SEEDS_DIR points elsewhere.
SEEDS_ENV = "PAINREF_SEEDS_DIR"
SEEDS = Path(os.environ.get(SEEDS_ENV) or REPO.parent / "shared" / "seeds")
# Set (by CI, where the seeds are present): a seed-dependent test that skips fails instead.
REQUIRE_SEEDS_ENV = "PAINREF_REQUIRE_SEEDS"
WIDTH = 80
HOME_VARS = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")

Invoke = Callable[..., Result]
needs_seeds = pytest.mark.needs_seeds

_saved_env: dict[str, str | None] = {}
_session_home: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    """Point home and cache at a session directory before any test module is imported.

    Test modules may open the catalog (and so write its index) at import time, before
    the per-test scrubbed_env runs.
    """
    config.addinivalue_line("markers", "needs_seeds: reads the source documents in SEEDS")
    if _session_home:
        return
    home = Path(tempfile.mkdtemp(prefix="painref-tests-"))
    _session_home.append(home)
    for name in (*HOME_VARS, "PAINREF_CACHE_DIR", "PAINREF_CATALOG"):
        _saved_env[name] = os.environ.get(name)
    for name in HOME_VARS:
        os.environ[name] = str(home / name.lower())
    os.environ.pop("PAINREF_CACHE_DIR", None)
    os.environ.pop("PAINREF_CATALOG", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    for name, value in _saved_env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved_env.clear()
    while _session_home:
        shutil.rmtree(_session_home.pop(), ignore_errors=True)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_seeds") and not SEEDS.is_dir():
        pytest.skip(f"the source documents are not at {SEEDS}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """With PAINREF_REQUIRE_SEEDS set, a seed-dependent test that skips has failed."""
    report = yield
    if (
        report.skipped
        and item.get_closest_marker("needs_seeds")
        and os.environ.get(REQUIRE_SEEDS_ENV)
    ):
        report.outcome = "failed"
        report.longrepr = (
            f"{REQUIRE_SEEDS_ENV} is set, but this test was skipped: {skip_reason(report)}"
        )
    return report


def skip_reason(report: pytest.TestReport) -> str:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    return str(reason).removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say which seed-dependent tests did not run, so a skip is never silent."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report, pytest.TestReport) and "needs_seeds" in report.keywords
    ]
    if not skipped:
        return
    names = [re.sub(r"^.*\[(.*)\]$", r"\1", report.nodeid.split("::")[-1]) for report in skipped]
    reasons = "; ".join(sorted({skip_reason(report) for report in skipped}))
    terminalreporter.write_line(
        f"painref: content rules {', '.join(names)} did not run on the real catalog: "
        f"{reasons} (they live beside the repository, in ../shared/seeds; "
        f"{SEEDS_ENV} points elsewhere)",
        yellow=True,
        bold=True,
    )


@pytest.fixture(autouse=True)
def scrubbed_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never touch the real home, cache or config, and render at a fixed width."""
    for name in HOME_VARS:
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for name in (
        "NO_COLOR",
        "FORCE_COLOR",
        "PAINREF_CATALOG",
        "PAINREF_CACHE_DIR",
        "TERM",
        "COLUMNS",
        "LINES",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    yield


@pytest.fixture
def run() -> Invoke:
    """Run painref against the real bundled catalog."""
    runner = CliRunner()

    def invoke(*args: str, **env: str) -> Result:
        return runner.invoke(app, list(args), env=env or None)

    return invoke


@pytest.fixture
def run_mini(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run painref with the small fixture catalog standing in for the bundled one."""
    monkeypatch.setattr(catalog_module, "bundled_catalog_path", lambda: MINI)
    runner = CliRunner()

    def invoke(*args: str, **env: str) -> Result:
        return runner.invoke(app, list(args), env=env or None)

    return invoke
