"""Payoffs: the formulas of wargame.payoffs, on arrays, with their invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from wargame import space
from wargame.parameters import payoffs_of
from wargame.payoffs import Payoffs, perceived, utilities

from .oracle import block_sums


def _packages(p: Payoffs, unit: np.ndarray) -> np.ndarray:
    return p.lo + unit * (p.hi - p.lo)


units = arrays(np.float64, (7, 3), elements=st.floats(0, 1))


@settings(max_examples=60, deadline=None)
@given(
    unit=units, risk=st.floats(1, 5), linkage=st.just(0.0) | st.floats(1e-12, 1)
)  # a file holds 0 or >= 1e-12
def test_utilities_in_unit_interval(teaching, unit, risk, linkage):
    s = teaching.with_values({"actors.seoul.risk": risk, "actors.washington.linkages.0.weight": linkage})
    p = payoffs_of(s)
    U = p.utilities(_packages(p, unit))
    assert U.shape == (5, 7)
    assert np.all(U >= 0) and np.all(U <= 1)


def test_ideal_gives_one(teaching):
    p = payoffs_of(teaching)
    for a, actor in enumerate(p.actors):
        if actor == "washington":  # its linkage targets equal its ideals, so still 1
            assert teaching.actors[actor].linkages[0].targets == {
                "defense_spending": 3.8,
                "troop_level": 24.0,
            }
        assert p.utilities(p.ideal[a][None, :])[a, 0] == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(unit=units)
def test_batch_equals_loop(teaching, unit):
    p = payoffs_of(teaching)
    x = _packages(p, unit)
    batch = p.utilities(x)
    loop = np.stack([p.utilities(row[None, :])[:, 0] for row in x], axis=1)
    np.testing.assert_allclose(batch, loop, rtol=0, atol=1e-15)


def test_formula_by_hand(bilateral):
    # Seoul: ideal (2.6, 0), saliences 0.5/0.5, risk 2, ranges 1.2 and 25
    p = payoffs_of(bilateral)
    x = np.array([[3.2, 12.5]])
    expected = 0.5 * (1 - (0.6 / 1.2) ** 2) + 0.5 * (1 - (12.5 / 25) ** 2)
    assert utilities(x, p)[0, 0] == pytest.approx(expected, abs=1e-15)
    # reservation = U(no deal) - no_deal_cost, no deal is the midpoint here
    np.testing.assert_allclose(p.reservations(np.array([3.2, 12.5])), [0.75 - 0.2, 0.75 - 0.2])


def test_salience_is_normalized(bilateral):
    a = payoffs_of(bilateral)
    b = payoffs_of(
        bilateral.with_values(
            {"actors.seoul.salience.tariff": 5.0, "actors.seoul.salience.defense_spending": 5.0}
        )
    )
    x = np.array([[3.0, 7.0], [2.6, 25.0]])
    np.testing.assert_allclose(a.utilities(x), b.utilities(x))


def test_linkage_complement_rewards_the_pair(teaching):
    s0 = teaching.with_values({"actors.washington.linkages.0.weight": 0.0})
    s1 = teaching.with_values({"actors.washington.linkages.0.weight": 0.5})
    w = 1
    both = np.array([[3.8, 24.0, 0.0]])  # both linked issues at target, tariff far away
    one = np.array([[3.8, 28.5, 0.0]])  # only one at target
    gain_both = payoffs_of(s1).utilities(both)[w, 0] - payoffs_of(s0).utilities(both)[w, 0]
    gain_one = payoffs_of(s1).utilities(one)[w, 0] - payoffs_of(s0).utilities(one)[w, 0]
    assert gain_both > 0 > gain_one


def test_substitute_linkage_is_the_complement(teaching):
    s = teaching.with_values({"actors.washington.linkages.0.kind": "substitute"})
    p_sub, p_com = payoffs_of(s), payoffs_of(teaching)
    x = np.array([[3.8, 24.0, 15.0]])
    assert p_com.utilities(x)[1, 0] == pytest.approx(1.0, abs=1e-12)
    assert p_sub.utilities(x)[1, 0] < 1.0


def test_block_tables_add_up_to_the_utilities(teaching):
    """Per-block tables (linked issues one block) summed over a package's blocks are its utility."""
    rng = np.random.default_rng(0)
    for linkage in ("complement", "substitute"):
        s = teaching.with_values({"actors.washington.linkages.0.kind": linkage})
        packages, summed = block_sums(s, rng, 500)
        np.testing.assert_allclose(summed, payoffs_of(s).utilities(packages), atol=1e-12)


def test_perception_noise_leaves_own_payoffs_alone(teaching):
    p = payoffs_of(teaching)
    rng = np.random.default_rng(1)
    z1, z2 = rng.standard_normal(p.ideal.shape), rng.standard_normal(p.ideal.shape)
    seen = perceived(p, 0.2, z1, z2, own=0)
    np.testing.assert_array_equal(seen.ideal[0], p.ideal[0])
    assert not np.allclose(seen.ideal[1:], p.ideal[1:])
    assert np.all((seen.ideal >= p.lo) & (seen.ideal <= p.hi))
    assert perceived(p, 0.0, z1, z2, own=0) is p
    # a few actors' payoffs as ``own`` sees them are those rows of how it sees everybody
    some = perceived(p, 0.2, z1, z2, own=0, rows=[2, 0])
    whole = seen.select([2, 0])
    np.testing.assert_array_equal(some.ideal, whole.ideal)
    np.testing.assert_array_equal(some.salience, whole.salience)


def test_space_axes_and_snap(teaching):
    ax = space.axes(teaching)
    assert [len(a) for a in ax] == [31, 28, 26]
    assert ax[1][-1] == 28.5 and ax[2][0] == 0.0
    snapped = space.snap(np.array([[3.14, 27.9, 14.4], [9.0, -3.0, 25.0]]), teaching)
    np.testing.assert_allclose(snapped, [[3.1, 28.0, 14.0], [5.0, 15.0, 25.0]])


# -- payoff forms per issue: shape, focal values, options ----------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    unit=arrays(np.float64, (9, 7), elements=st.floats(0, 1)),
    risks=st.lists(st.floats(0.25, 10), min_size=7, max_size=7),
    focal=st.just(0.0) | st.floats(1e-12, 1),  # a file holds 0 or >= 1e-12
)
def test_utilities_with_per_issue_shapes_and_focal_values_stay_in_the_unit_interval(
    package, unit, risks, focal
):
    values = {f"actors.seoul.risk.{i}": r for i, r in zip(package.issues, risks, strict=True)}
    values["actors.washington.focal_weight.tariff"] = focal
    p = payoffs_of(package.with_values(values))
    U = p.utilities(_packages(p, unit))
    assert np.all(U >= 0) and np.all(U <= 1)


def test_risk_per_issue_shapes_each_issue_by_hand(bilateral):
    """Seoul concave on defence (2), convex on the tariff (0.5): the formula, issue by issue."""
    s = bilateral.with_values({"actors.seoul.risk": {"defense_spending": 2.0, "tariff": 0.5}})
    p = payoffs_of(s)
    x = np.array([[3.2, 12.5]])  # half the way from Seoul's ideal on both issues
    expected = 0.5 * (1 - 0.5**2) + 0.5 * (1 - 0.5**0.5)
    assert utilities(x, p)[0, 0] == pytest.approx(expected, abs=1e-15)
    # one number means the same shape on every issue
    same = payoffs_of(bilateral.with_values({"actors.seoul.risk": {"defense_spending": 2.0, "tariff": 2.0}}))
    np.testing.assert_array_equal(same.risk, payoffs_of(bilateral).risk)


def test_a_focal_value_is_worth_its_weight_there_and_nothing_a_step_away(teaching):
    s = teaching.with_values(
        {"issues.tariff.focal": [{"value": 15.0}], "actors.seoul.focal_weight": {"tariff": 0.1}}
    )
    p, plain = payoffs_of(s), payoffs_of(teaching)
    seoul = p.index("seoul")
    total = sum(teaching.actors["seoul"].salience.values())
    at, near = np.array([[3.0, 28.5, 15.0]]), np.array([[3.0, 28.5, 14.0]])
    for x, pull in ((at, 1.0), (near, 0.0)):
        expected = (plain.utilities(x)[seoul, 0] * total + 0.1 * pull) / (total + 0.1)
        assert p.utilities(x)[seoul, 0] == pytest.approx(expected, abs=1e-15)
    # halfway between grid points (an expected-utility forecast can land there): half the pull
    half = np.array([[3.0, 28.5, 15.5]])
    expected = (plain.utilities(half)[seoul, 0] * total + 0.05) / (total + 0.1)
    assert p.utilities(half)[seoul, 0] == pytest.approx(expected, abs=1e-15)


def test_block_tables_add_up_to_the_utilities_on_the_package(package):
    """Options, focal values, per-issue shapes and a linkage: the block tables give the
    package-by-package utilities."""
    packages, summed = block_sums(package, np.random.default_rng(1), 2000)
    np.testing.assert_allclose(summed, payoffs_of(package).utilities(packages), atol=1e-12)


def test_an_options_issue_offers_its_options_only(package):
    axes = dict(zip(package.issues, space.axes(package), strict=True))
    np.testing.assert_array_equal(axes["flexibility_statement"], [0, 1, 2, 3])
    np.testing.assert_array_equal(axes["investment_terms"], [0, 1, 2])
    issue = package.issues["flexibility_statement"]
    assert (issue.lo, issue.hi, issue.step) == (0, 3, 1)
    assert issue.admits(2) and not issue.admits(2.5) and not issue.admits(4)
    assert issue.label_of(3).startswith("back repositioning")
