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
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wargame.frontier import Blocks

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

    @cached_property
    def focal_table(self) -> FloatArray:
        """The focal values as one array, ``(I, M)``, each issue's padded with ``inf``."""
        out = np.full((len(self.focal), max((len(v) for v in self.focal), default=0)), np.inf)
        for i, values in enumerate(self.focal):
            out[i, : len(values)] = values
        return out

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
        return reservation(
            self.utilities(np.asarray(no_deal, dtype=float)[None, :])[:, 0], cost_share, self.no_deal_cost
        )


def reservation(no_deal_utility: FloatArray | float, cost_share: float, cost: FloatArray) -> FloatArray:
    """What walking away is worth: the no-deal outcome's utility less the part of ``cost`` a failure
    now costs (the one reservation rule; :mod:`wargame.beliefs` applies it to each private type)."""
    return np.asarray(no_deal_utility - cost_share * np.asarray(cost, dtype=float), dtype=float)


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


def focal_pull(packages: FloatArray, focal: FloatArray, width: FloatArray) -> FloatArray:
    """``F_i(x_i)``: 1 on a focal value, falling to 0 one ``width`` away: ``(B, I)`` -> ``(B, I)``.

    ``focal`` is ``(I, M)``: each issue's focal values, padded with ``inf`` (:attr:`Payoffs.focal_table`).
    """
    x = np.atleast_2d(np.asarray(packages, dtype=float))
    if not focal.shape[1]:
        return np.zeros_like(x)
    near = np.abs(x[:, :, None] - focal[None, :, :]).min(axis=2) / width
    return np.clip(1.0 - near, 0.0, 1.0)


def _focal_terms(p: Payoffs, packages: FloatArray) -> FloatArray | None:
    """``f_ai F_i(x_i)`` for every actor and package: ``(A, B, I)``; None when nobody has a focal weight."""
    if not p.focal_weight.any():
        return None
    return p.focal_weight[:, None, :] * focal_pull(packages, p.focal_table, p.focal_width)[None, :, :]


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


def block_tables(p: Payoffs, axes: Sequence[FloatArray], structure: Blocks) -> list[FloatArray]:
    """Every actor's utility contribution of every value of every block: ``(A, n_b)`` per block.

    An actor's utility of a package is the sum of its contributions from the package's value in
    each block (:mod:`wargame.frontier`): the per-issue terms of the block's issues and the
    linkage terms between them, over the actor's total weight. The same numbers as
    :func:`utilities` before its rounding guard (to about 1e-15).
    """
    n_actors = len(p.actors)
    sizes = [len(ax) for ax in axes]
    of = np.repeat(np.arange(len(axes)), sizes)
    starts = np.cumsum([0, *sizes[:-1]])
    # every admissible value of every issue, issue after issue, for every actor in one call
    u = issue_utilities(np.concatenate(axes)[None, :], p.ideal[:, of], p.risk[:, of], p.lo[of], p.hi[of])[
        :, 0
    ]
    table = p.salience[:, of] * u
    weight = p.salience.sum(axis=1)
    if p.focal_weight.any():
        weight = weight + p.focal_weight.sum(axis=1)
        if p.focal_table.shape[1]:
            flat = np.concatenate(axes)
            near = np.abs(flat[:, None] - p.focal_table[of]).min(axis=1) / p.focal_width[of]
            table = table + p.focal_weight[:, of] * np.clip(1.0 - near, 0.0, 1.0)[None, :]
    if len(p.link_weight):
        weight = weight + np.bincount(p.link_actor, p.link_weight, minlength=n_actors)
    block_of = {i: (b, k) for b, members in enumerate(structure.members) for k, i in enumerate(members)}
    out = []
    for members, index in zip(structure.members, structure.index, strict=True):
        total = np.zeros((n_actors, len(index)))
        for k, i in enumerate(members):
            total += table[:, starts[i] + index[:, k]]
        out.append(total)
    for k in range(len(p.link_weight)):
        a = p.link_actor[k]
        i, j = (int(n) for n in p.link_issues[k])
        b, ki = block_of[i]
        _, kj = block_of[j]
        index = structure.index[b]
        pair = [i, j]
        x = np.stack([axes[i][index[:, ki]], axes[j][index[:, kj]]], axis=1)
        v = issue_utilities(x, p.link_targets[k][None, :], p.risk[[a]][:, pair], p.lo[pair], p.hi[pair])[0]
        term = v[:, 0] * v[:, 1]
        out[b][a] += p.link_weight[k] * (1.0 - term if p.link_substitute[k] else term)
    return [t / weight[:, None] for t in out]


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
