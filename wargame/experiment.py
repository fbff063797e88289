"""Experiment files: which scenario, how many runs, which seed, what is uncertain.

An experiment names a scenario file (relative to the experiment file), fixes some of its values
(``set:``) and puts distributions on others (``uncertain:``, dotted path -> distribution). Loading
checks everything a run would trip over later -- the scenario itself, every dotted path, and that
each distribution's extreme values still give a valid scenario -- and reports every problem with
the file, the key path and the YAML line, like scenario validation does.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wargame import params
from wargame.design import SensitivitySpec, SweepSpec, outputs_for, parameters
from wargame.distributions import Choice, Distribution
from wargame.errors import Problem, WargameError
from wargame.protocols import PROTOCOLS
from wargame.scenario import Scenario, load_scenario, validate_scenario
from wargame.schema import line_index, locate, read_yaml, unknown_name, validation_problems

MAX_RUNS = 100_000_000  # episodes in one run


class Experiment(BaseModel):
    """The experiment file's schema."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="names the runs/<name>/ folder")
    description: str = ""
    scenario: str = Field(description="scenario YAML, relative to this file")
    runs: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RUNS,
        description="episodes (a batch needs it; a sensitivity run derives it)",
    )
    seed: int = Field(ge=0, lt=2**63)
    protocol: str | None = Field(default=None, description="override the scenario's protocol")
    rounds: int | None = Field(default=None, ge=1, le=1000)
    set: dict[str, Any] = Field(default_factory=dict, description="fixed overrides: path -> value")
    uncertain: dict[str, Distribution] = Field(default_factory=dict)
    chunk_size: int = Field(default=250, ge=1, le=1_000_000, description="episodes per saved chunk")
    trace: bool = Field(default=False, description="also save every round (rounds.parquet)")
    sensitivity: SensitivitySpec | None = None
    sweep: SweepSpec | None = Field(default=None, description="made by `wargame sweep`, not written by hand")

    @field_validator("protocol")
    @classmethod
    def _known_protocol(cls, name: str | None) -> str | None:
        if name is not None and name not in PROTOCOLS:
            raise ValueError(unknown_name("protocol", name, PROTOCOLS))
        return name


class Plan(BaseModel):
    """A fully resolved experiment: what ``config.yaml`` in a run directory holds.

    ``scenario`` is the scenario's complete data with ``set``/``protocol``/``rounds`` applied, so
    a run directory reproduces without the original files.
    """

    model_config = ConfigDict(extra="forbid")

    experiment: Experiment
    scenario: dict[str, Any]

    def base_scenario(self) -> Scenario:
        return validate_scenario(self.scenario, "config.yaml: scenario")

    def config(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def fingerprint(self) -> str:
        """A hash of everything that determines the results (resume refuses a mismatch)."""
        # unsorted on purpose: the order of actors and of uncertain parameters changes results
        text = json.dumps(self.config(), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _check_uncertain(exp: Experiment, base: Scenario, source: str, lines: Mapping) -> list[Problem]:
    """Every uncertain path must exist, and each distribution's extremes must give a valid scenario."""
    problems: list[Problem] = []
    data = base.data()
    for path, dist in exp.uncertain.items():
        loc = ("uncertain", path)
        where, line = locate(loc, lines)
        try:
            current = params.get_path(data, path)
        except params.PathError as err:
            problems.append(Problem(source, where, str(err), line))
            continue
        if isinstance(current, Mapping | list) and not isinstance(dist, Choice):
            problems.append(Problem(source, where, f"'{path}' is a group of values, not one number", line))
            continue
        whole = isinstance(dist, Choice) and any(isinstance(v, Mapping | list) for v in dist.values)
        if whole and not path.endswith(".strategy"):
            message = "only a strategy may be drawn as a whole mapping; draw numbers"
            problems.append(Problem(source, where, message, line))
            continue
        extremes = dist.values if isinstance(dist, Choice) else dist.support()
        for value in extremes:
            try:
                base.with_values({path: value}, source=source)
            except WargameError as err:
                reason = "; ".join(p.message for p in err.problems)
                problems.append(
                    Problem(
                        source,
                        where,
                        f"{dist.dist} can draw {value!r}, which is invalid here: {reason}",
                        line,
                    )
                )
                break
    if not problems:  # the parameters' extremes together, not only one at a time
        numeric = {p: d.support() for p, d in exp.uncertain.items() if not isinstance(d, Choice)}
        for side, label in ((0, "lowest"), (1, "highest")):
            try:
                base.with_values({p: bounds[side] for p, bounds in numeric.items()}, source=source)
            except WargameError as err:
                reason = "; ".join(f"{p.path}: {p.message}" for p in err.problems)
                problems.append(Problem(source, "uncertain", f"all at their {label} values: {reason}", None))
    return problems


def load_experiment(
    path: str | Path,
    runs: int | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Plan:
    """Load and check an experiment file; command-line options override the file's values."""
    source = str(path)
    data, text = read_yaml(path)
    lines = line_index(text)
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping of keys"
        raise WargameError(Problem(source, "", f"the experiment file is {kind}", 1))
    data = dict(data)
    if runs is not None:
        data["runs"] = runs
    if seed is not None:
        data["seed"] = seed
    if overrides:
        data["set"] = {**(data.get("set") or {}), **overrides}
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as err:
        problems = []
        for p in validation_problems(err, Experiment, data, source, lines):
            if (p.path == "runs" and runs is not None) or (p.path == "seed" and seed is not None):
                p = Problem(source, f"--{p.path}", p.message)  # the command line's value, not the file's
            problems.append(p)
        raise WargameError(problems) from None

    scenario_path = (Path(path).parent / exp.scenario).resolve()
    if not scenario_path.is_file():
        where, line = locate(("scenario",), lines)
        raise WargameError(Problem(source, where, f"scenario file not found: {scenario_path}", line))
    fixed: dict[str, Any] = dict(exp.set)
    if exp.protocol is not None:
        fixed["protocol"] = exp.protocol
    if exp.rounds is not None:
        fixed["rounds"] = exp.rounds
    base = load_scenario_with(scenario_path, fixed, source, lines)
    problems = _check_uncertain(exp, base, source, lines)
    if exp.sensitivity is not None:
        problems += check_sensitivity(exp, base, source, lines)
    if problems:
        raise WargameError(problems)
    return Plan(experiment=exp, scenario=base.data())


def check_sensitivity(exp: Experiment, base: Scenario, source: str, lines: Mapping) -> list[Problem]:
    """Every varied path must exist and be a number, its bounds must give valid scenarios, the rules
    must name known actors and issues, the outputs must be episode columns."""
    spec = exp.sensitivity
    assert spec is not None
    problems: list[Problem] = []

    def bad(loc: tuple[Any, ...], message: str) -> None:
        where, line = locate(("sensitivity", *loc), lines)
        problems.append(Problem(source, where, message, line))

    known = outputs_for(base)
    for i, name in enumerate(spec.outputs):
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}" if close else f"; known: {', '.join(known[:8])}, ..."
            bad(("outputs", i), f"unknown output '{name}'{hint}")
    try:
        found = parameters(spec, base)
    except params.PathError as err:
        bad(("parameters", err.path), str(err))
        return problems
    except ValueError as err:
        where, message = str(err).split(": ", 1)
        bad(tuple(int(p) if p.isdigit() else p for p in where.split(".")), message)
        return problems
    if not found:
        bad(("rules",), "the rules leave no parameter with a range to vary (every value is 0?)")
    for p in found:
        if p.path in exp.uncertain:
            bad(("parameters", p.path), f"'{p.path}' is also under uncertain: vary it in one place only")
            continue
        for value in (p.low, p.high):
            try:
                base.with_values({p.path: value}, source=source)
            except WargameError as err:
                reason = "; ".join(q.message for q in err.problems)
                bad(("parameters", p.path), f"{value!r} is invalid here: {reason}")
                break
    return problems


def load_scenario_with(path: Path, fixed: Mapping[str, Any], source: str, lines: Mapping) -> Scenario:
    """The experiment's scenario with its fixed values; a bad ``set:`` path points at its line."""
    base = load_scenario(path)
    try:
        return base.with_values(fixed, source=source)
    except WargameError as err:
        problems = []
        for p in err.problems:
            where, line = locate(("set", p.path), lines)
            problems.append(Problem(source, where if p.path in fixed else p.path, p.message, line))
        raise WargameError(problems) from None


def is_experiment(data: Any) -> bool:
    """Whether YAML data looks like an experiment (it names a scenario file) rather than a scenario."""
    return isinstance(data, Mapping) and isinstance(data.get("scenario"), str) and "issues" not in data
