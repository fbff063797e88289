"""The schema of a scenario file: issues, actors, events, the calendar, tracks, sources.

Field by field, as pydantic checks it. The checks across fields (an ideal inside its issue's range,
a track's deadline inside the talks) are :mod:`wargame.scenario_checks`; loading and changing a
scenario is :mod:`wargame.scenario`. Bounds a check reads live in the field metadata here
(``ge``/``gt``/``le``, or ``json_schema_extra`` where a validator enforces them), so the parameter
table (:mod:`wargame.parameters`) derives them instead of restating them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from agents.strategies import StrategyField
from wargame.protocols import PROTOCOLS, all_variants
from wargame.schema import Number, PerIssue, Strict, unknown_name

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


class Private(Strict):
    """What a principal's no-deal cost is worth is known to it alone: the others hold a prior over
    its types (:mod:`wargame.beliefs`) and learn from its refusals. The actor's own
    ``no_deal_cost`` is its true type (a Monte Carlo experiment draws it). One weight per type,
    not all 0, is a check across fields (:mod:`wargame.scenario_checks`)."""

    no_deal_cost: list[Annotated[Number, Field(ge=-1, le=1)]] = Field(
        min_length=2, description="the types the others consider possible (each in [-1, 1])"
    )
    weights: list[Annotated[Number, Field(ge=0)]] | None = Field(
        default=None, description="their prior probabilities (default: equally likely)"
    )
    bluff: Number = Field(
        default=0.5,
        ge=0,
        le=1,
        description="the chance, as the others see it, that it refuses an offer it would take at the end",
    )


class Actor(Strict):
    """A government at (or around) the table.

    ``capability`` and ``risk`` are one number or one per issue: clout may differ by issue (who has
    a say on US force posture is not who has a say on tariffs; 0 is none), and so may the shape of
    the utility (``risk`` > 1 concave: moderate moves cost little, large ones much).
    """

    name: str = ""
    role: Literal["principal", "stakeholder"]
    capability: PerIssue = Field(
        description="relative clout (> 0), or per issue (>= 0; 0: no say there)",
        json_schema_extra={"exclusiveMinimum": 0, "perIssueMinimum": 0},
    )
    ideal: dict[str, Number] = Field(description="issue -> the value it wants (inside the issue's range)")
    salience: dict[str, Number] = Field(
        description="issue -> how much it cares (>= 0, not all 0)", json_schema_extra={"minimum": 0}
    )
    risk: PerIssue = Field(
        default=1.0,
        description="utility exponent (0.25-10; 1 linear), or one per issue",
        json_schema_extra={"minimum": RISK_RANGE[0], "maximum": RISK_RANGE[1]},
    )
    focal_weight: dict[str, Number] = Field(
        default_factory=dict,
        description="issue -> weight of landing on one of its focal values (joins the salience budget)",
        json_schema_extra={"minimum": 0},
    )
    discount: Number = Field(default=1.0, gt=0, le=1, description="per-round factor")
    no_deal_cost: Number = Field(
        default=0.0, ge=-1, le=1, description="utility lost if talks fail (negative: gained, e.g. at home)"
    )
    perception_noise: Number = Field(
        default=0.0, ge=0, le=1, description="sd of its errors about others' ideals and saliences"
    )
    firmness: Number = Field(
        default=0.0,
        ge=0,
        le=1,
        description="the share of its gain at the Nash point, as it believes it to be, that it concedes "
        "to and no further (0: down to its reservation)",
    )
    strategy: StrategyField | None = None
    linkages: list[Linkage] = Field(default_factory=list)
    private: Private | None = Field(
        default=None, description="its no-deal cost is private: the others' prior over its types"
    )

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


class Decision(Strict):
    """An event its actor chooses: each round it acts with probability
    ``logistic(gain / noise)``, ``gain`` being what acting adds to its expected utility of the talks'
    outcome, net of ``cost`` (:mod:`wargame.decisions`)."""

    cost: Number = Field(ge=0, le=1, description="what acting costs the actor, in its own utility")
    noise: Number = Field(
        default=0.005, gt=0, le=1, description="how far from a sure choice: the logit's scale, in utility"
    )


class Event(Strict):
    actor: str
    description: str = ""
    trigger: Trigger | None = Field(default=None, description="a chance each round (or a decision)")
    decision: Decision | None = Field(default=None, description="its actor chooses it (or a trigger)")
    max_fires: int = Field(
        default=1,
        ge=0,
        le=1000,
        description="how often its actor may fire it (0: never); injects fire regardless",
    )
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
    """A reason the talks may collapse on any day, whatever the offers: daily probability
    ``h = clip(hazard + sum_e per_fire[e] * times event e has fired, 0, 1)``, drawn after each
    round of ``d`` days as ``1 - (1 - h) ** d`` (a round without a calendar is one day)."""

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
    settled and the talks go on over the others (:mod:`wargame.tracks`)."""

    issues: list[str] = Field(min_length=1)
    deadline: int | str = Field(
        description="the last round of the track (0-based), or a calendar phase's name"
    )
    description: str = ""


class Bound(Strict):
    """The values of one issue a ratifier approves: ``[low, high]``, either side open."""

    low: Number | None = None
    high: Number | None = None


class Ratifier(Strict):
    """A body whose approval a principal's agreement needs (a legislature): what it approves, issue
    by issue. Its ranges are public, so the principals bargain inside them
    (:mod:`wargame.ratification`)."""

    name: str = ""
    principal: str = Field(description="the principal whose agreement it must approve")
    description: str = ""
    ranges: dict[str, Bound] = Field(min_length=1, description="issue -> {low, high} it approves")


class Source(Strict):
    publisher: str
    title: str
    date: str
    note: str = ""


# --------------------------------------------------------------------------- scenario


class ScenarioSpec(Strict):
    """A scenario as its file gives it, validated field by field (:class:`wargame.scenario.Scenario`
    adds the checks across fields and the changing of values)."""

    name: str
    description: str = ""
    protocol: str = Field(
        default="alternating_offers", description="how a round goes (a registered protocol)"
    )
    variant: str = Field(
        default="", description="the protocol's reading where it has several (default: its first)"
    )
    rounds: int = Field(default=12, ge=1, le=1000)
    first_proposer: str = Field(
        default="drawn",
        description="the principal who proposes first, or 'drawn': drawn from the seed (the order of "
        "the actors in the file never decides)",
    )
    issues: dict[Name, Issue] = Field(min_length=1)
    actors: dict[Name, Actor] = Field(min_length=2)
    events: dict[Name, Event] = Field(default_factory=dict)
    injects: list[Inject] = Field(default_factory=list)
    breakdown: dict[Name, Breakdown] = Field(
        default_factory=dict, description="reasons the talks may collapse in any round"
    )
    ratification: dict[Name, Ratifier] = Field(
        default_factory=dict, description="bodies whose approval a principal's agreement needs"
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

    def plain(self) -> dict[str, Any]:
        """:meth:`data`, dumped once and shared: read it, never change it."""
        if self._dumped is None:
            self._dumped = self.data()
        return self._dumped

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        copied._dumped = None  # the copy's data differs where ``update`` says
        return copied
