"""Sweeps: one parameter through given values, the same seeds at every value (the "what if" button).

A sweep is a design of one parameter (:func:`wargame.design.sweep_design`) played by the Monte
Carlo runner with its executors, seeding and run directory; this module tabulates the outcome
distribution at each value and plots it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pandas as pd

from wargame import rundir
from wargame.design import SweepSpec
from wargame.errors import Problem, WargameError
from wargame.experiment import MAX_RUNS, Experiment, Plan
from wargame.montecarlo import run_experiment
from wargame.results import ExperimentResult, load_run
from wargame.run_options import DEFAULT_OPTIONS, RunChanges, RunOptions
from wargame.scenario import load_scenario
from wargame.summary import wilson

SWEEP = "sweep"  # sweep.csv and sweep.parquet
MAX_VALUES = 1000  # a sweep's values


@dataclass
class SweepResult:
    """A finished sweep: ``table`` has one row per value of the parameter."""

    run: ExperimentResult
    table: pd.DataFrame

    @property
    def run_dir(self) -> Path:
        return self.run.run_dir


def load_sweep(path: str | Path) -> SweepResult:
    """Open a finished sweep's run directory."""
    run = load_run(path)
    if run.plan.experiment.kind != "sweep":
        raise run.plan.experiment.wrong_command("sweep", str(run.run_dir), resume=True)
    table = run.run_dir / f"{SWEEP}.parquet"
    if not table.exists():
        raise WargameError(Problem(str(table), "", "missing: the sweep has not finished"))
    return SweepResult(run, pd.read_parquet(table))


def sweep_table(
    episodes: pd.DataFrame, path: str, scenario_issues: list[str], actors: list[str]
) -> pd.DataFrame:
    """Per value: deal rate (Wilson 95%), each issue's outcome mean and p5/p50/p95, each actor's mean gain."""
    rows = []
    for value, group in episodes.groupby(f"param.{path}", sort=True):
        deals = int(group["deal"].sum())
        low, high = wilson(deals, len(group))
        row: dict[str, Any] = {
            "value": float(str(value)),
            "episodes": len(group),
            "deal_rate": deals / len(group),
        }
        row.update(deal_low=low, deal_high=high)
        for issue in scenario_issues:
            col = group[f"outcome.{issue}"].astype(float)
            row[f"{issue}.mean"] = float(col.mean())
            for q in (5, 50, 95):
                row[f"{issue}.p{q}"] = float(np.percentile(col, q))
        for actor in actors:
            row[f"gain.{actor}"] = float(group[f"gain.{actor}"].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def _finalize_sweep(result: ExperimentResult) -> None:
    from wargame.analysis_plots import sweep_plot

    spec = result.plan.experiment.sweep
    assert spec is not None
    scenario = result.scenario
    table = sweep_table(result.episodes, spec.path, list(scenario.issues), list(scenario.actors))
    rundir.atomic_write(result.run_dir / f"{SWEEP}.parquet", lambda tmp: table.to_parquet(tmp, index=False))
    rundir.write_text(result.run_dir / f"{SWEEP}.csv", table.to_csv(index=False))
    sweep_plot(table, spec.path, scenario, result.run_dir / "plots")


def parse_values(text: str) -> list[float]:
    """``"a,b,c"`` or ``"lo:hi:n"`` (n evenly spaced values from lo to hi) -> values."""
    text = text.strip()
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) != 3:
                raise ValueError
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
            if not 2 <= n <= MAX_VALUES or not lo < hi:
                raise WargameError(
                    Problem("--values", "", f"'{text}': lo:hi:n needs lo < hi and 2 <= n <= {MAX_VALUES}")
                )
            return [float(v) for v in np.linspace(lo, hi, n)]
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise WargameError(
            Problem("--values", "", f"'{text}' is not a list a,b,c or a range lo:hi:n of numbers")
        ) from None
    if not values or not all(math.isfinite(v) for v in values):
        raise WargameError(Problem("--values", "", f"'{text}' gives no finite values"))
    if len(set(values)) != len(values):
        raise WargameError(Problem("--values", "", f"'{text}' repeats a value"))
    if len(values) > MAX_VALUES:
        raise WargameError(Problem("--values", "", f"{len(values)} values: at most {MAX_VALUES}"))
    return values


def resume_sweep(
    run_dir: str | Path, options: RunOptions = DEFAULT_OPTIONS, **changes: Unpack[RunChanges]
) -> SweepResult:
    """Finish an interrupted sweep from its own run directory (its config says everything; the
    ``options`` only how the missing episodes are played)."""
    plan = load_run(run_dir, need_manifest=False).plan
    if plan.experiment.kind != "sweep":
        raise plan.experiment.wrong_command("sweep", str(run_dir), resume=True)
    run = run_experiment(plan, resume=run_dir, finalize=_finalize_sweep, options=options.but(**changes))
    return SweepResult(run, pd.read_parquet(run.run_dir / f"{SWEEP}.parquet"))


def run_sweep(
    scenario: str | Path,
    path: str,
    values: list[float],
    *,
    runs: int = 200,
    seed: int = 0,
    chunk_size: int = 250,
    overrides: Mapping[str, Any] | None = None,
    options: RunOptions = DEFAULT_OPTIONS,
    **changes: Unpack[RunChanges],
) -> SweepResult:
    """Play ``runs`` episodes at each value of one parameter (the same seeds at every value),
    saved ``chunk_size`` episodes at a time (what an interrupted sweep keeps for ``--resume``), as
    ``options`` (and the keyword ``changes`` to them) say: see :func:`~wargame.run_experiment`."""
    if overrides and path in overrides:
        raise WargameError(Problem("--set", path, "is the parameter the sweep moves: it cannot be fixed too"))
    base = load_scenario(scenario, overrides)
    problems: list[Problem] = []
    for value in values:
        try:
            base.with_values({path: value}, source="--param")
        except WargameError as err:
            problems.extend(
                Problem(str(scenario), "--param", f"{path}={value:g}: {p.message}") for p in err.problems
            )
            break
    if problems:
        raise WargameError(problems)
    if len(values) * runs > MAX_RUNS:
        raise WargameError(
            Problem("--runs", "", f"{len(values)} values x {runs} runs is over {MAX_RUNS:,} episodes")
        )
    slug = rundir.folder_name(base.name, "scenario")
    exp = Experiment(
        name=f"sweep_{slug}",
        scenario=str(Path(scenario).resolve()),
        runs=len(values) * runs,
        seed=seed,
        chunk_size=chunk_size,
        sweep=SweepSpec(path=path, values=values, runs=runs),
    )
    plan = Plan(experiment=exp, scenario=base.data())
    run = run_experiment(plan, finalize=_finalize_sweep, options=options.but(**changes))
    return SweepResult(run, pd.read_parquet(run.run_dir / f"{SWEEP}.parquet"))
