"""A hardliner: a fixed floor, never an opening position."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from agents.strategies.base import Strategy, StrategyParams
from wargame.schema import Number

if TYPE_CHECKING:
    from agents.negotiator import NegotiatorView


class Hardliner(Strategy):
    """Never asks for, nor accepts, less than ``level`` (or its reservation, if higher)."""

    name = "hardliner"

    class Params(StrategyParams):
        name: Literal["hardliner"]
        level: Number = Field(default=0.9, gt=0, le=1)

    params: Params

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        return float(min(view.best_utility, max(view.floor, self.params.level)))

    def respond(self, view: NegotiatorView, offer: np.ndarray, round_: int) -> bool:
        # no discounting: the level is a floor, not an opening position
        return bool(view.utility(offer) >= self.aspiration(view, round_ + 1) - 1e-12)
