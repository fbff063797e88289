"""Metamorphic tests: what a reasonable model of the talks must do when one assumption moves.

Each relation plays the baseline (summit_2025_package.yaml) at increasing values of one
parameter with the same seeds at every value (common random numbers) and tests the expected
direction over all of them (tests/metamorphic.py: no step reverses it by more than 3 paired
standard errors, and where the relation has room to move, the ends differ by more than 3).
docs/validation.md reports the numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wargame import NegotiationModel, load_scenario

from .conftest import PACKAGE, TEACHING
from .metamorphic import play, relation

SEEDS = range(100)

slow = pytest.mark.slow


@slow
def test_a_higher_defence_demand_never_lowers_the_expected_defence_outcome(package):
    tables = play(package, "actors.washington.ideal.defense_spending", [3.5, 3.8, 4.2, 5.0], SEEDS)
    r = relation(tables, lambda d: d["outcome.defense_spending"], +1)
    assert r.holds() and r.strict(), str(r)


@slow
@pytest.mark.parametrize("actor", ["seoul", "washington"])
def test_a_costlier_failure_never_improves_an_actors_expected_concession(package, actor):
    # up to the toughest type the other side considers (a truth outside its prior is refused)
    top = max(package.actors[actor].private.no_deal_cost)
    values = [v for v in (0.0, 0.04, 0.08, 0.15, 0.25) if v < top] + [top]
    # Washington's with the breakdowns off: with them, a costlier failure makes it settle sooner,
    # and fewer talks break down into the outcome furthest from its ideals, which improves its
    # expected concession for a reason the relation is not about (docs/validation.md)
    scenario = package if actor == "seoul" else package.with_values({"breakdown": {}})
    tables = play(scenario, f"actors.{actor}.no_deal_cost", values, SEEDS)
    r = relation(tables, lambda d: d[f"concession.{actor}"], +1)
    if actor == "seoul":  # Seoul's fallback is what its concessions are made of
        assert r.holds() and r.strict(), str(r)
    else:
        # end to end only: from 0 to 0.04 Washington's concession improves by about 6 standard
        # errors. A lower reservation lowers its aspiration when it proposes at the
        # summit, and the summit's vote locks in that offer's economic terms (more energy
        # purchases), which the later security bargaining does not trade back (docs/validation.md)
        mean, se = r.ends
        assert mean >= -3 * se, str(r)


@slow
@pytest.mark.parametrize(
    ("actor", "issue"),
    [
        ("seoul", "usfk_contribution"),
        ("seoul", "tariff"),
        ("seoul", "flexibility_statement"),
        ("seoul", "troop_level"),
        ("washington", "tariff"),
        ("washington", "investment_terms"),
        ("washington", "defense_spending"),
    ],
)
def test_a_principal_caring_more_never_moves_the_outcome_away_from_its_ideal(package, actor, issue):
    ideal = package.actors[actor].ideal[issue]
    tables = play(package, f"actors.{actor}.salience.{issue}", [0.05, 0.1, 0.2, 0.45], SEEDS)
    r = relation(tables, lambda d: (d[f"outcome.{issue}"] - ideal).abs(), -1)
    assert r.holds(), str(r)
    # where the outcome already sits at or next to the ideal there is no room to move, so no strict
    # change is asked: troops at 28,500 for Seoul; with exact offers (issue 23) defence spending
    # and the tariff at Washington's 3.8 and 15 in nearly every deal, and the pledge's terms, where
    # Seoul concedes last (concave on both sides), moving +0.03 of an option over the whole range
    # of Washington's weight (se 0.017 over the seeds: toward its ideal, never away)
    if (actor, issue) not in {
        ("seoul", "troop_level"),
        ("washington", "defense_spending"),
        ("washington", "tariff"),
        ("washington", "investment_terms"),
    }:
        assert r.strict(), str(r)


@slow
@pytest.mark.parametrize(
    ("actor", "issue"), [("beijing", "flexibility_statement"), ("pyongyang", "troop_level")]
)
def test_an_outsider_with_more_say_never_moves_the_forecast_away_from_it(package, actor, issue):
    """Its say (capability in the expected utility model), with its own actions switched off: a
    more capable actor also predicts a different forecast, so it chooses differently, and
    tests/test_decisions.py tests what its choices do."""
    ideal = package.actors[actor].ideal[issue]
    own = {f"events.{e}.max_fires": 0 for e, event in package.events.items() if event.actor == actor}
    tables = play(
        package,
        f"actors.{actor}.capability.{issue}",
        [0.0, 0.3, 1.0, 2.0],
        SEEDS,
        fixed={"protocol": "expected_utility", **own},
    )
    r = relation(tables, lambda d: (d[f"forecast.{issue}"] - ideal).abs(), -1)
    assert r.holds() and r.strict(), str(r)


def _rows(scenario, seeds) -> pd.DataFrame:
    return pd.DataFrame([NegotiationModel(scenario, seed=k, collect=False).run().to_row() for k in seeds])


@pytest.mark.parametrize("path", [TEACHING, PACKAGE])
def test_a_breakdown_hazard_of_zero_reproduces_the_talks_without_one(path):
    scenario = load_scenario(path)
    events = list(scenario.events)
    zero = {
        "breakdown": {
            "domestic": {"hazard": 0.0},
            "escalation": {"hazard": 0.0, "per_fire": dict.fromkeys(events, 0.0)},
        }
    }
    without = _rows(scenario.with_values({"breakdown": {}}), range(25))
    with_zero = _rows(scenario.with_values(zero), range(25))
    pd.testing.assert_frame_equal(without, with_zero)
    assert (with_zero["ended"] != "breakdown").all()


def test_the_teaching_scenario_plays_as_it_did_before_tracks_and_breakdowns():
    """Tracks, breakdowns and calendars are off unless a scenario asks: the three-issue scenario
    still ends only in a deal or at the deadline, one round a day (the golden set pins the rest)."""
    rows = _rows(load_scenario(TEACHING), range(30))
    assert set(rows["ended"]) <= {"agreement", "deadline"}
    assert not any(c.startswith("agreed.") for c in rows.columns)
    dealt = rows[rows["deal"]]
    np.testing.assert_array_equal(dealt["deal_day"], dealt["deal_round"] + 1)


@slow
@pytest.mark.parametrize("actor", ["seoul", "washington"])
def test_a_more_patient_side_never_concedes_more(package, actor):
    """Issue 24: patience (the per-round discount factor rising to 1) never moves the outcome away
    from the side's ideals in expectation: it holds out for more. With the breakdowns off: with
    them, holding out also keeps the talks exposed for longer (per day, most of it in the long
    follow-on rounds), and a breakdown is the outcome furthest from Washington's ideals, so the
    effect of exposure blurs the one of bargaining (docs/validation.md has both)."""
    calm = package.with_values({"breakdown": {}})
    tables = play(calm, f"actors.{actor}.discount", [0.9, 0.95, 0.98, 1.0], SEEDS)
    r = relation(tables, lambda d: d[f"concession.{actor}"], -1)
    assert r.holds() and r.strict(), str(r)
