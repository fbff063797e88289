"""The admissible values of one issue: the one definition of an issue's grid, which the issue
space (:mod:`wargame.space`) builds its axes from and the scenario checks count."""

from __future__ import annotations

import numpy as np


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
