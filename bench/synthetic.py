"""Write a synthetic overlay catalog: the bundled procedures replicated under new ids.

Each copy keeps the real entry's content, sources and conditions, and gets an id,
name and aliases of its own ("Kyphoplasty, series 17"), so lookups stay unambiguous
and the catalog validates. Links point to the copy in the same series.

    python bench/synthetic.py 10000 > /tmp/synthetic.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "procedures.yaml"


def synthetic_catalog(count: int) -> str:
    """A catalog of `count` procedures that layers over the bundled one."""
    real: list[dict[str, Any]] = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))["procedures"]
    procedures = []
    made = {f"{real[n % len(real)]['id']}-series-{n // len(real) + 1}" for n in range(count)}
    for number in range(count):
        original = real[number % len(real)]
        series = number // len(real) + 1
        copy = dict(original)
        copy["id"] = f"{original['id']}-series-{series}"
        copy["name"] = f"{original['name']}, series {series}"
        copy["aliases"] = [f"{alias} series {series}" for alias in original.get("aliases", [])]
        copy["related"] = [
            {**link, "id": f"{link['id']}-series-{series}"}
            for link in original.get("related", [])
            if f"{link['id']}-series-{series}" in made
        ]
        procedures.append(copy)
    return yaml.dump(
        {"version": 1, "procedures": procedures},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes each copy out in full: catalogs may not use anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


if __name__ == "__main__":
    sys.stdout.write(synthetic_catalog(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
