"""The naive baseline painref is measured against: everything imported at the top,
and every catalog file parsed with PyYAML on every call. Not part of painref.

    python bench/naive.py [--catalog PATH]... NAME
"""

from __future__ import annotations

import sys
from pathlib import Path

import rapidfuzz.process
import typer
import yaml
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "procedures.yaml"
app = typer.Typer(add_completion=False)


@app.command()
def show(name: str, catalog: list[Path] | None = None) -> None:
    procedures: dict[str, dict[str, object]] = {}
    for path in [BUNDLED, *(catalog or [])]:
        for procedure in yaml.safe_load(path.read_text(encoding="utf-8"))["procedures"]:
            procedures[procedure["id"]] = procedure
    names = {
        str(alias).lower(): procedure_id
        for procedure_id, procedure in procedures.items()
        for alias in [procedure_id, procedure["name"], *procedure.get("aliases", [])]  # type: ignore[misc]
    }
    found = names.get(name.lower())
    if found is None:
        best = rapidfuzz.process.extractOne(name.lower(), list(names))
        if best is None:
            sys.exit(1)
        found = names[best[0]]
    procedure = procedures[found]
    table = Table.grid(padding=(0, 2))
    for field, value in procedure.items():
        table.add_row(field, str(value))
    Console().print(Panel(table, title=str(procedure["name"])))


if __name__ == "__main__":
    app()
