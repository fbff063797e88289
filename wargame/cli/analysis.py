"""Commands that ask which assumptions drive the outcome: ``sensitivity``, ``sweep`` and ``discover``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wargame.cli.common import (
    out,
    overrides,
    print_notes,
    runs_episodes,
    say,
    user_errors,
    with_progress,
)
from wargame.design import METHODS
from wargame.errors import Problem, WargameError
from wargame.run_options import DEFAULT_OPTIONS, RunOptions


@user_errors
@runs_episodes
def sensitivity(
    experiment: Annotated[
        Path | None,
        typer.Argument(help="Experiment YAML with a sensitivity: block (optional with --resume)."),
    ] = None,
    method: Annotated[str | None, typer.Option(help=f"{', '.join(METHODS)} (overrides the file).")] = None,
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
    options: RunOptions = DEFAULT_OPTIONS,
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
    from wargame.report import print_tables
    from wargame.report_analysis import sensitivity_tables
    from wargame.sensitivity import run_sensitivity

    result = with_progress(
        options,
        lambda options: run_sensitivity(
            experiment,
            method=method,
            samples=samples,
            outputs=output,
            overrides=overrides(set_),
            resume=resume,
            options=options,
        ),
        resume_with="wargame sensitivity",
    )
    print_tables(out, sensitivity_tables(result.indices, result.spec.method))
    print_notes(result.warnings, "warning")
    print_notes(result.run.plan.notes)
    say("Run directory: ", result.run_dir, " (indices.csv, indices.parquet, summary.md, plots/)")


@user_errors
@runs_episodes
def sweep(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario YAML file (not with --resume).")] = None,
    param: Annotated[
        str | None, typer.Option(help="Dotted path of the parameter to move, e.g. actors.seoul.no_deal_cost.")
    ] = None,
    values: Annotated[str | None, typer.Option(help="a,b,c or lo:hi:n (n evenly spaced values).")] = None,
    runs: Annotated[
        int, typer.Option(min=1, help="Episodes per value (the same seeds at every value).")
    ] = 200,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 0,
    options: RunOptions = DEFAULT_OPTIONS,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Fix another scenario value: PATH=VALUE.")
    ] = None,
    resume: Annotated[Path | None, typer.Option(help="Finish an interrupted sweep's run directory.")] = None,
) -> None:
    """The outcome distribution as one parameter moves: a table and a line plot (the "what if" button)."""
    from wargame.report import print_tables
    from wargame.report_analysis import sweep_table
    from wargame.sweep import parse_values, resume_sweep, run_sweep

    if resume is not None:
        if scenario is not None or param is not None or values is not None or set_:
            raise WargameError(
                Problem("--resume", "", "a resumed sweep takes everything from its run directory")
            )
        result = with_progress(
            options, lambda options: resume_sweep(resume, options), resume_with="wargame sweep"
        )
    else:
        missing = [
            name
            for name, given in (("SCENARIO", scenario), ("--param", param), ("--values", values))
            if given is None
        ]
        if missing:
            raise WargameError(
                Problem(missing[0], "", f"missing {', '.join(missing)} (or --resume a run directory)")
            )
        assert scenario is not None and param is not None and values is not None
        result = with_progress(
            options,
            lambda options: run_sweep(
                scenario,
                param,
                parse_values(values),
                runs=runs,
                seed=seed,
                overrides=overrides(set_),
                options=options,
            ),
            resume_with="wargame sweep",
        )
    sweep_spec = result.run.plan.experiment.sweep
    assert sweep_spec is not None
    print_tables(out, [sweep_table(result.table, sweep_spec.path, result.run.scenario)])
    say("Run directory: ", result.run_dir, " (sweep.csv, sweep.parquet, plots/sweep.png)")


@user_errors
def discover(
    run_dir: Annotated[Path, typer.Argument(help="A run directory (a batch, a sensitivity run or a sweep).")],
    target: Annotated[
        str,
        typer.Option(
            help="Boolean expression over episode columns, e.g. 'deal == False' or "
            "'outcome.troop_level < 26 and not deal'."
        ),
    ],
    alpha: Annotated[float, typer.Option(help="Share of the box's episodes one peel removes.")] = 0.05,
    min_mass: Annotated[float, typer.Option(help="Stop peeling below this share of all episodes.")] = 0.05,
    box: Annotated[
        int | None, typer.Option(help="Trajectory row to report (default: best coverage-density balance).")
    ] = None,
) -> None:
    """Which combinations of the sampled assumptions make TARGET happen: PRIM boxes (scenario discovery)."""
    from wargame.discovery import discover as run_discovery
    from wargame.report import print_tables
    from wargame.report_analysis import discovery_tables

    found = run_discovery(run_dir, target, alpha=alpha, min_mass=min_mass, box=box)
    print_tables(out, discovery_tables(found))
    if found.replaced:
        print_notes([f"this run {found.replaced} (the same target)"])
    say("Written to ", found.folder, " (target.txt, trajectory.csv, box.csv, summary.md, plots/)")


@user_errors
@runs_episodes
def calibrate(
    source: Annotated[
        Path,
        typer.Argument(
            help="An experiment YAML (its batch is the prior sample) or a finished batch's run directory."
        ),
    ],
    observed: Annotated[Path, typer.Option(help="YAML: observed: {column: {value, tolerance | sd}}.")],
    runs: Annotated[
        int | None, typer.Option(min=1, help="Episodes of the prior sample (overrides the file).")
    ] = None,
    options: RunOptions = DEFAULT_OPTIONS,
) -> None:
    """Which assumptions are consistent with what happened: rejection ABC with regression adjustment."""
    from wargame.calibration import calibrate as run_calibration
    from wargame.calibration import load_observed
    from wargame.montecarlo import run_experiment
    from wargame.report import print_tables
    from wargame.report_analysis import calibration_tables

    load_observed(observed)  # a bad observed-file fails before any episode is played
    if source.is_dir():
        if runs is not None:
            raise WargameError(
                Problem("--runs", "", "a run directory is reused as it is: --runs applies to an experiment")
            )
        result = run_calibration(source, observed)
    else:
        run = with_progress(options, lambda options: run_experiment(source, runs=runs, options=options))
        result = run_calibration(run, observed)
    if result.accepted == 0:
        raise WargameError([Problem(str(observed), "", w) for w in result.warnings])
    print_tables(out, calibration_tables(result))
    print_notes(result.warnings, "warning")
    files = "posterior.parquet, parameters.csv, predictive.csv, summary.md, plots/"
    say("Written to ", str(result.folder), f" ({files})")
