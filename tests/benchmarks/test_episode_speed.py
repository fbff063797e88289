"""Episodes per second in one process (run: pytest tests/benchmarks --benchmark-only).

Not part of the default test run: speed is measured here, never asserted in a test.
"""

import itertools

import numpy as np
import pytest

from wargame import space
from wargame.model import NegotiationModel
from wargame.payoffs import Payoffs, grid_utilities
from wargame.scenario import load_scenario

from ..conftest import BASELINE, BILATERAL, FLEXIBILITY


@pytest.mark.parametrize("path", [BASELINE, FLEXIBILITY, BILATERAL], ids=lambda p: p.stem)
def test_episode(benchmark, path):
    scenario = load_scenario(path)
    seeds = itertools.count()
    benchmark(lambda: NegotiationModel(scenario, seed=next(seeds)).run())
    benchmark.extra_info["episodes_per_second"] = 1.0 / benchmark.stats.stats.mean


def test_score_baseline_grid(benchmark):
    """All actors' utilities of every package on the baseline grid (22,568 packages)."""
    scenario = load_scenario(BASELINE)
    packages, index = space.candidates(scenario, np.random.default_rng(0))
    p = Payoffs.from_scenario(scenario)
    benchmark(grid_utilities, p, space.axes(scenario), index, True)
    benchmark.extra_info["packages"] = len(packages)


def test_score_packages_direct(benchmark):
    """The general path (arbitrary packages, no grid): 22,568 packages x 5 actors."""
    scenario = load_scenario(BASELINE)
    packages, _ = space.candidates(scenario, np.random.default_rng(0))
    p = Payoffs.from_scenario(scenario)
    benchmark(p.utilities, packages)
