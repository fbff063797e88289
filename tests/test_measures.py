"""Outcome measures: concession and movement, by hand and as invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from wargame.measures import concession, movement

LO, HI = np.array([0.0, 10.0]), np.array([4.0, 30.0])


def test_concession_by_hand():
    ideal = np.array([[0.0, 10.0], [4.0, 30.0]])
    salience = np.array([[1.0, 3.0], [1.0, 0.0]])
    x = np.array([2.0, 20.0])  # halfway on both issues
    np.testing.assert_allclose(concession(x, ideal, salience, LO, HI), [0.5, 0.5])
    x = np.array([0.0, 30.0])  # the first actor gets issue 1, loses issue 2 (weighted 3:1)
    np.testing.assert_allclose(concession(x, ideal, salience, LO, HI), [0.75, 1.0])


def test_movement_is_signed_share_of_range():
    np.testing.assert_allclose(movement(np.array([3.0, 15.0]), np.array([2.0, 20.0]), LO, HI), [0.25, -0.25])


@settings(max_examples=80, deadline=None)
@given(
    x=arrays(np.float64, 2, elements=st.floats(0, 1)),
    ideal=arrays(np.float64, (3, 2), elements=st.floats(0, 1)),
    salience=arrays(np.float64, (3, 2), elements=st.floats(0, 5)),
)
def test_concession_is_in_the_unit_interval_and_zero_at_the_ideal(x, ideal, salience):
    scale = lambda u: LO + u * (HI - LO)  # noqa: E731
    c = concession(scale(x), scale(ideal), salience, LO, HI)
    assert np.all((c >= 0) & (c <= 1))
    at_ideal = concession(scale(ideal[0]), scale(ideal), salience, LO, HI)[0]
    assert at_ideal == pytest.approx(0.0, abs=1e-12)
