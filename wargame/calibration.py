"""Calibration to what happened: approximate Bayesian computation over an experiment's prior.

The experiment's ``uncertain:`` distributions are the prior; a batch run of it (the runner's
seeding, executors and resume) is the sample from the prior and its predictive. An observed-file
lists outcomes that were seen (any numeric or boolean episode column), each with a ``tolerance``
(accept episodes within it) or an ``sd`` (weight episodes by a Gaussian error). Rejection ABC keeps
the episodes within every tolerance, weights them by every Gaussian error, and adjusts the numeric
parameters by local-linear regression on the distance to the observation (Beaumont, Zhang &
Balding 2002). What is left is the posterior; the outcomes of its episodes are the posterior
predictive of every column, observed or not.

Why not pyabc's ABC-SMC: its populations are drawn by its own samplers from its own generators,
so a calibration could neither reuse a run directory nor be identical across this project's
executors and resumable like every run; rejection on a prior run, then regression, keeps all three.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError, model_validator

from wargame import rundir
from wargame.errors import Problem, WargameError
from wargame.results import ExperimentResult, load_run
from wargame.run_options import DEFAULT_OPTIONS, RunChanges, RunOptions
from wargame.schema import Number, Strict, expect_kind, line_index, locate, read_yaml, validation_problems

PARAM = "param."
BOOKKEEPING = ("episode", "seed", "redraws", "point", "replicate")  # not outcomes: left out of the predictive


class Observation(Strict):
    """One observed outcome: its value and how closely a simulated episode must match it."""

    value: Number | bool
    tolerance: Number | None = Field(default=None, gt=0, description="accept episodes within this distance")
    sd: Number | None = Field(
        default=None, gt=0, description="weight episodes by a Gaussian error of this sd"
    )
    note: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Observation:
        if (self.tolerance is None) == (self.sd is None):
            raise ValueError("give a tolerance or an sd (one of them)")
        return self


class Observed(Strict):
    """An observed-file: what was seen, and where it comes from."""

    observed: dict[str, Observation] = Field(min_length=1)
    source: str = ""


def load_observed(path: str | Path) -> Observed:
    """Read and check an observed-file's form (file, key path, line); :func:`check_observed` checks
    its columns against a run's."""
    data, text = read_yaml(path)
    lines = line_index(text)
    source = str(path)
    if not isinstance(data, dict):
        raise WargameError(
            Problem(source, "", "the observed-file must be a mapping with an 'observed:' key", 1)
        )
    expect_kind(data, "observed", source)
    try:
        observed = Observed.model_validate(data)
    except ValidationError as err:
        raise WargameError(validation_problems(err, Observed, data, source, lines)) from None
    return observed


def check_observed(observed: Observed, episodes: pd.DataFrame, path: str | Path) -> None:
    """Every observed column must be a numeric or boolean episode column, and a true/false value
    must observe a boolean one."""
    source = str(path)
    lines = line_index(Path(path).read_text(encoding="utf-8"))
    usable = [c for c in episodes.columns if not c.startswith(PARAM)]
    problems = []
    for name, obs in observed.observed.items():
        where, line = locate(("observed", name), lines)
        if name not in usable:
            close = difflib.get_close_matches(name, usable, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problems.append(Problem(source, where, f"unknown episode column '{name}'{hint}", line))
            continue
        column = episodes[name]
        if not pd.api.types.is_numeric_dtype(column):
            message = f"'{name}' is text, not a number: observe a numeric or true/false column"
            problems.append(Problem(source, where, message, line))
        elif isinstance(obs.value, bool) != (column.dtype == bool):
            kind = "true/false" if column.dtype == bool else "a number"
            problems.append(
                Problem(source, f"{where}.value", f"'{name}' takes {kind}, not {obs.value!r}", line)
            )
    if problems:
        raise WargameError(problems)


@dataclass
class Calibration:
    """The posterior: its episodes, the parameters against the prior, the predictive of every outcome."""

    run_dir: Path
    posterior: pd.DataFrame  # accepted episodes: weight, adjusted parameters, outcomes
    parameters: pd.DataFrame  # per parameter: prior and posterior mean and 5/50/95th percentiles
    predictive: pd.DataFrame  # per outcome column: prior and posterior predictive, observed value
    accepted: int
    simulated: int
    ess: float  # effective sample size of the weights (Kish)
    warnings: list[str] = field(default_factory=list)
    folder: Path | None = None

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.simulated

    def summarise(self) -> str:
        lines = [
            f"{self.accepted:,} of {self.simulated:,} episodes accepted ({self.acceptance_rate:.1%}); "
            f"effective sample size {self.ess:.0f}"
        ]
        for _, r in self.parameters.iterrows():
            lines.append(
                f"  {r['parameter']}: prior {r['prior_p5']:.4g}-{r['prior_p95']:.4g}, "
                f"posterior {r['post_p5']:.4g}-{r['post_p95']:.4g} (median {r['post_p50']:.4g})"
            )
        return "\n".join([*lines, *(f"warning: {w}" for w in self.warnings)])


DISCRETE = 10  # a column with this many distinct values or fewer is reported on its values


def weighted_quantiles(x: np.ndarray, w: np.ndarray, q: list[float], discrete: bool = False) -> list[float]:
    """Quantiles of ``x`` under weights ``w``: the weighted empirical distribution, interpolated,
    or (``discrete``) the first value whose cumulative weight reaches each level."""
    keep = w > 0  # a point without weight is not in the distribution
    order = np.argsort(x[keep])
    x, w = x[keep][order], w[keep][order]
    if discrete:
        cum = np.cumsum(w) / w.sum()
        return [float(x[min(int(np.searchsorted(cum, p - 1e-12)), len(x) - 1)]) for p in q]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(p, cum, x)) for p in q]


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and values.dtype != bool


def abc(
    episodes: pd.DataFrame, observed: Observed
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], list[str]]:
    """Rejection ABC with regression adjustment on a prior sample: ``(accepted mask, weights of the
    accepted, adjusted numeric parameters of the accepted, warnings)``."""
    n = len(episodes)
    accept = np.ones(n, dtype=bool)
    log_w = np.zeros(n)
    scaled = []  # each observation's signed distance in its own scale
    warnings = []
    for name, obs in observed.observed.items():
        sim = episodes[name].to_numpy(dtype=float)
        value = float(obs.value)
        scale = obs.tolerance if obs.tolerance is not None else obs.sd
        assert scale is not None
        d = (sim - value) / scale
        finite = np.isfinite(d)  # an episode without the value (no deal, no deal day) cannot match
        accept &= finite
        d = np.where(finite, d, 0.0)
        scaled.append(d)
        if obs.tolerance is not None:
            within = finite & (np.abs(d) <= 1)
            accept &= within
        else:
            within = finite & (np.abs(d) <= 3)
            log_w += -0.5 * d**2
        if not within.any():
            low, high = np.nanmin(sim), np.nanmax(sim)
            warnings.append(
                f"observation {name} = {obs.value} is outside what the prior can produce: no simulated "
                f"episode comes within {'its tolerance' if obs.tolerance else '3 sd'} "
                f"(the prior's episodes range {low:.4g} to {high:.4g})"
            )
    if warnings:
        return accept & False, np.zeros(0), {}, warnings
    weights = np.exp(log_w[accept] - log_w[accept].max()) if accept.any() else np.zeros(0)
    adjusted: dict[str, np.ndarray] = {}
    params = [c for c in episodes.columns if c.startswith(PARAM) and _numeric(episodes[c])]
    S = np.column_stack(scaled)[accept] if accept.any() else np.zeros((0, len(scaled)))
    # Beaumont et al. (2002): an Epanechnikov kernel on the distance to the observation weights
    # the accepted episodes; each continuous parameter is regressed on the distances and moved to
    # the observation (only with enough effective draws for the regression)
    radius = np.sqrt((S**2).sum(axis=1)) if len(S) else np.zeros(0)
    kernel = 1 - (radius / max(float(radius.max()), 1e-12)) ** 2 + 1e-9 if len(S) else np.zeros(0)
    ess = weights.sum() ** 2 / (weights**2).sum() if len(weights) else 0.0
    regress = ess >= 10 * (S.shape[1] + 1)
    for c in params:
        theta = episodes[c].to_numpy(dtype=float)[accept]
        adjusted[c] = theta
        discrete = episodes[c].nunique() <= DISCRETE  # a choice among values: no value in between
        if regress and not discrete and np.ptp(theta) > 0:
            A = np.column_stack([np.ones(len(S)), S])
            sw = np.sqrt(kernel * weights)
            beta, *_ = np.linalg.lstsq(A * sw[:, None], theta * sw, rcond=None)
            prior = episodes[c].to_numpy(dtype=float)
            adjusted[c] = np.clip(theta - S @ beta[1:], prior.min(), prior.max())
    if regress:
        weights = weights * kernel
    return accept, weights, adjusted, warnings


def calibrate(
    source: str | Path | ExperimentResult,
    observed_path: str | Path,
    write: bool = True,
    *,
    runs: int | None = None,
    options: RunOptions = DEFAULT_OPTIONS,
    **changes: Unpack[RunChanges],
) -> Calibration:
    """Calibrate an experiment (a YAML file: its batch, of ``runs`` episodes if given, is run
    first, as ``options`` and the keyword ``changes`` to them say: see
    :func:`~wargame.run_experiment`) or an existing run directory to an observed-file."""
    observed = load_observed(observed_path)  # before any simulation: a bad file fails at once
    options = options.but(**changes)
    if isinstance(source, ExperimentResult):
        run = source
    elif Path(source).is_dir():
        if runs is not None or options != DEFAULT_OPTIONS:
            raise WargameError(
                Problem(str(source), "", "a run directory is reused as it is: no run options apply")
            )
        run = load_run(source)
    else:
        from wargame.montecarlo import run_experiment

        run = run_experiment(source, runs=runs, options=options)
    if run.plan.experiment.sensitivity is not None or run.plan.experiment.sweep is not None:
        raise WargameError(
            Problem(str(run.run_dir), "", "calibration needs a batch run (its prior sample), not a design")
        )
    episodes = run.episodes
    check_observed(observed, episodes, observed_path)
    if write:  # a read-only run directory: say so before the work, not after it
        rundir.output_folder(_folder(run.run_dir, observed_path))
    accept, weights, adjusted, warnings = abc(episodes, observed)
    accepted = int(accept.sum())
    ess = float(weights.sum() ** 2 / (weights**2).sum()) if accepted else 0.0
    if accepted == 0 and not warnings:
        warnings.append(
            "no episode matches every observation at once: widen a tolerance or simulate more runs"
        )
    if 0 < ess < 20:
        warnings.append(
            f"the posterior rests on few draws (effective sample size {ess:.0f} of {accepted:,} accepted): "
            "widen a tolerance or sd, or simulate more runs"
        )
    post = episodes[accept].copy()
    post.insert(0, "weight", weights if accepted else np.zeros(0))
    for c, values in adjusted.items():
        post[c] = values
    params = [c for c in episodes.columns if c.startswith(PARAM) and episodes[c].nunique() > 1]
    rows = []
    for c in params:
        if not _numeric(episodes[c]):
            continue
        prior = episodes[c].to_numpy(dtype=float)
        p5, p50, p95 = np.percentile(prior, [5, 50, 95])
        row: dict[str, Any] = {
            "parameter": c.removeprefix(PARAM),
            "prior_mean": prior.mean(),
            "prior_p5": p5,
            "prior_p50": p50,
            "prior_p95": p95,
        }
        if accepted:
            x = post[c].to_numpy(dtype=float)
            q = weighted_quantiles(x, weights, [0.05, 0.5, 0.95], episodes[c].nunique() <= DISCRETE)
            row.update(
                post_mean=float(np.average(x, weights=weights)), post_p5=q[0], post_p50=q[1], post_p95=q[2]
            )
        else:
            row.update(post_mean=np.nan, post_p5=np.nan, post_p50=np.nan, post_p95=np.nan)
        rows.append(row)
    parameters = pd.DataFrame(rows)
    outcome_cols = [
        c
        for c in episodes.columns
        if not c.startswith(PARAM) and c not in BOOKKEEPING and pd.api.types.is_numeric_dtype(episodes[c])
    ]
    pred = []
    for c in outcome_cols:
        prior = episodes[c].to_numpy(dtype=float)
        prior = prior[np.isfinite(prior)]
        if not len(prior):
            continue
        entry: dict[str, Any] = {
            "column": c,
            "observed": float(observed.observed[c].value) if c in observed.observed else np.nan,
            "prior_mean": prior.mean(),
            "prior_p5": np.percentile(prior, 5),
            "prior_p95": np.percentile(prior, 95),
        }
        x = post[c].to_numpy(dtype=float) if accepted else np.zeros(0)
        ok = np.isfinite(x)
        if ok.any():
            q = weighted_quantiles(x[ok], weights[ok], [0.05, 0.5, 0.95], episodes[c].nunique() <= DISCRETE)
            entry.update(
                post_mean=float(np.average(x[ok], weights=weights[ok])),
                post_p5=q[0],
                post_p50=q[1],
                post_p95=q[2],
            )
        else:
            entry.update(post_mean=np.nan, post_p5=np.nan, post_p50=np.nan, post_p95=np.nan)
        pred.append(entry)
    result = Calibration(
        run_dir=run.run_dir,
        posterior=post,
        parameters=parameters,
        predictive=pd.DataFrame(pred),
        accepted=accepted,
        simulated=len(episodes),
        ess=ess,
        warnings=warnings,
    )
    if write:
        _write(result, _folder(result.run_dir, observed_path))
    return result


def _folder(run_dir: Path, observed_path: str | Path) -> Path:
    return run_dir / "calibration" / rundir.folder_name(Path(observed_path).stem, "observed")


def _write(result: Calibration, folder: Path) -> None:
    from wargame.analysis_plots import posterior_plots

    rundir.output_folder(folder)
    result.folder = folder
    rundir.atomic_write(
        folder / "posterior.parquet", lambda tmp: result.posterior.to_parquet(tmp, index=False)
    )
    rundir.write_text(folder / "parameters.csv", result.parameters.to_csv(index=False))
    rundir.write_text(folder / "predictive.csv", result.predictive.to_csv(index=False))
    text = [f"# Calibration: {folder.name}", "", result.summarise().replace("\n", "\n\n"), ""]
    rundir.write_text(folder / "summary.md", "\n".join(text))
    if result.accepted:
        posterior_plots(result.parameters, result.posterior, folder / "plots")
