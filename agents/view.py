"""What agents see of the table, as typing Protocols (NegMAS negotiators see a state and an
interface, never the mechanism itself).

* :class:`SeatView` adds to :class:`agents.negotiator.NegotiatorView` what a person deciding for a
  government is shown (the round, the issues, the offer on the table, the history): what a seat
  (:mod:`agents.human`) reads.
* :class:`Table` is what the model offers its agents (:class:`wargame.model.NegotiationModel`
  provides it); only the agent reads it.

Nothing here imports the model: the model depends on the agents, never the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from agents.negotiator import NegotiatorView, Offer

if TYPE_CHECKING:
    from wargame.episode import RoundRecord
    from wargame.frontier import Frontier
    from wargame.payoffs import Payoffs
    from wargame.scenario import Scenario


@runtime_checkable
class SeatView(NegotiatorView, Protocol):
    """What a person deciding for a government is shown."""

    @property
    def round(self) -> int: ...

    @property
    def scenario(self) -> Scenario:
        """The scenario as it stands (issues, events; payoffs as events left them). It holds every
        government's payoffs: a seat shows the person only its own, as the role card does (the
        others' are revealed in the debrief)."""
        ...

    @property
    def ideal(self) -> np.ndarray:
        """Its own ideal package."""
        ...

    @property
    def standing_offer(self) -> np.ndarray: ...

    @property
    def history(self) -> Sequence[RoundRecord]: ...

    @property
    def settled(self) -> dict[str, float]:
        """Issues of tracks settled so far, with their values (an offer keeps them)."""
        ...


class Table(Protocol):
    """What the model offers its agents."""

    rng: np.random.Generator
    scenario: Scenario
    rounds: int
    offers: list[Offer]
    history: list[RoundRecord]
    standing_offer: np.ndarray
    payoffs: Payoffs
    reservations: np.ndarray
    principal_names: tuple[str, ...]
    no_deal: np.ndarray  # what the talks failing now leaves (settled tracks keep their terms)
    cost_share: float  # the part of no_deal_cost a failure now costs (the tracks still open)

    @property
    def round(self) -> int: ...

    def utility_of(self, package: np.ndarray) -> np.ndarray:
        """Every actor's current utility of one package: ``(A,)``."""
        ...

    def settled_values(self) -> dict[str, float]:
        """Issue -> value for the issues of tracks settled so far."""
        ...

    def outlook(self, event: str | None = None) -> np.ndarray | None:
        """The agreement the talks are predicted to reach from the public payoffs (None: failure),
        as they stand or if ``event`` fired now."""
        ...

    def action_risk(self, event: str) -> float:
        """The chance that ``event`` firing now ends the talks by a breakdown before they are over."""
        ...

    def best_utilities(self, payoffs: Payoffs) -> np.ndarray:
        """The most each actor of ``payoffs`` can get from a package: ``(K,)``."""
        ...

    def tables(self, payoffs: Payoffs) -> list[np.ndarray]:
        """Block tables of ``payoffs`` (as somebody sees them) on the table now (:mod:`wargame.frontier`)."""
        ...

    def frontier_of(self, tables: list[np.ndarray], floor: np.ndarray | None = None) -> Frontier:
        """The efficient packages for the rows of ``tables`` (worth at least ``floor`` to each), exactly."""
        ...
