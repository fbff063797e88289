"""The issue space: the grid of packages an agent may offer, and distances within it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wargame.scenario import Scenario


def axes(scenario: Scenario) -> list[np.ndarray]:
    """The admissible values of each issue: ``lo, lo + step, ...`` and always ``hi``."""
    out = []
    for issue in scenario.issues.values():
        n = int(np.floor((issue.hi - issue.lo) / issue.step + 1e-9))
        values = issue.lo + issue.step * np.arange(n + 1)
        if values[-1] < issue.hi - 1e-9:
            values = np.append(values, issue.hi)
        out.append(np.round(values, 10))
    return out


@lru_cache(maxsize=32)
def _full_index(shape: tuple[int, ...]) -> np.ndarray:
    index = np.stack([m.ravel() for m in np.indices(shape)], axis=1)
    index.setflags(write=False)  # shared between models through the cache
    return index


def grid_size(scenario: Scenario) -> int:
    return int(np.prod([len(a) for a in axes(scenario)], dtype=float))


def is_full_grid(scenario: Scenario) -> bool:
    """Whether :func:`candidates` enumerates the whole grid (in C order) for this scenario."""
    return grid_size(scenario) <= scenario.max_candidates


def candidates(
    scenario: Scenario, rng: np.random.Generator, anchors: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The packages agents choose among: ``(packages (B, I), index (B, I))``.

    ``index[b, i]`` is the position of ``packages[b, i]`` among :func:`axes` ``[i]``. The full grid
    when it has at most ``scenario.max_candidates`` points (then ``rng`` is not used); otherwise
    that many grid points drawn at random plus the ``anchors`` (status quo, no-deal point, ideals)
    snapped to the grid, so the obvious packages are always on offer.
    """
    ax = axes(scenario)
    if is_full_grid(scenario):
        index = _full_index(tuple(len(a) for a in ax))
    else:
        drawn = np.stack([rng.integers(0, len(a), size=scenario.max_candidates) for a in ax], axis=1)
        if anchors is not None and len(anchors):
            drawn = np.concatenate([snap_index(np.atleast_2d(anchors), ax), drawn])
        index = drawn  # duplicates are harmless and np.unique would cost more than they do
    packages = np.stack([a[index[:, i]] for i, a in enumerate(ax)], axis=1)
    return packages, index


def snap_index(packages: np.ndarray, ax: list[np.ndarray]) -> np.ndarray:
    """Index of each value's nearest admissible value: ``(B, I)`` floats -> ``(B, I)`` ints."""
    x = np.atleast_2d(np.asarray(packages, dtype=float))
    out = np.empty(x.shape, dtype=int)
    for i, a in enumerate(ax):
        idx = np.clip(np.searchsorted(a, x[:, i]), 1, max(len(a) - 1, 1))
        left = np.abs(x[:, i] - a[idx - 1]) <= np.abs(a[np.minimum(idx, len(a) - 1)] - x[:, i])
        out[:, i] = np.where(left, idx - 1, np.minimum(idx, len(a) - 1))
    return out


def snap(packages: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Round each value to its issue's nearest admissible value: ``(B, I)`` -> ``(B, I)``."""
    ax = axes(scenario)
    index = snap_index(packages, ax)
    return np.stack([a[index[:, i]] for i, a in enumerate(ax)], axis=1)


def distance(a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Distance between packages with each issue scaled to [0, 1], divided by sqrt(#issues): in [0, 1]."""
    d = (np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) / (hi - lo)
    return np.sqrt(np.mean(d**2, axis=-1))
