"""Bargaining benchmarks on cases whose answers are known."""

import numpy as np

from wargame import solutions, space
from wargame.frontier import nondominated
from wargame.parameters import payoffs_of

from .oracle import grid


def test_nash_of_symmetric_bilateral_is_the_midpoint(bilateral):
    """Every package of the bilateral grid: symmetric payoffs put all three solutions at the middle."""
    packages = grid(space.layout(bilateral).axes)
    p = payoffs_of(bilateral)
    U = p.utilities(packages)
    r = p.reservations(np.array([3.2, 12.5]))
    sol = solutions.Solutions(packages, U, r)
    np.testing.assert_allclose(sol.nash, [3.2, 12.5])
    np.testing.assert_allclose(sol.kalai_smorodinsky, [3.2, 12.5])
    np.testing.assert_allclose(sol.utilitarian, [3.2, 12.5])


def test_nash_maximizes_product_on_a_line():
    # split a unit pie: U1 = x, U2 = 1 - x, reservations (0.2, 0): Nash gives 0.6 / 0.4
    x = np.linspace(0, 1, 101)
    U = np.vstack([x, 1 - x])
    i = solutions.nash(U, np.array([0.2, 0.0]))
    assert x[i] == 0.6
    # Kalai-Smorodinsky: equal share of the best gains (0.8 and 0.8): x - 0.2 = 1 - x -> 0.6
    assert x[solutions.kalai_smorodinsky(U, np.array([0.2, 0.0]))] == 0.6


def test_no_rational_package_gives_none():
    U = np.array([[0.1, 0.2], [0.2, 0.1]])
    r = np.array([0.5, 0.5])
    assert solutions.nash(U, r) is None
    assert solutions.kalai_smorodinsky(U, r) is None
    assert solutions.utilitarian(U, r) is None


def test_nash_point_lies_on_the_pareto_front(teaching):
    """The Nash point of the teaching scenario's whole grid (22,568 packages): a front point matches
    or beats it, and (pairwise, against every package) nothing dominates it."""
    packages = grid(space.layout(teaching).axes)
    p = payoffs_of(teaching).select([0, 1])
    U = p.utilities(packages)
    i = solutions.nash(U, p.reservations(np.array([2.6, 24.0, 25.0])))
    front = nondominated(U.T)
    assert np.all(U[:, front] >= U[:, [i]], axis=0).any()
    assert not np.any(np.all(U >= U[:, [i]], axis=0) & np.any(U > U[:, [i]], axis=0))


# -- concave utilities split issues; linear ones give them away whole -----------------------------


def _nash(scenario, packages):
    p = payoffs_of(scenario)
    rows = [p.index(a) for a in scenario.principals]
    q = p.select(rows)
    no_deal = np.array([i.no_deal for i in scenario.issues.values()])
    k = solutions.nash(q.utilities(packages), q.reservations(no_deal))
    return dict(zip(scenario.issues, packages[k], strict=True))


def _ideals(scenario, issue):
    return sorted(scenario.actors[a].ideal[issue] for a in scenario.principals)


def test_concave_utilities_put_the_baselines_nash_point_inside_the_range(package):
    """The security track's whole grid (the economic terms at the status quo): with the baseline's
    concave utilities the Nash point lands strictly between the two capitals' ideals on defence
    spending and on the payments for US forces."""
    from wargame import space

    axes = space.axes(package)
    security = set(package.tracks["security"].issues)
    grid = [
        ax if name in security else np.array([package.issues[name].status_quo])
        for name, ax in zip(package.issues, axes, strict=True)
    ]
    packages = np.stack([g.ravel() for g in np.meshgrid(*grid, indexing="ij")], axis=1)
    point = _nash(package, packages)
    for issue in ("defense_spending", "usfk_contribution"):
        low, high = _ideals(package, issue)
        assert low < point[issue] < high, (issue, point[issue])


def test_linear_utilities_give_each_issue_to_one_side_and_concave_ones_split_them(teaching):
    """The teaching scenario's whole grid: linear (risk 1) puts every issue at one capital's ideal;
    with risk 2 every issue lands strictly between the ideals."""
    packages = grid(space.layout(teaching).axes)
    linear = _nash(teaching, packages)
    assert all(linear[i] in _ideals(teaching, i) for i in teaching.issues)
    concave = _nash(teaching.with_values({"actors.seoul.risk": 2.0, "actors.washington.risk": 2.0}), packages)
    for issue in teaching.issues:
        low, high = _ideals(teaching, issue)
        assert low < concave[issue] < high, (issue, concave[issue])
