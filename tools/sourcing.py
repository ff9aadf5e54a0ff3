"""How well the catalog's facts are sourced: the figure the content lint caps (CL012).

    python tools/sourcing.py [CATALOG]

Prints how many cited facts there are, how many cite a weak source (clinic,
manufacturer, media or copy), how many rest only on weak sources, the share, the
citations by source kind, and the procedures with the most weak-only facts.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from painref.catalog.layers import Overlay, bundled_catalog_path, read_catalog
from painref.core.vocab import SOURCE_KINDS
from tools.lint import MAX_WEAK_SHARE, sourcing


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else bundled_catalog_path()
    figures = sourcing(read_catalog([Overlay(path, "")]))
    print(f"cited facts: {figures.facts}")
    print(f"citing a weak source: {figures.citing_weak}")
    print(
        f"resting only on weak sources: {len(figures.weak_only)} "
        f"({figures.share:.1%}; cap {MAX_WEAK_SHARE:.0%})"
    )
    print("citations by source kind:")
    for kind in [*SOURCE_KINDS, "unknown"]:
        if figures.kinds.get(kind):
            print(f"  {kind:13} {figures.kinds[kind]}")
    worst = Counter(procedure_id for procedure_id, _ in figures.weak_only).most_common(10)
    if worst:
        print("most weak-only facts:", ", ".join(f"{pid} {n}" for pid, n in worst))


if __name__ == "__main__":
    main()
