"""Scenario files: the pydantic schema, loading, and every check a scenario must pass.

A scenario says who negotiates over what: issues (dimensions with bounds, status quo, no-deal
value and step), actors (principals with a veto, stakeholders without), their payoffs and
strategies, the protocol, stakeholder events and scheduled injects, and the sources of its numbers.

:func:`load_scenario` reads a YAML file (``yaml.safe_load`` semantics) and returns a validated
:class:`Scenario` or raises :class:`~wargame.errors.WargameError` listing *every* problem, each with
the file, the dotted key path and the YAML line.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from agents.strategies import STRATEGIES, StrategyField
from wargame import params, timeline
from wargame.errors import Problem, WargameError
from wargame.protocols import PROTOCOLS, all_variants
from wargame.schema import (
    MAX_MAGNITUDE,
    MIN_MAGNITUDE,
    Number,
    PerIssue,
    Strict,
    expect_kind,
    line_index,
    locate,
    read_yaml,
    unknown_name,
    validation_problems,
)

# names of issues, actors and events are parts of dotted paths: no dots, no spaces, not empty
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
MAX_LEVELS = 10_001  # admissible values per issue: (hi - lo) / step + 1


# --------------------------------------------------------------------------- issues


class Option(Strict):
    """One value of an issue decided among named options (a statement's wording, a form of payment)."""

    value: Number = Field(description="its place on the issue's scale (utilities are distances on it)")
    label: str = Field(min_length=1)


class Focal(Strict):
    """A value of an issue the record makes salient (a rate another ally got, a round number)."""

    value: Number
    note: str = ""


class Issue(Strict):
    """One negotiable dimension: a grid from ``lo`` to ``hi`` in ``step`` s, or named ``options``
    (then ``lo``, ``hi`` and ``step`` follow from the options' values and may be left out)."""

    label: str = ""
    unit: str
    lo: Number
    hi: Number
    status_quo: Number
    no_deal: Number = Field(description="the value the issue takes if talks fail")
    step: Number = Field(gt=0, description="granularity of offers")
    options: list[Option] | None = Field(
        default=None, min_length=2, description="a discrete set of values instead of a grid"
    )
    focal: list[Focal] = Field(default_factory=list, description="values the record makes salient")
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_options(cls, data: Any) -> Any:
        """With options, ``lo``, ``hi`` and ``step`` are their smallest, largest and closest gap."""
        if not isinstance(data, Mapping) or not isinstance(data.get("options"), list):
            return data
        values = [o.get("value") for o in data["options"] if isinstance(o, Mapping)]
        numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) < 2 or len(numbers) < len(values) or not all(map(math.isfinite, numbers)):
            # the options themselves are reported, not the bounds they would have given
            return {"lo": 0.0, "hi": 1.0, "step": 1.0, **data}
        ordered = sorted(numbers)
        gaps = [b - a for a, b in itertools.pairwise(ordered) if b > a]
        derived = {"lo": ordered[0], "hi": ordered[-1], "step": min(gaps) if gaps else 1.0}
        out = dict(data)
        for key, value in derived.items():
            given = out.get(key)
            if given is None:
                out[key] = value
            elif isinstance(given, int | float) and not isinstance(given, bool) and given != value:
                raise ValueError(f"{key} follows from the options ({value:g}); leave it out (got {given:g})")
        return out

    @model_serializer(mode="wrap")
    def _without_derived(self, handler: Any) -> Any:
        """An options issue is written without the bounds and step its options imply (so that a
        changed option is not contradicted by the bounds the old ones gave)."""
        data = handler(self)
        if self.options is not None and isinstance(data, dict):
            for key in ("lo", "hi", "step"):
                data.pop(key, None)
        return data

    @property
    def span(self) -> float:
        return self.hi - self.lo

    @property
    def values(self) -> list[float] | None:
        """The admissible values of an options issue, in order (None for a grid)."""
        return None if self.options is None else sorted({o.value for o in self.options})

    def label_of(self, value: float) -> str:
        """An option's label for its value (the number itself on a grid)."""
        for option in self.options or ():
            if abs(option.value - value) <= 1e-9 * max(self.span, 1.0):
                return option.label
        return f"{value:g}"

    def admits(self, value: float) -> bool:
        """Whether an offer may put this value on the issue (an option, or a point of the grid)."""
        if self.options is not None:
            return any(abs(o.value - value) <= 1e-9 * max(self.span, 1.0) for o in self.options)
        return on_grid(value, self.lo, self.hi, self.step)

    def allowed(self) -> str:
        """What an offer may put on the issue, in words (for messages to players)."""
        if self.options is not None:
            return ", ".join(f"{o.value:g} ({o.label})" for o in sorted(self.options, key=lambda o: o.value))
        return f"{self.lo:g} to {self.hi:g} in steps of {self.step:g}"


def on_grid(value: float, lo: float, hi: float, step: float) -> bool:
    """Whether ``value`` is ``lo + k * step`` (or ``hi``) inside ``[lo, hi]``."""
    if not lo - 1e-9 <= value <= hi + 1e-9:
        return False
    k = (value - lo) / step
    return abs(k - round(k)) < 1e-6 or abs(value - hi) < 1e-9


# --------------------------------------------------------------------------- actors


class Linkage(Strict):
    """An interaction between two issues in one actor's payoff.

    ``complement``: extra utility ``u_a * u_b`` when both issues land near their targets (e.g.
    Washington values burden-sharing more if troops stay). ``substitute``: ``1 - u_a * u_b``, extra
    utility unless both land there. The weight joins the salience budget, so utility stays in [0, 1].
    """

    targets: dict[str, Number] = Field(description="exactly two issues -> target value")
    weight: Number = Field(ge=0)
    kind: Literal["complement", "substitute"] = "complement"
    description: str = ""


RISK_RANGE = (0.25, 10.0)  # utility exponents: below 1 convex (steep near the ideal), above concave


class Actor(Strict):
    """A government at (or around) the table.

    ``capability`` and ``risk`` are one number or one per issue: clout may differ by issue (who has
    a say on US force posture is not who has a say on tariffs; 0 is none), and so may the shape of
    the utility (``risk`` > 1 concave: moderate moves cost little, large ones much).
    """

    name: str = ""
    role: Literal["principal", "stakeholder"]
    capability: PerIssue = Field(description="relative clout (> 0), or per issue (>= 0; 0: no say there)")
    ideal: dict[str, Number]
    salience: dict[str, Number]
    risk: PerIssue = Field(default=1.0, description="utility exponent (0.25-10; 1 linear), or one per issue")
    focal_weight: dict[str, Number] = Field(
        default_factory=dict,
        description="issue -> weight of landing on one of its focal values (joins the salience budget)",
    )
    discount: Number = Field(default=1.0, gt=0, le=1, description="per-round factor")
    no_deal_cost: Number = Field(
        default=0.0, ge=-1, le=1, description="utility lost if talks fail (negative: gained, e.g. at home)"
    )
    perception_noise: Number = Field(
        default=0.0, ge=0, le=1, description="sd of its errors about others' ideals and saliences"
    )
    strategy: StrategyField | None = None
    linkages: list[Linkage] = Field(default_factory=list)

    @field_validator("risk")
    @classmethod
    def _risk_range(cls, risk: float | dict[str, float]) -> float | dict[str, float]:
        lo, hi = RISK_RANGE
        for where, v in risk.items() if isinstance(risk, dict) else [("", risk)]:
            if not lo <= v <= hi:
                at = f" on {where}" if where else ""
                raise ValueError(f"risk must be between {lo:g} and {hi:g}{at} (got {v:g}; 1 is linear)")
        return risk

    @field_validator("capability")
    @classmethod
    def _capability_range(cls, capability: float | dict[str, float]) -> float | dict[str, float]:
        if isinstance(capability, dict):
            for where, v in capability.items():
                if v < 0:
                    raise ValueError(f"capability must be >= 0 on {where} (got {v:g}; 0: no say there)")
        elif capability <= 0:
            raise ValueError(f"capability must be > 0 (got {capability:g})")
        return capability


# --------------------------------------------------------------------------- events


class Trigger(Strict):
    """Per-round hazard: ``clip(base + slope * (1 - U_actor(standing offer)), 0, 1)``."""

    base: Number = Field(ge=0, le=1)
    slope: Number = Field(default=0.0, ge=-1, le=1)


class Effect(Strict):
    """A change to one payoff parameter of another actor."""

    path: str
    op: Literal["add", "multiply", "set", "toward"]
    value: Number
    fraction: Number = Field(default=0.5, gt=0, le=1, description="for 'toward': share of the gap")


class Event(Strict):
    actor: str
    description: str = ""
    trigger: Trigger | None = Field(default=None, description="omit for inject-only events")
    max_fires: int = Field(default=1, ge=1, le=1000)
    effects: list[Effect] = Field(min_length=1)


class Inject(Strict):
    """An event fired at a scheduled round, whatever its hazard."""

    round: int = Field(ge=0)
    event: str
    note: str = ""


class Announcement(Strict):
    """A classroom inject: text read out at the start of a round, optionally firing an event."""

    round: int = Field(ge=0)
    text: str = Field(min_length=1)
    event: str | None = None


class Classroom(Strict):
    """What players are told: the public situation, each government's private briefing, and the
    injects announced during a game (``wargame brief`` and ``wargame play``)."""

    situation: str = Field(min_length=1)
    briefings: dict[str, str] = Field(default_factory=dict, description="actor -> private briefing")
    injects: list[Announcement] = Field(default_factory=list)


class Breakdown(Strict):
    """A reason the talks may collapse in any round, whatever the offers: per-round probability
    ``clip(hazard + sum_e per_fire[e] * times event e has fired, 0, 1)``, drawn after each round."""

    description: str = ""
    hazard: Number = Field(default=0.0, ge=0, le=1)
    per_fire: dict[str, Number] = Field(
        default_factory=dict, description="event -> added to the hazard each time it has fired"
    )


class Phase(Strict):
    """A stretch of the calendar: ``rounds`` rounds of ``days`` days each."""

    name: Name
    rounds: int = Field(ge=1, le=1000)
    days: Number = Field(default=1.0, gt=0, le=3650, description="length of one round in days")
    note: str = ""


class Calendar(Strict):
    """Rounds as dates: phases in order from ``start``. Rounds beyond the listed phases continue in
    the last phase; phases beyond the scenario's ``rounds`` are cut."""

    # lax: a YAML date (2025-08-12) or an ISO string ("2025-08-12", as config.yaml writes it)
    start: dt.date | None = Field(
        default=None, strict=False, description="the day the talks start, for reports"
    )
    phases: list[Phase] = Field(min_length=1)


class Track(Strict):
    """Issues that can be agreed apart from the rest. At the track's deadline, if the whole package
    is not agreed, the track takes the terms of the principals' latest offers that every principal
    prefers to the track failing (its issues at their no-deal values), the one with the largest
    product of their gains if several do; otherwise the track fails. Either way its issues are
    settled and the talks go on over the others (:meth:`wargame.model.NegotiationModel._settle_due`)."""

    issues: list[str] = Field(min_length=1)
    deadline: int | str = Field(
        description="the last round of the track (0-based), or a calendar phase's name"
    )
    description: str = ""


class Source(Strict):
    publisher: str
    title: str
    date: str
    note: str = ""


# --------------------------------------------------------------------------- scenario


class Scenario(Strict):
    name: str
    description: str = ""
    protocol: str = Field(
        default="alternating_offers", description="how a round goes (a registered protocol)"
    )
    variant: str = Field(
        default="", description="the protocol's reading where it has several (default: its first)"
    )
    rounds: int = Field(default=12, ge=1, le=1000)
    max_candidates: int = Field(
        default=30_000, ge=100, le=2_000_000, description="offer grid size before sampling"
    )
    issues: dict[Name, Issue] = Field(min_length=1)
    actors: dict[Name, Actor] = Field(min_length=2)
    events: dict[Name, Event] = Field(default_factory=dict)
    injects: list[Inject] = Field(default_factory=list)
    breakdown: dict[Name, Breakdown] = Field(
        default_factory=dict, description="reasons the talks may collapse in any round"
    )
    calendar: Calendar | None = Field(default=None, description="rounds as dates (default: a round is a day)")
    tracks: dict[Name, Track] = Field(
        default_factory=dict, description="groups of issues that can be agreed separately"
    )
    sources: dict[str, Source] = Field(default_factory=dict)
    classroom: Classroom | None = None
    _dumped: dict[str, Any] | None = PrivateAttr(default=None)  # see _plain()

    @field_validator("protocol")
    @classmethod
    def _known_protocol(cls, name: str) -> str:
        if name not in PROTOCOLS:
            raise ValueError(unknown_name("protocol", name, PROTOCOLS))
        return name

    @field_validator("variant")
    @classmethod
    def _known_variant(cls, variant: str, info: ValidationInfo) -> str:
        protocol = PROTOCOLS.get(info.data.get("protocol", ""))
        if protocol is None:
            return variant  # the protocol itself is reported
        if not protocol.variants:
            # a protocol with one reading ignores it (files of older versions say "scholz" here)
            if variant and variant not in all_variants():
                raise ValueError(f"{protocol.name} has no variants (got '{variant}')")
            return variant
        if not variant:
            return protocol.variants[0]
        if variant not in protocol.variants:
            raise ValueError(
                f"unknown variant '{variant}' for {protocol.name} (known: {', '.join(protocol.variants)})"
            )
        return variant

    @property
    def principals(self) -> list[str]:
        return [a for a, spec in self.actors.items() if spec.role == "principal"]

    @property
    def stakeholders(self) -> list[str]:
        return [a for a, spec in self.actors.items() if spec.role == "stakeholder"]

    def data(self) -> dict[str, Any]:
        """The scenario as plain nested data (what dotted paths address): a fresh copy."""
        return self.model_dump(mode="json", exclude_none=True)  # JSON types: a date is ISO text

    def _plain(self) -> dict[str, Any]:
        """:meth:`data`, dumped once and shared: read it, never change it."""
        if self._dumped is None:
            self._dumped = self.data()
        return self._dumped

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Scenario:
        copied = super().model_copy(update=update, deep=deep)
        copied._dumped = None  # the copy's data differs where ``update`` says
        return copied

    def with_values(self, values: Mapping[str, Any], source: str = "--set") -> Scenario:
        """A new, fully re-validated scenario with each dotted path in ``values`` replaced."""
        if not values:
            return self
        data, problems = self._plain(), []
        for path, value in values.items():
            try:
                data = params.with_values(data, {path: value})  # copies only the path's containers
            except params.PathError as err:
                problems.append(Problem(source, path, str(err)))
        if problems:
            raise WargameError(problems)
        return validate_scenario(data, source)


# --------------------------------------------------------------------------- validation


def _semantic_problems(s: Scenario, validated_from: Any = None) -> list[tuple[str, str]]:
    """Cross-field checks pydantic cannot express per field: (dotted path, message) pairs.
    ``validated_from``: the data ``s`` was validated from, where effect paths are looked up first (a
    scenario's full dump is built only for a path the data leaves to a default)."""
    out: list[tuple[str, str]] = []
    names = set(s.issues)

    for name, issue in s.issues.items():
        at = f"issues.{name}"
        if not issue.lo < issue.hi:
            out.append((f"{at}.hi", f"hi ({issue.hi}) must be greater than lo ({issue.lo})"))
            continue
        for key in ("status_quo", "no_deal"):
            v = getattr(issue, key)
            if not issue.lo <= v <= issue.hi:
                out.append((f"{at}.{key}", f"{v} is outside the range [{issue.lo}, {issue.hi}]"))
        if issue.step > issue.span:
            out.append((f"{at}.step", f"step {issue.step} is larger than the range {issue.span}"))
        elif issue.span / issue.step + 1 > MAX_LEVELS:
            out.append(
                (
                    f"{at}.step",
                    f"step {issue.step} gives more than {MAX_LEVELS:,} values over the range; "
                    "use a coarser step",
                )
            )

    if not s.principals:
        out.append(("actors", "no actor has role: principal (somebody must be able to agree)"))
    elif len(s.principals) < 2:
        out.append(("actors", f"only one principal ({s.principals[0]}): bargaining needs at least two"))

    for aid, actor in s.actors.items():
        at = f"actors.{aid}"
        for field in ("ideal", "salience"):
            given = getattr(actor, field)
            for missing in sorted(names - set(given)):
                out.append((f"{at}.{field}", f"missing issue '{missing}'"))
            for extra in sorted(set(given) - names):
                out.append((f"{at}.{field}.{extra}", unknown_name("issue", extra, names)))
        for issue_name, v in actor.ideal.items():
            bounds = s.issues.get(issue_name)
            if bounds is not None and bounds.lo < bounds.hi and not bounds.lo <= v <= bounds.hi:
                out.append(
                    (
                        f"{at}.ideal.{issue_name}",
                        f"{v} is outside the issue's range [{bounds.lo}, {bounds.hi}]",
                    )
                )
        for issue_name, w in actor.salience.items():
            if w < 0:
                out.append((f"{at}.salience.{issue_name}", f"salience must be >= 0 (got {w})"))
        out += _per_issue_problems(s, aid)
        if actor.salience and all(w == 0 for w in actor.salience.values()) and not actor.linkages:
            out.append((f"{at}.salience", "all saliences are zero: the actor would care about nothing"))
        if actor.role == "principal" and actor.strategy is not None:
            wanted = STRATEGIES[actor.strategy.name].principals
            if wanted is not None and len(s.principals) != wanted:
                out.append(
                    (
                        f"{at}.strategy",
                        f"{actor.strategy.name} bargains among exactly {wanted} principals; "
                        f"this scenario has {len(s.principals)}",
                    )
                )
        for i, link in enumerate(actor.linkages):
            lat = f"{at}.linkages.{i}.targets"
            if len(link.targets) != 2:
                out.append((lat, f"a linkage joins exactly two issues (got {len(link.targets)})"))
            for issue_name, target in link.targets.items():
                linked = s.issues.get(issue_name)
                if linked is None:
                    out.append((f"{lat}.{issue_name}", unknown_name("issue", issue_name, names)))
                elif not linked.lo <= target <= linked.hi:
                    out.append(
                        (f"{lat}.{issue_name}", f"target {target} is outside [{linked.lo}, {linked.hi}]")
                    )

    for name, issue in s.issues.items():
        out += _issue_value_problems(s, name, issue)
        says = [
            a.capability.get(name, 0.0) if isinstance(a.capability, dict) else a.capability
            for a in s.actors.values()
        ]
        if not any(c > 0 for c in says):
            out.append(("actors", f"nobody has a say on {name}: every actor's capability on it is 0"))
    out += _talks_problems(s)

    for ename, event in s.events.items():
        at = f"events.{ename}"
        if event.actor not in s.actors:
            out.append((f"{at}.actor", unknown_name("actor", event.actor, set(s.actors))))
        for i, effect in enumerate(event.effects):
            eat = f"{at}.effects.{i}.path"
            parts = effect.path.split(".")
            if len(parts) < 3 or parts[0] != "actors":
                out.append((eat, f"'{effect.path}' must name an actor's parameter (actors.ACTOR.KEY...)"))
                continue
            if parts[1] not in s.actors:
                out.append((eat, unknown_name("actor", parts[1], set(s.actors))))
                continue
            if parts[1] == event.actor:
                out.append((eat, "an event changes other actors' payoffs, not its own actor's"))
            if not _effect_target_ok(parts):
                out.append(
                    (
                        eat,
                        f"'{effect.path}' cannot be changed by an event; effects change payoff parameters: "
                        "ideal.ISSUE, salience.ISSUE, focal_weight.ISSUE, risk[.ISSUE], discount, "
                        "no_deal_cost, capability[.ISSUE], linkages.N.weight",
                    )
                )
                continue
            try:
                value = params.get_path(validated_from, effect.path)
            except params.PathError:
                try:
                    value = params.get_path(s._plain(), effect.path)
                except params.PathError as err:
                    out.append((eat, str(err)))
                    continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                out.append((eat, f"'{effect.path}' is not a number"))
    for i, inject in enumerate(s.injects):
        at = f"injects.{i}"
        if inject.event not in s.events:
            out.append((f"{at}.event", unknown_name("event", inject.event, set(s.events))))
        if inject.round >= s.rounds:
            out.append((f"{at}.round", f"round {inject.round} is after the last round ({s.rounds - 1})"))
    if s.classroom is not None:
        for briefed in s.classroom.briefings:
            if briefed not in s.actors:
                out.append((f"classroom.briefings.{briefed}", unknown_name("actor", briefed, set(s.actors))))
        for i, item in enumerate(s.classroom.injects):
            at = f"classroom.injects.{i}"
            if item.event is not None and item.event not in s.events:
                out.append((f"{at}.event", unknown_name("event", item.event, set(s.events))))
            if item.round >= s.rounds:
                out.append((f"{at}.round", f"round {item.round} is after the last round ({s.rounds - 1})"))
    return out


def _per_issue_problems(s: Scenario, aid: str) -> list[tuple[str, str]]:
    """An actor's per-issue capability, risk and focal weights: known issues, allowed values."""
    actor, names, out = s.actors[aid], set(s.issues), []
    at = f"actors.{aid}"
    for field in ("risk", "capability"):
        given = getattr(actor, field)
        if isinstance(given, dict):
            out += [(f"{at}.{field}", f"missing issue '{m}'") for m in sorted(names - set(given))]
    for k, v in actor.focal_weight.items():
        if k in s.issues and not s.issues[k].focal:
            out.append((f"{at}.focal_weight.{k}", f"issue '{k}' has no focal values"))
        if v < 0:
            out.append((f"{at}.focal_weight.{k}", f"focal weight must be >= 0 (got {v:g})"))
    for field in ("risk", "capability", "focal_weight"):
        given = getattr(actor, field)
        if isinstance(given, dict):
            out += [
                (f"{at}.{field}.{k}", unknown_name("issue", k, names)) for k in sorted(set(given) - names)
            ]
    return out


def _issue_value_problems(s: Scenario, name: str, issue: Issue) -> list[tuple[str, str]]:
    """On an options issue, every value a file puts there must be an option; focal values lie in range."""
    at, out = f"issues.{name}", []
    for i, focal in enumerate(issue.focal):
        if not issue.lo <= focal.value <= issue.hi:
            out.append((f"{at}.focal.{i}.value", f"{focal.value:g} is outside [{issue.lo:g}, {issue.hi:g}]"))
    if issue.options is None:
        return out
    values = [o.value for o in issue.options]
    if len(set(values)) < len(values):
        out.append((f"{at}.options", "two options have the same value"))
    placed = {f"{at}.status_quo": issue.status_quo, f"{at}.no_deal": issue.no_deal}
    placed.update({f"{at}.focal.{i}.value": f.value for i, f in enumerate(issue.focal)})
    placed.update(
        {f"actors.{a}.ideal.{name}": spec.ideal[name] for a, spec in s.actors.items() if name in spec.ideal}
    )
    for path, v in placed.items():
        if not issue.admits(v):
            out.append((path, f"{v:g} is not one of the options of {name} ({issue.allowed()})"))
    return out


def _talks_problems(s: Scenario) -> list[tuple[str, str]]:
    """Breakdown causes name events; calendar phases have distinct names; tracks split the issues
    and their deadlines fall inside the talks."""
    out: list[tuple[str, str]] = []
    for cause, spec in s.breakdown.items():
        for event in spec.per_fire:
            if event not in s.events:
                out.append(
                    (f"breakdown.{cause}.per_fire.{event}", unknown_name("event", event, set(s.events)))
                )
    phases = [p.name for p in s.calendar.phases] if s.calendar else []
    if len(set(phases)) < len(phases):
        out.append(("calendar.phases", "two phases have the same name"))
    if not s.tracks:
        return out
    reached = timeline.phases_in(s) if s.calendar else []
    if len(s.tracks) < 2:
        out.append(("tracks", "give at least two tracks (one track is the whole package)"))
    seen: dict[str, str] = {}
    for tname, track in s.tracks.items():
        for issue in track.issues:
            if issue not in s.issues:
                out.append((f"tracks.{tname}.issues", unknown_name("issue", issue, set(s.issues))))
            elif issue in seen:
                out.append((f"tracks.{tname}.issues", f"'{issue}' is in track '{seen[issue]}' already"))
            seen.setdefault(issue, tname)
        if isinstance(track.deadline, str):
            if track.deadline not in reached:
                known = set(reached) or {"(no calendar: give a round number)"}
                out.append(
                    (f"tracks.{tname}.deadline", unknown_name("calendar phase", track.deadline, known))
                )
        elif not 0 <= track.deadline < s.rounds:
            out.append((f"tracks.{tname}.deadline", f"round {track.deadline} is not in 0-{s.rounds - 1}"))
    loose = [i for i in s.issues if i not in seen]
    if loose:
        out.append(("tracks", f"every issue must be in a track ({', '.join(loose)} is in none)"))
    return out


def _effect_target_ok(parts: list[str]) -> bool:
    """Effects may change what payoffs are computed from (the model recomputes those after an event)."""
    rest = parts[2:]
    if rest and rest[0] in ("ideal", "salience", "focal_weight"):
        return len(rest) == 2
    if rest and rest[0] in ("risk", "capability") and len(rest) == 2:
        return True  # one issue's, where the actor gives one per issue
    if rest and rest[0] == "linkages":
        return len(rest) == 3 and rest[2] == "weight"
    return len(rest) == 1 and rest[0] in ("risk", "discount", "no_deal_cost", "capability")


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
    semantic = _semantic_problems(scenario, data)
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


def options_issue(scenario: Scenario, path: str) -> str | None:
    """The issue decided among options whose value ``path`` sets (an ideal, status quo, no-deal
    value or linkage target on it), if any: such a value must be one of the options, so it can be
    drawn with ``choice`` but not from a range."""
    parts = path.split(".")
    name = None
    if parts[0] == "actors" and len(parts) == 4 and parts[2] == "ideal":
        name = parts[3]
    elif parts[0] == "issues" and len(parts) == 3 and parts[2] in ("status_quo", "no_deal"):
        name = parts[1]
    elif parts[0] == "actors" and len(parts) == 6 and parts[4] == "targets":
        name = parts[5]
    issue = scenario.issues.get(name) if name is not None else None
    return name if issue is not None and issue.options is not None else None


def clamp_parameter(scenario: Scenario, path: str, value: float) -> float:
    """Keep a value an event wrote at ``path`` inside what the schema allows there (an event that
    halves a salience every round never makes it invalid)."""
    parts = path.split(".")
    field = parts[2] if len(parts) > 2 else ""
    if field == "ideal" and len(parts) == 4 and parts[3] in scenario.issues:
        issue = scenario.issues[parts[3]]
        return min(max(value, issue.lo), issue.hi)
    limits = {
        "salience": (0.0, math.inf),
        "risk": RISK_RANGE,
        "focal_weight": (0.0, math.inf),
        "discount": (1e-9, 1.0),
        "no_deal_cost": (-1.0, 1.0),
        # one issue's capability may be 0 (no say there); an actor's one capability may not
        "capability": (0.0 if len(parts) == 4 else 1e-9, math.inf),
        "perception_noise": (0.0, 1.0),
    }
    if field == "linkages":
        limits = {"linkages": (0.0, math.inf)} if parts[-1] == "weight" else {}
    lo, hi = limits.get(field, (-MAX_MAGNITUDE, MAX_MAGNITUDE))
    value = min(max(value, lo, -MAX_MAGNITUDE), hi, MAX_MAGNITUDE)
    return 0.0 if abs(value) < MIN_MAGNITUDE else value  # what a file may hold (schema.Number)
