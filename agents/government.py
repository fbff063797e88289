"""GovernmentAgent: one government at the table (principal) or around it (stakeholder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.human import Human
from agents.strategies import Strategy, make_strategy
from wargame.payoffs import Payoffs, grid_utilities, perceived

if TYPE_CHECKING:
    from wargame.model import NegotiationModel


class GovernmentAgent(mesa.Agent):
    """A government with payoffs, a strategy and a (possibly noisy) view of the others.

    Principals propose and respond; stakeholders state support and act through events. The agent
    sees its own payoffs exactly and everybody else's through perception noise drawn once per
    episode from the model's generator, so the same seed gives the same misperceptions.
    """

    model: NegotiationModel

    def __init__(self, model: NegotiationModel, actor: str):
        super().__init__(model)
        spec = model.scenario.actors[actor]
        self.actor = actor
        self.role = spec.role
        self.index = model.payoffs.index(actor)
        self.seat = model.humans.get(actor)  # a person plays this government
        self.strategy: Strategy | None = None
        if self.role == "principal":
            self.strategy = Human(self.seat) if self.seat is not None else make_strategy(spec.strategy)
        self.noise = spec.perception_noise
        shape = model.payoffs.ideal.shape
        # drawn even when noise is 0, so adding noise to one actor does not reshuffle the others
        self._z_ideal = model.rng.standard_normal(shape)
        self._z_salience = model.rng.standard_normal(shape)
        self.aspiration_now = float("nan")
        self.version = 0  # bumped whenever payoffs change, so strategies know to re-plan
        self.refresh()

    # -- what it knows ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute what the agent knows after payoffs changed (start, or an event fired)."""
        m = self.model
        self.version += 1
        self.reservation = float(m.reservations[self.index])
        self.discount = float(m.payoffs.discount[self.index])
        if self.role != "principal":
            return
        self.own = m.candidate_utility[self.index]
        self.best_utility = float(self.own.max())
        others = [m.payoffs.index(a) for a in m.scenario.principals if a != self.actor]
        view: Payoffs = perceived(m.payoffs, self.noise, self._z_ideal, self._z_salience, self.index)
        if others:
            seen = view.select(others)
            U = grid_utilities(seen, m.axes, m.candidate_index, m.full_grid)
            r = seen.reservations(m.no_deal)
            # what it believes of the others, for strategies that reason about their replies (spe)
            self.others_utility, self.others_reservation, self.others_discount = U, r, seen.discount
            gains = np.maximum(U - r[:, None], 1e-6)
            # product of the others' perceived gains (as a log sum); their utility breaks ties
            # among packages that give nobody a gain, so offers still drift toward acceptable ones
            self._others_score = np.log(gains).sum(axis=0) + 1e-6 * U.sum(axis=0)
        else:
            self._others_score = np.zeros(len(m.candidates))
            self.others_utility = np.empty((0, len(m.candidates)))
            self.others_reservation = self.others_discount = np.empty(0)

    def utility(self, package: np.ndarray) -> float:
        """This actor's true utility of one package."""
        return float(self.model.utility_of(package)[self.index])

    # -- what it does -------------------------------------------------------------------------

    def best_package(self, level: float) -> np.ndarray:
        """Among packages worth at least ``level`` to itself, the one best for the others."""
        ok = self.own >= level - 1e-12
        if not ok.any():
            return np.array(self.model.candidates[int(np.argmax(self.own))])
        score = np.where(ok, self._others_score, -np.inf)
        return np.array(self.model.candidates[int(np.argmax(score))])

    def propose(self, round_: int) -> np.ndarray:
        assert self.strategy is not None, "only principals propose"
        self.aspiration_now = self.strategy.aspiration(self, round_)
        return self.strategy.propose(self, round_)

    def respond(self, offer: np.ndarray, round_: int) -> bool:
        assert self.strategy is not None, "only principals respond"
        self.aspiration_now = self.strategy.aspiration(self, round_ + 1)
        return self.strategy.respond(self, offer, round_)

    def supports(self, offer: np.ndarray) -> bool:
        """A stakeholder backs an offer it prefers to the talks failing."""
        return self.utility(offer) >= self.reservation
