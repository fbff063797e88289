"""The protocol interface, what a protocol sees of the model, and the registry of protocols.

A protocol is how one round of the talks goes (one Mesa step). It owns its own state (the
expected utility model's positions, say) and acts on the table through :class:`ProtocolTable`,
which :class:`wargame.model.NegotiationModel` provides: it never reaches into the model itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

if TYPE_CHECKING:
    from agents.negotiator import Offer, Party
    from wargame.episode import FiredEvent, RoundRecord
    from wargame.payoffs import Payoffs
    from wargame.solutions import Solutions


class ProtocolTable(Protocol):
    """What the model offers a protocol."""

    rounds: int
    variant: str
    issue_names: tuple[str, ...]
    actor_names: tuple[str, ...]
    payoffs: Payoffs
    no_deal: np.ndarray
    cost_share: float
    principals: Sequence[Party]
    stakeholders: Sequence[Party]
    offers: list[Offer]
    standing_offer: np.ndarray
    standing_utility: np.ndarray

    @property
    def round(self) -> int: ...

    def react(self, round_: int) -> list[FiredEvent]:
        """Scheduled injects fire and the governments act through their events: what fired."""
        ...

    def utility_of(self, package: np.ndarray) -> np.ndarray: ...

    def solve(self, payoffs: Payoffs) -> Solutions:
        """The principals' bargaining solutions under ``payoffs`` on the table now."""
        ...

    def admissible(self, package: np.ndarray) -> np.ndarray:
        """``package`` with every issue decided among options at its nearest option."""
        ...

    def settle(self, package: np.ndarray) -> np.ndarray:
        """``package`` with the issues of tracks settled so far at their settled terms."""
        ...

    def vetoes(self, package: np.ndarray) -> list[str]:
        """The ratifiers that would refuse ``package`` as an agreement."""
        ...

    def record(self, entry: RoundRecord) -> None: ...

    def finish(self, deal: bool, outcome: np.ndarray, proposer: str | None) -> None: ...

    def by_issue(self, values: np.ndarray) -> dict[str, float]: ...

    def by_actor(self, values: np.ndarray) -> dict[str, float]: ...


class NegotiationProtocol:
    """Base: subclasses set ``name`` and define :meth:`play_round`."""

    name: ClassVar[str]
    # readings of the protocol a scenario may pick with ``variant:`` (none: it has one reading)
    variants: ClassVar[tuple[str, ...]] = ()
    # whether people can play governments under it (``wargame play``)
    playable: ClassVar[bool] = False

    def __init__(self, table: ProtocolTable) -> None:
        self.table = table
        # moved on whenever the protocol's own state changes what :meth:`predict` says (the expected
        # utility model's positions), so the table knows its memoized predictions are stale
        self.version = 0

    def play_round(self) -> None:
        """Play round ``table.round``; call ``table.finish`` when the talks end."""
        raise NotImplementedError

    def predict(self, payoffs: Payoffs) -> np.ndarray | None:
        """The agreement these talks would reach from here if the payoffs were ``payoffs`` (None:
        none; failure): what an actor weighing an action asks (:mod:`wargame.decisions`). By default
        the Nash point of the principals, the agreement of bargaining theory's alternating offers
        (Rubinstein's equilibrium tends to it as the rounds shorten)."""
        return self.table.solve(payoffs).nash

    def forecast(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """What the protocol predicts apart from the outcome (a forecast and its mean), if anything."""
        return None, None


PROTOCOLS: dict[str, type[NegotiationProtocol]] = {}


def register(cls: type[NegotiationProtocol]) -> type[NegotiationProtocol]:
    """Add a protocol class under its ``name`` (usable as a decorator)."""
    if cls.name in PROTOCOLS and PROTOCOLS[cls.name] is not cls:
        raise ValueError(f"a protocol named {cls.name!r} is registered already")
    PROTOCOLS[cls.name] = cls
    return cls


def all_variants() -> tuple[str, ...]:
    """Every variant some registered protocol knows, in registration order."""
    return tuple(dict.fromkeys(v for p in PROTOCOLS.values() for v in p.variants))
