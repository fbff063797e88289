"""Events and scheduled injects: the chance of a rolled event, and what any event changes.

An event belongs to an actor. A rolled one (``trigger``) fires each round with probability
``clip(base + slope * (1 - U_actor(standing offer)), 0, 1)`` -- the worse the offer on the table is
for that actor, the likelier it acts; a chosen one (``decision``) when its actor decides to
(:mod:`wargame.decisions`); either until it has fired ``max_fires`` times. An inject fires a named
event at a scheduled round regardless (``max_fires`` bounds the actor's own firings, not the
schedule). Effects change other actors' payoff parameters (dotted paths), kept inside what the
schema allows.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from wargame.episode import Change
from wargame.parameters import Cell, clamp, payoff_cell
from wargame.payoffs import Payoffs
from wargame.scenario import Effect, Scenario, Trigger


def hazard(trigger: Trigger, utility: float | np.ndarray) -> float | np.ndarray:
    """Per-round firing probability given the actor's utility of the standing offer."""
    if np.ndim(utility) == 0:  # one utility, every round of every episode: plain floats
        return min(max(trigger.base + trigger.slope * (1.0 - float(utility)), 0.0), 1.0)
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


def compile_events(scenario: Scenario) -> dict[str, list[tuple[Effect, Cell]]]:
    """Every event's effects with their targets in the payoff arrays (done once per scenario)."""
    return {
        name: [(effect, payoff_cell(scenario, effect.path)) for effect in event.effects]
        for name, event in scenario.events.items()
    }


def apply_to_payoffs(
    payoffs: Payoffs, scenario: Scenario, effects: list[tuple[Effect, Cell]]
) -> tuple[Payoffs, tuple[Change, ...], set[int]]:
    """The effects applied, in order, to the payoff arrays: the new payoffs, the changes made (each
    clamped to what the schema allows at its path) and the rows of the actors they touched.
    ``scenario`` gives the bounds (events never change an issue)."""
    arrays: dict[str, np.ndarray] = {}
    changes = []
    touched = set()
    for effect, where in effects:
        if where.field not in arrays:
            arrays[where.field] = getattr(payoffs, where.field).copy()
        values = arrays[where.field]
        # an actor's one risk or capability is a row of equal values, one per issue
        old = float(values[where.index].flat[0])
        new = clamp(scenario, where.path, effect_value(effect, old))
        if where.field == "salience":
            row = values[where.actor]
            others = sum(float(v) for i, v in enumerate(row) if i != where.index[1])
            if others + new <= 0:
                new = old  # an actor must keep caring about something
        values[where.index] = new
        changes.append(Change(where.path, old, new))
        touched.add(where.actor)
    return replace(payoffs, **arrays), tuple(changes), touched  # type: ignore[arg-type]
