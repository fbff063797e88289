"""Ratification (issue 24): bodies whose approval an agreement needs, as public ranges the
principals bargain inside; a person's offer outside them is vetoed and the talks go on."""

import itertools

import numpy as np
import pandas as pd
import pytest

from wargame import NegotiationModel, ratification
from wargame.errors import WargameError

from .conftest import events_off

# ----------------------------------------------------------------------------- the maths


def test_restrict_keeps_what_every_ratifier_approves_and_vetoes_name_who_refuses():
    axes = (np.array([0.0, 1.0, 2.0, 3.0]), np.array([10.0, 20.0]))
    ranges = {"a": {0: (1.0, None)}, "b": {0: (None, 2.0), 1: (15.0, None)}}
    kept = ratification.restrict(axes, list(ranges.values()))
    np.testing.assert_array_equal(kept[0], [1.0, 2.0])
    np.testing.assert_array_equal(kept[1], [20.0])
    assert ratification.vetoes(np.array([0.0, 20.0]), ranges) == ["a"]
    assert ratification.vetoes(np.array([3.0, 10.0]), ranges) == ["b"]
    assert ratification.vetoes(np.array([2.0, 20.0]), ranges) == []
    # a track's terms: only its columns are asked
    assert ratification.vetoes(np.array([2.0, 10.0]), ranges, columns=[0]) == []


# ----------------------------------------------------------------------------- in the talks


def _play(scenario, seeds, **kwargs) -> pd.DataFrame:
    return pd.DataFrame(
        [NegotiationModel(scenario, seed=k, collect=False, **kwargs).run().to_row() for k in seeds]
    )


def test_agents_bargain_inside_the_ranges_and_the_solutions_respect_them(package):
    """Over 40 seeds the agents never offer what a ratifier would refuse, and every deal and every
    Nash point is inside the ranges (Congress's floor of 28,500, the Assembly's limit on the
    pledge's terms)."""
    for seed in range(40):
        m = NegotiationModel(package, seed=seed, collect=False)
        episode = m.run()
        for offer in m.offers:
            assert m.vetoes(offer.package) == []
        if episode.deal:
            assert episode.outcome["troop_level"] == 28.5 and episode.outcome["investment_terms"] <= 1
        if episode.nash is not None:
            assert episode.nash["troop_level"] == 28.5 and episode.nash["investment_terms"] <= 1


def test_without_the_floor_troops_move_a_paired_what_if(package):
    """Congress's floor binds: with it no deal cuts the troops; lifted, some do (Seoul's weight on
    them and Pyongyang's provocations keep most deals at 28,500 even then: docs/scenarios.md)."""
    seeds = range(60)
    kept = _play(package, seeds)
    lifted = _play(package.with_values({"ratification.congress.ranges.troop_level.low": 22.0}), seeds)
    assert (kept.loc[kept["deal"], "outcome.troop_level"] == 28.5).all()
    assert (lifted.loc[lifted["deal"], "outcome.troop_level"] < 28.5).mean() > 0.1


def test_a_tighter_range_never_widens_the_zone_of_agreement(package):
    """Metamorphic, exact: as the Assembly's limit on the pledge's terms and Congress's floor
    tighten, the most either principal can get from a package both prefer to failing, and the
    largest product of their gains (the Nash product), never rise; the tightest closes part of it."""
    quiet = package.with_values({"breakdown": {}, "injects": []})
    best, products = [], []
    for high, low in [(2, 22.0), (2, 28.5), (1, 28.5), (0, 28.5)]:
        s = quiet.with_values(
            {
                "ratification.national_assembly.ranges.investment_terms.high": high,
                "ratification.congress.ranges.troop_level.low": low,
            }
        )
        solutions = NegotiationModel(s, seed=0, collect=False).solutions
        gains = solutions.U - solutions.r[:, None]
        rational = (gains >= -1e-12).all(axis=0)
        best.append(gains[:, rational].max(axis=1))
        products.append(float(np.prod(gains[:, rational], axis=0).max()))
    for wider, tighter in itertools.pairwise(best):
        assert (tighter <= wider + 1e-12).all()
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(products)), products
    assert products[-1] < products[0]


class Insistent:
    """A person who always offers the same package and accepts whatever is offered."""

    def __init__(self, package: dict[str, float]):
        self.package = package

    def propose(self, view, round_):
        return np.array([self.package[i] for i in view.scenario.issues])

    def respond(self, view, offer, round_):
        return True

    def act(self, view, round_, events):
        return None


def test_an_agreement_outside_a_range_is_vetoed_and_the_talks_go_on(package):
    """A person playing Washington offers to cut troops to 27,000 with terms Seoul's agent takes:
    Congress vetoes it, the round records who, and the talks continue."""
    scenario = package.with_values({"first_proposer": "washington", "breakdown": {}, **events_off(package)})
    generous = {
        "defense_spending": 3.0,
        "usfk_contribution": 1.0,
        "troop_level": 27.0,
        "flexibility_statement": 1,
        "tariff": 0.0,
        "investment_terms": 0,
        "energy_purchases": 100.0,
    }
    m = NegotiationModel(scenario, seed=0, collect=False, humans={"washington": Insistent(generous)})
    episode = m.run()
    first = episode.rounds[0]
    assert first.responses == {"seoul": True} and first.vetoed_by == ("congress",) and not first.deal
    assert episode.rounds_played > 1 and episode.to_row()["vetoes"] >= 1
    assert not episode.deal or episode.outcome["troop_level"] == 28.5


def test_ranges_that_leave_nothing_to_ratify_are_refused(package):
    with pytest.raises(WargameError, match="nothing could be ratified"):
        package.with_values({"ratification.congress.ranges.troop_level.low": 28.6})
    with pytest.raises(WargameError, match="unknown principal 'tokyo'"):
        package.with_values({"ratification.congress.principal": "tokyo"})


def test_an_open_bound_set_from_the_command_line_is_checked_not_called_unknown(package):
    """Congress's range has no ``high``: setting one is a parameter like any other, and a high below
    its low is refused for that reason, not as an unknown path."""
    with pytest.raises(WargameError, match="low 28.5 is above high 20"):
        package.with_values({"ratification.congress.ranges.troop_level.high": 20})
    closed = package.with_values({"ratification.congress.ranges.troop_level.high": 28.5})
    assert closed.ratification["congress"].ranges["troop_level"].high == 28.5


def _expected_utility(package):
    """The package under the expected utility model, no events, and a Seoul for which failure is
    dear enough to take the forecast: only the Assembly can refuse it."""
    return package.with_values(
        {"protocol": "expected_utility", "actors.seoul.no_deal_cost": 0.25, **events_off(package)}
    )


def test_under_expected_utility_a_vetoed_forecast_is_no_deal(package):
    """The expected utility model puts its forecast to the principals once, at the end: a forecast
    a ratifier refuses is no deal, and the round says who refused it."""
    vetoed = 0
    for seed in range(10):
        episode = NegotiationModel(_expected_utility(package), seed=seed).run()
        last = episode.rounds[-1]
        if last.vetoed_by:
            vetoed += 1
            assert not episode.deal and all(last.responses.values())
    assert vetoed


def test_the_round_table_says_who_vetoed_an_accepted_offer(package):
    """A report must not show a bare "yes" for an offer a ratifier refused."""
    from wargame.report_episode import transcript_table
    from wargame.tables import document

    episode = NegotiationModel(_expected_utility(package), seed=0).run()
    for seed in range(1, 10):
        if episode.rounds[-1].vetoed_by:
            break
        episode = NegotiationModel(_expected_utility(package), seed=seed).run()
    assert episode.rounds[-1].vetoed_by
    text = document([transcript_table(episode, package)], "md")
    assert f"vetoed by {', '.join(episode.rounds[-1].vetoed_by)}" in text
