"""Words a search may use for what the catalog calls by another name.

data/search-words.json lists them, each group with the public page that uses the
words that way. Read only when a search runs; a missing or damaged file (it ships
with painref, so that means a broken install) just means no synonyms.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from painref.core.datafiles import data_file

FILE_NAME = "search-words.json"


def file_path() -> Path:
    """The shipped file (or, in a source checkout, data/)."""
    return data_file(FILE_NAME)


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Each normalised word or phrase a query may use, with the normalised words and
    phrases it also finds."""
    import json  # not YAML: its parser costs a search more than the rest of its start-up

    from painref.core.text import normalise

    try:
        data = json.loads(file_path().read_text(encoding="utf-8"))
        groups = data["synonyms"]
        found: dict[str, list[str]] = {}
        for group in groups:
            words = [normalise(str(word)) for word in group["words"]]
            finds = [normalise(str(word)) for word in group["finds"]]
            for word in words:
                also = found.setdefault(word, [])
                for other in [*words, *finds]:
                    if other != word and other not in also:
                        also.append(other)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return {}
    return {word: tuple(also) for word, also in found.items()}
