"""How episodes are run, whatever the experiment: :class:`RunOptions`.

Every command that plays episodes (``batch``, ``sensitivity``, ``sweep``, ``calibrate``) takes the
same options and hands them down as one value; :func:`wargame.montecarlo.run_experiment` is the one
place they are used. What an experiment *is* (its runs, seed, chunk size, overrides, trace) is not
here: it is part of the run's configuration and fingerprint, whereas these options may change
between a run and its resume without changing a single result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypedDict, Unpack

from wargame.errors import Problem, WargameError
from wargame.executors import EXECUTORS

Progress = Callable[[int, int], None]  # progress(done, total), called as episodes finish


@dataclass(frozen=True)
class RunOptions:
    """Where and how a run's episodes are played, and where its run directory goes.

    ``executor`` is ``serial``, ``process`` (``workers`` processes, default all cores) or ``dask``
    (a LocalCluster of ``workers``, or the cluster at ``scheduler``, which implies ``dask``).
    ``out`` is the base folder of new run directories (a resumed run stays where it is).
    ``progress(done, total)`` is called as episodes finish; ``command`` is what the manifest
    records as the command that made the run (default: ``sys.argv``).
    """

    executor: str = "process"
    workers: int | None = None
    scheduler: str | None = None
    out: str | Path = "runs"
    progress: Progress | None = None
    command: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if self.command is not None:  # a tuple: the options stay frozen all the way down
            object.__setattr__(self, "command", tuple(self.command))

    def but(self, **changes: Unpack[RunChanges]) -> RunOptions:
        """These options with some changed (the keyword form every runner also accepts)."""
        return replace(self, **changes) if changes else self

    def resolved(self) -> RunOptions:
        """The options a run uses: checked (exit status 2 on the command line), the executor a
        scheduler implies, and a worker count (all cores unless told)."""
        if self.executor not in EXECUTORS:
            known = ", ".join(EXECUTORS)
            message = f"unknown executor '{self.executor}' (known: {known})"
            raise WargameError(Problem("--executor", "", message))
        if self.workers is not None and self.workers < 1:
            raise WargameError(Problem("--workers", "", f"must be at least 1 (got {self.workers})"))
        return replace(
            self,
            executor="dask" if self.scheduler else self.executor,
            workers=self.workers or os.cpu_count() or 1,
        )


class RunChanges(TypedDict, total=False):
    """:class:`RunOptions`' fields as keywords: ``run_experiment(path, executor="serial")`` reads
    as well as ``run_experiment(path, options=RunOptions(executor="serial"))`` (and type checks)."""

    executor: str
    workers: int | None
    scheduler: str | None
    out: str | Path
    progress: Progress | None
    command: Sequence[str] | None


DEFAULT_OPTIONS = RunOptions()  # every runner's default: one process per core, runs/ for the results
