"""Payoffs as numpy arrays: the utility of many packages for many actors in one call.

For actor ``a`` and package ``x`` (one value per issue)::

    u_ai(x_i) = 1 - (|x_i - ideal_ai| / (hi_i - lo_i)) ** risk_ai         in [0, 1]
    F_i(x_i)  = max over focal values v of issue i of max(0, 1 - |x_i - v| / step_i)
    U_a(x)    = (sum_i (s_ai u_ai(x_i) + f_ai F_i(x_i)) + sum_l w_al L_al(x))
                / (sum_i (s_ai + f_ai) + sum_l w_al)
    r_a       = U_a(no_deal) - no_deal_cost_a                               (reservation)

``risk_ai`` shapes the utility per issue (1 linear; above 1 concave: small concessions are cheap,
large ones dear; below 1 convex). ``F_i`` is 1 on a focal value of the issue (a rate another ally
got, a round headcount) and 0 one step away; ``f_ai`` is how much landing there is worth to the
actor. ``L_al`` is a linkage term between two issues (``complement``: ``v_a v_b``, ``substitute``:
``1 - v_a v_b``, where ``v`` is the same per-issue utility measured from the linkage's targets).
Without linkages and focal weights this is exactly the weighted sum with ``w_a = salience_a /
sum(salience_a)``.
Packages always carry a leading batch axis: ``(B, I)`` in, ``(A, B)`` out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

FloatArray = np.ndarray


@dataclass(frozen=True)
class Payoffs:
    """A scenario's payoff parameters compiled to arrays (actors x issues): see
    :func:`wargame.parameters.payoffs_of`."""

    actors: tuple[str, ...]
    issues: tuple[str, ...]
    lo: FloatArray  # (I,)
    hi: FloatArray  # (I,)
    ideal: FloatArray  # (A, I)
    salience: FloatArray  # (A, I), raw (not normalized)
    risk: FloatArray  # (A, I)
    discount: FloatArray  # (A,)
    no_deal_cost: FloatArray  # (A,)
    capability: FloatArray  # (A, I): not a payoff, but events change it and the EU model weighs by it
    focal_weight: FloatArray  # (A, I)
    focal: tuple[FloatArray, ...]  # per issue: its focal values
    focal_width: FloatArray  # (I,): how far from a focal value its pull reaches (the issue's step)
    # linkages, flattened over actors: (L,) each
    link_actor: np.ndarray
    link_issues: np.ndarray  # (L, 2) issue indices
    link_targets: FloatArray  # (L, 2)
    link_weight: FloatArray
    link_substitute: np.ndarray  # bool

    @property
    def span(self) -> FloatArray:
        return self.hi - self.lo

    def index(self, actor: str) -> int:
        return self.actors.index(actor)

    def select(self, rows: Sequence[int] | np.ndarray) -> Payoffs:
        """The payoffs of a subset of actors (linkages follow their actor)."""
        rows = np.asarray(rows, dtype=int)
        keep = (self.link_actor[:, None] == rows[None, :]).any(axis=1)
        remap = {int(old): new for new, old in enumerate(rows)}
        return replace(
            self,
            actors=tuple(self.actors[r] for r in rows),
            ideal=self.ideal[rows],
            salience=self.salience[rows],
            risk=self.risk[rows],
            discount=self.discount[rows],
            no_deal_cost=self.no_deal_cost[rows],
            capability=self.capability[rows],
            focal_weight=self.focal_weight[rows],
            link_actor=np.array([remap[int(a)] for a in self.link_actor[keep]], dtype=int),
            link_issues=self.link_issues[keep],
            link_targets=self.link_targets[keep],
            link_weight=self.link_weight[keep],
            link_substitute=self.link_substitute[keep],
        )

    def utilities(self, packages: FloatArray) -> FloatArray:
        """Utility of each package for each actor: ``(B, I)`` -> ``(A, B)``."""
        return utilities(packages, self)

    def reservations(self, no_deal: FloatArray, cost_share: float = 1.0) -> FloatArray:
        """``r_a = U_a(no_deal) - cost_share * no_deal_cost_a`` for every actor: ``(A,)``.
        ``cost_share`` is the part of the talks still open (tracks not yet settled): all of it
        unless some track has closed."""
        return (
            self.utilities(np.asarray(no_deal, dtype=float)[None, :])[:, 0] - cost_share * self.no_deal_cost
        )


def failure_share(failed: float | np.ndarray, tracks: int) -> float | np.ndarray:
    """The part of ``no_deal_cost`` a failure costs: the one cost rule of the talks.

    ``failed`` counts the tracks that failed (or are still open, for what failing now would cost),
    out of ``tracks``; talks without tracks fail as one (``failed`` is 1 for a failure, 0 for a deal).
    Works on a count or an array of counts (one per episode).
    """
    if tracks:
        return np.asarray(failed, dtype=float) / tracks if isinstance(failed, np.ndarray) else failed / tracks
    return np.asarray(failed, dtype=float) if isinstance(failed, np.ndarray) else float(failed)


def issue_utilities(
    packages: FloatArray, ideal: FloatArray, risk: FloatArray, lo: FloatArray, hi: FloatArray
) -> FloatArray:
    """Per-issue utilities ``u_ai(x_i)``: packages ``(B, I)``, ideal and risk ``(A, I)`` -> ``(A, B, I)``."""
    x = np.asarray(packages, dtype=float)
    distance = np.abs(x[None, :, :] - ideal[:, None, :]) / (hi - lo)
    np.minimum(distance, 1.0, out=distance)  # packages are inside the bounds; guard rounding
    return 1.0 - distance ** risk[:, None, :]


def focal_pull(packages: FloatArray, focal: Sequence[FloatArray], width: FloatArray) -> FloatArray:
    """``F_i(x_i)``: 1 on a focal value, falling to 0 one ``width`` away: ``(B, I)`` -> ``(B, I)``."""
    x = np.atleast_2d(np.asarray(packages, dtype=float))
    out = np.zeros_like(x)
    for i, values in enumerate(focal):
        if len(values):
            near = np.abs(x[:, i, None] - values[None, :]).min(axis=1) / width[i]
            out[:, i] = np.clip(1.0 - near, 0.0, 1.0)
    return out


def _focal_terms(p: Payoffs, packages: FloatArray) -> FloatArray | None:
    """``f_ai F_i(x_i)`` for every actor and package: ``(A, B, I)``; None when nobody has a focal weight."""
    if not p.focal_weight.any():
        return None
    return p.focal_weight[:, None, :] * focal_pull(packages, p.focal, p.focal_width)[None, :, :]


def utilities(packages: FloatArray, p: Payoffs) -> FloatArray:
    """Total utility ``U_a(x)`` of each package for each actor: ``(B, I)`` -> ``(A, B)``."""
    x = np.atleast_2d(np.asarray(packages, dtype=float))
    per_issue = issue_utilities(x, p.ideal, p.risk, p.lo, p.hi)
    total = np.einsum("abi,ai->ab", per_issue, p.salience)
    weight = p.salience.sum(axis=1)
    focal = _focal_terms(p, x)
    if focal is not None:
        total += focal.sum(axis=2)
        weight = weight + p.focal_weight.sum(axis=1)
    if len(p.link_weight):
        weight = weight + np.bincount(p.link_actor, p.link_weight, minlength=len(p.actors))
        for k in range(len(p.link_weight)):  # linkages are few; packages stay vectorized
            a = p.link_actor[k]
            i, j = p.link_issues[k]
            v = issue_utilities(
                x[:, [i, j]], p.link_targets[k][None, :], p.risk[[a]][:, [i, j]], p.lo[[i, j]], p.hi[[i, j]]
            )[0]
            term = v[:, 0] * v[:, 1]
            if p.link_substitute[k]:
                term = 1.0 - term
            total[a] += p.link_weight[k] * term
    return np.clip(total / weight[:, None], 0.0, 1.0)  # exact bounds despite rounding


@lru_cache(maxsize=64)
def _issue_of(shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, ...]]:
    """For the admissible values of all issues, one after another: the issue of each, and where
    each issue's values start."""
    of = np.repeat(np.arange(len(shape)), shape)
    of.setflags(write=False)
    return of, tuple(int(a) for a in np.cumsum((0, *shape[:-1])))


def grid_utilities(
    p: Payoffs, axes: Sequence[FloatArray], index: np.ndarray, full_grid: bool = False
) -> FloatArray:
    """:func:`utilities` for packages given as indices into each issue's admissible values.

    The same numbers (to about 1e-15), much faster for large candidate sets: the per-issue
    utilities (and their powers) are computed once per admissible value, ``(A, n_i)``, then
    combined per package.
    ``index`` is ``(B, I)`` ints with ``packages[b, i] == axes[i][index[b, i]]``. With
    ``full_grid`` (``index`` enumerates the whole grid in C order) the weighted sum is an outer
    sum by broadcasting; otherwise each package gathers its values.
    """
    n_actors, n_issues = len(p.actors), len(axes)
    shape = tuple(len(ax) for ax in axes)
    columns = None if full_grid else np.ascontiguousarray(index.T)  # np.take wants contiguous

    def spread(values: FloatArray, issues: tuple[int, ...]) -> FloatArray:
        """``values`` (rows, n_i, n_j, ...) over ``issues`` as an array that broadcasts against the
        full grid (rows, n_0, ..., n_I-1), or gathered per package without a full grid."""
        if full_grid:
            view = [values.shape[0]] + [1] * n_issues
            for i in issues:
                view[i + 1] = shape[i]
            return values.reshape(view)
        assert columns is not None
        return values[(slice(None), *(columns[i] for i in issues))]

    # every admissible value of every issue, issue after issue: the per-issue utilities of all of
    # them for every actor in one call, (A, n_0 + n_1 + ...), then split by issue
    of, starts = _issue_of(shape)
    flat = np.concatenate(axes)[None, :]
    u = issue_utilities(flat, p.ideal[:, of], p.risk[:, of], p.lo[of], p.hi[of])[:, 0, :]
    # (contiguous pieces: broadcasting strided views would lay the grid out actor-fastest)
    table = p.salience[:, of] * u
    weight = p.salience.sum(axis=1)
    if p.focal_weight.any():
        pull = np.concatenate(
            [focal_pull(ax[:, None], (p.focal[i],), p.focal_width[[i]])[:, 0] for i, ax in enumerate(axes)]
        )
        table = table + p.focal_weight[:, of] * pull[None, :]
        weight = weight + p.focal_weight.sum(axis=1)
    weighted = [np.ascontiguousarray(table[:, a : a + n]) for a, n in zip(starts, shape, strict=True)]
    # the sum over issues is accumulated in issue order, the order the grid evaluation has always
    # used (the golden set pins its results bit for bit; :func:`utilities`, an einsum, agrees to
    # about 1e-15); the tables stay small (n_0 x n_1 x ...) until the last issue spreads them
    total = spread(weighted[0], (0,))
    for i in range(1, n_issues):
        total = total + spread(weighted[i], (i,))
    total = total.reshape(n_actors, -1) if full_grid else np.array(total)
    if len(p.link_weight):
        weight = weight + np.bincount(p.link_actor, p.link_weight, minlength=n_actors)
        for k in range(len(p.link_weight)):
            a = p.link_actor[k]
            order = np.argsort(p.link_issues[k])  # the two issues in issue order
            pair = p.link_issues[k][order]
            i, j = (int(n) for n in pair)
            sizes = [shape[i], shape[j]]
            v = issue_utilities(
                np.concatenate([axes[i], axes[j]])[None, :],
                np.repeat(p.link_targets[k][order], sizes)[None, :],
                np.repeat(p.risk[a, pair], sizes)[None, :],
                np.repeat(p.lo[pair], sizes),
                np.repeat(p.hi[pair], sizes),
            )[0, 0]
            logv = np.log(np.maximum(v, 1e-300))
            logs = logv[: sizes[0]], logv[sizes[0] :]
            # the product as exp of a log-sum, on the (n_i, n_j) table only
            link = np.exp(logs[0][:, None] + logs[1][None, :])
            link[link < 1e-250] = 0.0
            link = p.link_weight[k] * (1.0 - link if p.link_substitute[k] else link)
            row = total[a].reshape(shape) if full_grid else total[a]
            row += spread(link[None], (i, j))[0]
    total /= weight[:, None]
    return np.clip(total, 0.0, 1.0, out=total)  # exact bounds despite rounding


def perceived(
    p: Payoffs,
    noise: float,
    z_ideal: FloatArray,
    z_salience: FloatArray,
    own: int,
    rows: Sequence[int] | None = None,
) -> Payoffs:
    """How actor ``own`` sees the payoffs of the actors in ``rows`` (default: everybody, in order),
    given standard-normal draws ``z`` of shape (A, I).

    Ideals shift by ``noise * range * z`` (kept in bounds), saliences scale by ``exp(noise * z)``;
    an actor knows its own payoffs exactly.
    """
    q = p if rows is None else p.select(rows)
    if noise <= 0:
        return q
    picked = np.arange(len(p.actors)) if rows is None else np.asarray(rows)
    known = picked == own
    z_i = np.where(known[:, None], 0.0, z_ideal[picked])
    z_s = np.where(known[:, None], 0.0, z_salience[picked])
    ideal = np.clip(q.ideal + noise * q.span * z_i, q.lo, q.hi)
    salience = q.salience * np.exp(noise * z_s)
    return replace(q, ideal=ideal, salience=salience)
