"""Bueno de Mesquita's expected utility model as a protocol; one round per :meth:`play_round`.

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
from wargame.protocols.base import NegotiationProtocol, ProtocolTable

if TYPE_CHECKING:
    from wargame.payoffs import Payoffs


def weights(p: Payoffs) -> tuple[np.ndarray, np.ndarray]:
    """Capability and salience on 0-1, both ``(A, I)``, as the model reads them."""
    raw = p.salience
    top = raw.max(axis=1, keepdims=True)
    return p.capability, np.divide(raw, top, out=np.zeros_like(raw), where=top > 0)


class ExpectedUtility(NegotiationProtocol):
    """Positions move by pairwise challenges; the principals accept or veto the final forecast."""

    name = "expected_utility"
    variants = bdm.VARIANTS

    def __init__(self, table: ProtocolTable) -> None:
        super().__init__(table)
        self.positions: np.ndarray | None = None  # (A, I), set in round 0
        self.median: np.ndarray | None = None  # the forecast: weighted median per issue
        self.mean: np.ndarray | None = None

    def forecast(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        return self.median, self.mean

    def predict(self, payoffs: Payoffs) -> np.ndarray | None:
        """The forecast now (each issue's weighted median of the positions) if the payoffs were
        ``payoffs``: a moved ideal moves its actor's position, and capabilities and saliences weigh
        the positions; the challenges still to come are not anticipated. In this model the forecast
        is the outcome actors bargain over: whether the principals will take it at the end is
        not part of the prediction."""
        table = self.table
        start = table.payoffs.ideal if self.positions is None else self.positions
        positions = np.clip(start + (payoffs.ideal - table.payoffs.ideal), payoffs.lo, payoffs.hi)
        capability, salience = weights(payoffs)
        w = bdm.forecast_weights(capability.T, salience.T)
        return table.settle(table.admissible(bdm.weighted_median(positions.T, w)))

    def play_round(self) -> None:
        table = self.table
        t = table.round
        ideal_before = table.payoffs.ideal.copy()
        fired = table.react(t)
        p = table.payoffs
        if self.positions is None:
            self.positions = p.ideal.copy()  # everybody starts at its ideal
        else:  # an event that moved an ideal moves the actor's position with it
            self.positions = np.clip(self.positions + (p.ideal - ideal_before), p.lo, p.hi)

        capability, salience = weights(p)
        # every issue in one call: positions and saliences as (issues, actors)
        new, _, accepted = bdm.step(self.positions.T, capability.T, salience.T, p.span, table.variant)
        self.positions = new.T.copy()
        self.version += 1
        w = bdm.forecast_weights(capability.T, salience.T)
        # an issue decided among options lands on one (the mean stays where the positions are)
        self.median = table.admissible(bdm.weighted_median(new, w))
        forecast = table.settle(self.median)  # settled tracks keep their terms
        self.mean = bdm.weighted_mean(new, w)
        moves = tuple(
            {"issue": issue, **m.as_dict(table.actor_names)}
            for issue, issue_moves in zip(table.issue_names, accepted, strict=True)
            for m in issue_moves
        )

        table.standing_offer = forecast
        table.standing_utility = utility = table.utility_of(forecast)
        responses = {a.actor: bool(utility[a.index] >= a.reservation - 1e-12) for a in table.principals}
        support = {s.actor: s.supports(forecast) for s in table.stakeholders}
        last = t >= table.rounds - 1
        deal = last and all(responses.values())
        vetoed = tuple(table.vetoes(forecast)) if deal else ()  # the forecast is not anticipated
        deal = deal and not vetoed
        table.record(
            RoundRecord(
                round=t,
                proposer="forecast",
                offer=table.by_issue(forecast),
                responses=responses,
                support=support,
                utility=table.by_actor(utility),
                aspiration={},
                events=tuple(e.event for e in fired),
                deal=deal,
                mean=table.by_issue(self.mean),
                positions={a: table.by_issue(self.positions[k]) for k, a in enumerate(table.actor_names)},
                moves=moves,
                vetoed_by=vetoed,
            )
        )
        if last:
            table.finish(deal=deal, outcome=forecast if deal else table.no_deal, proposer=None)
