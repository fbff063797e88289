"""An actor's choice to act: the expected gain of an event it chooses (``decision:``), and the chance
it acts on it.

An actor that acts changes the payoffs of others (the event's effects); the table then predicts a
different agreement (:meth:`wargame.protocols.base.NegotiationProtocol.predict`), and the talks may
become likelier to break down (the event's ``per_fire`` share of the breakdown causes, every day
the talks have left: ``risk`` is what it adds to the chance of a breakdown by their last day, over
the risk already there). Its expected gain is

    gain = (1 - risk) * U(agreement if it acts) + risk * U(failure) - U(agreement if not) - cost

in its own utility, and it acts with probability ``logistic(gain / noise)``: a logit (quantal
response) choice, sure as ``noise`` goes to 0, a coin toss when the gain is 0. A spoiler whose
agreement is worse than failure can gain from the risk alone; an actor whose action would move the
agreement its way gains from the move, whatever it costs the others.
"""

from __future__ import annotations

import math


def breakdown_risk(survival: float, survival_after: float, days_left: float) -> float:
    """What acting adds to the chance that a breakdown ends the talks in the ``days_left`` days they
    have left, when it moves the chance that no cause ends them on one day from ``survival`` to
    ``survival_after``: ``survival ** d - survival_after ** d`` (the risk already there is not the
    action's)."""
    d = max(days_left, 0.0)
    return max(survival**d - survival_after**d, 0.0)


def gain(now: float, after: float, failure: float, risk: float, cost: float) -> float:
    """What acting adds to the actor's expected utility: ``now`` and ``after`` are its utilities of
    the agreement predicted without and with the action, ``failure`` of the talks failing."""
    return (1.0 - risk) * after + risk * failure - now - cost


def probability(gain: float, noise: float) -> float:
    """The chance the actor acts: ``logistic(gain / noise)``, computed without overflow."""
    x = gain / noise
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
