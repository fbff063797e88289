"""The ``spe`` strategy: subgame-perfect alternating offers, checked against Stahl and Rubinstein."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.frontier import nondominated
from wargame.model import NegotiationModel
from wargame.scenario import validate_scenario
from wargame.solutions import accepts, subgame_perfect

from .oracle import grid

STEP = 1e-4  # grid of the pie; the SPE on a grid is within step / (1 - d) of the continuous one


def pie(d1: float, d2: float, rounds: int, step: float = STEP) -> dict:
    """Split a pie of 1: ``x`` is the first proposer's share, linear utilities, failure worth 0."""
    return {
        "name": "pie",
        "rounds": rounds,
        "first_proposer": "first",
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


@settings(max_examples=200, deadline=None)
@given(
    d1=st.floats(0.3, 1.0),
    d2=st.floats(0.3, 1.0),
    rounds=st.integers(1, 12),
    r=st.lists(st.floats(0.0, 0.6), min_size=2, max_size=2),
    seed=st.integers(0, 2**16),
)
def test_plan_is_consistent_rational_and_efficient(d1, d2, rounds, r, seed):
    """On random utilities: the plan says 'accepted' exactly when its responder accepts, values
    follow from the plan, each side does at least as well as waiting (a proposer whose every
    offer would be accepted is the exception: a deal happens, late and discounted, even if
    failing at the end, which is not discounted, would have been worth more), deals are efficient."""
    U = np.random.default_rng(seed).random((2, 60))
    d, r = np.array([d1, d2]), np.array(r)
    plan = subgame_perfect(U, r, d, rounds)
    front = set(nondominated(U.T).tolist())
    for t in range(rounds):
        p, q = t % 2, 1 - t % 2
        x = plan.proposal[t]
        assert plan.accepted[t] == bool(accepts(U[q, x], d[q], t, plan.value[t + 1, q]))
        ok = accepts(U[q], d[q], t, plan.value[t + 1, q])
        if plan.accepted[t]:
            np.testing.assert_allclose(plan.value[t], d**t * U[:, x])
            assert x in front
            assert U[p, x] >= U[p, ok].max() - 1e-12  # no acceptable package is better for it
            assert plan.value[t, q] >= plan.value[t + 1, q] - 1e-12  # the responder gains by accepting
            # the proposer only takes a deal worth less than waiting when it cannot be refused
            assert plan.value[t, p] >= plan.value[t + 1, p] - 1e-12 or ok.all()
        else:
            np.testing.assert_allclose(plan.value[t], plan.value[t + 1])
            assert not ok.all()


def test_a_proposer_who_prefers_to_wait_makes_an_offer_that_is_refused():
    """Failure is not discounted but deals are: with a high reservation and a low discount the
    round-0 proposer prefers the last round; its round-0 offer must then really be refused."""
    U = np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 0.0]])
    plan = subgame_perfect(U, np.array([0.3, 0.0]), np.array([0.5, 1.0]), rounds=3)
    # round 2 (party 0 proposes last): party 1 accepts anything worth >= 0, so party 0 takes all;
    # worth 0.5**2 * 1 = 0.25 < 0.3 to party 0, but party 1 accepts everything, so it is the deal
    assert plan.accepted[2] and plan.value[2, 0] == pytest.approx(0.25)
    # round 1 (party 1 proposes): party 0 needs 0.25 / 0.5 = 0.5 in round-1 utility -> package 1
    assert plan.accepted[1] and plan.proposal[1] == 1
    # round 0 (party 0): party 1 needs 0.5; the best such package gives party 0 just 0.5 >= 0.125
    assert plan.accepted[0]
    waiting = subgame_perfect(U, np.array([0.9, 0.5]), np.array([0.5, 1.0]), rounds=2)
    # party 1 takes packages 0 and 1 only, worth at most 0.5 to party 0, which would rather fail
    # (0.9): it asks for package 2, which party 1 refuses, and the talks fail
    assert not waiting.accepted[0] and waiting.proposal[0] == 2
    assert not accepts(U[1, waiting.proposal[0]], 1.0, 0, waiting.value[1, 1])
    np.testing.assert_allclose(waiting.value[0], [0.9, 0.5])


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
    # the deal is efficient: no package of the whole grid (brute force) is at least as good for both
    # principals and better for one
    outcome = np.array(list(ep.outcome.values()))
    principals = model.payoffs.select(model._principal_rows)
    U = principals.utilities(grid(model.axes))
    chosen = principals.utilities(outcome[None, :])
    dominates = (U >= chosen - 1e-12).all(axis=0) & (U > chosen + 1e-12).any(axis=0)
    assert not dominates.any()
    assert (model.efficient.packages == outcome).all(axis=1).any()  # and it is on the exact frontier
    for actor in ("seoul", "washington"):
        assert ep.gain[actor] > 0


def test_spe_against_a_time_dependent_opponent_still_deals(bilateral):
    s = bilateral.with_values({"actors.seoul.strategy": {"name": "spe"}})
    ep = NegotiationModel(s, seed=2).run()
    assert ep.deal
    assert all(ep.gain[a] >= -1e-9 for a in ("seoul", "washington"))


def test_spe_needs_exactly_two_principals(teaching):
    from wargame.errors import WargameError

    data = teaching.data()
    data["actors"]["beijing"]["role"] = "principal"
    data["actors"]["seoul"]["strategy"] = {"name": "spe"}
    with pytest.raises(WargameError, match="spe bargains among exactly 2 principals; this scenario has 3"):
        validate_scenario(data, "three.yaml")


def test_spe_replans_when_an_event_changes_the_payoffs(teaching):
    """An inject before round 0's offer changes Seoul's payoffs: both plans are redone for them."""
    data = teaching.data()
    data["actors"]["seoul"]["strategy"] = {"name": "spe"}
    data["actors"]["washington"]["strategy"] = {"name": "spe"}
    data["injects"] = [{"round": 0, "event": "beijing_coercion", "note": "test"}]
    model = NegotiationModel(validate_scenario(data, "inject.yaml"), seed=0)
    seoul = next(a for a in model.principals if a.actor == "seoul")
    before = seoul.strategy.plan(seoul)
    version = seoul.version
    model.step()  # the inject fires, then Seoul proposes
    assert seoul.version > version and seoul.strategy._planned_for == seoul.version
    after = seoul.strategy.plan(seoul)
    assert not np.array_equal(before.value, after.value)
    # Seoul's beliefs now are its own true payoffs as the inject left them
    np.testing.assert_allclose(seoul.own, model.payoffs.utilities(seoul.packages)[seoul.index], atol=1e-12)
    # the plan is backward induction over its efficient packages and each side's least liked one,
    # under those beliefs (Seoul proposes first)
    least, least_U = seoul.least_liked
    packages = np.concatenate([seoul.packages, least])
    expected = subgame_perfect(
        np.stack(
            [np.concatenate([seoul.own, least_U[0]]), np.concatenate([seoul.others_utility[0], least_U[1]])]
        ),
        np.array([seoul.reservation, seoul.others_reservation[0]]),
        np.array([seoul.discount, seoul.others_discount[0]]),
        model.rounds,
    )
    np.testing.assert_array_equal(after.proposal, expected.proposal)
    assert model.history[0].offer == dict(
        zip(model.issue_names, map(float, packages[after.proposal[0]]), strict=True)
    )


def test_aspirations_stay_on_the_utility_scale_whoever_discounts(bilateral):
    """A subgame that ends in failure is worth the reservation, undiscounted: it must not be divided
    by discount ** t like a deal's value (which gave aspirations of 15.2 on a 0-1 scale)."""
    s = bilateral.with_values(
        {
            "actors.seoul.strategy": {"name": "spe"},
            "actors.washington.strategy": {"name": "spe"},
            "actors.seoul.discount": 0.5,
            "actors.washington.discount": 0.5,
            "actors.seoul.no_deal_cost": -0.2,  # failing pays Seoul: the plan ends in no deal
        }
    )
    model = NegotiationModel(s, seed=0)
    episode = model.run()
    seoul = model.principals[0]
    plan = seoul.strategy.plan(seoul)
    for t in range(model.rounds):
        a = seoul.strategy.aspiration(seoul, t)
        assert 0 <= a <= 1
        deals = [u for u in range(t, model.rounds) if plan.accepted[u]]
        expected = seoul.reservation if not deals else plan.value[t, 0] / 0.5**t
        assert a == pytest.approx(expected)
    for record in episode.rounds:
        assert all(0 <= v <= 1 for v in record.aspiration.values())
    frame = model.datacollector.get_agent_vars_dataframe()
    assert frame["aspiration"].dropna().between(0, 1).all()
