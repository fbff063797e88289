"""The brute force the exact search is tested against: every package of the grid, scored one by one
with :func:`wargame.payoffs.utilities` (the definition), for scenarios small enough to list."""

from __future__ import annotations

import numpy as np

from wargame import space
from wargame.frontier import group_issues
from wargame.parameters import payoffs_of
from wargame.payoffs import Payoffs, block_tables
from wargame.scenario import Scenario


def grid(axes: tuple[np.ndarray, ...] | list[np.ndarray]) -> np.ndarray:
    """Every package of the grid: ``(N, I)``."""
    return np.stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")], axis=1)


def structure(p: Payoffs, axes: tuple[np.ndarray, ...] | list[np.ndarray]):
    return group_issues([len(a) for a in axes], [(int(i), int(j)) for i, j in p.link_issues])


def block_sums(s: Scenario, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random packages of the grid and every actor's utility of them summed from the block
    tables: ``((n, I), (A, n))``."""
    p = payoffs_of(s)
    axes = space.layout(s).axes
    blocks = structure(p, axes)
    tables = block_tables(p, axes, blocks)
    index = np.stack([rng.integers(0, len(a), size=n) for a in axes], axis=1)
    summed = np.zeros((len(p.actors), n))
    for members, table in zip(blocks.members, tables, strict=True):
        at = np.ravel_multi_index(tuple(index[:, i] for i in members), [len(axes[i]) for i in members])
        summed += table[:, at]
    packages = np.stack([a[index[:, i]] for i, a in enumerate(axes)], axis=1)
    return packages, summed
