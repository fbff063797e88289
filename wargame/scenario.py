"""Scenario files: loading, validating and changing a scenario.

A scenario says who negotiates over what: issues (dimensions with bounds, status quo, no-deal
value and step), actors (principals with a veto, stakeholders without), their payoffs and
strategies, the protocol, stakeholder events and scheduled injects, and the sources of its numbers.
Its schema is :mod:`wargame.scenario_schema`, the checks across fields :mod:`wargame.scenario_checks`,
what a dotted path names :mod:`wargame.parameters`.

:func:`load_scenario` reads a YAML file (``yaml.safe_load`` semantics) and returns a validated
:class:`Scenario` or raises :class:`~wargame.errors.WargameError` listing *every* problem, each with
the file, the dotted key path and the YAML line. A scenario is validated once; changing its numbers
afterwards (:meth:`Scenario.with_values`: ``--set``, sampled values, events) checks only what the
change can break.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wargame import parameters, params, scenario_checks
from wargame.errors import Problem, WargameError
from wargame.scenario_schema import (
    Actor,
    Announcement,
    Breakdown,
    Calendar,
    Classroom,
    Effect,
    Event,
    Inject,
    Issue,
    Linkage,
    Phase,
    ScenarioSpec,
    Source,
    Track,
    Trigger,
)
from wargame.schema import expect_kind, line_index, locate, read_yaml, validation_problems

# the parts of a scenario, importable from here as from the schema
__all__ = [
    "Actor",
    "Announcement",
    "Breakdown",
    "Calendar",
    "Classroom",
    "Effect",
    "Event",
    "Inject",
    "Issue",
    "Linkage",
    "Phase",
    "Scenario",
    "Source",
    "Track",
    "Trigger",
    "as_scenario",
    "load_scenario",
    "validate_scenario",
]


class Scenario(ScenarioSpec):
    """A validated scenario: every field and every check across fields passed."""

    def with_values(self, values: Mapping[str, Any], source: str = "--set") -> Scenario:
        """A new scenario with each dotted path in ``values`` replaced.

        A number of the payoffs, issues, triggers or breakdowns (what :mod:`wargame.parameters`
        names) is written in place of the old one and checked by its own field and by the checks
        across fields it can break; the scenario is not validated again. Anything else (a strategy,
        the rounds), or a value those checks refuse, goes through full validation, which gives the
        one wording of every error.
        """
        if not values:
            return self
        found = {path: parameters.parameter(self, path) for path in values}
        if all(p is not None for p in found.values()):
            try:
                changed = parameters.write(self, {p: values[path] for path, p in found.items() if p})
            except ValidationError:
                pass  # the full validation below says what is wrong, as a file's would
            else:
                if not scenario_checks.touched_problems(changed, [p for p in found.values() if p]):
                    return changed
        return self._revalidated(values, source, {path for path, p in found.items() if p is not None})

    def _revalidated(self, values: Mapping[str, Any], source: str, named: set[str] | None = None) -> Scenario:
        """Full validation of the scenario with ``values`` written in; ``named``: paths the parameter
        grammar knows, which may name a key the dump leaves out because it is unset (a ratifier's
        open bound), so they are added rather than refused as unknown."""
        data, problems = self.plain(), []
        for path, value in values.items():
            try:
                if path in (named or set()):  # a key the dump may leave out: add it
                    data = params.with_key(data, path, value)
                else:
                    data = params.with_values(data, {path: value})  # copies only the path's containers
            except params.PathError as err:
                problems.append(Problem(source, path, str(err)))
        if problems:
            raise WargameError(problems)
        return validate_scenario(data, source)


def validate_scenario(data: Any, source: str = "<scenario>", text: str | None = None) -> Scenario:
    """Validate plain data as a scenario; raise :class:`WargameError` with every problem found."""
    lines = line_index(text) if text is not None else {}
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping of keys"
        raise WargameError(Problem(source, "", f"the scenario is {kind}", 1 if text else None))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise WargameError(validation_problems(err, Scenario, data, source, lines)) from None
    semantic = scenario_checks.problems(scenario, data)
    if semantic:
        problems = []
        for path, msg in semantic:
            loc = tuple(params.split_path(path)) if path else ()
            dotted, line = locate(loc, lines)
            problems.append(Problem(source, dotted, msg, line))
        raise WargameError(problems)
    return scenario


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load, validate and (optionally) override a scenario file."""
    data, text = read_yaml(path)
    expect_kind(data, "scenario", str(path))
    scenario = validate_scenario(data, str(path), text)
    return scenario.with_values(overrides or {}, source=f"{path} (with command-line overrides)")


def as_scenario(scenario: Scenario | str | Path | Mapping[str, Any]) -> Scenario:
    """Accept a scenario object, a path, or plain data."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    return validate_scenario(scenario)
