"""Each strategy's behaviour, in a live model so the agents are real Mesa agents.

Strategies see only :class:`agents.view.NegotiatorView`; the agents here provide it.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.strategies import (
    STRATEGIES,
    Boulware,
    Conceder,
    Hardliner,
    Linear,
    TimeDependent,
    TitForTat,
    make_strategy,
    validate_params,
)
from wargame.model import NegotiationModel

from .oracle import grid


def _agents(scenario, **overrides):
    m = NegotiationModel(scenario, seed=0, overrides=overrides)
    return m, {a.actor: a for a in m.agents}


def test_time_dependent_schedule(bilateral):
    m, ag = _agents(bilateral)
    seoul = ag["seoul"]
    T = m.rounds - 1
    r, best = seoul.reservation, seoul.best_utility
    for e in (0.2, 1.0, 3.0):
        s = _time_dependent(e)
        assert s.aspiration(seoul, 0) == pytest.approx(best)
        assert s.aspiration(seoul, T) == pytest.approx(r)
        assert s.aspiration(seoul, T + 5) == pytest.approx(r)  # never below reservation
        levels = [s.aspiration(seoul, t) for t in range(T + 1)]
        assert all(a >= b for a, b in itertools.pairwise(levels))
    mid = T // 2
    boulware, linear, conceder = (_time_dependent(e).aspiration(seoul, mid) for e in (0.2, 1.0, 3.0))
    assert boulware > linear > conceder
    assert linear == pytest.approx(r + (best - r) * (1 - mid / T))


def _every_package(m):
    """Every package of the model's grid (brute force: it is small here) and every actor's
    utility of each: ``(N, I)``, ``(A, N)``."""
    packages = grid(m.axes)
    return packages, m.payoffs.utilities(packages)


def _time_dependent(e: float) -> TimeDependent:
    cls = Boulware if e < 1 else Linear if e == 1 else Conceder
    return cls(cls.Params(name=cls.name, e=e))


def test_strategy_params_map_to_registered_classes():
    assert isinstance(make_strategy(None), Linear)  # a principal without a strategy
    assert make_strategy(validate_params({"name": "boulware"})).params.e == 0.2
    assert make_strategy(validate_params({"name": "conceder"})).params.e == 3.0
    hard = make_strategy(validate_params({"name": "hardliner", "level": 0.8}))
    assert isinstance(hard, Hardliner) and hard.params.level == 0.8
    assert list(STRATEGIES) == ["boulware", "linear", "conceder", "tit_for_tat", "hardliner", "spe"]
    for name, cls in STRATEGIES.items():
        assert cls.name == name and isinstance(make_strategy(validate_params({"name": name})), cls)


def test_proposal_meets_own_aspiration_and_favours_the_other(bilateral):
    """Each round's offer is worth Seoul's aspiration, and no package of the whole grid worth that
    much to Seoul gives Washington more (brute force over all 1,275 packages)."""
    m, ag = _agents(bilateral)
    seoul = ag["seoul"]
    _, U = _every_package(m)
    mine, w = U[seoul.index], U[m.payoffs.index("washington")]
    for t in range(m.rounds):
        level = seoul.strategy.aspiration(seoul, t)
        offer = seoul.propose(t)
        assert seoul.utility(offer) >= level - 1e-9
        assert (seoul.packages == offer).all(axis=1).any()  # one of its efficient packages
        # no package Seoul would accept as a proposal gives Washington more (noise is 0 here)
        ok = mine >= level - 1e-12
        assert ag["washington"].utility(offer) == pytest.approx(w[ok].max())


def test_responder_accepts_what_it_would_ask_next_round(bilateral):
    m, ag = _agents(bilateral)
    w = ag["washington"]
    t = 3
    need = max(w.reservation, w.discount * w.strategy.aspiration(w, t + 1))
    packages, U = _every_package(m)  # any package of the grid may be offered to it
    good = packages[np.argmin(np.abs(U[w.index] - (need + 0.02)))]
    bad = packages[np.argmin(np.abs(U[w.index] - (need - 0.02)))]
    assert w.utility(bad) < need <= w.utility(good)
    assert w.respond(good, t) is True
    assert w.respond(bad, t) is False


def test_hardliner_never_goes_below_its_level(bilateral):
    level = 0.85
    s = bilateral.with_values(
        {
            "actors.washington.strategy": {"name": "hardliner", "level": level},
            "actors.washington.discount": 0.9,
        }
    )
    m = NegotiationModel(s, seed=0)
    episode = m.run()  # bilateral has no noise and no events: this is the one way it goes
    washington = next(a for a in m.agents if a.actor == "washington")
    assert washington.best_utility == 1.0 and washington.reservation < level  # so its floor is the level
    offers = [r for r in episode.rounds if r.proposer == "washington"]
    assert offers and all(r.utility["washington"] >= level - 1e-12 for r in offers)
    accepted = [r for r in episode.rounds if r.proposer == "seoul" and r.responses["washington"]]
    assert all(r.utility["washington"] >= level - 1e-12 for r in accepted)
    assert episode.deal and episode.utility["washington"] >= level - 1e-12
    # the floor is not discounted: an offer a hair below it is refused in any round, though a
    # discounted floor (level x 0.9) would take it; one at the floor is accepted
    # the packages of the whole grid closest to the floor, from below and from above
    packages, U = _every_package(m)
    own = U[washington.index]
    below = np.where(own < level, level - own, np.inf)
    above = np.where(own >= level, own - level, np.inf)
    just_below, at_floor = packages[np.argmin(below)], packages[np.argmin(above)]
    assert (
        washington.discount * level < washington.utility(just_below) < level <= washington.utility(at_floor)
    )
    for t in range(m.rounds):
        assert washington.strategy.respond(washington, just_below, t) is False
        assert washington.strategy.respond(washington, at_floor, t) is True


def test_two_hardliners_deadlock(bilateral):
    hard = {"name": "hardliner", "level": 0.95}
    s = bilateral.with_values({"actors.washington.strategy": hard, "actors.seoul.strategy": hard})
    episode = NegotiationModel(s, seed=0).run()
    assert not episode.deal
    assert episode.outcome == {"defense_spending": 3.2, "tariff": 12.5}
    assert episode.rounds_played == s.rounds


def test_tit_for_tat_mirrors_concessions(bilateral):
    s = bilateral.with_values(
        {
            "actors.seoul.strategy": {"name": "tit_for_tat", "reciprocity": 1.0, "opening": 0.05},
            "first_proposer": "seoul",
        }
    )
    m = NegotiationModel(s, seed=0)
    seoul = next(a for a in m.agents if a.actor == "seoul")
    assert seoul.strategy.aspiration(seoul, 0) == pytest.approx(seoul.best_utility)
    m.step()  # round 0: Seoul opens
    m.step()  # round 1: Washington offers
    first = m.offers[1][2]
    assert seoul.strategy.aspiration(seoul, 2) == pytest.approx(seoul.best_utility - 0.05)
    m.step()  # round 2: Seoul
    m.step()  # round 3: Washington concedes a little
    conceded = seoul.utility(m.offers[3][2]) - seoul.utility(first)
    assert conceded > 0
    assert seoul.strategy.aspiration(seoul, 4) == pytest.approx(
        max(seoul.reservation, seoul.best_utility - 0.05 - conceded)
    )
    assert isinstance(seoul.strategy, TitForTat)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), noise=st.just(0.0) | st.floats(1e-12, 0.5))
def test_offers_stay_inside_bounds_and_on_the_grid(teaching, seed, noise):
    s = teaching.with_values(
        {"actors.seoul.perception_noise": noise, "actors.washington.perception_noise": noise}
    )
    m = NegotiationModel(s, seed=seed)
    episode = m.run()
    lo, hi = m.payoffs.lo, m.payoffs.hi
    steps = np.array([i.step for i in s.issues.values()])
    for r in episode.rounds:
        x = np.array(list(r.offer.values()))
        assert np.all(x >= lo) and np.all(x <= hi)
        k = (x - lo) / steps
        on_step = np.isclose(k, np.round(k))
        assert np.all(on_step | (x == hi)), x  # every value on its issue's steps (or the top of its range)
        assert all(0 <= u <= 1 for u in r.utility.values())
