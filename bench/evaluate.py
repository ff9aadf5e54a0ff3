"""Score painref's lookup against the labelled query set (bench/lookup_queries.yaml).

Each labelled query goes through the library in-process, the way the commands
call it: `Catalog.procedure` / `Catalog.condition` for names, and
`search.parse_query` + `search.search` for free-text questions. The catalog is
opened with its index in a temporary cache directory, so the real cache is
never written.

Outcome of one name query, by what the label expects:

    RIGHT  resolve: resolved to the labelled id
           ask:     asked (Ambiguous) with every labelled id among the candidates
           absent:  said not found
    TIMID  resolve: asked with the id among the candidates, or not found with the
                    id among the suggestions
           ask:     not found with every labelled id among the suggestions
    MISS   no answer that leads to the labelled entries (not found without them,
           a question without them, a usage problem) and nothing wrong chosen;
           for absent: asked instead of saying not found
    WRONG  resolved to a single entry that is not the answer: a wrong id, or any
           id when the label is ask or absent

A question is a hit when every labelled id is among the first three results.

    python bench/evaluate.py                  # tables by group and by origin
    python bench/evaluate.py --show wrong     # also list each WRONG query and the answer
    python bench/evaluate.py --json           # machine-readable report

`evaluate(path)` returns a Report (counts and every scored query) without
printing; a test can hold it to the targets in TARGETS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
DEFAULT_QUERIES = BENCH / "lookup_queries.yaml"

GROUPS = ("procedures", "conditions")
KIND_OF_GROUP = {"procedures": "procedure", "conditions": "condition"}
EXPECTS = ("resolve", "ask", "absent")
OUTCOMES = ("right", "timid", "miss", "wrong")
ORIGINS = (
    "mesh",
    "icd10cm",
    "icd10cm-code",
    "nice-nhs",
    "guideline",
    "abbreviation",
    "lay",
    "typo",
    "word-order",
    "extra-words",
    "lay-question",
    "clinician-question",
    "absent",
)
TOP = 3  # a question is answered when its ids are among this many first results
# Shares of RIGHT (of the whole group) and of question hits that count as good enough.
TARGETS: dict[str, float] = {"procedures": 0.90, "conditions": 0.85, "questions": 0.90}

CACHE_ENV = "PAINREF_CACHE_DIR"


class LabelError(ValueError):
    """The query file is malformed or names ids the catalog does not have."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


# The labelled set ---------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One labelled name lookup."""

    group: str  # "procedures" or "conditions"
    query: str
    expect: str  # "resolve", "ask" or "absent"
    ids: tuple[str, ...]
    origin: str
    note: str = ""


@dataclass(frozen=True)
class Question:
    """One labelled free-text question and the ids expected in the first TOP results."""

    query: str
    top: tuple[str, ...]
    origin: str
    note: str = ""


def load_queries(path: Path = DEFAULT_QUERIES) -> tuple[list[Query], list[Question]]:
    """Read and check the shape of the query file (ids are checked by check_labels)."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise LabelError([f"{path}: the top level must be a mapping"])
    unknown = set(data) - {*GROUPS, "questions"}
    if unknown:
        problems.append(f"unknown sections: {', '.join(sorted(map(str, unknown)))}")
    queries: list[Query] = []
    for group in GROUPS:
        for number, item in enumerate(_entries(data, group, problems), 1):
            where = f"{group}[{number}]"
            parsed = _query(group, item, where, problems)
            if parsed is not None:
                queries.append(parsed)
    questions: list[Question] = []
    for number, item in enumerate(_entries(data, "questions", problems), 1):
        parsed_question = _question(item, f"questions[{number}]", problems)
        if parsed_question is not None:
            questions.append(parsed_question)
    seen: set[tuple[str, str]] = set()
    for query in queries:
        key = (query.group, query.query.casefold())
        if key in seen:
            problems.append(f"{query.group}: {query.query!r} is listed twice")
        seen.add(key)
    if problems:
        raise LabelError(problems)
    return queries, questions


def _entries(data: Mapping[str, Any], section: str, problems: list[str]) -> list[Any]:
    items = data.get(section) or []
    if not isinstance(items, list):
        problems.append(f"{section}: must be a list")
        return []
    return items


def _text(item: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        problems.append(f"{where}: {key} must be text")
        return ""
    return value


def _ids(item: Mapping[str, Any], key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: {key} must be a list of ids")
        return ()
    return tuple(value)


def _query(group: str, item: Any, where: str, problems: list[str]) -> Query | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    extra = set(item) - {"query", "expect", "ids", "origin", "note"}
    if extra:
        problems.append(f"{where}: unknown keys {sorted(map(str, extra))}")
    query = _text(item, "query", where, problems)
    expect = _text(item, "expect", where, problems)
    origin = _text(item, "origin", where, problems)
    note = _text(item, "note", where, problems)
    ids = _ids(item, "ids", where, problems)
    where = f"{where} {query!r}"
    if not query.strip():
        problems.append(f"{where}: an empty query")
    if expect not in EXPECTS:
        problems.append(f"{where}: expect must be one of {', '.join(EXPECTS)}")
    if origin not in ORIGINS:
        problems.append(f"{where}: origin {origin!r} is not one of {', '.join(ORIGINS)}")
    if expect == "resolve" and len(ids) != 1:
        problems.append(f"{where}: resolve takes exactly one id")
    if expect == "ask" and not ids:
        problems.append(f"{where}: ask takes the ids that must be among the candidates")
    if expect == "absent" and ids:
        problems.append(f"{where}: absent takes no ids")
    if len(set(ids)) != len(ids):
        problems.append(f"{where}: an id is repeated")
    return Query(group, query, expect, ids, origin, note)


def _question(item: Any, where: str, problems: list[str]) -> Question | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    extra = set(item) - {"query", "top3", "origin", "note"}
    if extra:
        problems.append(f"{where}: unknown keys {sorted(map(str, extra))}")
    query = _text(item, "query", where, problems)
    origin = _text(item, "origin", where, problems)
    note = _text(item, "note", where, problems)
    top = _ids(item, "top3", where, problems)
    where = f"{where} {query!r}"
    if not query.strip():
        problems.append(f"{where}: an empty query")
    if not 1 <= len(top) <= TOP:
        problems.append(f"{where}: top3 takes one to {TOP} ids")
    if origin not in ("lay-question", "clinician-question"):
        problems.append(f"{where}: origin must be lay-question or clinician-question")
    return Question(query, top, origin, note)


def check_labels(
    queries: Sequence[Query],
    questions: Sequence[Question],
    procedure_ids: Sequence[str],
    condition_ids: Sequence[str],
) -> None:
    """Every labelled id names an entry of the right kind; LabelError otherwise."""
    known = {"procedures": set(procedure_ids), "conditions": set(condition_ids)}
    problems = [
        f"{query.group}: {query.query!r} names unknown {KIND_OF_GROUP[query.group]} id {i!r}"
        for query in queries
        for i in query.ids
        if i not in known[query.group]
    ]
    problems += [
        f"questions: {question.query!r} names unknown procedure id {i!r}"
        for question in questions
        for i in question.top
        if i not in known["procedures"]
    ]
    if problems:
        raise LabelError(problems)


# Asking painref -----------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What painref said to one name query."""

    kind: str  # "resolved", "ambiguous", "not-found", "usage" or "error"
    ids: tuple[str, ...]  # the resolved id, the candidates, or the suggestions
    message: str = ""

    def describe(self) -> str:
        listed = ", ".join(self.ids) if self.ids else "-"
        if self.kind == "resolved":
            return f"resolved {listed}"
        if self.kind == "ambiguous":
            return f"asked: {listed}"
        if self.kind == "not-found":
            return f"not found; suggested: {listed}"
        return f"{self.kind}: {self.message}"


def ask(catalog: Any, group: str, query: str) -> Answer:
    """Put one query to painref; never raises."""
    from painref.core.errors import Ambiguous, NotFound, PainrefError

    lookup = catalog.procedure if group == "procedures" else catalog.condition
    try:
        record = lookup(query)
    except Ambiguous as error:
        return Answer("ambiguous", tuple(c.id for c in error.candidates), error.message)
    except NotFound as error:
        return Answer("not-found", tuple(c.id for c in error.candidates), error.message)
    except PainrefError as error:
        return Answer("usage", (), error.message)
    except Exception as error:  # a bug in painref: scored as a miss, shown with its type
        return Answer("error", (), f"{type(error).__name__}: {error}")
    return Answer("resolved", (str(record.id),))


def outcome(query: Query, answer: Answer) -> str:
    """RIGHT, TIMID, MISS or WRONG (in lower case) for one answer to one labelled query."""
    wanted = set(query.ids)
    got = set(answer.ids)
    if answer.kind == "resolved":
        if query.expect == "resolve" and got == wanted:
            return "right"
        return "wrong"
    if query.expect == "absent":
        return "right" if answer.kind == "not-found" else "miss"
    if answer.kind == "ambiguous":
        if not wanted <= got:
            return "miss"
        return "right" if query.expect == "ask" else "timid"
    if answer.kind == "not-found" and wanted and wanted <= got:
        return "timid"
    return "miss"


@dataclass(frozen=True)
class Scored:
    query: Query
    answer: Answer
    outcome: str


@dataclass(frozen=True)
class ScoredQuestion:
    question: Question
    top: tuple[str, ...]  # the first TOP results' ids
    hit: bool
    error: str = ""


def answer_question(catalog: Any, question: Question) -> ScoredQuestion:
    """Run one question through `painref search` as the command does; never raises."""
    from painref.core.errors import PainrefError
    from painref.query.search import parse_query, search

    try:
        terms = parse_query(question.query)
        results = search(catalog.catalog, terms)
    except PainrefError as error:
        return ScoredQuestion(question, (), False, error.message)
    except Exception as error:
        return ScoredQuestion(question, (), False, f"{type(error).__name__}: {error}")
    top = tuple(hit.procedure.id for hit in results.hits[:TOP])
    return ScoredQuestion(question, top, set(question.top) <= set(top))


# The report ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Counts of each outcome."""

    right: int = 0
    timid: int = 0
    miss: int = 0
    wrong: int = 0

    @property
    def total(self) -> int:
        return self.right + self.timid + self.miss + self.wrong

    def count(self, outcome_name: str) -> int:
        return int(getattr(self, outcome_name))

    def share(self, outcome_name: str) -> float:
        return self.count(outcome_name) / self.total if self.total else 0.0

    @classmethod
    def of(cls, results: Sequence[Scored]) -> Tally:
        counts = {name: sum(r.outcome == name for r in results) for name in OUTCOMES}
        return cls(**counts)


@dataclass(frozen=True)
class Report:
    results: tuple[Scored, ...]
    questions: tuple[ScoredQuestion, ...]

    def scored(self, group: str, origin: str | None = None) -> list[Scored]:
        return [
            r
            for r in self.results
            if r.query.group == group and (origin is None or r.query.origin == origin)
        ]

    def tally(self, group: str, origin: str | None = None) -> Tally:
        return Tally.of(self.scored(group, origin))

    def origins(self, group: str) -> list[str]:
        present = {r.query.origin for r in self.results if r.query.group == group}
        return [origin for origin in ORIGINS if origin in present]

    def with_outcome(self, outcome_name: str, group: str | None = None) -> list[Scored]:
        return [
            r
            for r in self.results
            if r.outcome == outcome_name and (group is None or r.query.group == group)
        ]

    def question_hits(self, origin: str | None = None) -> tuple[int, int]:
        chosen = [q for q in self.questions if origin is None or q.question.origin == origin]
        return sum(q.hit for q in chosen), len(chosen)

    def right_share(self, group: str) -> float:
        return self.tally(group).share("right")

    def question_share(self) -> float:
        hits, total = self.question_hits()
        return hits / total if total else 0.0

    def meets_targets(self) -> bool:
        """No WRONG answer, and every share at or above its target."""
        return (
            not self.with_outcome("wrong")
            and all(self.right_share(group) >= TARGETS[group] for group in GROUPS)
            and self.question_share() >= TARGETS["questions"]
        )

    def to_json(self) -> dict[str, Any]:
        def tally_json(tally: Tally) -> dict[str, Any]:
            return {"total": tally.total, **{name: tally.count(name) for name in OUTCOMES}}

        groups: dict[str, Any] = {}
        for group in GROUPS:
            groups[group] = {
                **tally_json(self.tally(group)),
                "target_right": TARGETS[group],
                "by_origin": {o: tally_json(self.tally(group, o)) for o in self.origins(group)},
            }
        hits, total = self.question_hits()
        question_origins = sorted({q.question.origin for q in self.questions})
        return {
            "groups": groups,
            "questions": {
                "total": total,
                "top3_hits": hits,
                "target_share": TARGETS["questions"],
                "by_origin": {
                    o: dict(zip(("top3_hits", "total"), self.question_hits(o), strict=True))
                    for o in question_origins
                },
            },
            "meets_targets": self.meets_targets(),
            "results": [
                {
                    "group": r.query.group,
                    "query": r.query.query,
                    "expect": r.query.expect,
                    "ids": list(r.query.ids),
                    "origin": r.query.origin,
                    "outcome": r.outcome,
                    "answer": {"kind": r.answer.kind, "ids": list(r.answer.ids)},
                }
                for r in self.results
            ],
            "question_results": [
                {
                    "query": q.question.query,
                    "top3": list(q.question.top),
                    "origin": q.question.origin,
                    "got": list(q.top),
                    "hit": q.hit,
                    **({"error": q.error} if q.error else {}),
                }
                for q in self.questions
            ],
        }


@contextmanager
def _temporary_cache() -> Iterator[None]:
    """PAINREF_CACHE_DIR set to a fresh directory for the duration, then put back."""
    saved = os.environ.get(CACHE_ENV)
    folder = tempfile.mkdtemp(prefix="painref-eval-")
    os.environ[CACHE_ENV] = folder
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = saved
        shutil.rmtree(folder, ignore_errors=True)


def evaluate(path: Path | str = DEFAULT_QUERIES) -> Report:
    """Score the bundled catalog's lookup against the labelled set at `path`."""
    queries, questions = load_queries(Path(path))
    with _temporary_cache():
        from painref.catalog.layers import open_catalog
        from painref.query.lookup import Lookup

        catalog = Lookup(open_catalog())
        check_labels(queries, questions, list(catalog.procedures), list(catalog.conditions))
        results = []
        for query in queries:
            answer = ask(catalog, query.group, query.query)
            results.append(Scored(query, answer, outcome(query, answer)))
        scored_questions = tuple(answer_question(catalog, q) for q in questions)
    return Report(tuple(results), scored_questions)


# Printing -----------------------------------------------------------------------


def _row(label: str, tally: Tally) -> str:
    cells = [f"{tally.count(n):4d} {100 * tally.share(n):5.1f}%" for n in OUTCOMES]
    return f"  {label:<22}{tally.total:6d}  " + "  ".join(cells)


def format_report(report: Report, show: Sequence[str] = ()) -> str:
    lines: list[str] = []
    header = f"  {'':<22}{'n':>6}  " + "  ".join(f"{n.upper():>11}" for n in OUTCOMES)
    for group in GROUPS:
        tally = report.tally(group)
        lines.append(
            f"{group}: {100 * tally.share('right'):.1f}% right "
            f"(target {100 * TARGETS[group]:.0f}%), {tally.wrong} wrong"
        )
        lines.append(header)
        for origin in report.origins(group):
            lines.append(_row(origin, report.tally(group, origin)))
        lines.append(_row("all", tally))
        lines.append("")
    hits, total = report.question_hits()
    lines.append(
        f"questions: {hits}/{total} with every expected id in the top {TOP} "
        f"({100 * report.question_share():.1f}%, target {100 * TARGETS['questions']:.0f}%)"
    )
    for origin in sorted({q.question.origin for q in report.questions}):
        got, of = report.question_hits(origin)
        lines.append(f"  {origin:<22}{got:4d}/{of:<4d} {100 * got / of if of else 0:5.1f}%")
    for outcome_name in show:
        if outcome_name == "questions":
            lines.append("")
            lines.append(f"questions missed ({total - hits}):")
            for q in report.questions:
                if not q.hit:
                    got_text = ", ".join(q.top) or q.error or "no results"
                    lines.append(
                        f"  {q.question.query!r} want {', '.join(q.question.top)}; got {got_text}"
                    )
            continue
        chosen = report.with_outcome(outcome_name)
        lines.append("")
        lines.append(f"{outcome_name.upper()} ({len(chosen)}):")
        for r in chosen:
            wanted = r.query.expect + (f" {', '.join(r.query.ids)}" if r.query.ids else "")
            lines.append(
                f"  [{r.query.group[:4]} {r.query.origin}] {r.query.query!r}: want {wanted}; "
                f"painref {r.answer.describe()}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "queries", nargs="?", type=Path, default=DEFAULT_QUERIES, help="the labelled query file"
    )
    parser.add_argument(
        "--show",
        action="append",
        default=[],
        choices=[*OUTCOMES, "questions"],
        help="also list the queries with this outcome (repeatable); 'questions' lists missed ones",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        report = evaluate(args.queries)
    except LabelError as error:
        print(f"evaluate: the query file has problems:\n{error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report, args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
