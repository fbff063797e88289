"""Negotiation strategies: one small class each, registered here and nowhere else.

To add a strategy, write a :class:`~agents.strategies.base.Strategy` subclass with a ``name``,
its ``Params`` (a :class:`~agents.strategies.base.StrategyParams` whose ``name`` is
``Literal[<name>]``) and an ``aspiration`` (or its own ``propose``/``respond``), and register it:
below for the built-in ones, or :func:`register` from your own code (see docs/extending.md).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Union

from pydantic import Field, SerializeAsAny, TypeAdapter, WrapValidator

from agents.strategies.base import STRATEGIES, Strategy, StrategyParams, register, strategy_names
from agents.strategies.hardliner import Hardliner
from agents.strategies.spe import Spe
from agents.strategies.time_dependent import Boulware, Conceder, Linear, TimeDependent
from agents.strategies.tit_for_tat import TitForTat

for _cls in (Boulware, Linear, Conceder, TitForTat, Hardliner, Spe):
    register(_cls)

DEFAULT = "linear"  # what a principal without a strategy plays


@lru_cache(maxsize=8)
def _adapter(members: tuple[type[StrategyParams], ...]) -> TypeAdapter[Any]:
    """A discriminated union of the registered strategies' parameters (rebuilt when the registry changes)."""
    if len(members) == 1:
        return TypeAdapter(members[0])
    union: Any = Annotated[Union[members], Field(discriminator="name")]  # noqa: UP007
    return TypeAdapter(union)


def validate_params(value: Any) -> StrategyParams:
    """A strategy's parameters (a mapping with ``name``) checked against the registered strategy."""
    if isinstance(value, StrategyParams):
        return value
    params: StrategyParams = _adapter(tuple(s.Params for s in STRATEGIES.values())).validate_python(value)
    return params


def _validate(value: Any, handler: Any) -> StrategyParams:
    return validate_params(value)


# the type of a scenario's ``strategy:`` field: validated against the registry when it is read
StrategyField = Annotated[SerializeAsAny[StrategyParams], WrapValidator(_validate)]


def make_strategy(params: StrategyParams | None) -> Strategy:
    """The strategy object for a scenario's strategy parameters (none given: linear)."""
    if params is None:
        params = STRATEGIES[DEFAULT].Params.model_validate({"name": DEFAULT})
    return STRATEGIES[params.name](params)


__all__ = [
    "DEFAULT",
    "STRATEGIES",
    "Boulware",
    "Conceder",
    "Hardliner",
    "Linear",
    "Spe",
    "Strategy",
    "StrategyField",
    "StrategyParams",
    "TimeDependent",
    "TitForTat",
    "make_strategy",
    "register",
    "strategy_names",
    "validate_params",
]
