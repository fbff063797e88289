"""Naive baselines beside every forecast (issue 24): the status quo, splitting the difference
between the principals and the capability x salience weighted compromise, snapped to each issue's
admissible values; recorded per episode and reported beside the model's median."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wargame import space
from wargame.axis import axis, nearest, snap
from wargame.baselines import NAMES, baselines
from wargame.cli import app
from wargame.parameters import payoffs_of
from wargame.payoffs import Payoffs

from .conftest import SMALL, exited

TITLE = "Forecast beside naive baselines (medians over the episodes)"


def _payoffs(ideal, salience, capability, lo, hi) -> Payoffs:
    """Payoffs of ``A`` actors on ``I`` issues with only what the baselines read."""
    ideal = np.asarray(ideal, dtype=float)
    n_actors, n_issues = ideal.shape
    return Payoffs(
        actors=tuple(f"a{k}" for k in range(n_actors)),
        issues=tuple(f"i{k}" for k in range(n_issues)),
        lo=np.asarray(lo, dtype=float),
        hi=np.asarray(hi, dtype=float),
        ideal=ideal,
        salience=np.asarray(salience, dtype=float),
        risk=np.ones((n_actors, n_issues)),
        discount=np.ones(n_actors),
        no_deal_cost=np.zeros(n_actors),
        capability=np.asarray(capability, dtype=float),
        focal_weight=np.zeros((n_actors, n_issues)),
        focal=tuple(np.array([]) for _ in range(n_issues)),
        focal_width=np.ones(n_issues),
        link_actor=np.zeros(0, dtype=int),
        link_issues=np.zeros((0, 2), dtype=int),
        link_targets=np.zeros((0, 2)),
        link_weight=np.zeros(0),
        link_substitute=np.zeros(0, dtype=bool),
    )


# -- the maths by hand --------------------------------------------------------------------------


def test_the_three_baselines_by_hand():
    # issue 0: a grid 0, 1, ..., 10; issue 1: nobody has both capability and salience on it;
    # issue 2: three options 0, 1, 3
    p = _payoffs(
        ideal=[[0.0, 2.0, 0.0], [10.0, 8.0, 3.0], [6.0, 5.0, 3.0]],
        salience=[[0.8, 0.0, 1.0], [0.4, 1.0, 1.0], [1.0, 0.0, 0.5]],
        capability=[[1.0, 1.0, 1.0], [0.5, 0.0, 1.0], [0.2, 1.0, 0.2]],
        lo=[0.0, 0.0, 0.0],
        hi=[10.0, 10.0, 3.0],
    )
    axes = (axis(0, 10, 1), axis(0, 10, 1), axis(0, 3, 1, options=(3.0, 0.0, 1.0)))
    b = baselines(p, axes, np.array([2.0, 7.0, 1.0]), ["a0", "a1"])
    np.testing.assert_array_equal(b.status_quo, [2.0, 7.0, 1.0])
    # the principals a0 and a1: (0 + 10) / 2; (2 + 8) / 2; (0 + 3) / 2 = 1.5, nearer option 1 than 3
    np.testing.assert_array_equal(b.split, [5.0, 5.0, 1.0])
    # issue 0: weights c * s = 0.8, 0.2, 0.2: (0.8 * 0 + 0.2 * 10 + 0.2 * 6) / 1.2 = 2.67, snapped to 3;
    # issue 1: every weight is 0: the split; issue 2: weights 1, 1, 0.1: 3.3 / 2.1 = 1.57, option 1
    np.testing.assert_array_equal(b.compromise, [3.0, 5.0, 1.0])
    assert b._fields == NAMES == ("status_quo", "split", "compromise")


def test_the_compromise_weighs_capability_times_salience_before_snapping():
    p = _payoffs([[0.0], [10.0]], [[1.0], [3.0]], [[2.0], [1.0]], [0.0], [10.0])
    fine = (np.round(np.arange(0, 10.0001, 0.001), 10),)  # fine enough to see the mean itself
    b = baselines(p, fine, np.array([0.0]), ["a0", "a1"])
    assert b.compromise[0] == pytest.approx(3 * 10.0 / 5, abs=5e-4)  # weights 2 and 3


def test_a_value_snaps_to_its_nearest_admissible_one_and_halfway_to_the_lower():
    grid = axis(0.0, 1.0, 0.3)  # the top of the range is admissible though no step reaches it
    np.testing.assert_allclose(grid, [0.0, 0.3, 0.6, 0.9, 1.0])
    np.testing.assert_array_equal(nearest(grid, [-5.0, 0.1, 0.2, 0.97, 0.94, 7.0]), [0, 0, 1, 4, 3, 4])
    options = axis(0, 4, 1, options=(4.0, 0.0, 1.0))
    np.testing.assert_array_equal(nearest(options, [0.5, 2.5, 2.6, 1.4]), [0, 1, 2, 1])  # 0.5, 2.5: ties
    np.testing.assert_array_equal(nearest(np.array([3.0]), [1.0, 9.0]), [0, 0])  # one value: always it
    both = snap(np.array([[0.2, 2.6], [0.94, 0.5]]), [grid, options])
    np.testing.assert_allclose(both, [[0.3, 4.0], [0.9, 0.0]])


def test_the_issue_space_snaps_by_the_same_rule(package):
    ax = space.axes(package)
    rng = np.random.default_rng(0)
    lo, hi = np.array([a[0] for a in ax]), np.array([a[-1] for a in ax])
    packages = lo + rng.uniform(-0.1, 1.1, size=(200, len(ax))) * (hi - lo)
    index = space.snap_index(packages, ax)
    brute = np.stack([np.abs(packages[:, [i]] - a[None, :]).argmin(axis=1) for i, a in enumerate(ax)], axis=1)
    np.testing.assert_array_equal(index, brute)
    np.testing.assert_array_equal(space.snap(packages, package), snap(packages, ax))


# -- properties ---------------------------------------------------------------------------------


@st.composite
def _talks(draw):
    """Payoffs on 1-4 issues (a grid or options each), 2-5 actors, 1-3 of them principals; ideals
    on the issue's admissible values or anywhere in its range."""
    n_issues, n_actors = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    axes = []
    for _ in range(n_issues):
        lo = draw(st.floats(-100, 100))
        span = draw(st.floats(0.5, 100))
        if draw(st.booleans()):
            axes.append(axis(lo, lo + span, span / draw(st.integers(1, 40))))
        else:
            steps = draw(st.lists(st.integers(0, 40), min_size=2, max_size=6, unique=True))
            values = tuple(lo + k * span / 40 for k in steps)
            axes.append(axis(min(values), max(values), span / 40, options=values))
    on_grid = draw(st.booleans())
    unit = st.floats(0, 1)
    ideal = np.array(
        [
            [
                a[draw(st.integers(0, len(a) - 1))] if on_grid else a[0] + draw(unit) * (a[-1] - a[0])
                for a in axes
            ]
            for _ in range(n_actors)
        ]
    )
    weight = st.just(0.0) | st.floats(0, 1)  # often nobody weighs an issue
    salience = np.array([[draw(weight) for _ in axes] for _ in range(n_actors)])
    capability = np.array([[draw(weight) for _ in axes] for _ in range(n_actors)])
    lo, hi = [a[0] for a in axes], [a[-1] for a in axes]
    p = _payoffs(ideal, salience, capability, lo, hi)
    status_quo = np.array([a[0] + draw(unit) * (a[-1] - a[0]) for a in axes])
    principals = draw(st.lists(st.sampled_from(p.actors), min_size=1, max_size=3, unique=True))
    return p, tuple(axes), status_quo, principals, on_grid


@settings(max_examples=150, deadline=None)
@given(talks=_talks())
def test_every_baseline_is_admissible_and_the_compromise_lies_among_the_ideals(talks):
    p, axes, status_quo, principals, on_grid = talks
    b = baselines(p, axes, status_quo, principals)
    for forecast in b:
        assert forecast.shape == (len(axes),)
        assert np.all((p.lo <= forecast) & (forecast <= p.hi))
        assert all(np.isin(v, a) for v, a in zip(forecast, axes, strict=True))
    # snapping keeps order: the compromise lies between the snapped extreme ideals (a mean of equal
    # ideals may round a hair beyond them: on a value halfway between two admissible ones, that
    # hair decides), and between the extremes themselves when they are admissible values
    hair = 1e-9 * (p.hi - p.lo)

    def between(x: np.ndarray, ideals: np.ndarray) -> bool:
        low, high = snap(ideals.min(axis=0) - hair, axes), snap(ideals.max(axis=0) + hair, axes)
        return bool(np.all((low <= x) & (x <= high)))

    assert between(b.compromise, p.ideal)
    if on_grid:
        assert np.all((p.ideal.min(axis=0) <= b.compromise) & (b.compromise <= p.ideal.max(axis=0)))
    assert between(b.split, p.ideal[[p.index(a) for a in principals]])
    unweighted = (p.capability * p.salience).sum(axis=0) == 0
    np.testing.assert_array_equal(b.compromise[unweighted], b.split[unweighted])


# -- per episode, in the summary, in the tables -------------------------------------------------


def test_an_episode_records_the_baselines_of_its_own_parameters(package):
    """The worker reads the payoffs the model compiled as the talks started: the same as compiling
    the episode's sampled scenario again."""
    from wargame.experiment import load_experiment
    from wargame.worker import baseline_columns, episode_seeds, play_episode, sample_scenario

    plan = load_experiment(SMALL)
    exp, base = plan.experiment, plan.base_scenario()
    for k in (0, 5):
        row, _ = play_episode(base, exp.uncertain, exp.seed, k)
        scenario, _, _ = sample_scenario(base, exp.uncertain, {}, episode_seeds(exp.seed, k)[0], "")
        expected = baseline_columns(scenario)
        assert expected == {c: v for c, v in row.items() if c.startswith("baseline.")}
        assert len(expected) == len(NAMES) * len(base.issues)
    grid = space.layout(package)
    by_hand = baselines(payoffs_of(package), grid.axes, grid.status_quo, package.principals)
    columns = baseline_columns(package)
    for name, values in zip(NAMES, by_hand, strict=True):
        assert [columns[f"baseline.{name}.{i}"] for i in package.issues] == values.tolist()
    options = {o.value for o in package.issues["flexibility_statement"].options}
    assert {columns[f"baseline.{n}.flexibility_statement"] for n in NAMES} <= options


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("baselines")
    shown = CliRunner().invoke(
        app, ["batch", str(SMALL), "--executor", "serial", "--out", str(out)], env={"COLUMNS": "160"}
    )
    exited(shown, 0)
    (run,) = (out / "small").iterdir()
    return run, shown.output


def test_wargame_batch_writes_the_columns_and_shows_them_beside_the_model(batch, teaching):
    from wargame.results import load_run

    run, output = batch
    episodes = pd.read_parquet(run / "episodes.parquet")
    for name in NAMES:
        for issue in teaching.issues:
            assert episodes[f"baseline.{name}.{issue}"].notna().all()
    assert TITLE in output and "split the" in output and "weighted" in output
    s = load_run(run).summary()
    assert list(s)[list(s).index("issues") + 1] == "baselines"
    assert list(s["baselines"]) == list(teaching.issues)
    for issue, b in s["baselines"].items():
        assert list(b) == list(NAMES)
        assert b["split"]["p50"] == np.median(episodes[f"baseline.split.{issue}"])
    assert (
        s["baselines"]["defense_spending"]["status_quo"]["p50"]
        == teaching.issues["defense_spending"].status_quo
    )
    lines = output.splitlines()
    row = next(
        ln for ln in lines[lines.index(next(ln for ln in lines if TITLE in ln)) :] if "defense_spending" in ln
    )
    model, nash, status_quo, *_ = [c.strip() for c in row.split("│")[2:]]
    issue = s["issues"]["defense_spending"]
    assert (model, nash, status_quo) == (f"{issue['p50']:.2f}", f"{issue['nash_p50']:.2f}", "2.60")
    assert f"## {TITLE}" in (run / "summary.md").read_text()


def test_a_run_made_before_the_baselines_were_recorded_still_reports(batch, tmp_path):
    from wargame.report_summary import summary_markdown, summary_tables
    from wargame.results import load_run
    from wargame.summary import summarize

    run = shutil.copytree(batch[0], tmp_path / "old")
    old = load_run(run)
    episodes = old.episodes.drop(columns=[c for c in old.episodes if c.startswith("baseline.")])
    s = summarize(episodes, old.scenario, "old")
    assert "baselines" not in s
    assert TITLE not in [t.title for t in summary_tables(s)]
    assert TITLE not in summary_markdown(s)
    # and the command line, on the run directory itself
    episodes.to_parquet(run / "episodes.parquet", index=False)
    shown = CliRunner().invoke(app, ["report", str(run), "--format", "md"])
    exited(shown, 0)
    assert "## Outcome per issue" in shown.stdout and TITLE not in shown.stdout
