"""Errors a user can fix: each names the file, the dotted key path and, where known, the line.

The CLI turns any :class:`WargameError` into a message and exit status 2, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


class WargameError(Exception):
    """A bad input: one or more problems, all reported together."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(file="", path="", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p).lstrip(": ") for p in self.problems)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler's stop): stops a run as Ctrl-C does, but exits with status
    143 (128 + SIGTERM), as shells and schedulers expect, rather than Ctrl-C's 130."""

    exit_code = 143


def exit_code(stop: KeyboardInterrupt) -> int:
    """The exit status for an interrupt: 143 for SIGTERM, 130 for Ctrl-C."""
    return int(getattr(stop, "exit_code", 130))
