"""Relative tit-for-tat: concede, in own utility, what the others' offers conceded to us."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from agents.strategies.base import Strategy, StrategyParams
from wargame.schema import Number

if TYPE_CHECKING:
    from agents.negotiator import NegotiatorView


class TitForTat(Strategy):
    """Mirrors the others' cumulative concession, scaled by ``reciprocity``, after an opening one.

    The others' concession is how much better their latest offer is for the agent than their first.
    """

    name = "tit_for_tat"

    class Params(StrategyParams):
        name: Literal["tit_for_tat"]
        reciprocity: Number = Field(default=1.0, gt=0, le=5)
        opening: Number = Field(default=0.05, ge=0, lt=1, description="first, unreciprocated concession")

    params: Params

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        best, r = view.best_utility, min(view.floor, view.best_utility)
        if round_ <= 0:
            return best
        theirs = [o.package for o in view.offers if o.proposer != view.actor and o.round < round_]
        conceded = 0.0
        if len(theirs) >= 2:
            conceded = max(0.0, view.utility(theirs[-1]) - view.utility(theirs[0]))
        return float(max(r, best - self.params.opening - self.params.reciprocity * conceded))
