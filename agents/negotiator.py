"""What a strategy and a protocol see of a government, as typing Protocols (NegMAS negotiators see
a state and an interface, never the mechanism itself).

* :class:`NegotiatorView` is all a strategy may read: its own utilities and reservation, its
  discount, the others' payoffs as it perceives them, the offers so far, the number of rounds and
  the efficient packages (exact: :mod:`wargame.frontier`; no strategy sees a sample).
  :class:`agents.government.GovernmentAgent` provides it.
* :class:`Party` is a government as a protocol sees it: it proposes, responds and says whether it
  backs an offer.

Plain arrays only: nothing here names the scenario, the payoffs or the model, so the registries of
strategies and protocols (which the scenario schema reads) depend on nothing above them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np


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
    def packages(self) -> np.ndarray:
        """The efficient packages, for itself and the others as it sees them, worth at least its
        reservation to it (all of them for a strategy whose ``whole_frontier`` is true): ``(F, I)``,
        sorted by its own utility (ascending). Any package it would offer is beaten or matched by
        one of them for everybody at once. Facing several others, they are efficient for itself
        against a weighted sum of theirs (:meth:`best_package`)."""
        ...

    @property
    def offers(self) -> Sequence[Offer]:
        """Every offer made so far, in order."""
        ...

    @property
    def own(self) -> np.ndarray:
        """Its own utility of each efficient package: ``(F,)``."""
        ...

    @property
    def best_utility(self) -> float: ...

    @property
    def reservation(self) -> float:
        """What the talks failing is worth to it (the no-deal utility minus ``no_deal_cost``)."""
        ...

    @property
    def floor(self) -> float:
        """The least it will settle for: its reservation, or more when it is firm and believes it
        can get more (``firmness`` of its believed gain at the Nash point)."""
        ...

    @property
    def discount(self) -> float: ...

    @property
    def others_utility(self) -> np.ndarray:
        """The other principals' utilities of each efficient package as it perceives them: ``(P - 1, F)``."""
        ...

    @property
    def others_reservation(self) -> np.ndarray:
        """The other principals' reservations as it sees them: for one whose no-deal cost is
        private, the one its belief expects (it moves as refusals teach it)."""
        ...

    @property
    def others_discount(self) -> np.ndarray: ...

    @property
    def version(self) -> int:
        """Bumped whenever its payoffs or beliefs change (an event fired): plans made before are stale."""
        ...

    def utility(self, package: np.ndarray) -> float:
        """Its own utility of one package."""
        ...

    @property
    def least_liked(self) -> tuple[np.ndarray, np.ndarray]:
        """The package each principal likes least (itself first, then the others as it sees them),
        ``(P, I)``, and everybody's utility of each, ``(P, P)`` (column ``k``: principal ``k``'s):
        an offer a responder refuses whenever it refuses anything."""
        ...

    def best_package(self, level: float) -> np.ndarray:
        """Among packages worth at least ``level`` to it, the one best for the others (as it sees them):
        the largest product of their gains over their reservations."""
        ...

    def last_offer(self, level: float) -> np.ndarray:
        """The offer for the last round, when nobody can wait: among packages worth at least
        ``level`` to it, the one worth the most in expectation under its beliefs about the others'
        private types (:mod:`wargame.beliefs`); :meth:`best_package` when it knows them all."""
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

    def observe(self, offer: np.ndarray, responses: dict[str, bool]) -> None:
        """Learn from the principals' answers to ``offer`` (actor -> accepted)."""
        ...
