"""Metamorphic relations with common random numbers: one parameter through increasing values, the
same seeds at every value, and a paired test of the direction the relation says.

A relation holds when no step between consecutive values moves the expectation the wrong way by
more than ``Z`` paired standard errors (a real reversal fails; the sampling noise of finitely many
seeds does not), and, where it says so, the ends differ in the right direction by more than ``Z``
standard errors (the relation is not vacuous).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from wargame import NegotiationModel
from wargame.scenario import Scenario

Z = 3.0


def play(
    scenario: Scenario, path: str, values: Sequence[Any], seeds: Sequence[int], fixed: dict | None = None
) -> list[pd.DataFrame]:
    """One table of episodes per value, the same seeds (rows) in each."""
    out = []
    for value in values:
        s = scenario.with_values({**(fixed or {}), path: value})
        out.append(pd.DataFrame([NegotiationModel(s, seed=k, collect=False).run().to_row() for k in seeds]))
    return out


@dataclass
class Relation:
    """Per pair of consecutive values: the mean paired change of the measure (signed so that the
    relation wants it >= 0) and its standard error; the same from the first value to the last."""

    steps: list[tuple[float, float]]
    ends: tuple[float, float]

    def holds(self) -> bool:
        return all(mean >= -Z * se for mean, se in self.steps)

    def strict(self) -> bool:
        mean, se = self.ends
        return mean > Z * se

    def __str__(self) -> str:
        steps = ", ".join(f"{m:+.4f} (se {s:.4f})" for m, s in self.steps)
        return f"steps {steps}; ends {self.ends[0]:+.4f} (se {self.ends[1]:.4f})"


def relation(
    tables: list[pd.DataFrame], measure: Callable[[pd.DataFrame], np.ndarray], sign: float
) -> Relation:
    """The relation "``measure`` moves with ``sign`` as the value rises" over ``tables``."""
    values = [sign * np.asarray(measure(t), dtype=float) for t in tables]

    def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
        d = b - a
        return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0

    return Relation([paired(a, b) for a, b in itertools.pairwise(values)], paired(values[0], values[-1]))
