"""Bargaining benchmarks over a set of packages: the principals' efficient packages
(:mod:`wargame.frontier`), on which each benchmark lies, or any other set (a brute-force grid).

Every function takes the principals' utilities of the packages ``U`` of shape ``(P, B)`` and
their reservation values ``r`` of shape ``(P,)`` and returns package indices, so the same code
serves any number of issues and principals. Only individually rational packages (every
principal at or above its reservation) qualify; ``None`` means there is no such package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


def _rational(U: np.ndarray, r: np.ndarray) -> np.ndarray:
    return np.all(U >= r[:, None], axis=0)


def _argmax(score: np.ndarray, U: np.ndarray) -> int:
    """The best ``score``; among scores equal to 1e-12, the package best for the first principal,
    then the next (so the answer does not depend on the order packages come in)."""
    top = np.flatnonzero(score >= score.max() - 1e-12)
    if len(top) == 1:
        return int(top[0])
    keys = np.round(U[:, top], 9)
    return int(top[np.lexsort(keys[::-1])[-1]])


def nash(U: np.ndarray, r: np.ndarray) -> int | None:
    """Nash bargaining point: maximal product of the principals' gains over reservation."""
    ok = _rational(U, r)
    if not ok.any():
        return None
    # sum of logs, not the product, so many principals do not underflow
    score = np.where(ok, np.sum(np.log(np.maximum(U - r[:, None], 1e-300)), axis=0), -np.inf)
    return _argmax(score, U)


def kalai_smorodinsky(U: np.ndarray, r: np.ndarray) -> int | None:
    """Kalai-Smorodinsky: maximal equal share of each principal's best attainable gain."""
    ok = _rational(U, r)
    if not ok.any():
        return None
    best = U[:, ok].max(axis=1)
    room = np.maximum(best - r, 1e-12)
    share = np.min((U - r[:, None]) / room[:, None], axis=0)
    # among equally fair packages prefer the one with the larger total gain
    score = np.where(ok, share + 1e-9 * U.sum(axis=0), -np.inf)
    return _argmax(score, U)


def utilitarian(U: np.ndarray, r: np.ndarray) -> int | None:
    """Utilitarian point: maximal sum of the principals' utilities (individually rational)."""
    ok = _rational(U, r)
    if not ok.any():
        return None
    return _argmax(np.where(ok, U.sum(axis=0), -np.inf), U)


class Solutions:
    """The benchmark packages among ``packages`` for the principals' utilities ``U`` (P, B) and
    reservations ``r`` (P,), each computed when first asked for (``None`` when no deal beats every
    reservation)."""

    def __init__(self, packages: np.ndarray, U: np.ndarray, r: np.ndarray) -> None:
        self.packages, self.U, self.r = packages, U, r

    def _pick(self, i: int | None) -> np.ndarray | None:
        return None if i is None else np.array(self.packages[i], dtype=float)

    @cached_property
    def nash(self) -> np.ndarray | None:
        return self._pick(nash(self.U, self.r))

    @cached_property
    def kalai_smorodinsky(self) -> np.ndarray | None:
        return self._pick(kalai_smorodinsky(self.U, self.r))

    @cached_property
    def utilitarian(self) -> np.ndarray | None:
        return self._pick(utilitarian(self.U, self.r))


@dataclass(frozen=True)
class SubgamePerfect:
    """The subgame-perfect plan of two-party alternating offers, round by round.

    ``proposal[t]`` is the package the round-``t`` proposer offers, ``accepted[t]`` whether the
    responder takes it, and ``value[t]`` each party's value of the subgame that starts at round
    ``t`` in round-0 utility (``value[rounds]`` is the reservation: failure is not discounted).
    """

    proposal: np.ndarray  # (T,) package indices
    accepted: np.ndarray  # (T,) bool
    value: np.ndarray  # (T + 1, 2)


TOLERANCE = 1e-12  # a responder accepts when indifferent, up to rounding


def accepts(U_q: np.ndarray, d_q: float, t: int, wait: float) -> np.ndarray:
    """Whether a responder with utilities ``U_q`` accepts in round ``t``: ``d**t * U >= wait``."""
    return d_q**t * U_q >= wait - TOLERANCE


def subgame_perfect(
    U: np.ndarray, r: np.ndarray, discount: np.ndarray, rounds: int, first: int = 0
) -> SubgamePerfect:
    """Backward induction over a finite horizon of alternating offers between two parties.

    ``U`` (2, B): the parties' utilities of the packages; ``r`` (2,) their reservations (what
    failure after the last round gives them); ``discount`` (2,) per-round factors; party
    ``first`` proposes in round 0. A deal on ``x`` in round ``t`` is worth ``discount**t * U(x)``.
    The responder accepts exactly the packages worth at least the next round's subgame to it
    (:func:`accepts`). The proposer compares the best of those for itself (ties: the responder's
    best, so the plan is Pareto-efficient on the grid) with waiting; if waiting is worth more
    and some package would be refused, it offers the best refused one for itself and the talks
    go on. On one issue with linear utilities this gives the Stahl shares, which tend to
    Rubinstein's as ``rounds`` grows.
    """
    U = np.asarray(U, dtype=float)
    if U.ndim != 2 or U.shape[0] != 2:
        raise ValueError(f"subgame_perfect takes two parties' utilities, shape (2, B); got {U.shape}")
    d = np.asarray(discount, dtype=float)
    value = np.empty((rounds + 1, 2))
    value[rounds] = r
    proposal = np.empty(rounds, dtype=int)
    accepted = np.zeros(rounds, dtype=bool)
    for t in range(rounds - 1, -1, -1):
        p = (first + t) % 2
        q = 1 - p
        ok = accepts(U[q], d[q], t, value[t + 1, q])
        if ok.any():
            x = _best_for(U[p], U[q], ok)
            deal_value = d**t * U[:, x]
            if deal_value[p] >= value[t + 1, p] - TOLERANCE or ok.all():
                proposal[t], accepted[t] = x, True  # (if everything is accepted, waiting is no option)
                value[t] = deal_value
                continue
        proposal[t] = _best_for(U[p], U[q], ~ok)  # worth more to wait: an offer that is refused
        value[t] = value[t + 1]
    return SubgamePerfect(proposal, accepted, value)


def _best_for(mine: np.ndarray, theirs: np.ndarray, ok: np.ndarray) -> int:
    """Among ``ok`` packages: the best for ``mine``; among ties, the best for ``theirs``."""
    top = np.max(mine, where=ok, initial=-np.inf)
    tied = ok & (mine >= top - 1e-12)
    return int(np.argmax(np.where(tied, theirs, -np.inf)))
