"""PRIM, the patient rule induction method (Friedman & Fisher 1999), on plain arrays.

Scenario discovery as the EMA Workbench does it: find a box (a range per numeric parameter, a set
of values per categorical one) inside which a boolean outcome is dense. Peeling starts from the
box holding every point and repeatedly removes a slice of ``alpha`` of the points still inside,
from the low or high end of one numeric dimension (or one value of a categorical one): the peel
that gains the most density per point removed (the workbench's default objective). It stops
when no peel keeps ``min_mass`` of the points. Every box along the way is kept (the peeling
trajectory: coverage against density), so the analyst can trade one for the other.

For a chosen box, a restriction's quasi-p-value is the one-sided binomial probability of seeing at
least the box's number of cases among its points if the restriction were lifted (the density of
the box without it): small means the restriction matters. Restrictions that do not (p above
``significance``) can be pruned: they are noise the peeling picked up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# one dimension's limit: ``(low, high)`` for a numeric one, the allowed values for a categorical one
Limit = tuple[float, float] | frozenset[object]


@dataclass(frozen=True)
class Box:
    """Limits per dimension: ``(low, high)`` for a numeric one, a frozenset of allowed values for a
    categorical one."""

    limits: tuple[Limit, ...]

    def contains(self, X: np.ndarray, categorical: np.ndarray) -> np.ndarray:
        """Which rows of ``X`` (``(n, d)`` object or float) lie inside: ``(n,)`` bool."""
        inside = np.ones(len(X), dtype=bool)
        for j, limit in enumerate(self.limits):
            column = X[:, j]
            if categorical[j]:
                assert isinstance(limit, frozenset)
                inside &= np.isin(column, np.array(list(limit), dtype=object))
            else:
                assert isinstance(limit, tuple)
                values = column.astype(float)
                inside &= (values >= limit[0]) & (values <= limit[1])
        return inside

    def without(self, j: int, full: Box) -> Box:
        """This box with dimension ``j`` back at its full range."""
        limits = list(self.limits)
        limits[j] = full.limits[j]
        return Box(tuple(limits))


@dataclass(frozen=True)
class Peel:
    """One box of the trajectory and its statistics."""

    box: Box
    coverage: float  # share of all cases inside the box
    density: float  # share of the box's points that are cases
    mass: float  # share of all points inside the box
    restricted: int  # dimensions narrower than their full range


def full_box(X: np.ndarray, categorical: np.ndarray) -> Box:
    """The box holding every point."""
    limits: list[Limit] = []
    for j in range(X.shape[1]):
        if categorical[j]:
            limits.append(frozenset(X[:, j].tolist()))
        else:
            values = X[:, j].astype(float)
            limits.append((float(values.min()), float(values.max())))
    return Box(tuple(limits))


def _stats(box: Box, inside: np.ndarray, y: np.ndarray, full: Box) -> Peel:
    n_inside = int(inside.sum())
    cases = int(y[inside].sum())
    restricted = sum(limit != whole for limit, whole in zip(box.limits, full.limits, strict=True))
    return Peel(box, cases / max(int(y.sum()), 1), cases / max(n_inside, 1), n_inside / len(y), restricted)


def peel(
    X: np.ndarray, y: np.ndarray, categorical: np.ndarray, alpha: float = 0.05, min_mass: float = 0.05
) -> list[Peel]:
    """The peeling trajectory, from the full box to the last box holding ``min_mass`` of the points.

    ``X``: ``(n, d)`` (object where some columns are categorical), ``y``: ``(n,)`` bool,
    ``categorical``: ``(d,)`` bool. Each step takes the peel with the largest density gain per
    point removed (ties: the larger box, then the first dimension).
    """
    y = np.asarray(y, dtype=bool)
    full = full_box(X, categorical)
    box, inside = full, np.ones(len(y), dtype=bool)
    trajectory = [_stats(box, inside, y, full)]
    numeric = {j: X[:, j].astype(float) for j in range(X.shape[1]) if not categorical[j]}
    while trajectory[-1].density < 1.0:
        best: tuple[float, int, Box, np.ndarray] | None = None
        current, n_inside = trajectory[-1].density, int(inside.sum())
        for j, limit in enumerate(box.limits):
            options: list[tuple[Box, np.ndarray]] = []
            if categorical[j]:
                assert isinstance(limit, frozenset)
                if len(limit) > 1:
                    for value in sorted(limit, key=str):
                        keep = inside & (X[:, j] != value)
                        limits = list(box.limits)
                        limits[j] = limit - {value}
                        options.append((Box(tuple(limits)), keep))
            else:
                assert isinstance(limit, tuple)
                values = numeric[j][inside]
                low, high = np.quantile(values, [alpha, 1 - alpha])
                for side, new in ((0, (float(low), limit[1])), (1, (limit[0], float(high)))):
                    keep = inside & (numeric[j] >= new[0]) & (numeric[j] <= new[1])
                    if keep.sum() == inside.sum():
                        # ties at the quantile (a parameter with few values): peel every point at
                        # the end value instead, moving the limit to the next value inside
                        rest = values[values > values.min()] if side == 0 else values[values < values.max()]
                        if not len(rest):
                            continue
                        new = (float(rest.min()), limit[1]) if side == 0 else (limit[0], float(rest.max()))
                        keep = inside & (numeric[j] >= new[0]) & (numeric[j] <= new[1])
                    limits = list(box.limits)
                    limits[j] = new
                    options.append((Box(tuple(limits)), keep))
            for candidate, keep in options:
                count = int(keep.sum())
                if count < min_mass * len(y) or count == 0:
                    continue
                # the EMA Workbench's default ("lenient1"): the density gained per point removed,
                # so a peel that throws away a whole category must earn its size
                gain = (float(y[keep].mean()) - current) / (n_inside - count)
                if best is None or (gain, count) > (best[0], best[1]):
                    best = (gain, count, candidate, keep)
        if best is None:
            break
        box, inside = best[2], best[3]
        trajectory.append(_stats(box, inside, y, full))
    return trajectory


def quasi_p_values(X: np.ndarray, y: np.ndarray, categorical: np.ndarray, box: Box) -> dict[int, float]:
    """Per restricted dimension: the one-sided binomial probability of at least the box's cases
    among its points at the density the box would have without that restriction."""
    from scipy import stats  # here: scipy.stats is slow to import

    y = np.asarray(y, dtype=bool)
    full = full_box(X, categorical)
    inside = box.contains(X, categorical)
    n, cases = int(inside.sum()), int(y[inside].sum())
    out = {}
    for j, (limit, whole) in enumerate(zip(box.limits, full.limits, strict=True)):
        if limit == whole:
            continue
        wider = box.without(j, full).contains(X, categorical)
        rate = float(y[wider].mean())
        out[j] = float(stats.binom.sf(cases - 1, n, rate))
    return out


def prune(X: np.ndarray, y: np.ndarray, categorical: np.ndarray, box: Box, significance: float = 0.05) -> Box:
    """``box`` with every restriction whose quasi-p-value is above ``significance`` lifted, the least
    significant first, re-testing after each (a restriction peeling picked up from noise)."""
    full = full_box(X, categorical)
    while True:
        p = quasi_p_values(X, y, categorical, box)
        worst = max(p, key=lambda j: p[j], default=None)
        if worst is None or p[worst] <= significance:
            return box
        box = box.without(worst, full)


def choose(trajectory: list[Peel]) -> int:
    """The default box: the best balance of coverage and density (their harmonic mean)."""
    scores = [2 * p.coverage * p.density / max(p.coverage + p.density, 1e-12) for p in trajectory]
    return int(np.argmax(scores))
