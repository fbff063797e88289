"""The issue space: the admissible values of each issue (the grid of packages, never enumerated:
see :mod:`wargame.frontier`), and distances within it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from wargame.axis import axis, nearest
from wargame.axis import snap as snap_to

if TYPE_CHECKING:
    from wargame.scenario import Scenario


def axes(scenario: Scenario) -> list[np.ndarray]:
    """The admissible values of each issue: ``lo, lo + step, ...`` and always ``hi``."""
    return list(layout(scenario).axes)


@dataclass(frozen=True)
class Layout:
    """What depends only on a scenario's issues: the axes (read-only, shared), the status quo and
    the no-deal point."""

    axes: tuple[np.ndarray, ...]
    status_quo: np.ndarray
    no_deal: np.ndarray


def layout(scenario: Scenario) -> Layout:
    """The scenario's :class:`Layout` (cached: a worker builds it once, not once per episode)."""
    issues = tuple(
        (i.lo, i.hi, i.step, i.status_quo, i.no_deal, tuple(i.values or ())) for i in scenario.issues.values()
    )
    return _layout(issues)


@lru_cache(maxsize=64)
def _layout(issues: tuple[tuple[Any, ...], ...]) -> Layout:
    ax = tuple(axis(lo, hi, step, options) for lo, hi, step, _, _, options in issues)
    status_quo = np.array([issue[3] for issue in issues])
    no_deal = np.array([issue[4] for issue in issues])
    for array in (*ax, status_quo, no_deal):
        array.setflags(write=False)  # shared between models
    return Layout(ax, status_quo, no_deal)


def grid_size(scenario: Scenario) -> int:
    """How many packages the grid holds (the product of the axes' sizes)."""
    return int(np.prod([len(a) for a in layout(scenario).axes], dtype=float))


def snap_index(packages: np.ndarray, ax: list[np.ndarray]) -> np.ndarray:
    """Index of each value's nearest admissible value: ``(B, I)`` floats -> ``(B, I)`` ints."""
    x = np.atleast_2d(np.asarray(packages, dtype=float))
    return np.stack([nearest(a, x[:, i]) for i, a in enumerate(ax)], axis=1)


def snap(packages: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Round each value to its issue's nearest admissible value: ``(B, I)`` -> ``(B, I)``."""
    return snap_to(np.atleast_2d(np.asarray(packages, dtype=float)), layout(scenario).axes)


def distance(a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Distance between packages with each issue scaled to [0, 1], divided by sqrt(#issues): in [0, 1]."""
    d = (np.asarray(a, dtype=float) - np.asarray(b, dtype=float)) / (hi - lo)
    return np.sqrt(np.mean(d**2, axis=-1))
