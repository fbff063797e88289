"""The issue space: the grid of packages an agent may offer, and distances within it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from wargame.scenario import Scenario


def _axis(lo: float, hi: float, step: float, options: tuple[float, ...] = ()) -> np.ndarray:
    if options:  # an issue decided among named options
        return np.array(sorted(options), dtype=float)
    n = int(np.floor((hi - lo) / step + 1e-9))
    values = lo + step * np.arange(n + 1)
    if values[-1] < hi - 1e-9:
        values = np.append(values, hi)
    return np.round(values, 10)


def axes(scenario: Scenario) -> list[np.ndarray]:
    """The admissible values of each issue: ``lo, lo + step, ...`` and always ``hi``."""
    return list(layout(scenario).axes)


@dataclass(frozen=True)
class Layout:
    """What depends only on a scenario's issues: the axes, whether the candidates are the whole grid
    (then its packages and their indices, built once and shared, read-only), the status quo and
    the no-deal point."""

    axes: tuple[np.ndarray, ...]
    full_grid: bool
    status_quo: np.ndarray
    no_deal: np.ndarray
    packages: np.ndarray  # (B, I); empty unless full_grid
    index: np.ndarray


def layout(scenario: Scenario) -> Layout:
    """The scenario's :class:`Layout` (cached: a worker builds it once, not once per episode)."""
    issues = tuple(
        (i.lo, i.hi, i.step, i.status_quo, i.no_deal, tuple(i.values or ())) for i in scenario.issues.values()
    )
    return _layout(issues, scenario.max_candidates)


@lru_cache(maxsize=64)
def _layout(issues: tuple[tuple[Any, ...], ...], max_candidates: int) -> Layout:
    ax = tuple(_axis(lo, hi, step, options) for lo, hi, step, _, _, options in issues)
    shape = tuple(len(a) for a in ax)
    full = float(np.prod(shape, dtype=float)) <= max_candidates
    index = np.stack([m.ravel() for m in np.indices(shape)], axis=1) if full else np.empty((0, len(ax)), int)
    packages = np.stack([a[index[:, i]] for i, a in enumerate(ax)], axis=1)
    status_quo = np.array([issue[3] for issue in issues])
    no_deal = np.array([issue[4] for issue in issues])
    for array in (*ax, index, packages, status_quo, no_deal):
        array.setflags(write=False)  # shared between models
    return Layout(ax, full, status_quo, no_deal, packages, index)


def grid_size(scenario: Scenario) -> int:
    return int(np.prod([len(a) for a in layout(scenario).axes], dtype=float))


def is_full_grid(scenario: Scenario) -> bool:
    """Whether :func:`candidates` enumerates the whole grid (in C order) for this scenario."""
    return layout(scenario).full_grid


def candidates(
    scenario: Scenario,
    rng: np.random.Generator,
    anchors: np.ndarray | None = None,
    fixed: dict[int, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The packages agents choose among: ``(packages (B, I), index (B, I))``.

    ``index[b, i]`` is the position of ``packages[b, i]`` among :func:`axes` ``[i]``. The full grid
    when it has at most ``scenario.max_candidates`` points (then ``rng`` is not used); otherwise
    that many grid points drawn at random plus the ``anchors`` (status quo, no-deal point, ideals)
    snapped to the grid, so the obvious packages are always on offer. ``fixed`` (issue index ->
    value, snapped to the grid) keeps some issues at one value: the full grid's packages that
    have it, or draws of the other issues with it.
    """
    grid = layout(scenario)
    ax = list(grid.axes)
    settled = {i: int(np.argmin(np.abs(ax[i] - v))) for i, v in (fixed or {}).items()}
    if grid.full_grid:
        if not settled:
            return grid.packages, grid.index
        keep = np.ones(len(grid.index), dtype=bool)
        for i, k in settled.items():
            keep &= grid.index[:, i] == k
        return grid.packages[keep], grid.index[keep]
    index = np.stack([rng.integers(0, len(a), size=scenario.max_candidates) for a in ax], axis=1)
    if anchors is not None and len(anchors):
        # duplicates are harmless and np.unique would cost more than they do
        index = np.concatenate([snap_index(np.atleast_2d(anchors), ax), index])
    for i, k in settled.items():
        index[:, i] = k
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
