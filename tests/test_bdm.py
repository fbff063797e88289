"""Bueno de Mesquita's expected utility model: the published EC example, and its invariants."""

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame import bdm
from wargame.actors_csv import load_actors_csv

EC = Path(__file__).resolve().parents[1] / "configs" / "reference" / "ec_emissions.csv"

# Scholz, Calbert & Smith (2011), Table 2: median and mean voter position after rounds 1-8,
# printed to one decimal (the medians are truncated: 9.96 is printed 9.9).
PUBLISHED_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
PUBLISHED_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
# The three numbers where ours, printed the paper's way, differ from its table, and what we get
# instead (see the wargame.bdm docstring). The round-2 median: Belgium, the pivotal member,
# compromises part of the way toward France (to 9.61) in round 2 and reaches 9.96 in round 3; the
# paper shows 9.9 already after round 2, and we have not found the reading of its equations that
# gives that while keeping every other published number. The means after rounds 3 and 8 are
# 0.01 and 0.03 below the printed 7.6 (they would match if the paper rounded its means instead of
# truncating them). These are pinned: a change to the model that moves them must change them here.
KNOWN_DEVIATION = {("median", 2): 9.610859, ("mean", 3): 7.590145, ("mean", 8): 7.572447}


def printed(value: float) -> float:
    """``value`` to one decimal the way the paper prints it: truncated (9.96 shows as 9.9)."""
    return math.floor(value * 10 + 1e-9) / 10


@pytest.fixture(scope="module")
def ec():
    table = load_actors_csv(EC)
    return table, bdm.simulate(table.capability, table.position, table.salience, rounds=10)


def test_ec_table_1_is_read_as_published(ec):
    table, _ = ec
    assert table.names[:3] == ("Netherlands", "Belgium", "Luxembourg") and len(table.names) == 10
    assert table.capability.sum() == pytest.approx(1.01)
    assert table.salience.max() == 1.0  # 0-100 in the file, 0-1 in the model
    assert bdm.weighted_median(table.position, table.capability * table.salience) == 7.0


def test_ec_reproduces_table_2_round_by_round(ec):
    _, trajectory = ec
    for rnd in range(1, 9):
        for kind, published in (("median", PUBLISHED_MEDIAN), ("mean", PUBLISHED_MEAN)):
            ours = float(getattr(trajectory, kind)[rnd])
            if (kind, rnd) in KNOWN_DEVIATION:
                assert ours == pytest.approx(KNOWN_DEVIATION[kind, rnd], abs=1e-6)
                assert abs(ours - published[rnd - 1]) < 0.3  # how far from the printed value
                continue
            assert printed(ours) == published[rnd - 1], (
                f"round {rnd} {kind}: {ours:.3f} vs {published[rnd - 1]}"
            )
    # the two means that differ are within 0.03 of the printed value; every mean within 0.07
    assert np.all(np.abs(trajectory.mean[1:9] - PUBLISHED_MEAN) < 0.07)


def test_ec_trajectory_is_pinned(ec):
    """Full precision, so a refactor cannot drift inside the published one-decimal tolerance."""
    _, t = ec
    np.testing.assert_allclose(
        t.median,
        [7.0, 8.415932, 9.610859, 9.961980, 9.961980, 9.961980, 7.472046, 8.824594, 9.671130, 9.671130, 7.0],
        atol=1e-6,
    )
    np.testing.assert_allclose(
        t.mean,
        [
            7.389956,
            7.461314,
            7.552501,
            7.590145,
            7.358131,
            7.349174,
            7.414878,
            7.510457,
            7.572447,
            7.324989,
            7.242131,
        ],
        atol=1e-6,
    )
    # who moved in round 1, and how: Belgium meets France part-way; two small states give in
    first = {(m.mover, m.toward, m.kind) for m in t.moves[0]}
    assert first == {(1, 4, "compromise"), (2, 1, "confrontation"), (7, 2, "confrontation")}
    assert set(np.unique(t.positions[:, [0, 3, 4, 5, 6, 8, 9]])) == {4.0, 7.0, 10.0}  # the big states hold


def test_textbook_variant_differs_and_settles(ec):
    table, scholz = ec
    t = bdm.simulate(table.capability, table.position, table.salience, rounds=10, variant="textbook")
    assert not np.allclose(t.median, scholz.median)
    assert t.median[-1] == pytest.approx(t.median[-2])  # settled by round 9
    assert 7.0 <= t.median[-1] <= 7.5


def test_probabilities():
    x = np.array([0.0, 0.5, 1.0])
    w = np.array([1.0, 2.0, 1.0])
    P = bdm.probabilities(x, w, np.ones(3), np.array(1.0), "textbook")
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose((P + P.T)[off], 1.0)  # a dyad's two probabilities sum to one
    assert P[1, 0] > 0.5 and P[1, 2] > 0.5  # the centre beats both ends
    S = bdm.probabilities(x, w, np.ones(3), np.array(1.0), "scholz")
    assert np.all(S >= 0) and S.sum() <= 1 + 1e-12  # shares of the whole vote table
    assert S[1, 0] > S[0, 1]


def test_risk_exponents_span_half_to_two():
    E = np.array([[0.0, 0.3, -0.2], [0.1, 0.0, 0.4], [0.5, -0.1, 0.0]])
    r = bdm.risk_exponents(E)
    security = E.sum(axis=0) - np.diag(E)
    assert r[np.argmax(security)] == pytest.approx(0.5)  # most coveted as a target: risk averse
    assert r[np.argmin(security)] == pytest.approx(2.0)
    np.testing.assert_allclose(bdm.risk_exponents(np.zeros((3, 3))), 1.0)


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="unknown variant"):
        bdm.step(np.array([0.0, 1.0]), np.ones(2), np.ones(2), 1.0, "nope")


actors = st.integers(2, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 100.0), min_size=n, max_size=n),
        st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n),
    )
)


distinct_actors = st.integers(2, 8).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n, unique=True),
        st.lists(st.integers(0, 1000), min_size=n, max_size=n, unique=True).map(
            lambda v: [i / 10 for i in v]
        ),
        st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n, unique=True),
    )
)


@settings(max_examples=60, deadline=None)
@given(distinct_actors, st.sampled_from(bdm.VARIANTS), st.integers(1, 5))
def test_mirroring_the_scale_mirrors_the_forecast(data, variant, rounds):
    """Nothing in the model knows which end of the scale is 'high' (for actors that differ: two
    identical actors facing each other are an exact tie, which the order of the actors breaks)."""
    c, x, s = (np.array(v) for v in data)
    t = bdm.simulate(c, x, s, rounds, variant)
    m = bdm.simulate(c, 100.0 - x, s, rounds, variant)
    np.testing.assert_allclose(100.0 - m.positions, t.positions, atol=1e-6)


def test_the_textbook_status_quo_term():
    """Q = 0.5: half the status quo, half 'better' or 'worse' as the median moves (T by distance)."""
    x = np.array([[0.0, 0.25, 1.0]])
    s = np.array([[1.0, 0.5, 0.2]])
    P = np.full((1, 3, 3), 0.5)
    R = np.ones((1, 3, 3))
    span, median = np.array([1.0]), np.array([0.25])
    E = bdm.expected_utilities(x, s, P, R, span, 0.5, median)[0]
    # i = 0 challenging j = 2: d = 1, |x_i - mu| = 0.25 < 1 so T = 1 ("better")
    success, failure = 2 - 4 * (0.5 - 0.5), 2 - 4 * (0.5 + 0.5)
    better = 2 - 4 * (0.5 - 0.25 * (0.25 + 1.0))
    expected = 0.2 * (0.5 * success + 0.5 * failure) + 0.8 * success - 0.5 * 0.0 - 0.5 * better
    assert E[0, 2] == pytest.approx(expected)
    # i = 1 (at the median) challenging j = 0: d = 0.25, |x_i - mu| = 0 < 0.25 so T = 1 as well;
    # i = 2 challenging j = 1: |x_i - mu| = 0.75 > d = 0.75? equal, so T = 0 ("worse")
    worse = 2 - 4 * (0.5 + 0.25 * (0.75 + 0.75))
    success, failure = 2 - 4 * (0.5 - 0.5 * 0.75), 2 - 4 * (0.5 + 0.5 * 0.75)
    expected = 0.5 * (0.5 * success + 0.5 * failure) + 0.5 * success - 0.5 * worse
    assert E[2, 1] == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(actors, st.sampled_from(bdm.VARIANTS), st.integers(1, 6))
def test_positions_stay_within_the_starting_range(data, variant, rounds):
    c, x, s = (np.array(v) for v in data)
    if np.ptp(x) == 0:
        return
    t = bdm.simulate(c, x, s, rounds, variant)
    assert np.all(t.positions >= x.min() - 1e-9) and np.all(t.positions <= x.max() + 1e-9)
    assert np.all((t.median >= x.min() - 1e-9) & (t.median <= x.max() + 1e-9))
    assert np.all((t.risk >= 0.5 - 1e-9) & (t.risk <= 2 + 1e-9))
    # a move starts where the mover stood and ends between there and the position it yields to
    for k, moves in enumerate(t.moves):
        start = t.positions[k]
        for m in moves:
            assert m.before == start[m.mover]
            lo, hi = sorted((m.before, start[m.toward]))
            assert lo - 1e-9 <= m.after <= hi + 1e-9
            assert t.positions[k + 1, m.mover] == m.after
    again = bdm.simulate(c, x, s, rounds, variant)
    np.testing.assert_array_equal(t.positions, again.positions)  # deterministic


def test_votes_summed_in_blocks_give_the_same_forecast(monkeypatch):
    """Memory stays flat in the number of actors: the votes (actors cubed) are summed in blocks;
    the blocks change nothing but the memory."""
    rng = np.random.default_rng(3)
    c, x, s = rng.uniform(0.1, 1, 40), rng.uniform(0, 100, 40), rng.uniform(0.1, 1, 40)
    for variant in bdm.VARIANTS:
        whole = bdm.simulate(c, x, s, 4, variant)
        monkeypatch.setattr(bdm, "VOTE_BLOCK", 40 * 40 * 3)  # three voters at a time
        blocked = bdm.simulate(c, x, s, 4, variant)
        monkeypatch.undo()
        np.testing.assert_allclose(blocked.positions, whole.positions, rtol=0, atol=1e-12)


def test_actor_tables_have_a_documented_size_limit(tmp_path):
    from wargame.actors_csv import MAX_ACTORS, MAX_BYTES
    from wargame.errors import WargameError

    many = tmp_path / "many.csv"
    many.write_text(
        "actor,capability,position,salience\n" + "".join(f"a{i},1,{i},50\n" for i in range(MAX_ACTORS + 1))
    )
    with pytest.raises(WargameError, match="1,001 actors: at most 1,000"):
        load_actors_csv(many)
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"actor,capability,position,salience\n" + b"A,1,0,50\n" * (MAX_BYTES // 9 + 1))
    with pytest.raises(WargameError, match="is larger than 10 MB"):
        load_actors_csv(huge)
