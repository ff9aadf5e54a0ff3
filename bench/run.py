"""Start-up and scale benchmark: each command as a ratio to bare `python -c pass`.

Every command runs as a fresh process from this venv, interleaved with bare
Python, and the median of --runs runs is compared. Peak RSS comes from the
child's resource usage. Budgets are from issue 5; this script reports, it does
not fail (CI runs a tiny size of it only so that it cannot rot).

    python bench/run.py                      # the full table (10,000 procedures)
    python bench/run.py --size 200 --runs 3  # a quick smoke run
    python bench/run.py --instructions       # also instruction counts (valgrind)

Wall time on a shared machine wanders by a tenth or more from run to run; the
instruction counts do not, so they show what a change did.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
SCRIPT = Path(PYTHON).parent / "painref"
PAINREF = [str(SCRIPT)] if SCRIPT.exists() else [PYTHON, "-m", "painref"]
NAIVE = [PYTHON, str(BENCH / "naive.py")]


@dataclass
class Case:
    label: str
    argv: list[str]
    budget: float | None = None  # times bare Python
    rss_budget_mib: float | None = None
    env: dict[str, str] | None = None
    exit_code: int = 0
    terminal: bool = False  # stdout a pseudo-terminal (styled output), not a pipe
    expect: str | None = None  # the exact output, checked once before timing


@dataclass
class Result:
    case: Case
    seconds: float
    rss_mib: float


def run_once(
    argv: list[str], env: dict[str, str], terminal: bool = False
) -> tuple[float, float, int]:
    """Wall time, peak RSS (MiB) and exit code of one fresh process."""
    if not terminal:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)
    import fcntl
    import pty
    import struct
    import termios
    import threading

    reader, writer = pty.openpty()
    # A tall terminal, 80 columns wide: the card fits, so no pager starts and waits.
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 500, 80, 0, 0))
    drain = threading.Thread(target=_drain, args=(reader,), daemon=True)
    drain.start()
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=writer, stderr=subprocess.DEVNULL, env=env)
    os.close(writer)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    drain.join()
    os.close(reader)
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def _drain(reader: int) -> None:
    """Read a pseudo-terminal until its writer closes, so the child never blocks."""
    try:
        while os.read(reader, 65536):
            pass
    except OSError:  # EIO: the child side closed
        pass


def measure(cases: list[Case], runs: int, env: dict[str, str]) -> tuple[float, list[Result]]:
    """Median wall time of each case and of bare Python, run interleaved."""
    base = [PYTHON, "-c", "pass"]
    times: dict[str, list[float]] = {case.label: [] for case in cases}
    rss: dict[str, float] = {case.label: 0.0 for case in cases}
    bare: list[float] = []
    for case in cases:  # warm the page cache and the index once
        run_once(case.argv, {**env, **(case.env or {})}, case.terminal)
        if case.expect is not None:
            done = subprocess.run(
                case.argv, capture_output=True, text=True, env={**env, **(case.env or {})}
            )
            if done.stdout != case.expect:
                raise SystemExit(f"{case.label!r} printed {done.stdout[:200]!r}")
    for _ in range(runs):
        bare.append(run_once(base, env)[0])
        for case in cases:
            elapsed, peak, code = run_once(case.argv, {**env, **(case.env or {})}, case.terminal)
            if code != case.exit_code:
                raise SystemExit(f"{case.label!r} exited with {code}")
            times[case.label].append(elapsed)
            rss[case.label] = max(rss[case.label], peak)
    results = [
        Result(case, statistics.median(times[case.label]), rss[case.label]) for case in cases
    ]
    return statistics.median(bare), results


def completion_cases() -> list[Case]:
    """TAB after `painref show kyp` in each shell, as Typer's scripts ask for it."""
    line = "painref show kyp"
    requests = {
        "bash": ({"COMP_WORDS": line, "COMP_CWORD": "2"}, "kyphoplasty\n"),
        "zsh": (
            {"_TYPER_COMPLETE_ARGS": line},
            '_arguments \'*: :(("kyphoplasty":"Kyphoplasty"))\'\n',
        ),
        "fish": (
            {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"},
            "kyphoplasty\tKyphoplasty\n",
        ),
    }
    return [
        Case(
            f"completion: {line}<TAB> ({shell})",
            PAINREF,
            8,
            env={"_PAINREF_COMPLETE": f"complete_{shell}", **env},
            expect=expect,
        )
        for shell, (env, expect) in requests.items()
    ]


def instructions(argv: list[str], env: dict[str, str]) -> int | None:
    """Instructions one run executes, counted by valgrind's callgrind: the same count
    however busy the machine is, so two versions compare without noise. None
    without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    done = subprocess.run(
        [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    counted = [line.split()[-1] for line in done.stderr.splitlines() if "Collected :" in line]
    return int(counted[-1]) if counted else None


def instruction_table(cases: list[Case], env: dict[str, str]) -> str:
    """Each piped case's instructions as a multiple of bare Python's."""
    base = instructions([PYTHON, "-c", "pass"], env)
    if base is None:
        return "valgrind is not installed: no instruction counts."
    lines = [
        f"bare `python -c pass`: {base / 1e6:.1f} million instructions",
        "",
        "| command | million instructions | times bare Python |",
        "| --- | --- | --- |",
    ]
    for case in cases:
        if case.terminal:
            continue
        counted = instructions(case.argv, {**env, **(case.env or {})})
        if counted is not None:
            lines.append(f"| `{case.label}` | {counted / 1e6:.1f} | {counted / base:.1f}x |")
    return "\n".join(lines)


def table(base: float, results: list[Result]) -> str:
    lines = [
        f"bare `python -c pass`: {base * 1000:.1f} ms (median)",
        "",
        "| command | median ms | times bare Python | budget | peak RSS MiB | within budget |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        ratio = result.seconds / base
        case = result.case
        budget = f"{case.budget:g}x" if case.budget else "-"
        if case.rss_budget_mib:
            budget += f", {case.rss_budget_mib:g} MiB"
        ok = (case.budget is None or ratio <= case.budget) and (
            case.rss_budget_mib is None or result.rss_mib <= case.rss_budget_mib
        )
        verdict = "yes" if ok else "NO"
        if case.budget is None and case.rss_budget_mib is None:
            verdict = "-"
        lines.append(
            f"| `{case.label}` | {result.seconds * 1000:.0f} | {ratio:.1f}x | {budget} "
            f"| {result.rss_mib:.0f} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="synthetic catalog size")
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (median)")
    parser.add_argument("--naive-at-size", action="store_true", help="also time the naive tool")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each bundled command's instructions with valgrind (slow, noise-free)",
    )
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="painref-bench-"))
    try:
        env = {**os.environ, "PAINREF_CACHE_DIR": str(work / "cache"), "COLUMNS": "80"}
        # An installed painref has its bytecode compiled; let an editable one cache it too.
        for name in ("PAINREF_CATALOG", "NO_COLOR", "FORCE_COLOR", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        show = [*PAINREF, "show", "kyphoplasty"]
        cases = [
            Case("painref show kyphoplasty", show, 10),
            Case("painref show kyphoplasty, on a terminal", show, 10, terminal=True),
            Case("painref show kyfoplasty", [*PAINREF, "show", "kyfoplasty"], 12),
            Case("painref show kyphoplasty --json", [*PAINREF, "show", "kyphoplasty", "--json"], 8),
            Case("painref find --condition sciatica", [*PAINREF, "find", "-c", "sciatica"], 11),
            Case(
                "painref compare kyphoplasty vertebroplasty",
                [*PAINREF, "compare", "kyphoplasty", "vertebroplasty"],
                11,
            ),
            Case("painref search bone cement", [*PAINREF, "search", "bone", "cement"], 11),
            Case("painref search bone cemnt (no hit)", [*PAINREF, "search", "bone", "cemnt"]),
            Case("painref conditions (all of them)", [*PAINREF, "conditions"]),
            *completion_cases(),
            Case("naive: show kyphoplasty", [*NAIVE, "kyphoplasty"]),
        ]
        base, results = measure(cases, options.runs, env)
        print(f"## Bundled catalog\n\n{table(base, results)}\n")
        painref_show, naive_show = results[0].seconds, results[-1].seconds
        print(f"painref show is {naive_show / painref_show:.1f}x faster than the naive tool.\n")
        if options.instructions:
            print(f"### Instructions\n\n{instruction_table(cases[:-1], env)}\n")

        overlay = work / "synthetic.yaml"
        # In a child process: a forked child's peak RSS starts from its parent's.
        with overlay.open("w", encoding="utf-8") as out:
            subprocess.run([PYTHON, str(BENCH / "synthetic.py"), str(options.size)], stdout=out)
        # The floor: libyaml alone turning the same file into events (the index budget is 3x).
        # Each is timed three times and the quickest kept, the build from an empty cache
        # each time, so that one slow moment of a shared machine weighs on neither.
        parse = [PYTHON, "-c", PARSE_ONLY, str(overlay)]
        parsed = min(run_once(parse, env)[0] for _ in range(3))
        builds: list[tuple[float, float]] = []
        for attempt in range(3):
            fresh = {**env, "PAINREF_CACHE_DIR": str(work / f"first-run-{attempt}")}
            argv = [*PAINREF, "--catalog", str(overlay), "show", "kyphoplasty"]
            seconds, rss, code = run_once(argv, fresh)
            if code != 0:
                raise SystemExit(f"the first run on the synthetic catalog exited with {code}")
            builds.append((seconds, rss))
        build = min(seconds for seconds, _ in builds)
        first_rss = max(rss for _, rss in builds)
        run_once([*PAINREF, "--catalog", str(overlay), "show", "kyphoplasty"], env)  # index it
        on = ["--catalog", str(overlay)]
        scale = [
            Case(
                f"show kyphoplasty ({options.size:,})",
                [*PAINREF, *on, "show", "kyphoplasty"],
                12,
                80,
            ),
            Case(f"show kyfoplasty ({options.size:,})", [*PAINREF, *on, "show", "kyfoplasty"], 20),
            Case(
                f"show rfa, ambiguous ({options.size:,})",
                [*PAINREF, *on, "show", "rfa"],
                20,
                exit_code=1,
            ),
            Case(
                f"search drooping eyelid ({options.size:,})",
                [
                    *PAINREF,
                    *on,
                    "search",
                    "drooping",
                    "eyelid",
                ],
            ),
        ]
        base, results = measure(scale, options.runs, env)
        print(f"## Synthetic catalog, {options.size:,} procedures as an overlay\n")
        within = build <= 3 * parsed and first_rss <= 250
        print(f"first run, building the index (quickest of 3): {build:.1f} s, "
              f"{build / parsed:.1f}x libyaml's parse alone ({parsed:.1f} s; budget 3x), "
              f"peak RSS {first_rss:.0f} MiB "
              f"(budget 250 MiB): {'within budget' if within else 'OVER BUDGET'}\n")  # fmt: skip
        print(table(base, results))
        if options.naive_at_size:
            elapsed, _, _ = run_once([*NAIVE, "kyphoplasty", "--catalog", str(overlay)], env)
            print(f"\nnaive tool at this size: {elapsed:.1f} s, {elapsed / base:.0f}x bare Python, "
                  f"{elapsed / results[0].seconds:.0f}x slower than painref")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


# `yaml.parse` with libyaml's loader over a file: every event, nothing kept.
PARSE_ONLY = (
    "import sys, yaml\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for _ in yaml.parse(f, Loader=yaml.CSafeLoader): pass"
)


if __name__ == "__main__":
    main()
