"""Subgame-perfect play of two-party alternating offers, by backward induction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from agents.strategies.base import Strategy, StrategyParams
from wargame.solutions import SubgamePerfect, accepts, subgame_perfect

if TYPE_CHECKING:
    from agents.negotiator import NegotiatorView


class Spe(Strategy):
    """Plays its part of the subgame-perfect plan of two-party alternating offers.

    The agent solves the finite-horizon game over the efficient packages (and the package each side
    likes least, an offer the other refuses whenever it refuses anything) with its own payoffs and
    its (possibly noisy) view of the other principal's, then offers what the plan says and accepts
    an offer worth, discounted to now, at least what waiting for the next round's subgame is worth.
    Against another ``spe`` agent who sees it right, the first offer is accepted at once. The plan
    is recomputed when payoffs change (an event fired).
    """

    name = "spe"
    principals = 2
    whole_frontier = True

    class Params(StrategyParams):
        name: Literal["spe"]

    def __init__(self, params: StrategyParams) -> None:
        super().__init__(params)
        self._plan: SubgamePerfect | None = None
        self._planned_for = -1  # the view's version the plan was made for

    def plan(self, view: NegotiatorView) -> SubgamePerfect:
        """The plan for the agent's current beliefs (party 0 proposes first)."""
        if self._plan is None or self._planned_for != view.version:
            me = view.turn
            least, least_U = view.least_liked
            mine = np.concatenate([view.own, least_U[0]])
            theirs = np.concatenate([view.others_utility[0], least_U[1]])
            U = np.stack([mine, theirs] if me == 0 else [theirs, mine])
            self._packages = np.concatenate([view.packages, least])
            r = np.array([view.reservation, view.others_reservation[0]])
            d = np.array([view.discount, view.others_discount[0]])
            if me == 1:
                r, d = r[::-1], d[::-1]
            self._plan = subgame_perfect(U, r, d, view.rounds, first=0)
            self._planned_for = view.version
        return self._plan

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        """The value of the subgame starting at ``round_``, in that round's utility: a deal in round
        ``t >= round_`` worth ``U`` is worth ``discount ** (t - round_) * U`` then; failure, which is
        not discounted, is worth the reservation."""
        plan = self.plan(view)
        deals = [t for t in range(round_, view.rounds) if plan.accepted[t]]
        if not deals:
            return view.reservation
        return float(plan.value[round_, view.turn] / view.discount**round_)

    def propose(self, view: NegotiatorView, round_: int) -> np.ndarray:
        proposal = self.plan(view).proposal[round_]
        return np.array(self._packages[proposal])

    def respond(self, view: NegotiatorView, offer: np.ndarray, round_: int) -> bool:
        """The plan's own rule: accept what beats the next round's subgame, discounted to now."""
        wait = self.plan(view).value[round_ + 1, view.turn]
        return bool(accepts(np.array(view.utility(offer)), view.discount, round_, wait))
