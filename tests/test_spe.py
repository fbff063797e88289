"""The ``spe`` strategy: subgame-perfect alternating offers, checked against Stahl and Rubinstein."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.model import NegotiationModel
from wargame.scenario import validate_scenario
from wargame.solutions import pareto_front, subgame_perfect

STEP = 1e-4  # grid of the pie; the SPE on a grid is within step / (1 - d) of the continuous one


def pie(d1: float, d2: float, rounds: int, step: float = STEP) -> dict:
    """Split a pie of 1: ``x`` is the first proposer's share, linear utilities, failure worth 0."""
    return {
        "name": "pie",
        "rounds": rounds,
        "issues": {
            "share": {"unit": "share", "lo": 0.0, "hi": 1.0, "status_quo": 0.5, "no_deal": 0.0, "step": step}
        },
        "actors": {
            # U_first = x, U_second = 1 - x; no_deal (x = 0) is worth 1 to second, so it costs 1
            "first": {
                "role": "principal",
                "capability": 1,
                "ideal": {"share": 1.0},
                "salience": {"share": 1.0},
                "discount": d1,
                "strategy": {"name": "spe"},
            },
            "second": {
                "role": "principal",
                "capability": 1,
                "ideal": {"share": 0.0},
                "salience": {"share": 1.0},
                "discount": d2,
                "no_deal_cost": 1.0,
                "strategy": {"name": "spe"},
            },
        },
    }


def stahl(d1: float, d2: float, rounds: int) -> float:
    """Stahl (1972): the first proposer's share, by the textbook recursion from the last round."""
    share = 1.0  # whoever proposes last takes the whole pie
    for t in range(rounds - 2, -1, -1):
        responder_discount = d2 if t % 2 == 0 else d1
        share = 1.0 - responder_discount * share
    return share


def rubinstein(d1: float, d2: float) -> float:
    return (1 - d2) / (1 - d1 * d2)


def play(d1, d2, rounds):
    model = NegotiationModel(validate_scenario(pie(d1, d2, rounds), "pie"), seed=0)
    return model.run()


def test_stahl_recursion_matches_its_closed_form():
    # a check on the reference itself: equal discounts give (1 - (-d)^T) / (1 + d)
    for d in (0.5, 0.9):
        for T in (1, 2, 3, 6, 7):
            assert stahl(d, d, T) == pytest.approx((1 - (-d) ** T) / (1 + d))


@pytest.mark.parametrize("rounds", [1, 2, 3, 4, 5, 10])
@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.9), (0.5, 0.8), (0.95, 0.6)])
def test_stahl_shares_and_immediate_agreement(d1, d2, rounds):
    ep = play(d1, d2, rounds)
    assert ep.deal and ep.deal_round == 0  # the first offer is accepted at once
    assert ep.proposer == "first"
    assert ep.outcome["share"] == pytest.approx(stahl(d1, d2, rounds), abs=STEP / (1 - max(d1, d2)) + 1e-9)


@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.9), (0.8, 0.6), (0.6, 0.9)])
def test_long_horizons_tend_to_rubinstein(d1, d2):
    limit = rubinstein(d1, d2)
    errors = []
    for T in (2, 5, 20, 200):
        share = play(d1, d2, T).outcome["share"]
        errors.append(abs(share - limit))
    assert errors[-1] < 2e-3
    assert errors[0] > errors[-1]
    # Stahl shares alternate around the limit and approach it geometrically
    assert abs(stahl(d1, d2, 200) - limit) < 1e-6


def test_patience_is_power():
    assert play(0.95, 0.5, 10).outcome["share"] > play(0.5, 0.95, 10).outcome["share"]


@settings(max_examples=30, deadline=None)
@given(
    d1=st.floats(0.3, 1.0),
    d2=st.floats(0.3, 1.0),
    rounds=st.integers(1, 12),
    r=st.lists(st.floats(0.0, 0.4), min_size=2, max_size=2),
)
def test_plan_is_individually_rational_and_efficient(d1, d2, rounds, r):
    """On random utilities: nobody's value falls below what waiting gives; deals are efficient."""
    rng = np.random.default_rng(0)
    U = rng.random((2, 400))
    plan = subgame_perfect(U, np.array(r), np.array([d1, d2]), rounds)
    # a party never takes less than the next round's subgame is worth to it, back to failure
    assert np.all(plan.value[:-1] >= plan.value[1:] - 1e-12)
    assert np.all(plan.value[0] >= np.array(r) - 1e-12)
    x = plan.proposal[0]
    if plan.accepted[0]:
        assert np.all(U[:, x] >= np.array(r) - 1e-12)
        assert x in set(pareto_front(U).tolist())


def test_multi_issue_spe_on_the_bilateral_scenario(bilateral):
    s = bilateral.with_values(
        {
            "actors.seoul.strategy": {"name": "spe"},
            "actors.washington.strategy": {"name": "spe"},
            "actors.seoul.discount": 0.9,
            "actors.washington.discount": 0.9,
        }
    )
    model = NegotiationModel(s, seed=1)
    ep = model.run()
    assert ep.deal and ep.deal_round == 0
    U = model.candidate_utility[model._principal_rows]
    chosen = int(np.flatnonzero((model.candidates == np.array(list(ep.outcome.values()))).all(axis=1))[0])
    assert chosen in set(pareto_front(U).tolist())
    for actor in ("seoul", "washington"):
        assert ep.gain[actor] > 0


def test_spe_against_a_time_dependent_opponent_still_deals(bilateral):
    s = bilateral.with_values({"actors.seoul.strategy": {"name": "spe"}})
    ep = NegotiationModel(s, seed=2).run()
    assert ep.deal
    assert all(ep.gain[a] >= -1e-9 for a in ("seoul", "washington"))


def test_spe_needs_exactly_two_principals(baseline):
    from wargame.errors import WargameError

    data = baseline.data()
    data["actors"]["beijing"]["role"] = "principal"
    data["actors"]["seoul"]["strategy"] = {"name": "spe"}
    with pytest.raises(WargameError, match="spe solves two-party bargaining"):
        validate_scenario(data, "three.yaml")
