"""Commands on many episodes: ``batch`` (Monte Carlo), ``report`` and ``compare`` of run directories."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from wargame.errors import Problem, WargameError
from wargame.run_options import DEFAULT_OPTIONS, RunOptions
from wargame.tables import FORMATS

if TYPE_CHECKING:
    from wargame.results import ExperimentResult
    from wargame.tables import Table

Format = Annotated[
    str,
    typer.Option(
        "--format",
        help="table (drawn for the terminal), md (markdown), csv (each table after a '# TITLE' line "
        "and, if it has one, a '# CAPTION' line; a blank line between tables) or json (a list of "
        "{title, columns, rows, caption}, cells as shown). Not table: standard output holds only "
        "that document; progress, notes and paths go to standard error.",
    ),
]


def check_format(fmt: str) -> None:
    """Refuse an unknown ``--format`` before any work (exit status 2)."""
    if fmt not in FORMATS:
        known = ", ".join(FORMATS)
        raise WargameError(Problem("--format", "", f"unknown format '{fmt}' (known: {known})"))


def show(tables: list[Table], fmt: str) -> None:
    """Tables on standard output: drawn for the terminal, or as one md, csv or json document."""
    from wargame.report import print_tables
    from wargame.tables import document

    if fmt == "table":
        print_tables(out, tables)
    else:
        sys.stdout.write(document(tables, fmt))
        sys.stdout.flush()


@user_errors
@runs_episodes
def batch(
    experiment: Annotated[
        Path | None, typer.Argument(help="Experiment YAML file (optional with --resume).")
    ] = None,
    runs: Annotated[int | None, typer.Option(help="Number of episodes (overrides the file).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Experiment seed (overrides the file).")] = None,
    options: RunOptions = DEFAULT_OPTIONS,
    resume: Annotated[
        Path | None,
        typer.Option(help="Finish an interrupted run directory (its config.yaml; options given must agree)."),
    ] = None,
    trace: Annotated[bool, typer.Option("--trace", help="Also save every round (rounds.parquet).")] = False,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Fix a scenario value for every episode: PATH=VALUE.")
    ] = None,
    fmt: Format = "table",
) -> None:
    """Run a Monte Carlo experiment: many episodes, sampled parameters, a run directory, a summary."""
    check_format(fmt)
    from wargame.montecarlo import run_experiment
    from wargame.report_summary import summary_tables

    result = with_progress(
        options,
        lambda options: run_experiment(
            experiment,
            runs=runs,
            seed=seed,
            overrides=overrides(set_),
            resume=resume,
            trace=trace or None,
            options=options,
        ),
    )
    summary = result.summary()
    show(summary_tables(summary), fmt)
    print_notes(summary["warnings"], "warning")
    print_notes(result.plan.notes)
    say("Run directory: ", result.run_dir, fmt=fmt)


@user_errors
def report(
    run_dir: Annotated[Path, typer.Argument(help="A finished run directory.")], fmt: Format = "table"
) -> None:
    """Print a run's results again (a batch's summary, a sensitivity analysis's indices, a sweep's
    table) and write its plots to RUN_DIR/plots/."""
    check_format(fmt)
    from wargame import rundir
    from wargame.report_analysis import sensitivity_tables, sweep_table
    from wargame.report_summary import summary_tables
    from wargame.results import load_run

    result = load_run(run_dir)
    rundir.output_folder(result.run_dir / "plots")  # read-only: one error, before any table
    exp = result.plan.experiment
    if exp.sensitivity is not None:
        from wargame.analysis_plots import sensitivity_plots
        from wargame.sensitivity import load_sensitivity

        analysis = load_sensitivity(run_dir)
        show(sensitivity_tables(analysis.indices, analysis.spec.method), fmt)
        print_notes(analysis.warnings, "warning")
        paths = sensitivity_plots(analysis.indices, analysis.spec.method, result.run_dir / "plots")
    elif exp.sweep is not None:
        from wargame.analysis_plots import sweep_plot
        from wargame.sweep import load_sweep

        swept = load_sweep(run_dir)
        show([sweep_table(swept.table, exp.sweep.path, result.scenario)], fmt)
        paths = [sweep_plot(swept.table, exp.sweep.path, result.scenario, result.run_dir / "plots")]
    else:
        from wargame.plots import write_plots

        summary = result.summary()
        show(summary_tables(summary), fmt)
        print_notes(summary["warnings"], "warning")
        paths = write_plots(result.episodes, result.scenario, result.run_dir)
    print_notes(result.plan.notes)
    for path in paths:
        say("wrote ", path, fmt=fmt)


@user_errors
def compare(
    run_a: Annotated[Path, typer.Argument(help="Run directory A (e.g. the baseline).")],
    run_b: Annotated[Path, typer.Argument(help="Run directory B (the what-if).")],
    fmt: Format = "table",
) -> None:
    """Put two runs side by side: what their configurations differ in, then every metric's
    difference and whether it exceeds the sampling noise."""
    check_format(fmt)
    from wargame.comparison import compare as compare_runs
    from wargame.report_compare import PROTOCOL_NOTE, compare_table, differences_table
    from wargame.results import load_run

    a, b = load_run(run_a), load_run(run_b)
    frame = compare_runs(a.episodes, b.episodes)

    def label(r: ExperimentResult) -> str:  # with the protocol: comparing two models of the talks is common
        return f"{r.plan.experiment.name}, {r.scenario.protocol}"

    mixed = a.scenario.protocol != b.scenario.protocol
    differences = differences_table(a.plan.differences(b.plan))
    table = compare_table(frame, label(a), label(b), PROTOCOL_NOTE if mixed else "")
    if fmt != "table":  # the documents keep the differences' table even when empty: its title says so
        show([differences, table], fmt)
        return
    if differences.rows:
        show([differences], fmt)
    else:
        out.print(differences.title)
    show([table], fmt)
