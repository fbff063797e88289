"""Distributions draw inside their support with the right moments; summaries compute correctly."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from wargame.comparison import compare
from wargame.distributions import Distribution, sample_parameters, truncated_normal_ppf
from wargame.summary import describe, wilson

ADAPTER = TypeAdapter(Distribution)


@pytest.mark.parametrize(
    ("spec", "mean"),
    [
        ({"dist": "uniform", "low": 2, "high": 4}, 3.0),
        ({"dist": "normal", "mean": 1, "sd": 0.5}, 1.0),
        ({"dist": "truncnormal", "mean": 0, "sd": 1, "low": 0, "high": 10}, np.sqrt(2 / np.pi)),
        ({"dist": "triangular", "low": 0, "mode": 3, "high": 3}, 2.0),
        ({"dist": "beta", "a": 2, "b": 6, "low": 10, "high": 20}, 12.5),
    ],
)
def test_draws_inside_support_with_the_right_mean(spec, mean):
    dist = ADAPTER.validate_python(spec)
    x = dist.draw(np.random.default_rng(0), 40_000)
    lo, hi = dist.support()
    if spec["dist"] != "normal":
        assert x.min() >= lo and x.max() <= hi
    assert x.mean() == pytest.approx(mean, abs=0.02)


QUANTILES = np.concatenate([[0.0, 1e-300, 1e-12], np.linspace(0, 1, 401)[1:-1], [1 - 1e-12]])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (-2.875, 2.125),
        (-1, 1),
        (-40, 40),
        (0, 10),
        (1, 2),
        (5, 6),
        (30, 31),
        (-31, -30),
        (-8, -7),
        (-0.5, 0),
        (0, 0.5),
        (-1e-3, 1e-3),
        (-10, 1e-9),
        (3, 40),
    ],
)
def test_truncated_normal_quantiles_are_scipys(a, b):
    """The quantile function agrees with scipy.stats.truncnorm, deep tails included."""
    from scipy import stats

    expected = stats.truncnorm.ppf(QUANTILES, a, b)
    got = truncated_normal_ppf(QUANTILES, a, b)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-13)


@given(
    st.floats(-30, 30),
    st.floats(1e-3, 20),
    st.lists(st.floats(0, 1, exclude_max=True), min_size=2, max_size=20),
)
def test_truncated_normal_quantiles_are_inside_and_ordered(a, width, q):
    x = truncated_normal_ppf(np.sort(q), a, a + width)
    assert np.all(np.isfinite(x))
    assert np.all(x >= a - 1e-9) and np.all(x <= a + width + 1e-9)
    assert np.all(np.diff(x) >= -1e-12)


def test_choice_weights_and_mappings():
    dist = ADAPTER.validate_python(
        {"dist": "choice", "values": [1, {"name": "hardliner"}], "weights": [3, 1]}
    )
    x = dist.draw(np.random.default_rng(1), 20_000)
    share = np.mean([v == 1 for v in x])
    assert share == pytest.approx(0.75, abs=0.02)
    assert {"name": "hardliner"} in list(x)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "uniform", "low": 3, "high": 1},
        {"dist": "normal", "mean": 0, "sd": -1},
        {"dist": "triangular", "low": 0, "mode": 5, "high": 3},
        {"dist": "beta", "a": 0, "b": 1},
        {"dist": "choice", "values": [1, 2], "weights": [1]},
        {"dist": "choice", "values": []},
        {"dist": "gamma", "k": 1},
        {"dist": "uniform", "low": 0, "high": 1, "extra": 2},
    ],
)
def test_bad_parameters_are_rejected(spec):
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(spec)


def test_sampling_is_seeded_and_ordered():
    uncertain = {
        "a": ADAPTER.validate_python({"dist": "uniform", "low": 0, "high": 1}),
        "b": ADAPTER.validate_python({"dist": "choice", "values": ["x", "y"]}),
    }
    one = sample_parameters(uncertain, np.random.default_rng(5))
    two = sample_parameters(uncertain, np.random.default_rng(5))
    assert one == two and list(one) == ["a", "b"] and isinstance(one["a"], float)


def test_wilson_interval_known_values():
    low, high = wilson(50, 100)
    assert (low, high) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    low, high = wilson(100, 100)
    assert high == 1.0 and low == pytest.approx(0.9630, abs=1e-4)


def test_describe():
    d = describe(pd.Series([1.0, 2.0, 3.0, np.nan]))
    assert d["mean"] == 2.0 and d["n"] == 3 and d["p50"] == 2.0 and d["sd"] == 1.0


def test_compare_flags_only_real_differences():
    rng = np.random.default_rng(0)
    base = pd.DataFrame(
        {
            "deal": rng.random(4000) < 0.5,
            "deal_round": 3,
            "outcome.x": rng.normal(0, 1, 4000),
            "nash_distance": 0.1,
        }
    )
    same = base.copy()
    same["outcome.x"] = rng.normal(0, 1, 4000)
    shifted = base.copy()
    shifted["outcome.x"] = rng.normal(0.3, 1, 4000)
    by_metric = compare(base, same).set_index("metric")
    assert not by_metric.loc["outcome.x", "significant"]
    assert not by_metric.loc["deal rate", "significant"]
    assert compare(base, shifted).set_index("metric").loc["outcome.x", "significant"]


def test_rounds_to_a_deal_count_rounds_and_shares_keep_their_digits(teaching):
    """A deal in round 0 took one round; 1,999 deals in 2,000 is not "1.000"."""
    from wargame.summary import summarize
    from wargame.tables import rate

    frame = pd.DataFrame(
        {
            "deal": [True, True, True, False],
            "deal_round": [0, 2, 3, -1],
            "nash_distance": [0.1, 0.2, 0.3, np.nan],
            **{f"outcome.{i}": [1.0] * 4 for i in teaching.issues},
            **{f"{k}.{a}": [0.5] * 4 for k in ("utility", "gain") for a in teaching.actors},
            **{f"events.{e}": [0] * 4 for e in teaching.events},
        }
    )
    summary = summarize(frame, teaching)
    assert summary["rounds_to_deal"]["mean"] == pytest.approx((1 + 3 + 4) / 3)
    assert summary["rounds_to_deal"]["by_round"] == {"0": 0.25, "2": 0.25, "3": 0.25}
    assert rate(1999 / 2000) == "0.9995" and rate(1 / 3000) == "0.0003" and rate(0.5) == "0.500"
    assert rate(1.0) == "1.000" and rate(0.0) == "0.000" and rate(None) == "-"


# -- quantiles and the Latin hypercube (sampling: lhs) ------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "uniform", "low": 1.0, "high": 3.0},
        {"dist": "normal", "mean": 0.5, "sd": 0.2},
        {"dist": "truncnormal", "mean": 0.08, "sd": 0.06, "low": -0.1, "high": 0.25},
        {"dist": "triangular", "low": 3.5, "mode": 3.8, "high": 5.0},
        {"dist": "beta", "a": 3, "b": 3, "low": 0.05, "high": 0.3},
    ],
)
def test_a_quantile_is_the_inverse_of_the_distribution(spec):
    """scipy.stats' percent-point function, where it exists, to 1e-9."""
    from scipy import stats

    from wargame.distributions import Beta, Normal, Triangular, TruncNormal, Uniform

    kind = {
        "uniform": Uniform,
        "normal": Normal,
        "truncnormal": TruncNormal,
        "triangular": Triangular,
        "beta": Beta,
    }
    dist = kind[spec["dist"]].model_validate(spec)
    u = np.linspace(0.001, 0.999, 41)
    if spec["dist"] == "uniform":
        expected = stats.uniform(1.0, 2.0).ppf(u)
    elif spec["dist"] == "normal":
        expected = stats.norm(0.5, 0.2).ppf(u)
    elif spec["dist"] == "truncnormal":
        a, b = (-0.1 - 0.08) / 0.06, (0.25 - 0.08) / 0.06
        expected = stats.truncnorm(a, b, loc=0.08, scale=0.06).ppf(u)
    elif spec["dist"] == "triangular":
        expected = stats.triang((3.8 - 3.5) / 1.5, loc=3.5, scale=1.5).ppf(u)
    else:
        expected = stats.beta(3, 3, loc=0.05, scale=0.25).ppf(u)
    np.testing.assert_allclose(dist.quantile(u), expected, atol=1e-9)


def test_a_choice_quantile_gives_each_value_its_weight():
    from wargame.distributions import Choice

    dist = Choice.model_validate({"dist": "choice", "values": ["a", "b", "c"], "weights": [1, 2, 1]})
    u = (np.arange(400) + 0.5) / 400
    values, counts = np.unique(dist.quantile(u).astype(str), return_counts=True)
    assert dict(zip(values, counts, strict=True)) == {"a": 100, "b": 200, "c": 100}


def test_a_latin_hypercube_puts_one_point_in_every_stratum_of_every_dimension():
    from wargame.distributions import latin_hypercube

    u = latin_hypercube(seed=3, runs=250, dims=4)
    for j in range(4):
        assert sorted(np.floor(u[:, j] * 250).astype(int)) == list(range(250))
    np.testing.assert_array_equal(u, latin_hypercube(seed=3, runs=250, dims=4))  # one seed, one design
    assert not np.array_equal(u, latin_hypercube(seed=4, runs=250, dims=4))
