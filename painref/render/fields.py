"""What the human renderers share: how compare marks a difference, and source numbers."""

from __future__ import annotations

from collections.abc import Sequence

from painref.query.lines import Line

# How compare marks a row where the procedures say different things.
DIFFERS = "≠"
DIFFERS_LEGEND = f"{DIFFERS} marks the rows where they differ."


def differ(lines_of_each: Sequence[Sequence[Line]]) -> bool:
    """Whether procedures' lines for one field say different things (sources aside)."""
    return len({tuple(line.text for line in lines) for lines in lines_of_each}) > 1


class Citations:
    """Numbers sources [1], [2] ... in the order they are first cited."""

    def __init__(self) -> None:
        self.order: list[str] = []

    def marks(self, sources: tuple[str, ...]) -> str:
        numbers = []
        for source_id in sources:
            if source_id not in self.order:
                self.order.append(source_id)
            numbers.append(self.order.index(source_id) + 1)
        return f"[{','.join(str(n) for n in sorted(set(numbers)))}]" if numbers else ""
