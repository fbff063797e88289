"""Negotiation strategies: one small class each, with ``propose`` and ``respond``.

A strategy decides *how much* an agent asks for in a round (its aspiration, in its own utility);
the agent (:class:`agents.government.GovernmentAgent`) decides *which* package delivers it, scoring
every candidate package in one vectorized call. Responders accept an offer worth at least what
they would ask for next round, discounted: ``U(offer) >= max(r, discount * aspiration(t + 1))``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from wargame.scenario import HardlinerSpec, SpeSpec, TimeDependentSpec, TitForTatSpec
from wargame.solutions import SubgamePerfect, accepts, subgame_perfect

if TYPE_CHECKING:
    from agents.government import GovernmentAgent


class Strategy:
    """Base: subclasses define :meth:`aspiration`."""

    name = "strategy"

    def aspiration(self, agent: GovernmentAgent, round_: int) -> float:
        raise NotImplementedError

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        """The package this agent offers in ``round_``."""
        return agent.best_package(self.aspiration(agent, round_))

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        """Accept ``offer`` (made in ``round_``) or not."""
        wait_value = agent.discount * self.aspiration(agent, round_ + 1)
        return bool(agent.utility(offer) >= max(agent.reservation, wait_value) - 1e-12)


class TimeDependent(Strategy):
    """Faratin, Sierra & Jennings (1998): ``a(t) = r + (best - r) * (1 - (t / T) ** (1 / e))``.

    ``e < 1`` Boulware (holds firm, concedes at the deadline), ``e = 1`` linear, ``e > 1``
    Conceder (concedes early). ``T`` is the last round; ``best`` the agent's best attainable utility.
    """

    def __init__(self, name: str, e: float):
        self.name = name
        self.e = e

    def aspiration(self, agent: GovernmentAgent, round_: int) -> float:
        horizon = max(agent.model.rounds - 1, 1)
        progress = min(max(round_, 0) / horizon, 1.0)
        r, best = agent.reservation, agent.best_utility
        return float(r + (best - r) * (1.0 - progress ** (1.0 / self.e)))


class TitForTat(Strategy):
    """Relative tit-for-tat: concede, in own utility, what the others' offers conceded to us.

    After an opening concession the agent mirrors the others' cumulative concession (how much
    better their latest offer is for it than their first), scaled by ``reciprocity``.
    """

    name = "tit_for_tat"

    def __init__(self, reciprocity: float, opening: float):
        self.reciprocity = reciprocity
        self.opening = opening

    def aspiration(self, agent: GovernmentAgent, round_: int) -> float:
        best, r = agent.best_utility, agent.reservation
        if round_ <= 0:
            return best
        theirs = [offer for (t, who, offer) in agent.model.offers if who != agent.actor and t < round_]
        conceded = 0.0
        if len(theirs) >= 2:
            conceded = max(0.0, agent.utility(theirs[-1]) - agent.utility(theirs[0]))
        return float(max(r, best - self.opening - self.reciprocity * conceded))


class Hardliner(Strategy):
    """Never asks for, nor accepts, less than ``level`` (or its reservation, if higher)."""

    name = "hardliner"

    def __init__(self, level: float):
        self.level = level

    def aspiration(self, agent: GovernmentAgent, round_: int) -> float:
        return float(min(agent.best_utility, max(agent.reservation, self.level)))

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        # no discounting: the level is a floor, not an opening position
        return bool(agent.utility(offer) >= self.aspiration(agent, round_ + 1) - 1e-12)


class Spe(Strategy):
    """Subgame-perfect play of two-party alternating offers, by backward induction.

    The agent solves the finite-horizon game over the candidate packages with its own payoffs and
    its (possibly noisy) view of the other principal's, then plays its part of the plan: it offers
    what the plan says and accepts an offer worth, discounted to now, at least what waiting for the
    next round's subgame is worth. Against another ``spe`` agent who sees it right, the first
    offer is accepted at once. The plan is recomputed when payoffs change (an event fired).
    """

    name = "spe"

    def __init__(self) -> None:
        self._plan: SubgamePerfect | None = None
        self._planned_for = -1  # the agent's payoff version the plan was made for

    def plan(self, agent: GovernmentAgent) -> tuple[SubgamePerfect, int]:
        """The plan for the agent's current beliefs and which party (0 proposes first) it is."""
        me = agent.model.scenario.principals.index(agent.actor)
        if self._plan is None or self._planned_for != agent.version:
            mine, theirs = agent.own, agent.others_utility[0]
            U = np.stack([mine, theirs] if me == 0 else [theirs, mine])
            r = np.array([agent.reservation, agent.others_reservation[0]])
            d = np.array([agent.discount, agent.others_discount[0]])
            if me == 1:
                r, d = r[::-1], d[::-1]
            self._plan = subgame_perfect(U, r, d, agent.model.rounds, first=0)
            self._planned_for = agent.version
        return self._plan, me

    def aspiration(self, agent: GovernmentAgent, round_: int) -> float:
        """The value of the subgame starting at ``round_``, in that round's utility."""
        if round_ >= agent.model.rounds:
            return agent.reservation
        plan, me = self.plan(agent)
        return float(plan.value[round_, me] / agent.discount**round_)

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        plan, _ = self.plan(agent)
        return np.array(agent.model.candidates[plan.proposal[round_]])

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        """The plan's own rule: accept what beats the next round's subgame, discounted to now."""
        plan, me = self.plan(agent)
        wait = plan.value[round_ + 1, me]
        return bool(accepts(np.array(agent.utility(offer)), agent.discount, round_, wait))


def make_strategy(spec: TimeDependentSpec | TitForTatSpec | HardlinerSpec | SpeSpec | None) -> Strategy:
    """The strategy object for a scenario's strategy spec (principals without one play linear)."""
    if spec is None:
        return TimeDependent("linear", 1.0)
    if isinstance(spec, TimeDependentSpec):
        return TimeDependent(spec.name, float(spec.e or 1.0))
    if isinstance(spec, TitForTatSpec):
        return TitForTat(spec.reciprocity, spec.opening)
    if isinstance(spec, HardlinerSpec):
        return Hardliner(spec.level)
    if isinstance(spec, SpeSpec):
        return Spe()
    raise TypeError(f"no strategy for {spec!r}")
