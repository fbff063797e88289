"""Outcome measures that are not identities: how far each actor gave way, how far each issue moved.

Pure functions on arrays. Neither reads a reservation value or a fallback, so neither is a
restatement of ``gain = U(outcome) - U(no deal) + no_deal_cost``: a failed summit can leave an
actor conceding nothing (it stays where the fallback puts it) or a lot.
"""

from __future__ import annotations

import numpy as np


def concession(
    outcome: np.ndarray, ideal: np.ndarray, salience: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Each actor's salience-weighted distance of the outcome from its ideal, each issue scaled
    to its range: ``(I,)`` outcome, ``(A, I)`` ideal and salience -> ``(A,)`` in [0, 1] (0: it got
    everything it wanted; 1: every issue it cares about landed at the far end of the range)."""
    x = np.asarray(outcome, dtype=float)
    distance = np.minimum(np.abs(x[None, :] - ideal) / (hi - lo), 1.0)
    weight = salience.sum(axis=1)
    total = (salience * distance).sum(axis=1)
    return np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)


def movement(outcome: np.ndarray, status_quo: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Each issue's signed move from the status quo as a share of its range: ``(I,)`` in [-1, 1]."""
    return (np.asarray(outcome, dtype=float) - status_quo) / (hi - lo)
