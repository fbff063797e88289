"""What every command shares: consoles, turning bad input into exit status 2, ``--set`` parsing,
and the progress bar with its Ctrl-C handling. Light on purpose: ``wargame --help`` loads this."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from wargame.errors import Problem, WargameError
from wargame.executors import EXECUTORS

out = Console()
err = Console(stderr=True)


# options several commands share
Workers = Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")]
Executor = Annotated[str, typer.Option(help=f"{', '.join(EXECUTORS[:-1])} or {EXECUTORS[-1]}.")]
Scheduler = Annotated[
    str | None, typer.Option(help="Dask scheduler address (tcp://host:port); implies --executor dask.")
]
OutDir = Annotated[Path, typer.Option("--out", help="Base folder for run directories.")]


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`WargameError` into its message on stderr and exit status 2, and Ctrl-C into
    "interrupted" and exit status 130 (never a traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WargameError as e:
            from wargame.report import print_problems

            print_problems(err, e)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("[yellow]interrupted[/]")
            raise typer.Exit(130) from None

    return wrapper


def overrides(assignments: list[str] | None) -> dict[str, Any]:
    """``--set PATH=VALUE`` options as a mapping (values read as YAML)."""
    from wargame.params import parse_assignment

    values: dict[str, Any] = {}
    problems = []
    for text in assignments or []:
        try:
            path, value = parse_assignment(text)
        except ValueError as e:
            problems.append(Problem("--set", "", str(e)))
            continue
        if path in values:
            problems.append(Problem("--set", path, "given twice: say once what it is"))
        values[path] = value
    if problems:
        raise WargameError(problems)
    return values


def print_notes(notes: list[str], label: str = "note") -> None:
    """Notes (what the command line changed in an experiment) or warnings, on stderr, as written."""
    from rich.text import Text

    for note in notes:
        err.print(Text(f"{label}: ", style="yellow") + Text(note), soft_wrap=True)


def with_progress(run: Callable[[Callable[[int, int], None]], Any], resumable: bool = True) -> Any:
    """``run(progress)`` under a progress bar; Ctrl-C leaves the saved chunks and exits 130."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]episodes"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    task = bar.add_task("batch", total=None, rate="")
    started: dict[str, float] = {}

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        started.setdefault("t", now)
        started.setdefault("done", done)
        elapsed = now - started["t"]
        rate = (done - started["done"]) / elapsed if elapsed > 0 else 0.0
        bar.update(task, completed=done, total=total, rate=f"{rate:,.0f} ep/s" if rate else "")

    try:
        with bar:
            return run(update)
    except KeyboardInterrupt as stop:
        from rich.text import Text

        run_dir = getattr(stop, "run_dir", None)
        saved = "finished chunks are saved" if run_dir is None else f"finished chunks are saved in {run_dir}"
        hint = f"; resume with --resume {run_dir}" if resumable and run_dir is not None else ""
        err.print(Text("interrupted", style="yellow") + Text(f": {saved}{hint}"), soft_wrap=True)
        raise typer.Exit(130) from None
