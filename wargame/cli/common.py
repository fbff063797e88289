"""What every command shares: consoles, turning bad input into exit status 2, ``--set`` parsing,
the run flags of the commands that play episodes, and the progress bar with its Ctrl-C handling.
Light on purpose: ``wargame --help`` loads this."""

from __future__ import annotations

import inspect
import logging
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from wargame.errors import Problem, WargameError, exit_code
from wargame.executors import EXECUTORS
from wargame.run_options import RunOptions

out = Console()
err = Console(stderr=True)


def say(label: str, path: Path | str, rest: str = "", fmt: str = "table") -> None:
    """A line naming a path: never folded by the console (a path split across two lines cannot be
    copied or grepped; a terminal wraps it for the eye). On standard error when standard output
    holds a document (``--format md|csv|json``), which it would spoil."""
    from rich.text import Text

    (out if fmt == "table" else err).print(Text.assemble(label, (str(path), "bold"), rest), soft_wrap=True)


# options several commands share
Workers = Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")]
Executor = Annotated[str, typer.Option(help=f"{', '.join(EXECUTORS[:-1])} or {EXECUTORS[-1]}.")]
Scheduler = Annotated[
    str | None, typer.Option(help="Dask scheduler address (tcp://host:port); implies --executor dask.")
]
OutDir = Annotated[Path, typer.Option("--out", help="Base folder for run directories.")]

# the flags of every command that plays episodes, as (parameter, type, default): what
# :func:`runs_episodes` gives such a command in place of its ``options`` parameter
RUN_FLAGS: tuple[tuple[str, Any, Any], ...] = (
    ("workers", Workers, None),
    ("executor", Executor, "process"),
    ("scheduler", Scheduler, None),
    ("out_dir", OutDir, Path("runs")),
)


def runs_episodes(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command that plays episodes: in place of its ``options: RunOptions`` parameter it takes the
    run flags every such command shares (:data:`RUN_FLAGS`: --workers, --executor, --scheduler,
    --out), and receives them as one :class:`RunOptions` (recording the command line that made
    the run). A new run flag is added here, once, for every command."""
    signature = inspect.signature(command, eval_str=True)  # Typer reads the types, not their text
    if "options" not in signature.parameters:
        raise TypeError(f"{command.__name__} takes no options: RunOptions parameter")
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "options":
            parameters.append(parameter)
            continue
        parameters += [
            inspect.Parameter(name, parameter.kind, default=default, annotation=annotation)
            for name, annotation, default in RUN_FLAGS
        ]

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name, _, _ in RUN_FLAGS}
        options = RunOptions(
            executor=flags["executor"],
            workers=flags["workers"],
            scheduler=flags["scheduler"],
            out=flags["out_dir"],
            command=sys.argv,
        )
        return command(*args, options=options, **kwargs)

    # what Typer (and --help) sees: the flags where ``options`` was
    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return wrapper


def user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`WargameError` into its message on stderr and exit status 2, and Ctrl-C into
    "interrupted" and exit status 130 (143 for SIGTERM; never a traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WargameError as e:
            from wargame.report import print_problems

            print_problems(err, e)
            raise typer.Exit(2) from None
        except KeyboardInterrupt as stop:
            err.print("[yellow]interrupted[/]")
            raise typer.Exit(exit_code(stop)) from None

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


class _NoteHandler(logging.Handler):
    """What the engine announces (``logging.getLogger("wargame.notes")``) as notes on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        print_notes([record.getMessage()], "note" if record.levelno < logging.ERROR else "error")


def show_engine_notes() -> None:
    """Print what the engine announces while it works (a big run's expected size and time)."""
    logger = logging.getLogger("wargame.notes")
    if not any(isinstance(h, _NoteHandler) for h in logger.handlers):
        logger.addHandler(_NoteHandler())
        logger.setLevel(logging.INFO)


def print_notes(notes: list[str], label: str = "note") -> None:
    """Notes (what the command line changed in an experiment) or warnings, on stderr, as written."""
    from rich.text import Text

    for note in notes:
        err.print(Text(f"{label}: ", style="yellow") + Text(note), soft_wrap=True)


class _Lines:
    """Progress for a log file or a pipe (no terminal to redraw a bar on): a plain line at each
    tenth of the run, and at least once a minute, so ``nohup wargame batch ... &`` shows it."""

    def __init__(self) -> None:
        self.shown = -1
        self.last = 0.0

    def __call__(self, done: int, total: int, rate: float) -> None:
        tenth = 10 * done // total if total else 0
        now = time.monotonic()
        if tenth == self.shown and now - self.last < 60 and done < total:
            return
        self.shown, self.last = tenth, now
        left = f", about {(total - done) / rate:,.0f} s left" if rate and done < total else ""
        speed = f", {rate:,.0f} episodes/s" if rate else ""
        err.print(f"episodes {done:,}/{total:,} ({done / total:.0%}){speed}{left}", soft_wrap=True)


T = TypeVar("T")


def with_progress(
    options: RunOptions, run: Callable[[RunOptions], T], resume_with: str | None = "wargame batch"
) -> T:
    """``run(options)``, the ``options`` reporting progress to a progress bar (plain lines when
    stderr is not a terminal), shown from the first episode on: a run refused while it is checked
    shows no empty bar. Ctrl-C or SIGTERM leaves the saved chunks, says how to resume
    (``resume_with --resume DIR``) and exits 130 or 143."""
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
    lines = None if err.is_terminal else _Lines()
    started: dict[str, float] = {}

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        started.setdefault("t", now)
        started.setdefault("done", done)
        elapsed = now - started["t"]
        rate = (done - started["done"]) / elapsed if elapsed > 0 else 0.0
        if lines is not None:
            lines(done, total, rate)
            return
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total, rate=f"{rate:,.0f} ep/s" if rate else "")

    try:
        try:
            return run(options.but(progress=update))
        finally:
            if bar.live.is_started:
                bar.stop()
    except KeyboardInterrupt as stop:
        from rich.text import Text

        run_dir = getattr(stop, "run_dir", None)
        saved = "finished chunks are saved" if run_dir is None else f"finished chunks are saved in {run_dir}"
        hint = ""
        if resume_with and run_dir is not None:
            hint = f"; resume with {resume_with} --resume {run_dir}"
        err.print(Text("interrupted", style="yellow") + Text(f": {saved}{hint}"), soft_wrap=True)
        raise typer.Exit(exit_code(stop)) from None
