"""Showing long output a screen at a time, as git and man do.

The pager is PAINREF_PAGER, else PAGER, else `less`; an empty value or `cat`
means none. `less` gets LESS=FRX unless LESS is set: quit at once if the text
fits after all (F), keep colours (R), and leave the text on the screen (X).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Mapping

PAGER_VAR = "PAINREF_PAGER"


def pager_command(env: Mapping[str, str]) -> list[str] | None:
    """The pager to run, as argv, or None for no pager."""
    chosen = env.get(PAGER_VAR, env.get("PAGER", "less"))
    try:
        argv = shlex.split(chosen)
    except ValueError:  # unbalanced quotes: no pager rather than a wrong one
        return None
    if not argv or argv == ["cat"] or env.get("TERM") == "dumb":
        return None
    return argv


def page_through(text: str, env: Mapping[str, str]) -> bool:
    """Show text through the pager; False when there is none, so the caller writes it."""
    argv = pager_command(env)
    if argv is None:
        return False
    child_env = dict(env)
    child_env.setdefault("LESS", "FRX")
    child_env.setdefault("LV", "-c")
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=child_env)
    except OSError:  # not installed: just print
        return False
    assert pager.stdin is not None
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        pager.stdin.write(text.encode(encoding, errors="replace"))
        pager.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit before the end
    while True:
        try:
            pager.wait()
            return True
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager while it runs, as in git
