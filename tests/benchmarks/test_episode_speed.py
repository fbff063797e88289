"""Episodes per second in one process (run: pytest tests/benchmarks --benchmark-only).

Not part of the default test run: speed is measured here, never asserted in a test.
"""

import itertools

import pytest

from wargame import bdm, space
from wargame.actors_csv import load_actors_csv
from wargame.frontier import efficient_packages, group_issues
from wargame.model import NegotiationModel
from wargame.parameters import payoffs_of
from wargame.payoffs import block_tables
from wargame.scenario import load_scenario

from ..conftest import BILATERAL, PACKAGE, TEACHING


@pytest.mark.parametrize("path", [TEACHING, PACKAGE, BILATERAL], ids=lambda p: p.stem)
def test_episode(benchmark, path):
    scenario = load_scenario(path)
    seeds = itertools.count()
    benchmark(lambda: NegotiationModel(scenario, seed=next(seeds)).run())
    benchmark.extra_info["episodes_per_second"] = 1.0 / benchmark.stats.stats.mean


@pytest.mark.parametrize("variant", ["scholz", "textbook"])
def test_episode_expected_utility(benchmark, variant):
    """The baseline under the expected_utility protocol (12 rounds, 3 issues, 5 actors)."""
    scenario = load_scenario(TEACHING).with_values({"protocol": "expected_utility", "variant": variant})
    seeds = itertools.count()
    benchmark(lambda: NegotiationModel(scenario, seed=next(seeds), collect=False).run())
    benchmark.extra_info["episodes_per_second"] = 1.0 / benchmark.stats.stats.mean


def test_episode_spe(benchmark):
    """Bilateral with both principals playing subgame-perfect (backward induction on the grid)."""
    scenario = load_scenario(BILATERAL).with_values(
        {"actors.seoul.strategy": {"name": "spe"}, "actors.washington.strategy": {"name": "spe"}}
    )
    seeds = itertools.count()
    benchmark(lambda: NegotiationModel(scenario, seed=next(seeds), collect=False).run())
    benchmark.extra_info["episodes_per_second"] = 1.0 / benchmark.stats.stats.mean


def test_forecast_ec_ten_rounds(benchmark):
    """`wargame forecast` on the EC example: ten actors, ten rounds."""
    t = load_actors_csv(TEACHING.parents[1] / "reference" / "ec_emissions.csv")
    benchmark(bdm.simulate, t.capability, t.position, t.salience, 10)


def test_frontier_of_the_package(benchmark):
    """The principals' efficient packages on the baseline's 17 million (exact, issue by issue)."""
    scenario = load_scenario(PACKAGE)
    p = payoffs_of(scenario)
    p = p.select([p.index(a) for a in scenario.principals])
    axes = space.layout(scenario).axes
    blocks = group_issues([len(a) for a in axes], [(int(i), int(j)) for i, j in p.link_issues])
    front = benchmark(lambda: efficient_packages(block_tables(p, axes, blocks), blocks, axes))
    benchmark.extra_info["efficient_packages"] = len(front)


def test_a_choice_to_act(benchmark):
    """What one government's decision costs when nothing is memoized: the agreement the table
    predicts with and without its event (two Nash points from public payoffs) and the logit."""
    scenario = load_scenario(PACKAGE)
    model = NegotiationModel(scenario, seed=0, collect=False)
    beijing = next(a for a in model.agents if a.actor == "beijing")
    decision = scenario.events["beijing_coercion"].decision

    def choose() -> float:
        model._outlooks.clear()
        model._efficient_memo.clear()
        return beijing.chance_to_act("beijing_coercion", decision.cost, decision.noise)

    assert 0.0 <= benchmark(choose) <= 1.0
