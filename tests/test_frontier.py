"""The exact search for efficient packages (wargame/frontier.py) against brute force over the
whole grid: the same frontier, and the same answers (or answers of equal utilities) to every
question a negotiator asks, on the teaching scenario and on random scenarios of 2-4 issues with
linkages, options and focal values, for thousands of random aspirations, weights and shapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wargame import space
from wargame.frontier import (
    MULTIPLIER_STEPS,
    NoPackage,
    balance,
    best_for_others,
    combine,
    efficient_packages,
    group_issues,
    nondominated,
    others_score,
)
from wargame.parameters import payoffs_of
from wargame.payoffs import Payoffs, block_tables, utilities
from wargame.solutions import Solutions, subgame_perfect

from .conftest import ROOT
from .oracle import grid

TOL = 1e-9


@st.composite
def problems(draw: st.DrawFn) -> tuple[Payoffs, tuple[np.ndarray, ...]]:
    """Random payoffs of 2-4 principals over 2-4 issues (grids of at most a few thousand packages):
    stepped ranges or options, concave, linear and convex shapes, focal values, linkages."""
    n_issues = draw(st.integers(2, 4))
    n_actors = draw(st.integers(2, 4))
    axes, lo, hi, focal, width = [], [], [], [], []
    for _ in range(n_issues):
        if draw(st.booleans()):  # an issue of options
            values = sorted(set(draw(st.lists(st.integers(0, 9), min_size=2, max_size=5))))
            if len(values) < 2:
                values = [0, 1]
            ax = np.array(values, dtype=float)
        else:
            steps = draw(st.integers(1, 12 if n_issues <= 3 else 7))
            start = draw(st.integers(-5, 5))
            step = draw(st.sampled_from([0.5, 1.0, 2.5]))
            ax = start + step * np.arange(steps + 1)
        axes.append(ax)
        lo.append(ax[0])
        hi.append(ax[-1])
        picks = draw(st.lists(st.integers(0, len(ax) - 1), max_size=2, unique=True))
        focal.append(ax[picks])
        width.append(float(np.min(np.diff(ax))))
    shape = (n_actors, n_issues)

    def matrix(elements: st.SearchStrategy[float]) -> np.ndarray:
        size = n_actors * n_issues
        return np.array(draw(st.lists(elements, min_size=size, max_size=size))).reshape(shape)

    unit = st.floats(0, 1)
    lo_a, hi_a = np.array(lo), np.array(hi)
    ideal = lo_a + np.array(
        draw(st.lists(unit, min_size=n_actors * n_issues, max_size=n_actors * n_issues))
    ).reshape(shape) * (hi_a - lo_a)
    # weights are 0 or at least 0.01: a weight of 1e-15 makes utilities that differ only in their
    # last bits, where "efficient" depends on rounding (the search treats 1e-12 as a tie)
    weights = st.just(0.0) | st.floats(0.01, 1)
    salience = np.array(
        draw(st.lists(weights, min_size=n_actors * n_issues, max_size=n_actors * n_issues))
    ).reshape(shape)
    salience[:, 0] += 0.01  # everybody cares about something
    risk = np.array(
        draw(
            st.lists(
                st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0]),
                min_size=n_actors * n_issues,
                max_size=n_actors * n_issues,
            )
        )
    ).reshape(shape)
    focal_weight = np.array(
        draw(
            st.lists(
                st.sampled_from([0.0, 0.0, 0.05, 0.3]),
                min_size=n_actors * n_issues,
                max_size=n_actors * n_issues,
            )
        )
    ).reshape(shape)
    n_links = draw(st.integers(0, 2))
    link_actor, link_issues, link_targets, link_weight, link_sub = [], [], [], [], []
    for _ in range(n_links):
        i, j = draw(st.lists(st.integers(0, n_issues - 1), min_size=2, max_size=2, unique=True))
        link_actor.append(draw(st.integers(0, n_actors - 1)))
        link_issues.append([i, j])
        link_targets.append([lo[i] + draw(unit) * (hi[i] - lo[i]), lo[j] + draw(unit) * (hi[j] - lo[j])])
        link_weight.append(draw(st.floats(0.01, 0.5)))
        link_sub.append(draw(st.booleans()))
    p = Payoffs(
        actors=tuple(f"a{k}" for k in range(n_actors)),
        issues=tuple(f"i{k}" for k in range(n_issues)),
        lo=lo_a,
        hi=hi_a,
        ideal=ideal,
        salience=salience,
        risk=risk,
        discount=np.array(draw(st.lists(st.floats(0.8, 1.0), min_size=n_actors, max_size=n_actors))),
        no_deal_cost=np.zeros(n_actors),
        capability=np.ones(shape),
        focal_weight=focal_weight,
        focal=tuple(focal),
        focal_width=np.array(width),
        link_actor=np.array(link_actor, dtype=int),
        link_issues=np.array(link_issues, dtype=int).reshape(-1, 2),
        link_targets=np.array(link_targets, dtype=float).reshape(-1, 2),
        link_weight=np.array(link_weight, dtype=float),
        link_substitute=np.array(link_sub, dtype=bool),
    )
    return p, tuple(axes)


def exact(p: Payoffs, axes: tuple[np.ndarray, ...], floor: np.ndarray | None = None):
    blocks = group_issues([len(a) for a in axes], [(int(i), int(j)) for i, j in p.link_issues])
    return efficient_packages(block_tables(p, axes, blocks), blocks, axes, floor)


def same_points(a: np.ndarray, b: np.ndarray) -> bool:
    """Two sets of utility vectors ``(K, N)`` equal up to rounding."""
    ka = np.unique(np.round(a.T, 8), axis=0)
    kb = np.unique(np.round(b.T, 8), axis=0)
    return ka.shape == kb.shape and bool(np.allclose(ka, kb, atol=1e-7))


def check_against_brute_force(
    p: Payoffs, axes: tuple[np.ndarray, ...], rng: np.random.Generator, levels: int
) -> None:
    packages = grid(axes)
    U = utilities(packages, p)
    front = exact(p, axes)
    # every efficient package is a package of the grid with the utilities the definition gives
    np.testing.assert_allclose(utilities(front.packages, p), front.U, atol=1e-12)
    assert np.isin(front.packages, packages).all()
    # the frontier is the brute-force one: the same utility vectors, none missing, none dominated
    assert same_points(front.U, U[:, nondominated(U.T)])
    least, least_U = front.least
    np.testing.assert_allclose(least_U.diagonal(), U.min(axis=1), atol=1e-12)
    np.testing.assert_allclose(utilities(least, p), least_U, atol=1e-12)
    # a proposer (row 0) asks for `level`; the best package for the others among those worth it
    r = rng.uniform(0, 1, size=len(p.actors))
    # with a floor: the efficient packages of those worth it to every row (none: NoPackage)
    floor = r * U.max(axis=1)
    reach = (U >= floor[:, None] - 1e-12).all(axis=0)
    if reach.any():
        want = U[:, reach][:, nondominated(U[:, reach].T)]
        assert same_points(exact(p, axes, floor).U, want)
    else:
        with pytest.raises(NoPackage):
            exact(p, axes, floor)
    score_front, score_grid = others_score(front.U[1:], r[1:]), others_score(U[1:], r[1:])
    for level in rng.uniform(U[0].min() - 0.05, U[0].max() + 0.02, size=levels):
        got = front.U[:, best_for_others(front.U[0], score_front, level)]
        ok = U[0] >= level - 1e-12
        if ok.any():
            want = score_grid[ok].max()
            assert got[0] >= level - 1e-12
            assert others_score(got[1:, None], r[1:])[0] == pytest.approx(want, abs=TOL)
        else:
            assert got[0] == pytest.approx(U[0].max(), abs=TOL)
    # the bargaining solutions: the same utilities as over every package
    for reservation in (r * U.max(axis=1), np.full(len(p.actors), -1.0)):
        on_front, on_grid = (
            Solutions(front.packages, front.U, reservation),
            Solutions(packages, U, reservation),
        )
        for name in ("nash", "kalai_smorodinsky", "utilitarian"):
            a, b = getattr(on_front, name), getattr(on_grid, name)
            assert (a is None) == (b is None), name
            if a is not None:
                np.testing.assert_allclose(utilities(a[None], p)[:, 0], utilities(b[None], p)[:, 0], atol=TOL)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), seed=st.integers(0, 2**32 - 1))
def test_the_exact_search_agrees_with_brute_force(problem, seed):
    """300 random scenarios x 12 aspirations: 3,600 offers, and 600 sets of bargaining solutions."""
    p, axes = problem
    check_against_brute_force(p, axes, np.random.default_rng(seed), levels=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 8))
def test_the_subgame_perfect_plan_agrees_with_brute_force(problem, seed, rounds):
    """Backward induction over the efficient packages (and each side's least liked) gives the plan
    backward induction over the whole grid gives: the same values and the same deals."""
    p, axes = problem
    two = p.select([0, 1])
    U = utilities(grid(axes), two)
    front = exact(two, axes)
    rng = np.random.default_rng(seed)
    r = rng.uniform(-0.1, 0.9, size=2)
    small = np.concatenate([front.U, front.least[1]], axis=1)
    got = subgame_perfect(small, r, two.discount, rounds)
    want = subgame_perfect(U, r, two.discount, rounds)
    np.testing.assert_allclose(got.value, want.value, atol=TOL)
    np.testing.assert_array_equal(got.accepted, want.accepted)
    deals = want.accepted
    np.testing.assert_allclose(small[:, got.proposal[deals]], U[:, want.proposal[deals]], atol=TOL)


def test_the_teaching_scenario_agrees_with_brute_force(teaching):
    """The three-issue teaching scenario (22,568 packages) under its own payoffs, and under 40
    redrawn ideals, saliences and shapes, with 100 aspirations each."""
    rng = np.random.default_rng(7)
    axes = space.layout(teaching).axes
    base = payoffs_of(teaching)
    rows = [base.index(a) for a in teaching.principals]
    for k in range(41):
        p = base
        if k:
            p = Payoffs(
                **{
                    **base.__dict__,
                    "ideal": base.lo + rng.uniform(0, 1, base.ideal.shape) * base.span,
                    "salience": rng.uniform(0.05, 1, base.salience.shape),
                    "risk": rng.choice([0.7, 1.0, 1.5, 2.5], base.risk.shape),
                }
            )
        check_against_brute_force(p.select(rows), axes, rng, levels=100)


def test_the_package_frontier_is_small_and_efficient(package):
    """On the baseline's 17 million packages the frontier has a few hundred; each is efficient
    against 200,000 random packages of the grid."""
    p = payoffs_of(package)
    p = p.select([p.index(a) for a in package.principals])
    axes = space.layout(package).axes
    front = exact(p, axes)
    assert space.grid_size(package) > 1.7e7 and 50 < len(front) < 2000
    rng = np.random.default_rng(3)
    sample = np.stack([a[rng.integers(0, len(a), 200_000)] for a in axes], axis=1)
    U = utilities(sample, p)
    beats = (U[:, :, None] >= front.U[:, None, :] - 1e-12).all(axis=0) & (
        U[:, :, None] > front.U[:, None, :] + 1e-12
    ).any(axis=0)
    assert not beats.any()


def test_nondominated_in_three_and_more_dimensions_matches_pairwise():
    rng = np.random.default_rng(0)
    for k in (1, 2, 3, 4):
        for _ in range(20):
            points = np.round(rng.uniform(0, 1, (600, k)), 1)  # many ties and duplicates
            kept = nondominated(points)
            ge = (points[None, :, :] >= points[:, None, :]).all(axis=2)
            gt = (points[None, :, :] > points[:, None, :]).any(axis=2)
            dominated = (ge & gt).any(axis=1)
            _, first = np.unique(points, axis=0, return_index=True)
            want = np.sort(np.intersect1d(first, np.flatnonzero(~dominated)))
            got = np.sort(kept)
            assert same_points(points[got].T, points[want].T) and len(got) == len(want)


def dominated(model, package: np.ndarray) -> bool:
    """Whether a package of the grid the model's table still offers (settled tracks at their terms)
    is better for one principal and no worse for any, under their true payoffs as they stand."""
    p = model.payoffs.select(model._principal_rows)
    front = model.frontier(p)
    u = p.utilities(package[None, :])[:, 0]
    return bool(
        ((front.U >= u[:, None] - 1e-12).all(axis=0) & (front.U > u[:, None] + 1e-9).any(axis=0)).any()
    )


@pytest.mark.slow
def test_no_agreement_in_2000_baseline_episodes_is_dominated():
    """The baseline Monte Carlo's 2,000 episodes with the principals seeing each other as they are:
    no agreement leaves a package on the table that one principal prefers and the other does not
    mind (with sampled packages, 16% of deals did: issue 23). Measured on what was still open
    when it was struck: a track settled earlier keeps its terms, and an agreement reached track by
    track can be beaten by trading across tracks (see docs/models.md)."""
    from wargame.experiment import load_experiment
    from wargame.model import NegotiationModel
    from wargame.worker import episode_seeds, sample_scenario

    plan = load_experiment(ROOT / "configs" / "experiments" / "summit_2025_mc.yaml")
    base, uncertain = plan.base_scenario(), plan.experiment.uncertain
    clear = {"actors.seoul.perception_noise": 0.0, "actors.washington.perception_noise": 0.0}
    agreements = 0
    for k in range(2000):
        rng, seed = episode_seeds(plan.experiment.seed, k)
        scenario, _, _ = sample_scenario(base, uncertain, clear, rng, f"episode {k}")
        model = NegotiationModel(scenario, seed=seed, collect=False)
        episode = model.run()
        if episode.ended == "agreement":
            agreements += 1
            assert not dominated(model, model.outcome), f"episode {k}"
    assert agreements > 1000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), seed=st.integers(0, 2**32 - 1))
def test_an_offer_to_several_principals_is_exact_for_its_weights(problem, seed):
    """Facing two or more others, a proposer's offer maximizes their weighted sum among packages worth
    its level, exactly for every weighting the multiplier search tries (against brute force over the
    grid), and the search lifts everybody to its reservation whenever its last weights allow it."""
    p, axes = problem
    if len(p.actors) < 3:
        return
    rng = np.random.default_rng(seed)
    U = utilities(grid(axes), p)
    blocks = group_issues([len(a) for a in axes], [(int(i), int(j)) for i, j in p.link_issues])
    tables = block_tables(p, axes, blocks)
    r = rng.uniform(0, 0.8, size=len(p.actors) - 1)
    best = np.sum([t[1:].max(axis=1) for t in tables], axis=0)
    for level in rng.uniform(U[0].min(), U[0].max(), size=4):
        tried: list[tuple[np.ndarray, float]] = []

        def solve(w: np.ndarray, level: float = level, tried: list = tried) -> np.ndarray:
            front = efficient_packages(combine(tables, w), blocks, axes, np.array([level, -np.inf]))
            i = best_for_others(front.U[0], front.U[1], level)
            tried.append((w, front.U[1, i]))
            return front.rows(tables, i)[1:]

        _, got = balance(solve, 1.0 / np.maximum(best - r, 1e-6), r)
        ok = U[0] >= level - 1e-12
        for weights, score in tried:
            assert score == pytest.approx((weights @ U[1:])[ok].max(), abs=TOL, rel=1e-9)
        if (got < r - 1e-12).any():  # somebody is still short: only after the last doubling
            assert len(tried) == MULTIPLIER_STEPS + 1


@pytest.mark.parametrize("third", [["beijing"], ["beijing", "tokyo"]])
def test_three_or_four_principals_get_the_nash_point_of_brute_force(teaching, third):
    """With Beijing (and Tokyo) principals too, the Nash point an episode records, taken over the
    efficient packages of two-dimensional views, has the Nash product of brute force over the
    whole teaching grid. (The utilitarian and Kalai-Smorodinsky points of those views can fall
    short of brute force's: the views need not hold them; only the Nash point is recorded.)"""
    from wargame.model import NegotiationModel

    s = teaching.with_values({f"actors.{a}.role": "principal" for a in third})
    packages = grid(space.layout(s).axes)
    for seed in range(6):
        m = NegotiationModel(s, seed=seed, collect=False)
        rows = m._principal_rows
        p, r = m.payoffs.select(rows), m.reservations[rows]
        want = Solutions(packages, utilities(packages, p), r).nash
        got = m.solutions.nash
        assert got is not None and want is not None
        product = [np.log(utilities(x[None], p)[:, 0] - r).sum() for x in (got, want)]
        assert product[0] == pytest.approx(product[1], abs=1e-9)
