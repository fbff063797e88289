"""The order of the actors and events in a scenario file decides nothing (issue 24): who proposes
first is drawn from the seed, every actor's luck is drawn by name, and the governments' events are
weighed at once and applied in name order."""

import math

import pytest

from wargame import NegotiationModel
from wargame.model import proposing_order
from wargame.scenario import as_scenario


def _reversed(scenario):
    data = scenario.data()
    data["actors"] = dict(reversed(list(data["actors"].items())))
    data["events"] = dict(reversed(list(data["events"].items())))
    return as_scenario(data)


def _same(a: dict, b: dict) -> bool:
    """Equal rows; floats to 1e-9 (a weighted mean sums its actors in file order)."""

    def equal(x, y) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
        return x == y

    return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(("protocol", "seeds"), [("alternating_offers", 300), ("expected_utility", 100)])
def test_reversing_the_actors_in_the_file_changes_no_episode(package, protocol, seeds):
    """Paired over the seeds: the same seed gives the same episode, column for column, whichever
    order the file lists the five governments and their five events in (stronger than equal
    distributions)."""
    forward = package.with_values({"protocol": protocol})
    backward = _reversed(forward)
    assert list(backward.actors) == list(reversed(list(forward.actors)))
    assert list(backward.events) == list(reversed(list(forward.events)))
    differ = [
        seed
        for seed in range(seeds)
        if not _same(
            NegotiationModel(forward, seed=seed, collect=False).run().to_row(),
            NegotiationModel(backward, seed=seed, collect=False).run().to_row(),
        )
    ]
    assert differ == []


def test_with_three_principals_the_file_order_decides_nothing_either(teaching):
    """Beijing at the table too: the Nash point of three principals is built from views around the
    first principal by name, not by the file's order, so every column agrees."""
    three = teaching.with_values(
        {"actors.beijing.role": "principal", "actors.beijing.strategy": {"name": "linear"}}
    )
    backward = _reversed(three)
    for seed in range(20):
        forward_row = NegotiationModel(three, seed=seed, collect=False).run().to_row()
        assert _same(forward_row, NegotiationModel(backward, seed=seed, collect=False).run().to_row()), seed


def test_who_opens_is_drawn_evenly_and_a_named_opener_is_kept(package):
    opens = [proposing_order(package, seed)[0] for seed in range(400)]
    assert 160 <= opens.count("seoul") <= 240  # a fair coin: 4.5 standard deviations either side
    named = package.with_values({"first_proposer": "washington"})
    assert {proposing_order(named, seed)[0] for seed in range(20)} == {"washington"}
    episode = NegotiationModel(named, seed=3, collect=False).run()
    assert episode.first_proposer == "washington" and episode.rounds[0].proposer == "washington"
