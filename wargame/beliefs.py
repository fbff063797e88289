"""Beliefs about another principal's private no-deal cost, and the last offer they make worth.

A principal whose scenario entry has a ``private:`` block knows its own ``no_deal_cost``; the
others know only a prior over its *types*, the values it may have. A type ``c`` has the
reservation ``r(c) = u(no deal) - share * c`` (``share``: the part of the talks still open, as in
:meth:`wargame.payoffs.Payoffs.reservations`): the lower its cost of failure, the tougher the type.

Learning (Bayes' rule): a refusal of an offer worth ``u`` to the refuser (as the observer sees its
payoffs) is certain for the types whose reservation is above ``u``, and has probability ``bluff``
for the others (a type that would take ``u`` at the end may still hold out before it). So every
refusal moves the observer's weight towards tougher types, as much as ``bluff`` is small: holding
out is how a side makes the other believe it is tough (Fearon's incentive to misrepresent).

The last offer: in the talks' last round nobody waits for a better one. A proposer who does not
know the other's type models it as accepting what is worth its reservation, and chooses the
package that maximizes its expected utility ``P(accepted) * U + (1 - P(accepted)) * r`` (the
monopoly screening offer): it may rationally risk a refusal, so talks with room for a deal can fail
(bargaining failure from private information, not from a hazard). The model is the proposer's, and
can be wrong: a firm responder holds out for its floor even then (a commitment the proposer does
not see). With every other's type known (no ``private:`` block, or a belief left with one type),
the proposer offers what its concession schedule says, as under complete information.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wargame.payoffs import reservation

TIE = 1e-12  # utilities this close are equal (wargame.frontier's tolerance)


class Belief:
    """One principal's belief about another's type: the types' costs and their probabilities."""

    def __init__(self, types: Sequence[float], weights: Sequence[float] | None, bluff: float) -> None:
        self.types = np.asarray(types, dtype=float)
        w = np.ones(len(self.types)) if weights is None else np.asarray(weights, dtype=float)
        self.p = w / w.sum()
        self.bluff = float(bluff)
        # what public events have added to the other's cost since the talks began (a threat carried
        # out, coercion): every type's cost moves by as much
        self.shift = 0.0

    @property
    def known(self) -> bool:
        """Whether the belief leaves one type possible (then the other's type is known)."""
        return len(np.unique(self.types[self.p > 0])) == 1

    def reservations(self, no_deal_utility: float, share: float) -> np.ndarray:
        """Each type's reservation: ``(T,)``."""
        return reservation(no_deal_utility, share, self.types + self.shift)

    def mean_reservation(self, no_deal_utility: float, share: float) -> float:
        """The reservation it expects the other to have."""
        return float(self.p @ self.reservations(no_deal_utility, share))

    def refused(self, utility: float, no_deal_utility: float, share: float) -> bool:
        """Update on a refusal of an offer worth ``utility`` to the other; False (and no change)
        when the belief held that no type could refuse it and ``bluff`` is 0 (evidence the belief
        cannot explain, such as a refusal a perception error caused, teaches nothing)."""
        must = self.reservations(no_deal_utility, share) > utility + TIE
        posterior = self.p * np.where(must, 1.0, self.bluff)
        total = posterior.sum()
        if total <= 0:
            return False
        self.p = posterior / total
        return True

    def accept_probability(self, utility: np.ndarray, no_deal_utility: float, share: float) -> np.ndarray:
        """The chance each offer (worth ``utility`` to the other, ``(F,)``) is accepted in the last
        round: the weight of the types whose reservation it meets."""
        r = self.reservations(no_deal_utility, share)
        return (np.asarray(utility)[:, None] >= r[None, :] - TIE).astype(float) @ self.p


def last_offer(own: np.ndarray, accept: np.ndarray, reservation: float, level: float) -> int:
    """The index of the offer worth the most in expectation to its proposer, among those worth at
    least ``level`` to it (all, if none is): ``accept * own + (1 - accept) * reservation``. Of equal
    expectations, the likelier to be accepted, then the first."""
    own = np.asarray(own, dtype=float)
    value = accept * own + (1.0 - accept) * reservation
    allowed = own >= level - TIE
    if not allowed.any():
        allowed = np.ones(len(own), dtype=bool)
    value = np.where(allowed, value, -np.inf)
    best = value.max()
    tied = np.flatnonzero(value >= best - TIE)
    return int(tied[np.argmax(accept[tied])])
