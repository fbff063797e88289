"""Bueno de Mesquita's expected utility model as a protocol; one call of :func:`play_round` is one round.

Every actor, principal or stakeholder, holds a position on each issue (its ideal at the start)
and each round every issue goes through one round of :func:`wargame.bdm.step`: pairs weigh
challenges and positions move by confrontation, compromise or capitulation. The standing
forecast is each issue's capability x salience weighted median; the weighted mean is recorded
beside it. Stakeholder events and injects fire as under alternating offers; an event that moves
an actor's ideal moves its current position by as much, and changes to capability or salience
count at once: events fire at the start of a round, before its challenges. After the last
round the principals accept the forecast if each prefers it to the talks failing (its utility is
at least its reservation); otherwise no deal.

Mapping the scenario onto the model: capability is the actor's ``capability``; salience on an
issue is the actor's salience there divided by its largest salience (the issue it cares most
about counts 1, like a 100 in BDM's data: it will resist any challenge there); distances are
measured over the issue's range ``[lo, hi]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wargame import bdm
from wargame.episode import RoundRecord

if TYPE_CHECKING:
    from wargame.model import NegotiationModel


def _weights(model: NegotiationModel) -> tuple[np.ndarray, np.ndarray]:
    """Capability ``(A,)`` and salience on 0-1 ``(A, I)`` as the model reads them."""
    capability = np.array([a.capability for a in model.scenario.actors.values()], dtype=float)
    raw = model.payoffs.salience
    top = raw.max(axis=1, keepdims=True)
    salience = np.divide(raw, top, out=np.zeros_like(raw), where=top > 0)
    return capability, salience


def play_round(model: NegotiationModel) -> None:
    t = model.round
    ideal_before = model.payoffs.ideal.copy()
    fired = model.react(t)
    p = model.payoffs
    if model.positions is None:
        model.positions = p.ideal.copy()  # (A, I): everybody starts at its ideal
    else:  # an event that moved an ideal moves the actor's position with it
        model.positions = np.clip(model.positions + (p.ideal - ideal_before), p.lo, p.hi)

    capability, salience = _weights(model)
    # every issue in one call: positions and saliences as (issues, actors)
    new, _, accepted = bdm.step(model.positions.T, capability, salience.T, p.span, model.scenario.variant)
    model.positions = new.T.copy()
    w = bdm.forecast_weights(capability, salience.T)
    forecast = bdm.weighted_median(new, w)
    mean = bdm.weighted_mean(new, w)
    moves = tuple(
        {"issue": issue, **m.as_dict(model.actor_names)}
        for issue, issue_moves in zip(model.issue_names, accepted, strict=True)
        for m in issue_moves
    )

    model.forecast, model.forecast_mean = forecast, mean
    model.standing_offer = forecast
    model.standing_utility = utility = model.utility_of(forecast)
    responses = {a.actor: bool(utility[a.index] >= a.reservation - 1e-12) for a in model.principals}
    support = {s.actor: s.supports(forecast) for s in model.stakeholders}
    last = t >= model.rounds - 1
    deal = last and all(responses.values())
    model.record(
        RoundRecord(
            round=t,
            proposer="forecast",
            offer=dict(zip(model.issue_names, map(float, forecast), strict=True)),
            responses=responses,
            support=support,
            utility=dict(zip(model.actor_names, map(float, utility), strict=True)),
            aspiration={},
            events=tuple(e.event for e in fired),
            deal=deal,
            mean=dict(zip(model.issue_names, map(float, mean), strict=True)),
            positions={
                a: dict(zip(model.issue_names, map(float, model.positions[k]), strict=True))
                for k, a in enumerate(model.actor_names)
            },
            moves=moves,
        )
    )
    if last:
        model.finish(deal=deal, outcome=forecast if deal else model.no_deal, proposer=None)
