"""How an episode's cost grows with the number of issues and principals (issue 23).

Generated scenarios of 3, 7, 15 and 30 issues (11 to 21 values each) with 2, 3 and 4 principals
playing linear concession over 12 rounds, concave utilities, one linkage per principal (each on its
own pair of issues) and a focal
value on every third issue. Offers come from the exact efficient packages, so the cost should grow
with the sum of the issues' sizes and the size of the frontier, not with the grid's size (at 30
issues about 10^35 packages). Run: ``pytest tests/benchmarks/test_scale.py --benchmark-only``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from wargame.model import NegotiationModel
from wargame.scenario import as_scenario


def generated(n_issues: int, n_principals: int, seed: int = 0) -> dict[str, Any]:
    """A valid scenario of ``n_issues`` issues and ``n_principals`` principals, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    issues: dict[str, Any] = {}
    for i in range(n_issues):
        steps = int(rng.integers(10, 21))
        issue: dict[str, Any] = {
            "unit": "points",
            "lo": 0.0,
            "hi": float(steps),
            "step": 1.0,
            "status_quo": 0.0,
            "no_deal": 0.0,
        }
        if i % 3 == 0:
            issue["focal"] = [{"value": float(steps // 2)}]
        issues[f"issue_{i}"] = issue
    actors: dict[str, Any] = {}
    for a in range(n_principals):
        ideal = {k: float(rng.integers(0, int(v["hi"]) + 1)) for k, v in issues.items()}
        # each principal links its own pair of issues (pairs apart when there are issues enough: a
        # chain of linkages makes one block as large as the product of its issues)
        first, second = list(issues)[(2 * a) % n_issues], list(issues)[(2 * a + 1) % n_issues]
        actors[f"gov_{a}"] = {
            "role": "principal",
            "capability": 1.0,
            "ideal": ideal,
            "salience": {k: float(rng.uniform(0.1, 1.0)) for k in issues},
            "risk": float(rng.uniform(1.0, 2.5)),
            "focal_weight": {k: 0.02 for k in list(issues)[::3]},
            "discount": 0.98,
            "no_deal_cost": 0.05,
            "perception_noise": 0.05,
            "strategy": {"name": "linear"},
            "linkages": [
                {
                    "targets": {first: ideal[first], second: ideal[second]},
                    "weight": 0.05,
                    "kind": "complement",
                }
            ],
        }
    return {"name": f"generated_{n_issues}x{n_principals}", "rounds": 12, "issues": issues, "actors": actors}


@pytest.mark.parametrize("principals", [2, 3, 4])
@pytest.mark.parametrize("issues", [3, 7, 15, 30])
def test_episode_cost_by_size(benchmark, issues, principals):
    scenario = as_scenario(generated(issues, principals))
    seeds = itertools.count()
    benchmark.pedantic(
        lambda: NegotiationModel(scenario, seed=next(seeds), collect=False).run(), rounds=10, warmup_rounds=1
    )
    benchmark.extra_info["ms_per_episode"] = 1e3 * benchmark.stats.stats.mean
    benchmark.extra_info["grid_size"] = float(
        np.prod([int(v["hi"]) + 1 for v in generated(issues, principals)["issues"].values()], dtype=float)
    )
