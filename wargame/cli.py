"""The ``wargame`` command. Bad input of any kind: a clear message and exit status 2."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from wargame import __version__, classroom
from wargame.actors_csv import load_actors_csv
from wargame.bdm import VARIANTS, simulate
from wargame.design import METHODS
from wargame.errors import Problem, WargameError
from wargame.experiment import is_experiment, load_experiment
from wargame.model import NegotiationModel
from wargame.montecarlo import ExperimentResult, load_run, run_experiment
from wargame.params import parse_assignment
from wargame.plots import write_plots
from wargame.report import (
    PROTOCOL_NOTE,
    compare_table,
    forecast_frame,
    forecast_tables,
    moves_table,
    print_episode,
    print_problems,
    print_summary,
    sensitivity_tables,
    sweep_table,
)
from wargame.scenario import load_scenario, read_yaml
from wargame.sensitivity import parse_values, run_sensitivity, run_sweep
from wargame.summary import compare as compare_runs

app = typer.Typer(
    name="wargame",
    help="Peninsula wargame: negotiation simulation of the August 2025 Lee-Trump summit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err = Console(stderr=True)


def _user_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a :class:`WargameError` into its message on stderr and exit status 2."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WargameError as e:
            print_problems(err, e)
            raise typer.Exit(2) from None

    return wrapper


def _overrides(assignments: list[str] | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    problems = []
    for text in assignments or []:
        try:
            path, value = parse_assignment(text)
        except ValueError as e:
            problems.append(Problem("--set", "", str(e)))
            continue
        values[path] = value
    if problems:
        raise WargameError(problems)
    return values


def _version(value: bool) -> None:
    if value:
        out_console.print(f"wargame {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Peninsula wargame: negotiation simulation of the August 2025 Lee-Trump summit."""


@app.command()
@_user_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario or experiment YAML files to check.")],
) -> None:
    """Check scenario and experiment files: print 'ok' or every problem (file:line: key.path: message)."""
    failed = False
    for path in files:
        try:
            data, _ = read_yaml(path)
            if is_experiment(data):
                load_experiment(path)
            else:
                load_scenario(path)
        except WargameError as e:
            failed = True
            print_problems(err, e)
        else:
            out_console.print(f"{path}: [green]ok[/]")
    if failed:
        raise typer.Exit(2)


@app.command()
@_user_errors
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: Annotated[int, typer.Option(min=0, help="Seed: fixes every random draw of the episode.")] = 0,
    rounds: Annotated[int | None, typer.Option(min=1, help="Override the scenario's rounds.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override any value: PATH=VALUE, e.g. actors.seoul.salience.tariff=0.6."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the episode as JSON.")] = False,
) -> None:
    """Play one episode and show it round by round."""
    overrides = _overrides(set_)
    if rounds is not None:
        overrides["rounds"] = rounds
    spec = load_scenario(scenario, overrides)
    episode = NegotiationModel(spec, seed=seed).run()
    if as_json:
        sys.stdout.write(json.dumps(episode.to_dict(), indent=2) + "\n")
        return
    out_console.print(f"[bold]{spec.name}[/] - seed {seed}, {spec.rounds} rounds, protocol {spec.protocol}")
    print_episode(out_console, episode, spec)


@app.command()
@_user_errors
def forecast(
    actors: Annotated[Path, typer.Argument(help="CSV with columns actor,capability,position,salience.")],
    rounds: Annotated[int, typer.Option(min=1, max=1000, help="Rounds to play.")] = 10,
    variant: Annotated[
        str, typer.Option(help=f"Model variant: {' or '.join(VARIANTS)} (see docs/models.md).")
    ] = "scholz",
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Bueno de Mesquita's expected utility model on one issue: positions and forecast per round."""
    problems: list[Problem] = []
    if variant not in VARIANTS:
        problems.append(
            Problem("--variant", "", f"unknown variant '{variant}' (known: {', '.join(VARIANTS)})")
        )
    if fmt not in ("table", "csv", "json"):
        problems.append(Problem("--format", "", f"unknown format '{fmt}' (known: table, csv, json)"))
    if problems:
        raise WargameError(problems)
    table = load_actors_csv(actors)
    trajectory = simulate(table.capability, table.position, table.salience, rounds, variant)
    frame = forecast_frame(trajectory, table.names)
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False, float_format="%.6g"))
    elif fmt == "json":
        data = {"variant": variant, **trajectory.as_dict(table.names)}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        title = f"{actors.name}: expected utility model ({variant}), {rounds} rounds"
        for part in forecast_tables(trajectory, table.names, title, out_console.width):
            out_console.print(part)
        out_console.print(moves_table(trajectory, table.names))
        out_console.print(
            f"Forecast after round {rounds}: [bold]{trajectory.median[-1]:.2f}[/] (weighted median), "
            f"weighted mean {trajectory.mean[-1]:.2f}"
        )


def _progress_bar() -> tuple[Progress, Callable[[int, int], None]]:
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

    return bar, update


def _with_progress(run: Callable[[Callable[[int, int], None]], Any], resumable: bool = True) -> Any:
    """``run(progress)`` under a progress bar; Ctrl-C leaves the saved chunks and exits 130."""
    bar, update = _progress_bar()
    try:
        with bar:
            return run(update)
    except KeyboardInterrupt:
        hint = "; resume with --resume RUN_DIR" if resumable else ""
        err.print(f"[yellow]interrupted[/]: finished chunks are saved{hint}")
        raise typer.Exit(130) from None


@app.command()
@_user_errors
def batch(
    experiment: Annotated[
        Path | None, typer.Argument(help="Experiment YAML file (optional with --resume).")
    ] = None,
    runs: Annotated[int | None, typer.Option(help="Number of episodes (overrides the file).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Experiment seed (overrides the file).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")] = None,
    executor: Annotated[str, typer.Option(help="serial, process or dask.")] = "process",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:port); implies --executor dask.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Base folder for run directories.")] = Path("runs"),
    resume: Annotated[
        Path | None,
        typer.Option(help="Finish an interrupted run directory (its config.yaml; options given must agree)."),
    ] = None,
    trace: Annotated[bool, typer.Option("--trace", help="Also save every round (rounds.parquet).")] = False,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Fix a scenario value for every episode: PATH=VALUE.")
    ] = None,
) -> None:
    """Run a Monte Carlo experiment: many episodes, sampled parameters, a run directory, a summary."""
    result = _with_progress(
        lambda progress: run_experiment(
            experiment,
            runs=runs,
            seed=seed,
            overrides=_overrides(set_),
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            out=out,
            resume=resume,
            trace=trace or None,
            progress=progress,
            command=sys.argv,
        )
    )
    print_summary(out_console, result.summary())
    out_console.print(f"Run directory: [bold]{result.run_dir}[/]")


@app.command()
@_user_errors
def sensitivity(
    experiment: Annotated[
        Path | None,
        typer.Argument(help="Experiment YAML with a sensitivity: block (optional with --resume)."),
    ] = None,
    method: Annotated[str | None, typer.Option(help="oat, morris or sobol (overrides the file).")] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            help="sobol: base sample N (power of 2); morris: trajectories; oat: episodes per point."
        ),
    ] = None,
    output: Annotated[
        list[str] | None,
        typer.Option("--output", help="Outcome column to analyse (repeatable), e.g. gain.seoul."),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")] = None,
    executor: Annotated[str, typer.Option(help="serial, process or dask.")] = "process",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address; implies --executor dask.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Base folder for run directories.")] = Path("runs"),
    resume: Annotated[
        Path | None, typer.Option(help="Finish an interrupted sensitivity run directory.")
    ] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Fix a scenario value: PATH=VALUE.")] = None,
) -> None:
    """Which payoff parameters drive the outcome: one-at-a-time, Morris or Sobol (SALib)."""
    if method is not None and method not in METHODS:
        raise WargameError(
            Problem("--method", "", f"unknown method '{method}' (known: {', '.join(METHODS)})")
        )
    result = _with_progress(
        lambda progress: run_sensitivity(
            experiment,
            method=method,
            samples=samples,
            outputs=output,
            overrides=_overrides(set_),
            resume=resume,
            progress=progress,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            out=out,
            command=sys.argv,
        )
    )
    for table in sensitivity_tables(result.indices, result.spec.method):
        out_console.print(table)
    for warning in result.warnings:
        err.print(f"[yellow]warning[/]: {warning}")
    out_console.print(
        f"Run directory: [bold]{result.run_dir}[/] (indices.csv, indices.parquet, summary.md, plots/)"
    )


@app.command()
@_user_errors
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    param: Annotated[
        str, typer.Option(help="Dotted path of the parameter to move, e.g. actors.seoul.no_deal_cost.")
    ],
    values: Annotated[str, typer.Option(help="a,b,c or lo:hi:n (n evenly spaced values).")],
    runs: Annotated[
        int, typer.Option(min=1, help="Episodes per value (the same seeds at every value).")
    ] = 200,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 0,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")] = None,
    executor: Annotated[str, typer.Option(help="serial, process or dask.")] = "process",
    out: Annotated[Path, typer.Option(help="Base folder for run directories.")] = Path("runs"),
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Fix another scenario value: PATH=VALUE.")
    ] = None,
) -> None:
    """The outcome distribution as one parameter moves: a table and a line plot (the "what if" button)."""
    result = _with_progress(
        lambda progress: run_sweep(
            scenario,
            param,
            parse_values(values),
            runs=runs,
            seed=seed,
            overrides=_overrides(set_),
            progress=progress,
            workers=workers,
            executor=executor,
            out=out,
            command=sys.argv,
        ),
        resumable=False,
    )
    out_console.print(sweep_table(result.table, param, result.run.scenario))
    out_console.print(f"Run directory: [bold]{result.run_dir}[/] (sweep.csv, sweep.parquet, plots/sweep.png)")


@app.command()
@_user_errors
def brief(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    as_: Annotated[str, typer.Option("--as", help="The government whose role card to print.")],
    fmt: Annotated[str, typer.Option("--format", help="text, or md for printing as handouts.")] = "text",
) -> None:
    """A government's role card: the situation, its goals, priorities and bottom line, the others."""
    text = classroom.brief(load_scenario(scenario), as_, fmt)
    sys.stdout.write(text)


@app.command()
@_user_errors
def play(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    as_: Annotated[
        list[str], typer.Option("--as", help="A government you play (repeat for a hot-seat game).")
    ],
    seed: Annotated[int, typer.Option(min=0, help="Seed: the same seed gives the agents the same luck.")] = 0,
    moves: Annotated[
        Path | None, typer.Option(help="Play the human side from a YAML moves file instead of the keyboard.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Base folder: games go to OUT/classroom/.")] = Path("runs"),
    reference_runs: Annotated[
        int, typer.Option(min=20, help="Agent-played runs the debrief compares you with (cached).")
    ] = classroom.REFERENCE_RUNS,
    workers: Annotated[int | None, typer.Option(help="Processes for the reference runs.")] = None,
) -> None:
    """Play governments against the agents in the terminal; a transcript and a debrief at the end."""
    result = classroom.play(
        load_scenario(scenario),
        as_,
        seed=seed,
        moves=moves,
        console=out_console,
        out=out,
        reference_runs=reference_runs,
        workers=workers,
    )
    if result.status == "complete":
        out_console.print(classroom.debrief_markdown(result.transcript), markup=False, soft_wrap=True)
    else:
        why = "interrupted" if result.status == "interrupted" else "input ended"
        err.print(f"[yellow]{why}[/]: the game so far is saved")
    files = ", ".join(sorted(p.name for p in result.folder.iterdir()))
    out_console.print(f"Transcript: [bold]{result.folder}[/] ({files})")
    if result.status == "interrupted":
        raise typer.Exit(130)


@app.command()
@_user_errors
def debrief(
    transcript: Annotated[Path, typer.Argument(help="A game's transcript.yaml, or its folder.")],
) -> None:
    """Show a saved game's debrief again."""
    out_console.print(
        classroom.debrief_markdown(classroom.load_transcript(transcript)), markup=False, soft_wrap=True
    )


@app.command()
@_user_errors
def report(run_dir: Annotated[Path, typer.Argument(help="A finished run directory.")]) -> None:
    """Print a run's summary again and write its plots to RUN_DIR/plots/."""
    result = load_run(run_dir)
    print_summary(out_console, result.summary())
    for path in write_plots(result.episodes, result.scenario, result.run_dir):
        out_console.print(f"wrote {path}")


@app.command()
@_user_errors
def compare(
    run_a: Annotated[Path, typer.Argument(help="Run directory A (e.g. the baseline).")],
    run_b: Annotated[Path, typer.Argument(help="Run directory B (the what-if).")],
) -> None:
    """Put two runs side by side: differences and whether they exceed the sampling noise."""
    a, b = load_run(run_a), load_run(run_b)
    frame = compare_runs(a.episodes, b.episodes)

    def label(r: ExperimentResult) -> str:  # with the protocol: comparing two models of the talks is common
        return f"{r.plan.experiment.name}, {r.scenario.protocol}"

    mixed = a.scenario.protocol != b.scenario.protocol
    out_console.print(compare_table(frame, label(a), label(b), PROTOCOL_NOTE if mixed else ""))
