"""Designs: the parameter points a sensitivity analysis or a sweep plays (the one place they are built).

A design is a matrix ``X`` of shape ``(points, parameters)`` over named dotted paths, each point
played ``per_point`` times. Sobol and Morris designs come from SALib's samplers; one-at-a-time
(``oat``) puts every parameter at its low and high value with the others at their base value;
a sweep moves one parameter through given values. Designs are rebuilt from their spec and the
experiment seed wherever they are needed (SALib's samplers are deterministic for a seed), so a
worker process or a resumed run gets exactly the same points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
from pydantic import Field, model_validator

from wargame import params
from wargame.parameters import PER_ISSUE, clamp, options_issue, parameter
from wargame.scenario import Scenario
from wargame.schema import Number, Strict

# the index that ranks parameters under each method, and its 95% half-width column
RANKED_BY = {
    "sobol": ("ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf"),
    "oat": ("swing", "swing_conf"),
}
# A parameter the model never reads: its Sobol ST or Morris mu* is what noise alone gives, the
# floor any real effect has to clear (with independent seeds, every episode's own randomness
# shows up as a little of everybody's total effect).
DUMMY = "(dummy: no effect)"


class _Spec(Strict):
    """Strict, as every schema here is."""


class Bounds(_Spec):
    """A parameter's range in a sensitivity analysis (sampled uniformly)."""

    low: Number
    high: Number

    @model_validator(mode="after")
    def _order(self) -> Bounds:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Rule(_Spec):
    """Many parameters at once: ``keys`` of ``actors`` (each issue for ideal and salience), within
    +-``within`` of their value; ideals move by +-``within`` of the issue's range instead (a
    relative change of an ideal at 0 would be none)."""

    actors: list[str] = Field(min_length=1)
    keys: list[Literal["ideal", "salience", "no_deal_cost", "capability", "risk", "discount"]] = Field(
        min_length=1
    )
    within: Number = Field(gt=0, le=1)
    issues: list[str] | None = Field(default=None, description="only these issues (default: all)")


Method = Literal["oat", "morris", "sobol"]
METHODS: tuple[str, ...] = get_args(Method)


class SensitivitySpec(_Spec):
    """The ``sensitivity:`` block of an experiment file."""

    method: Method = "sobol"
    samples: int = Field(
        ge=1,
        le=1_000_000,
        description="sobol: base sample N (a power of 2); morris: trajectories; oat: episodes per point",
    )
    replicates: int = Field(default=1, ge=1, le=100_000, description="sobol/morris: episodes per point")
    seeds: Literal["common", "independent"] | None = Field(
        default=None,
        description="common: every point replays the same seeds (default for oat); independent: each "
        "episode its own (default for sobol and morris)",
    )
    parameters: dict[str, Bounds] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=lambda: ["deal"], min_length=1)
    levels: int = Field(default=4, ge=2, le=64, description="morris: grid levels (even)")
    second_order: bool = Field(default=False, description="sobol: also second-order indices")
    dummy: bool = Field(
        default=True, description="sobol/morris: add a parameter that does nothing (noise floor)"
    )

    @model_validator(mode="after")
    def _sizes(self) -> SensitivitySpec:
        if self.method == "sobol":
            n = self.samples
            if n < 8 or n & (n - 1):
                lower = 1 << max(3, n.bit_length() - 1)
                raise ValueError(
                    f"sobol needs samples a power of 2 and at least 8 (got {n}; try {lower} or {lower * 2})"
                )
        if self.method == "morris":
            if self.samples < 2:
                raise ValueError(f"morris needs at least 2 trajectories (got {self.samples})")
            if self.levels % 2:
                raise ValueError(f"morris needs an even number of levels (got {self.levels})")
        if not self.parameters and not self.rules:
            raise ValueError("name the parameters to vary: parameters (path: {low, high}) and/or rules")
        return self

    @property
    def common_seeds(self) -> bool:
        """Whether every point replays the same seeds (unless said, yes for oat only)."""
        return self.seeds == "common" if self.seeds is not None else self.method == "oat"

    @property
    def per_point(self) -> int:
        """Episodes played at each design point."""
        return self.samples if self.method == "oat" else self.replicates


class SweepSpec(_Spec):
    """One parameter through given values (``wargame sweep``); every value replays the same seeds."""

    path: str
    values: list[Number] = Field(min_length=1)
    runs: int = Field(ge=1, le=10_000_000, description="episodes per value (same seeds at every value)")

    @property
    def per_point(self) -> int:
        return self.runs


@dataclass(frozen=True)
class Parameter:
    """One varied parameter: its dotted path, range and value in the scenario."""

    path: str
    low: float
    high: float
    base: float


@dataclass(frozen=True)
class Design:
    """Points to play: ``X[p]`` gives each of ``names`` a value; each point is played ``per_point`` times."""

    names: tuple[str, ...]
    X: np.ndarray  # (points, parameters)
    per_point: int
    common_seeds: bool  # replicate r of every point replays the same seeds

    @property
    def runs(self) -> int:
        return len(self.X) * self.per_point

    def point(self, k: int) -> tuple[int, int, int, dict[str, float]]:
        """Episode ``k``: its point, its replicate, the index its seeds come from, the values to set.

        With common seeds, replicate ``r`` of every point draws from stream ``r`` (common random
        numbers: differences between points are the parameters' doing, not the dice's);
        otherwise every episode has its own stream ``k``, as in a Monte Carlo batch.
        """
        p, r = divmod(k, self.per_point)
        values = {n: float(v) for n, v in zip(self.names, self.X[p], strict=True) if n != DUMMY}
        return p, r, (r if self.common_seeds else k), values


def _number(data: dict[str, Any], path: str) -> float:
    value = params.get_path(data, path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise params.PathError(path, "not a number", [])
    return float(value)


def parameters(spec: SensitivitySpec, scenario: Scenario) -> list[Parameter]:
    """The varied parameters: every rule expanded, then the explicit ones (which win on a clash).

    Rule-made parameters whose range collapses (a salience of 0) are left out. Raises
    :class:`wargame.params.PathError` for a path that does not exist or is not a number, and
    ``ValueError`` for a rule naming an unknown actor or issue.
    """
    data = scenario.data()
    found: dict[str, Parameter] = {}
    for i, rule in enumerate(spec.rules):
        for actor in rule.actors:
            if actor not in scenario.actors:
                raise ValueError(
                    f"rules.{i}.actors: unknown actor '{actor}' (known: {', '.join(scenario.actors)})"
                )
        # an issue decided among options has no range to vary an ideal in
        issues = rule.issues if rule.issues is not None else list(scenario.issues)
        for name in issues:
            if name not in scenario.issues:
                raise ValueError(
                    f"rules.{i}.issues: unknown issue '{name}' (known: {', '.join(scenario.issues)})"
                )
        for actor in rule.actors:
            for key in rule.keys:
                # per issue for ideal and salience, and for risk or capability given per issue
                per_issue = key in PER_ISSUE or isinstance(data["actors"][actor].get(key), dict)
                paths = (
                    [f"actors.{actor}.{key}.{n}" for n in issues] if per_issue else [f"actors.{actor}.{key}"]
                )
                for path in paths:
                    named = parameter(scenario, path)
                    if options_issue(scenario, path) is not None:
                        continue
                    base = _number(data, path)
                    if named is not None and named.key == "ideal" and named.issue is not None:
                        span = scenario.issues[named.issue]
                        width = rule.within * (span.hi - span.lo)
                        a, b = base - width, base + width
                    else:
                        a, b = sorted((base * (1 - rule.within), base * (1 + rule.within)))
                    # kept inside what the schema allows there, like an event's effect
                    low, high = clamp(scenario, path, a), clamp(scenario, path, b)
                    low, high = round(low, 12), round(high, 12)  # 0.6 * 1.5, not 0.8999999999999999
                    if high > low:
                        found[path] = Parameter(path, low, high, base)
    for path, bounds in spec.parameters.items():
        found[path] = Parameter(path, bounds.low, bounds.high, _number(data, path))
    return list(found.values())


def design_parameters(spec: SensitivitySpec, scenario: Scenario) -> list[Parameter]:
    """:func:`parameters`, and the dummy for Sobol and Morris designs (unless ``dummy: false``)."""
    found = parameters(spec, scenario)
    if spec.dummy and spec.method != "oat":
        found.append(Parameter(DUMMY, 0.0, 1.0, 0.5))
    return found


def problem(params_: list[Parameter]) -> dict[str, Any]:
    """SALib's problem dictionary."""
    return {
        "num_vars": len(params_),
        "names": [p.path for p in params_],
        "bounds": [[p.low, p.high] for p in params_],
    }


def sensitivity_design(spec: SensitivitySpec, scenario: Scenario, seed: int) -> Design:
    """The points of a sensitivity analysis (deterministic for a seed)."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    found = design_parameters(spec, scenario)
    names = tuple(p.path for p in found)
    if spec.method == "sobol":
        X = sobol_sample.sample(problem(found), spec.samples, calc_second_order=spec.second_order, seed=seed)
    elif spec.method == "morris":
        X = morris_sample.sample(problem(found), spec.samples, num_levels=spec.levels, seed=seed)
    else:
        base = np.array([p.base for p in found])
        rows = [base]
        for j, p in enumerate(found):
            for value in (p.low, p.high):
                row = base.copy()
                row[j] = value
                rows.append(row)
        X = np.array(rows)
    return Design(names, np.asarray(X, dtype=float), spec.per_point, spec.common_seeds)


def sweep_design(spec: SweepSpec) -> Design:
    return Design((spec.path,), np.array(spec.values, dtype=float)[:, None], spec.per_point, True)


def design_points(method: str, samples: int, n_params: int, second_order: bool = False) -> int:
    """How many points a design has (for planning and warnings)."""
    if method == "sobol":
        return samples * (2 * n_params + 2 if second_order else n_params + 2)
    if method == "morris":
        return samples * (n_params + 1)
    return 1 + 2 * n_params


def design_runs(spec: SensitivitySpec, scenario: Scenario) -> int:
    """How many episodes :func:`sensitivity_design` will ask for, without sampling the design."""
    n_params = len(design_parameters(spec, scenario))
    return design_points(spec.method, spec.samples, n_params, spec.second_order) * spec.per_point


def outputs_for(scenario: Scenario) -> list[str]:
    """The episode columns a sensitivity analysis can take as its output."""
    # (deal_day is not among them: it has no value without a deal; end_day always has one)
    out = ["deal", "deal_round", "rounds_played", "end_day", "nash_distance"]
    out += [f"{kind}.{i}" for kind in ("outcome", "forecast", "movement") for i in scenario.issues]
    out += [
        f"{kind}.{a}" for kind in ("concession", "utility", "gain", "discounted") for a in scenario.actors
    ]
    out += [f"agreed.{t}" for t in scenario.tracks]
    out += [f"events.{e}" for e in scenario.events]
    return out
