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
import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from wargame import params
from wargame.design import SensitivitySpec, SweepSpec, outputs_for, parameters
from wargame.distributions import MAX_LHS_RUNS, Choice, Distribution
from wargame.errors import Problem, WargameError
from wargame.parameters import constrained_together, options_issue
from wargame.protocols import PROTOCOLS
from wargame.scenario import Scenario, load_scenario, validate_scenario
from wargame.schema import (
    Strict,
    expect_kind,
    line_index,
    locate,
    read_yaml,
    unknown_name,
    validation_problems,
)

MAX_RUNS = 100_000_000  # episodes in one run


class Experiment(Strict):
    """The experiment file's schema."""

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
    sampling: Literal["random", "lhs"] = Field(
        default="random",
        description="random: each episode draws its own values; lhs: a Latin hypercube over the runs",
    )
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

    @property
    def kind(self) -> Literal["batch", "sensitivity", "sweep"]:
        """What runs it: a batch, a sensitivity analysis or a sweep (each has its own command)."""
        return (
            "sensitivity" if self.sensitivity is not None else "sweep" if self.sweep is not None else "batch"
        )

    def wrong_command(self, command: str, where: str, resume: bool) -> WargameError:
        """The error for giving this experiment (or its run directory, ``resume``) to another
        command: it names the one that runs it."""
        what = {"batch": "a batch", "sensitivity": "a sensitivity analysis", "sweep": "a sweep"}[self.kind]
        if resume:
            message = f"this is {what}'s run directory: resume it with wargame {self.kind} --resume {where}"
        else:
            message = (
                f"this experiment is {what}: `wargame {command}` does not run it; use wargame {self.kind}"
            )
        return WargameError(Problem(where, "", message))

    @model_validator(mode="after")
    def _lhs_batch(self) -> Experiment:
        if self.sampling == "lhs":
            if self.sensitivity is not None or self.sweep is not None:
                raise ValueError(
                    "sampling: lhs is for a batch's uncertain parameters; "
                    "a sensitivity or sweep design has its own points"
                )
            if self.runs is not None and self.runs > MAX_LHS_RUNS:
                raise ValueError(
                    f"sampling: lhs builds its hypercube whole: at most {MAX_LHS_RUNS:,} runs "
                    f"(got {self.runs:,})"
                )
        return self


class Plan(BaseModel):
    """A fully resolved experiment: what ``config.yaml`` in a run directory holds.

    ``scenario`` is the scenario's complete data with ``set``/``protocol``/``rounds`` applied, so
    a run directory reproduces without the original files.
    """

    model_config = ConfigDict(extra="forbid")

    experiment: Experiment
    scenario: dict[str, Any]
    notes: list[str] = Field(default_factory=list, description="what the command line changed")
    _base: Scenario | None = PrivateAttr(default=None)

    def base_scenario(self) -> Scenario:
        """The plan's scenario, validated once (a plan is not changed after it is made)."""
        if self._base is None:
            self._base = validate_scenario(self.scenario, "config.yaml: scenario")
        return self._base

    def config(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def differences(self, other: Plan) -> list[tuple[str, Any, Any]]:
        """``(dotted path, value here, value there)`` for every setting the two plans differ in
        (None where one has no such setting), sorted by path."""
        mine, theirs = dict(params.iter_leaves(self.config())), dict(params.iter_leaves(other.config()))
        paths = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        return [(k, mine.get(k), theirs.get(k)) for k in paths]

    def fingerprint(self) -> str:
        """A hash of everything that determines the results (resume refuses a mismatch)."""
        # unsorted on purpose: the order of actors and of uncertain parameters changes results
        text = json.dumps(self.config(), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _check_uncertain(exp: Experiment, base: Scenario, source: str, lines: Mapping) -> list[Problem]:
    """Every uncertain path must exist, and no distribution may draw a value the scenario refuses:
    not at its extremes (a normal's are 40 sd out: numpy never draws further), not with the
    parameters constrained together with it at theirs (an issue's bounds and every value on that
    issue; an actor's saliences)."""
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
        among = options_issue(base, path)
        if among is not None and not isinstance(dist, Choice):
            allowed = base.issues[among].allowed()
            message = f"{among} is decided among options ({allowed}): draw it with choice among them"
            problems.append(Problem(source, where, message, line))
            continue
        whole = isinstance(dist, Choice) and any(isinstance(v, Mapping | list) for v in dist.values)
        if whole and not path.endswith(".strategy"):
            message = "only a strategy may be drawn as a whole mapping; draw numbers"
            problems.append(Problem(source, where, message, line))
            continue
        if not dist.draws_finite():
            problems.append(
                Problem(source, where, f"{dist.dist} with these parameters draws NaN or infinity", line)
            )
            continue
        extremes = dist.values if isinstance(dist, Choice) else dist.support()
        for value in extremes:
            try:
                base.with_values({path: value}, source=source)
            except WargameError as err:
                reason = "; ".join(p.message for p in err.problems)
                hint = (
                    "; use truncnormal with low and high inside the valid range"
                    if dist.dist == "normal"
                    else ""
                )
                shown = f"{value:.6g}" if isinstance(value, float) else repr(value)
                message = f"{dist.dist} can draw {shown}, which is invalid here: {reason}{hint}"
                problems.append(Problem(source, where, message, line))
                break
    if not problems:
        ranges = {p: d.support() for p, d in exp.uncertain.items() if not isinstance(d, Choice)}
        problems += joint_problems(base, ranges, source, "uncertain")
    return problems


MAX_CORNERS = 4096  # 12 parameters constrained together


def joint_problems(
    base: Scenario, ranges: Mapping[str, tuple[float, float]], source: str, where: str
) -> list[Problem]:
    """Parameters that constrain one another checked at every combination of their extremes, and
    all parameters at their lowest and at their highest together."""
    groups: dict[tuple[str, str], list[str]] = {}
    for path in ranges:
        group = constrained_together(base, path)
        if group is not None:
            groups.setdefault(group, []).append(path)
    combos = [
        dict(zip(paths, corner, strict=True))
        for paths in groups.values()
        if 1 < len(paths) and 2 ** len(paths) <= MAX_CORNERS
        for corner in itertools.product(*[ranges[p] for p in paths])
    ]
    for side in (0, 1):
        combos.append({p: bounds[side] for p, bounds in ranges.items()})
    for combo in combos:
        try:
            base.with_values(combo, source=source)
        except WargameError as err:
            at = ", ".join(f"{p}={v:g}" for p, v in combo.items())
            reason = "; ".join(f"{p.path}: {p.message}" for p in err.problems)
            return [
                Problem(source, where, f"these values together give an invalid scenario ({at}): {reason}")
            ]
    return []


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
    expect_kind(data, "experiment", source)
    data = dict(data)
    if runs is not None:
        data["runs"] = runs
    if seed is not None:
        data["seed"] = seed
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
    clashes = []
    for both in exp.set:
        if both in exp.uncertain:
            where, line = locate(("set", both), lines)
            clashes.append(
                Problem(source, where, f"'{both}' is also under uncertain: fix it or vary it", line)
            )
    if clashes:
        raise WargameError(clashes)
    exp, notes = with_command_line(exp, overrides or {})
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
    return Plan(experiment=exp, scenario=base.data(), notes=notes)


def with_command_line(exp: Experiment, overrides: Mapping[str, Any]) -> tuple[Experiment, list[str]]:
    """The experiment with ``--set`` values, which win over the file: a parameter the file makes
    uncertain is then fixed (no longer sampled), and ``--set protocol=`` or ``rounds=`` replaces the
    file's own. Returns notes that say so; the run keeps them in its config and prints them."""
    if not overrides:
        return exp, []
    notes = []
    uncertain = dict(exp.uncertain)
    changes: dict[str, Any] = {"set": {**exp.set, **overrides}}
    for path, value in overrides.items():
        if path in uncertain:
            del uncertain[path]
            notes.append(
                f"--set {path}={value!r} fixes a parameter the experiment makes uncertain: not sampled"
            )
        elif path in ("protocol", "rounds") and getattr(exp, path) is not None:
            notes.append(f"--set {path}={value!r} replaces the experiment's {path}: {getattr(exp, path)!r}")
            changes[path] = value
        else:  # every change from the command line is on record, not only those that replace
            whose = "the experiment's set:" if path in exp.set else "the scenario's"
            notes.append(f"--set {path}={value!r} is fixed for every episode ({whose} value replaced)")
    changes["uncertain"] = uncertain
    return exp.model_copy(update=changes), notes


def override(plan: Plan, overrides: Mapping[str, Any]) -> Plan:
    """A resolved plan with ``--set`` values applied as :func:`with_command_line` says."""
    if not overrides:
        return plan
    exp, notes = with_command_line(plan.experiment, overrides)
    scenario = plan.base_scenario().with_values(overrides, source="--set")
    problems = _check_uncertain(exp, scenario, "--set", {})
    if exp.sensitivity is not None:
        problems += check_sensitivity(exp, scenario, "--set", {})
    if problems:
        raise WargameError(problems)
    return Plan(experiment=exp, scenario=scenario.data(), notes=[*plan.notes, *notes])


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
    for path in spec.parameters:
        among = options_issue(base, path)
        if among is not None:
            bad(
                ("parameters", path),
                f"{among} is decided among options ({base.issues[among].allowed()}); a sensitivity design "
                "draws any value in a range: vary it in a Monte Carlo experiment with choice",
            )
    if problems:
        return problems
    try:
        found = parameters(spec, base)
    except params.PathError as err:
        bad(("parameters", err.path), str(err))
        return problems
    except ValueError as err:
        where, message = str(err).split(": ", 1)
        bad(tuple(params.split_path(where)), message)
        return problems
    if not found:
        bad(("rules",), "the rules leave no parameter with a range to vary (every value is 0?)")
    for p in found:
        if p.path in exp.uncertain:
            bad(("parameters", p.path), f"'{p.path}' is also under uncertain: vary it in one place only")
            continue
        if p.path in exp.set:
            bad(
                ("parameters", p.path),
                f"'{p.path}' is fixed by set (or --set) and varied by the design: one or the other",
            )
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
