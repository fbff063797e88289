"""The admissible values of one issue: the one definition of an issue's grid, which the issue
space (:mod:`wargame.space`) builds its axes from and the scenario checks count, and the one rule
for snapping a value to it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike


def axis(lo: float, hi: float, step: float, options: tuple[float, ...] = ()) -> np.ndarray:
    """``lo, lo + step, ...`` and always ``hi`` (rounded to 10 decimals); the options, sorted, for
    an issue decided among options."""
    if options:
        return np.array(sorted(options), dtype=float)
    n = int(np.floor((hi - lo) / step + 1e-9))
    values = lo + step * np.arange(n + 1)
    if values[-1] < hi - 1e-9:
        values = np.append(values, hi)
    return np.round(values, 10)


def nearest(ax: np.ndarray, values: ArrayLike) -> np.ndarray:
    """Index of each value's nearest value on the sorted axis ``ax``; a value halfway between two
    goes to the lower, and a value beyond either end to that end."""
    # the midpoints split the line into each value's catchment: one search, no distances
    return np.searchsorted((ax[1:] + ax[:-1]) / 2, values, side="left")


def snap(values: ArrayLike, axes: Sequence[np.ndarray]) -> np.ndarray:
    """Each value rounded to its issue's nearest admissible value (:func:`nearest`): ``(..., I)``
    values, one axis per issue -> ``(..., I)``."""
    x = np.asarray(values, dtype=float)
    out = np.empty_like(x)
    for i, ax in enumerate(axes):
        out[..., i] = ax[nearest(ax, x[..., i])]
    return out
