"""The one exception family a user can cause, each with its exit code."""

from __future__ import annotations

from typing import NamedTuple


class Candidate(NamedTuple):
    id: str
    name: str


class PainrefError(Exception):
    """Base class: a message for the user and the exit code that goes with it."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, candidates: tuple[Candidate, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.candidates = candidates


class NotFound(PainrefError):
    exit_code = 1
    code = "not-found"


class Ambiguous(PainrefError):
    exit_code = 1
    code = "ambiguous"


class UsageProblem(PainrefError):
    exit_code = 2
    code = "usage"


class Problem(NamedTuple):
    """One thing wrong with a catalog file, with where it is."""

    file: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"


class CatalogError(PainrefError):
    exit_code = 3
    code = "catalog"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
