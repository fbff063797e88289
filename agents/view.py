"""What agents see of the table, as typing Protocols (NegMAS negotiators see a state and an
interface, never the mechanism itself).

* :class:`NegotiatorView` is all a strategy may read: its own utilities and reservation, its
  discount, the others' payoffs as it perceives them, the offers so far, the number of rounds and
  the candidate packages. :class:`agents.government.GovernmentAgent` provides it.
* :class:`SeatView` adds what a person deciding for a government is shown (the round, the issues,
  the offer on the table, the history): what a seat (:mod:`agents.human`) reads.
* :class:`Party` is a government as a protocol sees it: it proposes, responds and says whether it
  backs an offer.
* :class:`Table` is what the model offers its agents (:class:`wargame.model.NegotiationModel`
  provides it); only the agent reads it.

Nothing here imports the model: the model depends on the agents, never the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from wargame.episode import RoundRecord
    from wargame.payoffs import Payoffs
    from wargame.scenario import Scenario


class Offer(NamedTuple):
    """One proposal: the round, who made it, the package (one value per issue)."""

    round: int
    proposer: str
    package: np.ndarray


@runtime_checkable
class NegotiatorView(Protocol):
    """What a strategy sees of the talks."""

    @property
    def actor(self) -> str: ...

    @property
    def turn(self) -> int:
        """Its place in the proposing order (0 proposes in round 0)."""
        ...

    @property
    def rounds(self) -> int:
        """How many rounds the talks last (the last is ``rounds - 1``)."""
        ...

    @property
    def candidates(self) -> np.ndarray:
        """The packages it may offer: ``(B, I)``."""
        ...

    @property
    def offers(self) -> Sequence[Offer]:
        """Every offer made so far, in order."""
        ...

    @property
    def own(self) -> np.ndarray:
        """Its own utility of each candidate: ``(B,)``."""
        ...

    @property
    def best_utility(self) -> float: ...

    @property
    def reservation(self) -> float:
        """What the talks failing is worth to it (the no-deal utility minus ``no_deal_cost``)."""
        ...

    @property
    def discount(self) -> float: ...

    @property
    def others_utility(self) -> np.ndarray:
        """The other principals' utilities of each candidate as it perceives them: ``(P - 1, B)``."""
        ...

    @property
    def others_reservation(self) -> np.ndarray: ...

    @property
    def others_discount(self) -> np.ndarray: ...

    @property
    def version(self) -> int:
        """Bumped whenever its payoffs or beliefs change (an event fired): plans made before are stale."""
        ...

    def utility(self, package: np.ndarray) -> float:
        """Its own utility of one package."""
        ...

    def best_package(self, level: float) -> np.ndarray:
        """Among candidates worth at least ``level`` to it, the one best for the others (as it sees them)."""
        ...


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


@runtime_checkable
class Party(Protocol):
    """A government as a protocol sees it."""

    @property
    def actor(self) -> str: ...

    @property
    def index(self) -> int:
        """Its row in the payoff arrays."""
        ...

    @property
    def reservation(self) -> float: ...

    @property
    def aspiration_now(self) -> float:
        """What it asked for in its last decision (nan for a person, or before it decided)."""
        ...

    def propose(self, round_: int) -> np.ndarray: ...

    def respond(self, offer: np.ndarray, round_: int) -> bool: ...

    def supports(self, offer: np.ndarray) -> bool:
        """Whether it prefers ``offer`` to the talks failing."""
        ...


class Table(Protocol):
    """What the model offers its agents."""

    rng: np.random.Generator
    scenario: Scenario
    rounds: int
    candidates: np.ndarray
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

    def utility_row(self, row: int) -> np.ndarray:
        """Principal ``row``'s current utility of every candidate: ``(B,)``."""
        ...

    def grid_utilities(self, payoffs: Payoffs) -> np.ndarray:
        """Utilities of every candidate under ``payoffs`` (any subset of actors): ``(rows, B)``."""
        ...
