"""Stakeholder events and scheduled injects: when they fire and what they change.

An event belongs to an actor (usually a stakeholder). Each round it fires with probability
``clip(base + slope * (1 - U_actor(standing offer)), 0, 1)`` -- the worse the offer on the table is
for that actor, the likelier it acts -- until it has fired ``max_fires`` times. An inject fires a
named event at a scheduled round regardless of its hazard. Effects change other actors' payoff
parameters (dotted paths), kept inside what the schema allows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from wargame import params
from wargame.scenario import Effect, Scenario, Trigger, clamp_parameter


@dataclass(frozen=True)
class Change:
    path: str
    old: float
    new: float


@dataclass(frozen=True)
class FiredEvent:
    """One event that fired: when, whose, why, and what it changed."""

    round: int
    event: str
    actor: str
    cause: str  # "hazard" or "inject"
    probability: float | None
    changes: tuple[Change, ...]
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def hazard(trigger: Trigger, utility: float | np.ndarray) -> float | np.ndarray:
    """Per-round firing probability given the actor's utility of the standing offer."""
    return np.clip(trigger.base + trigger.slope * (1.0 - np.asarray(utility)), 0.0, 1.0)


def effect_value(effect: Effect, old: float) -> float:
    """The new value an effect gives a parameter that was ``old``."""
    if effect.op == "add":
        return old + effect.value
    if effect.op == "multiply":
        return old * effect.value
    if effect.op == "set":
        return effect.value
    return old + effect.fraction * (effect.value - old)  # "toward"


def apply_effects(scenario: Scenario, effects: list[Effect]) -> tuple[Scenario, tuple[Change, ...]]:
    """A new scenario with the effects applied (clamped to valid values) and the changes made."""
    data = scenario.data()
    changes = []
    for effect in effects:
        old = float(params.get_path(data, effect.path))
        new = clamp_parameter(scenario, effect.path, effect_value(effect, old))
        parts = effect.path.split(".")
        if parts[2] == "salience":
            others = sum(v for k, v in data["actors"][parts[1]]["salience"].items() if k != parts[3])
            if others + new <= 0:
                new = old  # an actor must keep caring about something
        params.set_path(data, effect.path, new)
        changes.append(Change(effect.path, old, new))
    return Scenario.model_validate(data), tuple(changes)


def fire(
    scenario: Scenario, name: str, round_: int, cause: str, probability: float | None, note: str = ""
) -> tuple[Scenario, FiredEvent]:
    """Fire event ``name``: the changed scenario and the record of what happened."""
    event = scenario.events[name]
    new, changes = apply_effects(scenario, event.effects)
    return new, FiredEvent(round_, name, event.actor, cause, probability, changes, note)
