"""The strategy interface and the registry every strategy is looked up in.

A strategy decides *how much* an agent asks for in a round (its aspiration, in its own utility);
the agent decides *which* package delivers it (:meth:`NegotiatorView.best_package`: exactly, among
the efficient packages of :mod:`wargame.frontier`; in the last round, the offer worth the most in
expectation when the others' types are private: :mod:`wargame.beliefs`). Responders accept an
offer worth at least what they would ask for next round, discounted:
``U(offer) >= max(r, discount * aspiration(t + 1))``.

A strategy class carries its YAML parameters as a nested pydantic model, ``Params``, whose
``name`` is the strategy's name. :func:`register` adds a class to :data:`STRATEGIES`; the scenario
schema, ``--help`` and the docs take the known names from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import BaseModel

from wargame.schema import Strict

if TYPE_CHECKING:
    from agents.negotiator import NegotiatorView


class StrategyParams(Strict):
    """A strategy's parameters as written in a scenario (``{name: boulware, e: 0.2}``)."""

    name: str

    @classmethod
    def variants(cls) -> list[type[BaseModel]]:
        """Every registered strategy's parameter model (for "did you mean" on unknown keys)."""
        return [s.Params for s in STRATEGIES.values()]


class Strategy:
    """Base: subclasses set ``name`` and ``Params`` and define :meth:`aspiration`."""

    name: ClassVar[str]
    Params: ClassVar[type[StrategyParams]]
    # how many principals the strategy can bargain among (None: any number)
    principals: ClassVar[int | None] = None
    # whether it reads efficient packages worth less than its reservation to it (a plan of the
    # whole game does; offers and replies at or above the reservation do not)
    whole_frontier: ClassVar[bool] = False

    def __init__(self, params: StrategyParams) -> None:
        self.params = params

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        raise NotImplementedError

    def propose(self, view: NegotiatorView, round_: int) -> np.ndarray:
        """The package this agent offers in ``round_``: in the last round, the one worth the most
        in expectation under its beliefs about the others' private types."""
        level = self.aspiration(view, round_)
        if round_ >= view.rounds - 1:
            return view.last_offer(level)
        return view.best_package(level)

    def respond(self, view: NegotiatorView, offer: np.ndarray, round_: int) -> bool:
        """Accept ``offer`` (made in ``round_``) or not."""
        wait_value = view.discount * self.aspiration(view, round_ + 1)
        return bool(view.utility(offer) >= max(view.reservation, wait_value) - 1e-12)


STRATEGIES: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy class under its ``name`` (usable as a decorator)."""
    params_name = cls.Params.model_fields["name"].annotation
    if getattr(params_name, "__args__", None) != (cls.name,):
        raise TypeError(f"{cls.__name__}.Params.name must be Literal[{cls.name!r}]")
    if cls.name in STRATEGIES and STRATEGIES[cls.name] is not cls:
        raise ValueError(f"a strategy named {cls.name!r} is registered already")
    STRATEGIES[cls.name] = cls
    return cls


def strategy_names() -> tuple[str, ...]:
    return tuple(STRATEGIES)
