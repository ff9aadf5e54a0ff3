"""Shared test set-up: a scrubbed environment, a fixed width, and the CLI runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from painref import catalog as catalog_module
from painref.cli import app

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
MINI = FIXTURES / "mini.yaml"
REPO = TESTS.parent
SEEDS = REPO.parent / "shared" / "seeds"
WIDTH = 80

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def scrubbed_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never touch the real home, cache or config, and render at a fixed width."""
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
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
