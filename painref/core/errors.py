"""The one exception family a user can cause, each with its exit code."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from painref.core.safetext import shown_path


class ExitCode(IntEnum):
    """What painref's exit status means."""

    OK = 0  # an answer, including a filter that matched nothing
    NOT_FOUND = 1  # nothing found, or ambiguous: the message lists candidates
    USAGE = 2  # a bad option or argument
    CATALOG = 3  # a catalog could not be read or is invalid
    OUTPUT = 4  # the output could not be written (a broken pipe exits 0, quietly)


class Candidate(NamedTuple):
    id: str
    name: str


class PainrefError(Exception):
    """Base class: a message for the user and the exit code that goes with it."""

    exit_code = ExitCode.NOT_FOUND
    code = "error"

    def __init__(self, message: str, candidates: tuple[Candidate, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates


class NotFound(PainrefError):
    exit_code = ExitCode.NOT_FOUND
    code = "not-found"


class Ambiguous(PainrefError):
    exit_code = ExitCode.NOT_FOUND
    code = "ambiguous"


class UsageProblem(PainrefError):
    exit_code = ExitCode.USAGE
    code = "usage"


class Problem(NamedTuple):
    """One thing wrong with a catalog file, with where it is."""

    file: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{shown_path(self.file)}:{self.line}:{self.column}: {self.code} {self.message}"


class CatalogError(PainrefError):
    exit_code = ExitCode.CATALOG
    code = "catalog"

    def __init__(self, problems: list[Problem], stopped_in: tuple[str, ...] = ()) -> None:
        """`stopped_in`: files with more problems than painref reports, where it stopped reading."""
        self.problems = tuple(problems)
        self.stopped_in = stopped_in
        super().__init__("\n".join([*(str(problem) for problem in self.problems), *self.notes]))

    @property
    def notes(self) -> list[str]:
        """What the problem lines leave out: the files where painref stopped looking."""
        return [
            f"painref: {shown_path(file)} has more problems; reading stopped after the "
            f"first {sum(p.file == file for p in self.problems)}"
            for file in self.stopped_in
        ]
