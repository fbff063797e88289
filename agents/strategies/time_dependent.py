"""Time-dependent concession (Faratin, Sierra & Jennings 1998): Boulware, Linear and Conceder.

``a(t) = f + (best - f) * (1 - (t / T) ** (1 / e))``: ``T`` is the last round, ``best`` the
agent's best attainable utility, ``f`` its floor (its reservation, or more for a firm agent:
:attr:`agents.negotiator.NegotiatorView.floor`). ``e < 1`` holds firm and concedes at the
deadline (Boulware), ``e = 1`` concedes evenly (Linear), ``e > 1`` concedes early (Conceder).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from agents.strategies.base import Strategy, StrategyParams
from wargame.schema import Number

if TYPE_CHECKING:
    from agents.negotiator import NegotiatorView


class ExponentParams(StrategyParams):
    """Parameters of a time-dependent strategy: the concession exponent ``e``, which each of the
    three kinds bounds in its own way (``allowed``: a test of ``e`` and what to say when it fails)."""

    e: Number = Field(gt=0, le=50)
    allowed: ClassVar[tuple[Callable[[float], bool], str]]

    @model_validator(mode="after")
    def _check(self) -> ExponentParams:
        ok, problem = self.allowed
        if not ok(self.e):
            raise ValueError(problem.format(e=self.e))
        return self


class TimeDependent(Strategy):
    """Concede along ``a(t) = f + (best - f) * (1 - (t / T) ** (1 / e))``."""

    params: ExponentParams

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        horizon = max(view.rounds - 1, 1)
        progress = min(max(round_, 0) / horizon, 1.0)
        f, best = view.floor, view.best_utility
        f = min(f, best)
        return float(f + (best - f) * (1.0 - progress ** (1.0 / self.params.e)))


class Boulware(TimeDependent):
    """Holds firm and concedes near the deadline (``e < 1``)."""

    name = "boulware"

    class Params(ExponentParams):
        name: Literal["boulware"]
        e: Number = Field(default=0.2, gt=0, le=50)
        allowed = (lambda e: e < 1, "boulware needs e < 1 (got {e}); use conceder for e > 1")


class Linear(TimeDependent):
    """Concedes the same amount every round (``e = 1``)."""

    name = "linear"

    class Params(ExponentParams):
        name: Literal["linear"]
        e: Number = Field(default=1.0, gt=0, le=50)
        allowed = (lambda e: e == 1, "linear has e = 1 (got {e}); use boulware or conceder")


class Conceder(TimeDependent):
    """Concedes early (``e > 1``)."""

    name = "conceder"

    class Params(ExponentParams):
        name: Literal["conceder"]
        e: Number = Field(default=3.0, gt=0, le=50)
        allowed = (lambda e: e > 1, "conceder needs e > 1 (got {e}); use boulware for e < 1")
