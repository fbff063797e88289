"""Commands on many episodes: ``batch`` (Monte Carlo), ``report`` and ``compare`` of run directories."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wargame.cli.common import (
    Executor,
    OutDir,
    Scheduler,
    Workers,
    out,
    overrides,
    print_notes,
    user_errors,
    with_progress,
)

if TYPE_CHECKING:
    from wargame.results import ExperimentResult


@user_errors
def batch(
    experiment: Annotated[
        Path | None, typer.Argument(help="Experiment YAML file (optional with --resume).")
    ] = None,
    runs: Annotated[int | None, typer.Option(help="Number of episodes (overrides the file).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Experiment seed (overrides the file).")] = None,
    workers: Workers = None,
    executor: Executor = "process",
    scheduler: Scheduler = None,
    out_dir: OutDir = Path("runs"),
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
    from wargame.montecarlo import run_experiment
    from wargame.report import print_tables, summary_tables

    result = with_progress(
        lambda progress: run_experiment(
            experiment,
            runs=runs,
            seed=seed,
            overrides=overrides(set_),
            workers=workers,
            executor=executor,
            scheduler=scheduler,
            out=out_dir,
            resume=resume,
            trace=trace or None,
            progress=progress,
            command=sys.argv,
        )
    )
    summary = result.summary()
    print_tables(out, summary_tables(summary))
    print_notes(summary["warnings"], "warning")
    print_notes(result.plan.notes)
    out.print(f"Run directory: [bold]{result.run_dir}[/]")


@user_errors
def report(run_dir: Annotated[Path, typer.Argument(help="A finished run directory.")]) -> None:
    """Print a run's results again (a batch's summary, a sensitivity analysis's indices, a sweep's
    table) and write its plots to RUN_DIR/plots/."""
    from wargame.report import print_tables, sensitivity_tables, summary_tables, sweep_table
    from wargame.results import load_run

    result = load_run(run_dir)
    exp = result.plan.experiment
    if exp.sensitivity is not None:
        from wargame.plots import sensitivity_plots
        from wargame.sensitivity import load_sensitivity

        analysis = load_sensitivity(run_dir)
        print_tables(out, sensitivity_tables(analysis.indices, analysis.spec.method))
        print_notes(analysis.warnings, "warning")
        paths = sensitivity_plots(analysis.indices, analysis.spec.method, result.run_dir / "plots")
    elif exp.sweep is not None:
        from wargame.plots import sweep_plot
        from wargame.sweep import load_sweep

        swept = load_sweep(run_dir)
        print_tables(out, [sweep_table(swept.table, exp.sweep.path, result.scenario)])
        paths = [sweep_plot(swept.table, exp.sweep.path, result.scenario, result.run_dir / "plots")]
    else:
        from wargame.plots import write_plots

        summary = result.summary()
        print_tables(out, summary_tables(summary))
        print_notes(summary["warnings"], "warning")
        paths = write_plots(result.episodes, result.scenario, result.run_dir)
    print_notes(result.plan.notes)
    for path in paths:
        out.print(f"wrote {path}")


@user_errors
def compare(
    run_a: Annotated[Path, typer.Argument(help="Run directory A (e.g. the baseline).")],
    run_b: Annotated[Path, typer.Argument(help="Run directory B (the what-if).")],
) -> None:
    """Put two runs side by side: what their configurations differ in, then every metric's
    difference and whether it exceeds the sampling noise."""
    from wargame.report import PROTOCOL_NOTE, compare_table, differences_table, print_tables
    from wargame.results import load_run
    from wargame.summary import compare as compare_runs

    a, b = load_run(run_a), load_run(run_b)
    frame = compare_runs(a.episodes, b.episodes)

    def label(r: ExperimentResult) -> str:  # with the protocol: comparing two models of the talks is common
        return f"{r.plan.experiment.name}, {r.scenario.protocol}"

    mixed = a.scenario.protocol != b.scenario.protocol
    differences = differences_table(a.plan.differences(b.plan))
    if differences.rows:
        print_tables(out, [differences])
    else:
        out.print(differences.title)
    print_tables(out, [compare_table(frame, label(a), label(b), PROTOCOL_NOTE if mixed else "")])
