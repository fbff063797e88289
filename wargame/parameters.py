"""What a dotted path in a scenario names: the one grammar of scenario parameters.

:mod:`wargame.params` walks a path through plain data; this module says what a path *means* in a
scenario. :func:`parameter` reads a path once into a :class:`Parameter`: which actor, issue, event
or breakdown cause it belongs to, which field, the issue its value sits on, its bounds (from the
schema's field metadata, and the issue's range for a value placed on an issue), the payoff array
cell it lives in, and the group of parameters it is constrained together with. Everything that
varies a scenario asks here: ``--set`` and sampled values (:func:`write`, without re-validating the
scenario), event effects (:func:`clamp`, :func:`payoff_cell`), experiment checks
(:func:`constrained_together`, :func:`options_issue`) and sensitivity ranges.

A path this grammar does not know (a strategy's parameter, the number of rounds, a calendar phase)
is not an error here: it returns None, and the caller validates the whole scenario as before.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import annotated_types
import numpy as np
from pydantic import BaseModel

from wargame import params
from wargame.payoffs import Payoffs
from wargame.scenario_schema import (
    Actor,
    Breakdown,
    Decision,
    Event,
    Issue,
    Linkage,
    Private,
    ScenarioSpec,
    Trigger,
)
from wargame.schema import MAX_MAGNITUDE, MIN_MAGNITUDE

Section = Literal[
    "actor",
    "private",
    "strategy",
    "linkage",
    "issue",
    "trigger",
    "decision",
    "event",
    "breakdown",
    "ratification",
]

PER_ISSUE = ("ideal", "salience", "focal_weight")  # always issue -> number
ONE_OR_PER_ISSUE = ("risk", "capability")  # one number, or issue -> number
ONE = ("discount", "no_deal_cost", "perception_noise", "firmness")
# what an event may change: what payoffs are computed from (the model recomputes those after it)
EVENT_KEYS = ("ideal", "salience", "focal_weight", "risk", "capability", "discount", "no_deal_cost")
# the payoff array (wargame.payoffs.Payoffs) each actor field lives in
PAYOFF_ARRAY = {
    "ideal": "ideal",
    "salience": "salience",
    "risk": "risk",
    "discount": "discount",
    "no_deal_cost": "no_deal_cost",
    "capability": "capability",
    "focal_weight": "focal_weight",
    "weight": "link_weight",
}


@dataclass(frozen=True)
class Parameter:
    """One number in a scenario, named by its dotted path."""

    path: str
    section: Section
    owner: str  # the actor, issue, event or breakdown cause it belongs to
    key: str  # the field: ideal, salience, ..., status_quo, base, hazard, weight, target, per_fire
    # (section "strategy": the strategy's parameter, or "strategy" for the whole strategy, not a number)
    issue: str | None = None  # the issue the value is on (per-issue fields, values placed on an issue)
    link: int | None = None  # the linkage's number, for linkage fields
    entry: str | None = None  # the event a breakdown's per_fire weight is for
    lo: float = -MAX_MAGNITUDE
    hi: float = MAX_MAGNITUDE
    open_lo: bool = False  # lo itself is not allowed (a discount of 0)
    options: bool = False  # the value sits on an issue decided among options: it must be one of them

    @property
    def placed_on_issue(self) -> bool:
        """An ideal, status quo, no-deal value or linkage target: a value of the issue itself."""
        return self.key in ("ideal", "status_quo", "no_deal", "target")

    def admits(self, value: float) -> bool:
        """Whether ``value`` is inside the bounds (the checks across fields are the scenario's)."""
        low_ok = value > self.lo if self.open_lo else value >= self.lo
        return low_ok and value <= self.hi

    def clamp(self, value: float) -> float:
        """``value`` kept inside the bounds and what a file may hold (an event that halves a
        salience every round never makes the scenario invalid)."""
        lo = self.lo + 1e-9 if self.open_lo else self.lo
        value = min(max(value, lo, -MAX_MAGNITUDE), self.hi, MAX_MAGNITUDE)
        return 0.0 if abs(value) < MIN_MAGNITUDE else value  # schema.Number's rule


def field_bounds(model: type[BaseModel], name: str, per_issue: bool = False) -> tuple[float, float, bool]:
    """``(lo, hi, open_lo)`` of a field, read from its metadata: pydantic's ``ge``/``gt``/``le``, or
    ``json_schema_extra`` where a validator enforces the range (``perIssueMinimum``: the lower bound
    of the per-issue form)."""
    info = model.model_fields[name]
    lo, hi, open_lo = -MAX_MAGNITUDE, MAX_MAGNITUDE, False
    for m in info.metadata:
        if isinstance(m, annotated_types.Ge):
            lo, open_lo = float(m.ge), False  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Gt):
            lo, open_lo = float(m.gt), True  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le):
            hi = float(m.le)  # type: ignore[arg-type]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "minimum" in extra:
        lo, open_lo = float(extra["minimum"]), False  # type: ignore[arg-type]
    if "exclusiveMinimum" in extra:
        lo, open_lo = float(extra["exclusiveMinimum"]), True  # type: ignore[arg-type]
    if "maximum" in extra:
        hi = float(extra["maximum"])  # type: ignore[arg-type]
    if per_issue and "perIssueMinimum" in extra:
        lo, open_lo = float(extra["perIssueMinimum"]), False  # type: ignore[arg-type]
    return lo, hi, open_lo


def _on_issue(
    s: ScenarioSpec, path: str, section: Section, owner: str, key: str, issue: str, **kw: Any
) -> Parameter:
    """A value placed on ``issue``: inside its range, one of its options if it has them."""
    spec = s.issues[issue]
    return Parameter(
        path, section, owner, key, issue, lo=spec.lo, hi=spec.hi, options=spec.options is not None, **kw
    )


def _of_field(
    path: str,
    section: Section,
    owner: str,
    model: type[BaseModel],
    key: str,
    field: str | None = None,
    **kw: Any,
) -> Parameter:
    lo, hi, open_lo = field_bounds(model, field or key, per_issue=kw.get("issue") is not None)
    return Parameter(path, section, owner, key, lo=lo, hi=hi, open_lo=open_lo, **kw)


def parameter(s: ScenarioSpec, path: str) -> Parameter | None:
    """What ``path`` names in ``s``: a :class:`Parameter`, or None where it is not one number of
    the payoffs, issues, events (triggers, decisions, ``max_fires``), ratification ranges or
    breakdowns (the path may still exist: a strategy, the rounds)."""
    try:
        parts = params.split_path(path)
    except params.PathError:
        return None
    match parts:
        case ["actors", str(a), str(key)] if a in s.actors:
            given = getattr(s.actors[a], key, None)
            if key in ONE or (key in ONE_OR_PER_ISSUE and not isinstance(given, dict)):
                return _of_field(path, "actor", a, Actor, key)
            if key == "strategy":  # the whole strategy, drawn among mappings
                return Parameter(path, "strategy", a, key)
        case ["actors", str(a), "private", "bluff"] if a in s.actors and s.actors[a].private is not None:
            return _of_field(path, "private", a, Private, "bluff")
        case ["actors", str(a), "private", "no_deal_cost" | "weights" as key, int(n)] if (
            a in s.actors
            and (private := s.actors[a].private) is not None
            and n < len(getattr(private, key) or ())
        ):
            # one type's cost (inside [-1, 1], as an actor's no_deal_cost), or its prior weight (>= 0)
            lo, hi = (-1.0, 1.0) if key == "no_deal_cost" else (0.0, MAX_MAGNITUDE)
            return Parameter(path, "private", a, key, entry=str(n), lo=lo, hi=hi)
        case ["actors", str(a), "strategy", str(key)] if (
            a in s.actors
            and (strategy := s.actors[a].strategy) is not None
            and key in type(strategy).model_fields
        ):
            if key != "name":  # another name is another strategy: give the whole mapping
                return _of_field(path, "strategy", a, type(strategy), key)
        case ["actors", str(a), str(key), str(issue)] if a in s.actors and issue in s.issues:
            given = getattr(s.actors[a], key, None)
            if key in (*PER_ISSUE, *ONE_OR_PER_ISSUE) and isinstance(given, dict) and issue in given:
                if key == "ideal":
                    return _on_issue(s, path, "actor", a, key, issue)
                return _of_field(path, "actor", a, Actor, key, issue=issue)
        case ["actors", str(a), "linkages", int(n), "weight"] if a in s.actors and n < len(
            s.actors[a].linkages
        ):
            return _of_field(path, "linkage", a, Linkage, "weight", link=n)
        case ["actors", str(a), "linkages", int(n), "targets", str(issue)] if (
            a in s.actors and n < len(s.actors[a].linkages) and issue in s.actors[a].linkages[n].targets
        ) and issue in s.issues:
            return _on_issue(s, path, "linkage", a, "target", issue, link=n)
        case ["issues", str(name), str(key)] if name in s.issues:
            if key in ("status_quo", "no_deal"):
                return _on_issue(s, path, "issue", name, key, name)
            if key in ("lo", "hi", "step") and s.issues[name].options is None:
                return _of_field(path, "issue", name, Issue, key)
        case ["events", str(e), "trigger", str(key)] if (
            e in s.events and s.events[e].trigger is not None and key in ("base", "slope")
        ):
            return _of_field(path, "trigger", e, Trigger, key)
        case ["events", str(e), "decision", str(key)] if (
            e in s.events and s.events[e].decision is not None and key in ("cost", "noise")
        ):
            return _of_field(path, "decision", e, Decision, key)
        case ["events", str(e), "max_fires"] if e in s.events:
            return _of_field(path, "event", e, Event, "max_fires")
        case ["ratification", str(r), "ranges", str(issue), "low" | "high" as key] if (
            r in s.ratification and issue in s.ratification[r].ranges and issue in s.issues
        ):
            # a bound on the issue's own scale (one that leaves no value is a check across fields)
            spec = s.issues[issue]
            return Parameter(path, "ratification", r, key, issue, lo=spec.lo, hi=spec.hi)
        case ["breakdown", str(b), "hazard"] if b in s.breakdown:
            return _of_field(path, "breakdown", b, Breakdown, "hazard")
        case ["breakdown", str(b), "per_fire", str(e)] if b in s.breakdown and e in s.breakdown[b].per_fire:
            return Parameter(path, "breakdown", b, "per_fire", entry=e)
    return None


def options_issue(s: ScenarioSpec, path: str) -> str | None:
    """The issue decided among options whose value ``path`` sets (an ideal, status quo, no-deal
    value or linkage target on it), if any: such a value must be one of the options, so it can be
    drawn with ``choice`` but not from a range."""
    p = parameter(s, path)
    return p.issue if p is not None and p.options and p.placed_on_issue else None


def constrained_together(s: ScenarioSpec, path: str) -> tuple[str, str] | None:
    """The group whose values constrain one another: an issue (its bounds, status quo, no-deal value,
    step, every ideal and linkage target on it) or an actor's saliences (not all zero)."""
    p = parameter(s, path)
    if p is None:
        return None
    if p.section == "issue" or p.placed_on_issue:
        return ("issue", p.issue or p.owner)
    if p.key == "salience":
        return ("salience", p.owner)
    return None


def event_may_change(s: ScenarioSpec, path: str) -> bool:
    """Whether an event's effect may write ``path``: a payoff parameter of an actor."""
    p = parameter(s, path)
    if p is None:
        return False
    return (p.section == "actor" and p.key in EVENT_KEYS) or (p.section == "linkage" and p.key == "weight")


def clamp(s: ScenarioSpec, path: str, value: float) -> float:
    """``value`` kept inside what the schema allows at ``path`` (see :meth:`Parameter.clamp`)."""
    p = parameter(s, path)
    if p is None:
        raise KeyError(path)
    return p.clamp(value)


@dataclass(frozen=True)
class Cell:
    """Where an actor's payoff parameter lives in the payoff arrays (:class:`wargame.payoffs.Payoffs`)."""

    path: str
    field: str  # a Payoffs array
    index: tuple[int, ...]  # (actor, issue); (actor,): every issue of one risk or capability; (linkage,)
    actor: int


def payoff_cell(s: ScenarioSpec, path: str) -> Cell:
    """The payoff array cell of an actor's parameter at ``path`` (one :func:`event_may_change` allows)."""
    p = parameter(s, path)
    if p is None or p.section not in ("actor", "linkage"):
        raise KeyError(path)
    actors, issues = list(s.actors), list(s.issues)
    a = actors.index(p.owner)
    field = PAYOFF_ARRAY[p.key]
    if p.section == "linkage":  # linkages are flattened over actors, in order
        before = sum(len(s.actors[name].linkages) for name in actors[:a])
        return Cell(path, field, (before + int(p.link or 0),), a)
    if p.issue is not None:
        return Cell(path, field, (a, issues.index(p.issue)), a)
    return Cell(path, field, (a,), a)


def payoffs_of(s: ScenarioSpec) -> Payoffs:
    """The payoff arrays of scenario ``s`` (actors x issues, in the scenario's order)."""
    issues = tuple(s.issues)
    actors = tuple(s.actors)
    col = {name: i for i, name in enumerate(issues)}
    link_actor, link_issues, link_targets, link_weight, link_sub = [], [], [], [], []
    for a, spec in enumerate(s.actors.values()):
        for link in spec.linkages:
            names = list(link.targets)
            link_actor.append(a)
            link_issues.append([col[n] for n in names])
            link_targets.append([link.targets[n] for n in names])
            link_weight.append(link.weight)
            link_sub.append(link.kind == "substitute")

    def per_issue(value: float | dict[str, float], default: float) -> list[float]:
        return [value.get(i, default) for i in issues] if isinstance(value, dict) else [value] * len(issues)

    return Payoffs(
        actors=actors,
        issues=issues,
        lo=np.array([s.issues[i].lo for i in issues], dtype=float),
        hi=np.array([s.issues[i].hi for i in issues], dtype=float),
        ideal=np.array([[a.ideal[i] for i in issues] for a in s.actors.values()], dtype=float),
        salience=np.array([[a.salience[i] for i in issues] for a in s.actors.values()], dtype=float),
        risk=np.array([per_issue(a.risk, 1.0) for a in s.actors.values()], dtype=float),
        discount=np.array([a.discount for a in s.actors.values()], dtype=float),
        no_deal_cost=np.array([a.no_deal_cost for a in s.actors.values()], dtype=float),
        capability=np.array([per_issue(a.capability, 0.0) for a in s.actors.values()], dtype=float),
        focal_weight=np.array([per_issue(a.focal_weight, 0.0) for a in s.actors.values()], dtype=float),
        focal=tuple(np.array([f.value for f in s.issues[i].focal], dtype=float) for i in issues),
        focal_width=np.array([s.issues[i].step for i in issues], dtype=float),
        link_actor=np.array(link_actor, dtype=int),
        link_issues=np.array(link_issues, dtype=int).reshape(-1, 2),
        link_targets=np.array(link_targets, dtype=float).reshape(-1, 2),
        link_weight=np.array(link_weight, dtype=float),
        link_substitute=np.array(link_sub, dtype=bool),
    )


# --------------------------------------------------------------------------- writing values

S = TypeVar("S", bound=ScenarioSpec)
M = TypeVar("M", bound=BaseModel)


def _assign(model: M, field: str, value: Any) -> M:
    """A copy of ``model`` with ``field`` set to ``value``, checked by that field's own validators
    (pydantic's ``validate_assignment``: types, bounds, the field's validators; nothing else)."""
    copied = model.model_copy()
    type(model).__pydantic_validator__.validate_assignment(copied, field, value)
    return copied


def write(s: S, values: Mapping[Parameter, Any]) -> S:
    """A copy of ``s`` with each parameter set, each value checked by its field's validators only.

    The checks across fields (an ideal inside its issue's range, saliences not all 0) are the
    caller's: :func:`wargame.scenario_checks.touched_problems`. Raises pydantic's ValidationError
    for a value its field refuses. Only the objects on the way to a value are copied.
    """
    actors, issues, events, breakdown = dict(s.actors), dict(s.issues), dict(s.events), dict(s.breakdown)
    ratification = dict(s.ratification)
    for p, value in values.items():
        if p.section == "ratification":
            body = ratification[p.owner]
            ranges = dict(body.ranges)
            ranges[str(p.issue)] = _assign(ranges[str(p.issue)], p.key, value)
            ratification[p.owner] = body.model_copy(update={"ranges": ranges})
        elif p.section == "strategy":
            actor = actors[p.owner]
            if p.key != "strategy":
                assert actor.strategy is not None
                value = _assign(actor.strategy, p.key, value)
            actors[p.owner] = _assign(actor, "strategy", value)
        elif p.section == "private":
            actor = actors[p.owner]
            assert actor.private is not None
            if p.entry is not None:  # one entry of the types or their weights
                entries = list(getattr(actor.private, p.key))
                entries[int(p.entry)] = value
                value = entries
            actors[p.owner] = _assign(actor, "private", _assign(actor.private, p.key, value))
        elif p.section == "actor":
            actor = actors[p.owner]
            if p.issue is not None:
                given = dict(getattr(actor, p.key))
                given[p.issue] = value
                value = given
            actors[p.owner] = _assign(actor, p.key, value)
        elif p.section == "linkage":
            actor = actors[p.owner]
            links = list(actor.linkages)
            link = links[p.link or 0]
            if p.key == "weight":
                links[p.link or 0] = _assign(link, "weight", value)
            else:
                links[p.link or 0] = _assign(link, "targets", {**link.targets, str(p.issue): value})
            actors[p.owner] = actor.model_copy(update={"linkages": links})
        elif p.section == "issue":
            issues[p.owner] = _assign(issues[p.owner], p.key, value)
        elif p.section == "trigger":
            event = events[p.owner]
            assert event.trigger is not None
            events[p.owner] = event.model_copy(update={"trigger": _assign(event.trigger, p.key, value)})
        elif p.section == "decision":
            event = events[p.owner]
            assert event.decision is not None
            events[p.owner] = event.model_copy(update={"decision": _assign(event.decision, p.key, value)})
        elif p.section == "event":
            events[p.owner] = _assign(events[p.owner], p.key, value)
        else:
            cause = breakdown[p.owner]
            if p.key == "hazard":
                breakdown[p.owner] = _assign(cause, "hazard", value)
            else:
                breakdown[p.owner] = _assign(cause, "per_fire", {**cause.per_fire, str(p.entry): value})
    return s.model_copy(
        update={
            "actors": actors,
            "issues": issues,
            "events": events,
            "breakdown": breakdown,
            "ratification": ratification,
        }
    )


def is_number(value: Any) -> bool:
    """A finite int or float that is not a bool: what :func:`write` may set."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
