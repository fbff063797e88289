"""A person decides for a government, through a seat (the keyboard, a moves file, a browser).

The engine never talks to a person itself. A *seat* is any object with the three methods of
:class:`Seat`; :mod:`wargame.classroom` provides one that asks at the keyboard and one that
replays a YAML file. A principal with a seat proposes and responds through it; a government with a
seat and events of its own (a stakeholder's actions, a principal's threats) chooses each round
which to trigger, or passes (its events then never fire by chance or by its agent's choice).
Seats see what :class:`agents.view.SeatView` shows, nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from agents.strategies.base import Strategy, StrategyParams

if TYPE_CHECKING:
    from agents.negotiator import NegotiatorView
    from agents.view import SeatView


class Seat(Protocol):
    """Where a person's decisions come from."""

    def propose(self, view: SeatView, round_: int) -> np.ndarray:
        """The package (one value per issue, on the grid) the person offers in ``round_``."""
        ...

    def respond(self, view: SeatView, offer: np.ndarray, round_: int) -> bool:
        """Whether the person accepts ``offer``."""
        ...

    def act(self, view: SeatView, round_: int, events: list[str]) -> str | None:
        """Which of ``events`` (those it may still fire) the person triggers, or None to pass."""
        ...


class Human(Strategy):
    """A principal played by a person: every decision goes to the seat (never registered: it is
    not something a scenario can name)."""

    name = "human"

    class Params(StrategyParams):
        name: Literal["human"] = "human"

    def __init__(self, seat: Seat, shown: SeatView):
        super().__init__(self.Params())
        self.seat = seat
        self.shown = shown  # what the person sees: more than a strategy's view

    def aspiration(self, view: NegotiatorView, round_: int) -> float:
        return float("nan")  # a person has no schedule we know of

    def propose(self, view: NegotiatorView, round_: int) -> np.ndarray:
        return np.asarray(self.seat.propose(self.shown, round_), dtype=float)

    def respond(self, view: NegotiatorView, offer: np.ndarray, round_: int) -> bool:
        return bool(self.seat.respond(self.shown, offer, round_))
