"""Sensitivity analysis on payoffs: one at a time (a tornado), Morris and Sobol (SALib).

Sample -> evaluate -> analyse, as SALib does it. The design (:mod:`wargame.design`) gives the
points; the Monte Carlo runner (:mod:`wargame.montecarlo`) plays each point ``per_point`` times
with the same seeds at every point (common random numbers) -- with its executors, seeding, run
directory and resume; :mod:`wargame.sensitivity_indices` averages each output over a point's
episodes and analyses it. This module plans the analysis, runs it and writes and reads its files:

* ``sobol``: Saltelli sampling; ``samples`` = N gives N (D + 2) points, or N (2D + 2) with second order;
* ``morris``: ``samples`` = trajectories; mu* is the mean absolute effect, in output units for the
  parameter's whole range;
* ``oat``: every parameter at its low and high value, the others at the scenario's values;
  ``samples`` = episodes per point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Unpack

import pandas as pd

from wargame import rundir
from wargame.design import SensitivitySpec, design_parameters, design_runs, sensitivity_design
from wargame.errors import Problem, WargameError
from wargame.experiment import MAX_RUNS, Experiment, Plan, check_sensitivity, load_experiment, override
from wargame.montecarlo import run_experiment
from wargame.report_analysis import sensitivity_markdown
from wargame.results import ExperimentResult, load_run
from wargame.run_options import DEFAULT_OPTIONS, RunChanges, RunOptions
from wargame.sensitivity_indices import analyse, point_outputs, warnings_for

INDICES = "indices"  # indices.csv and indices.parquet
POINTS = "points.parquet"


@dataclass
class SensitivityResult:
    """A finished sensitivity analysis: ``indices`` (long table), ``points``, ``episodes``, ``warnings``."""

    run: ExperimentResult
    indices: pd.DataFrame
    points: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def run_dir(self) -> Path:
        return self.run.run_dir

    @property
    def episodes(self) -> pd.DataFrame:
        return self.run.episodes

    @property
    def spec(self) -> SensitivitySpec:
        spec = self.run.plan.experiment.sensitivity
        assert spec is not None
        return spec

    def table(self, output: str) -> pd.DataFrame:
        """One output's indices, ranked."""
        return self.indices[self.indices["output"] == output].drop(columns="output").reset_index(drop=True)


def _finalize_sensitivity(result: ExperimentResult) -> None:
    """Analyse a finished run and write indices (CSV, Parquet), points, summary and plots."""
    from wargame.analysis_plots import sensitivity_plots

    exp = result.plan.experiment
    spec = exp.sensitivity
    assert spec is not None
    scenario = result.scenario
    params_ = design_parameters(spec, scenario)
    design = sensitivity_design(spec, scenario, exp.seed)
    episodes = result.episodes
    points = point_outputs(episodes, spec.outputs)
    indices, skipped, constant = analyse(spec, params_, design, episodes, exp.seed, points)
    warnings = [
        f"{o}: undefined in some episodes (e.g. no Nash point when no deal beats the fallbacks): not analysed"
        for o in skipped
    ]
    warnings += warnings_for(spec, indices, len(params_), constant)
    run_dir = result.run_dir
    rundir.atomic_write(run_dir / f"{INDICES}.parquet", lambda tmp: indices.to_parquet(tmp, index=False))
    rundir.write_text(run_dir / f"{INDICES}.csv", indices.to_csv(index=False))
    rundir.atomic_write(run_dir / POINTS, lambda tmp: points.to_parquet(tmp, index=False))
    summary = {
        "experiment": exp.name,
        "method": spec.method,
        "samples": spec.samples,
        "per_point": spec.per_point,
        "points": len(design.X),
        "episodes": len(episodes),
        "parameters": [{"path": p.path, "low": p.low, "high": p.high, "base": p.base} for p in params_],
        "outputs": spec.outputs,
        "warnings": warnings,
    }
    rundir.write_json(run_dir / "summary.json", summary)
    rundir.write_text(run_dir / "summary.md", sensitivity_markdown(summary, indices))
    sensitivity_plots(indices, spec.method, run_dir / "plots")


def load_sensitivity(path: str | Path) -> SensitivityResult:
    """Open a finished sensitivity run directory."""
    run = load_run(path)
    if run.plan.experiment.kind != "sensitivity":
        raise run.plan.experiment.wrong_command("sensitivity", str(run.run_dir), resume=True)
    files = [run.run_dir / f"{INDICES}.parquet", run.run_dir / POINTS, run.run_dir / "summary.json"]
    for f in files:
        if not f.exists():
            raise WargameError(Problem(str(f), "", "missing: the analysis has not finished (resume it)"))
    summary = rundir.read_json(run.run_dir / "summary.json", "summary.json")
    return SensitivityResult(
        run, pd.read_parquet(files[0]), pd.read_parquet(files[1]), list(summary["warnings"])
    )


def sensitivity_plan(
    experiment: str | Path | Plan,
    method: str | None = None,
    samples: int | None = None,
    outputs: list[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Plan:
    """The experiment's plan with the command line's method, samples and outputs, and its run count."""
    if isinstance(experiment, Plan):
        plan = override(experiment, overrides or {})
    else:
        plan = load_experiment(experiment, overrides=overrides)
    exp = plan.experiment
    if exp.sensitivity is None:
        raise WargameError(
            Problem(
                str(experiment),
                "sensitivity",
                "the experiment has no sensitivity: block (parameters, outputs)",
            )
        )
    changes = {
        k: v for k, v in (("method", method), ("samples", samples), ("outputs", outputs)) if v is not None
    }
    if method is not None and samples is None and method != exp.sensitivity.method:
        changes["samples"] = {"sobol": 512, "morris": 20, "oat": 100}[
            method
        ]  # the file's N means something else
    try:
        spec = SensitivitySpec.model_validate({**exp.sensitivity.model_dump(), **changes})
    except ValueError as err:
        first = err.errors()[0] if hasattr(err, "errors") else {"msg": str(err), "loc": ()}
        where = "--" + str(first["loc"][0]) if first.get("loc") else "sensitivity"
        raise WargameError(Problem(where, "", str(first["msg"]).removeprefix("Value error, "))) from None
    exp = exp.model_copy(update={"sensitivity": spec})
    base = plan.base_scenario()
    problems = check_sensitivity(exp, base, "command line" if changes else str(experiment), {})
    if problems:
        raise WargameError(problems)
    runs = design_runs(spec, base)  # SALib samples the design in the workers and at the end
    if runs > MAX_RUNS:
        raise WargameError(
            Problem("--samples", "", f"the design needs {runs:,} episodes; at most {MAX_RUNS:,}")
        )
    return Plan(
        experiment=Experiment.model_validate({**exp.model_dump(), "runs": runs}),
        scenario=plan.scenario,
        notes=plan.notes,
    )


def run_sensitivity(
    experiment: str | Path | Plan | None,
    *,
    method: str | None = None,
    samples: int | None = None,
    outputs: list[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    resume: str | Path | None = None,
    options: RunOptions = DEFAULT_OPTIONS,
    **changes: Unpack[RunChanges],
) -> SensitivityResult:
    """Run (or resume) a sensitivity analysis, its episodes played as ``options`` (and the
    keyword ``changes`` to them) say: see :func:`~wargame.run_experiment`."""
    if experiment is None and resume is not None:
        experiment = load_run(resume, need_manifest=False).plan
        if experiment.experiment.kind != "sensitivity":
            raise experiment.experiment.wrong_command("sensitivity", str(resume), resume=True)
    if experiment is None:
        raise WargameError(Problem("EXPERIMENT", "", "name an experiment file, or --resume a run directory"))
    plan = sensitivity_plan(experiment, method, samples, outputs, overrides)
    run = run_experiment(plan, resume=resume, finalize=_finalize_sensitivity, options=options.but(**changes))
    return load_sensitivity(run.run_dir)
