"""Naive forecasts to report every forecast beside: what a model of the talks has to beat.

Per issue ``i``, over actors ``a`` with ideal ``x_ai``, capability ``c_ai`` and salience ``s_ai``:

- ``status_quo``: nothing changes;
- ``split``: the principals split the difference, the mean of their ideals;
- ``compromise``: ``sum_a c_ai s_ai x_ai / sum_a c_ai s_ai`` over every actor, the model Achen
  found hard to beat in Thomson, Stokman, Achen & König (eds.), *The European Union Decides*
  (Cambridge University Press, 2006).

Each is a forecast, so each is snapped to an admissible value of its issue (:func:`wargame.axis.snap`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from wargame.axis import snap
from wargame.payoffs import Payoffs


class Baselines(NamedTuple):
    """The naive forecasts, one ``(I,)`` array each, in the issues' order."""

    status_quo: np.ndarray
    split: np.ndarray
    compromise: np.ndarray


NAMES: tuple[str, ...] = Baselines._fields


def baselines(
    p: Payoffs, axes: Sequence[np.ndarray], status_quo: np.ndarray, principals: Sequence[str]
) -> Baselines:
    """The naive forecasts of the talks ``p`` describes, each on its issue's ``axes``.

    On an issue where nobody has both capability and salience (the weights sum to 0) the weighted
    compromise is undefined: it falls back to the principals' unweighted mean, the split.
    """
    split = p.ideal[[p.index(a) for a in principals]].mean(axis=0)
    weight = p.capability * p.salience
    # scaled by each issue's largest weight first: weights near the smallest float would otherwise
    # round the mean outside the ideals (hypothesis found one at 1e-323)
    top = weight.max(axis=0)
    weight = np.divide(weight, top, out=np.zeros_like(weight), where=top > 0)
    total = weight.sum(axis=0)
    compromise = np.divide((weight * p.ideal).sum(axis=0), total, out=split.copy(), where=total > 0)
    return Baselines(*snap(np.stack([status_quo, split, compromise]), axes))
