"""HumanAgent's strategy: a person decides, through a seat (the terminal, or a scripted moves file).

The engine never talks to a terminal itself. A *seat* is any object with the three methods of
:class:`Seat`; :mod:`wargame.classroom` provides one that asks at the keyboard and one that
replays a YAML file. A principal with a seat proposes and responds through it; a stakeholder with
a seat chooses each round which of its events to trigger, or passes (its events then never fire
by chance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from agents.strategies import Strategy

if TYPE_CHECKING:
    from agents.government import GovernmentAgent


class Seat(Protocol):
    """Where a person's decisions come from."""

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        """The package (one value per issue, on the grid) the person offers in ``round_``."""
        ...

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        """Whether the person accepts ``offer``."""
        ...

    def act(self, agent: GovernmentAgent, round_: int, events: list[str]) -> str | None:
        """Which of ``events`` (those it may still fire) the person triggers, or None to pass."""
        ...


class Human(Strategy):
    """A principal played by a person: every decision goes to the seat."""

    name = "human"

    def __init__(self, seat: Seat):
        self.seat = seat

    def aspiration(self, agent: GovernmentAgent, round_: int) -> float:
        return float("nan")  # a person has no schedule we know of

    def propose(self, agent: GovernmentAgent, round_: int) -> np.ndarray:
        return np.asarray(self.seat.propose(agent, round_), dtype=float)

    def respond(self, agent: GovernmentAgent, offer: np.ndarray, round_: int) -> bool:
        return bool(self.seat.respond(agent, offer, round_))
