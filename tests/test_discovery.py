"""Scenario discovery: PRIM recovers planted boxes; `wargame discover` on a run directory; bad targets."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from wargame import prim
from wargame.cli import app
from wargame.discovery import discover
from wargame.montecarlo import run_experiment

from .conftest import SMALL, exited

runner = CliRunner()


def _box(X, y, categorical):
    trajectory = prim.peel(X, y, categorical)
    box = prim.prune(X, y, categorical, trajectory[prim.choose(trajectory)].box)
    inside = box.contains(X, categorical)
    full = prim.full_box(X, categorical)
    restricted = {j for j, (a, b) in enumerate(zip(box.limits, full.limits, strict=True)) if a != b}
    return box, restricted, y[inside].sum() / y.sum(), y[inside].mean()


@pytest.mark.parametrize("seed", range(5))
def test_prim_recovers_a_planted_box_of_two_parameters(seed):
    """Failure exactly when x1 > 0.6 and x3 < 0.35, among six uniform parameters: the box
    restricts those two and no other, with coverage and density above 0.8."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, (2000, 6))
    y = (X[:, 1] > 0.6) & (X[:, 3] < 0.35)
    box, restricted, coverage, density = _box(X.astype(object), y, np.zeros(6, dtype=bool))
    assert restricted == {1, 3}
    assert coverage > 0.8 and density > 0.8
    assert box.limits[1][0] == pytest.approx(0.6, abs=0.05) and box.limits[3][1] == pytest.approx(
        0.35, abs=0.05
    )


def test_prim_peels_categories_too():
    rng = np.random.default_rng(1)
    n = 3000
    strategy = rng.choice(["boulware", "linear", "hardliner"], n)
    x = rng.uniform(0, 1, n)
    noise = rng.uniform(0, 1, n)
    y = (strategy == "hardliner") & (x > 0.5)
    X = np.column_stack([strategy, x, noise]).astype(object)
    X[:, 1:] = X[:, 1:].astype(float)
    box, restricted, coverage, density = _box(X, y, np.array([True, False, False]))
    assert restricted == {0, 1} and box.limits[0] == frozenset({"hardliner"})
    assert coverage > 0.8 and density > 0.8


def test_quasi_p_values_say_which_restrictions_matter():
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 1, (1500, 3))
    y = X[:, 0] > 0.7
    full = prim.full_box(X.astype(object), np.zeros(3, dtype=bool))
    # a box on the real driver and on noise: the driver's restriction is significant, the noise's not
    box = prim.Box(((0.7, 1.0), (0.0, 0.8), full.limits[2]))
    p = prim.quasi_p_values(X.astype(object), y, np.zeros(3, dtype=bool), box)
    assert p[0] < 1e-10 and p[1] > 0.05
    assert prim.prune(X.astype(object), y, np.zeros(3, dtype=bool), box).limits[1] == full.limits[1]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    return run_experiment(SMALL, runs=400, executor="serial", out=tmp_path_factory.mktemp("runs")).run_dir


def test_discover_on_a_run_directory_finds_a_target_planted_in_its_parameters(small_run):
    """A target written over two sampled parameters: the box is theirs, from the command line."""
    target = "param.actors.seoul.perception_noise > 0.1 and param.actors.seoul.salience.tariff < 0.3"
    result = runner.invoke(app, ["discover", str(small_run), "--target", target])
    exited(result, 0)
    found = discover(small_run, target, write=False)
    assert set(found.box["parameter"]) == {"actors.seoul.perception_noise", "actors.seoul.salience.tariff"}
    assert found.coverage > 0.8 and found.density > 0.8
    folder = found.folder
    assert folder.parent == small_run / "discover"
    assert {p.name for p in folder.iterdir()} == {"trajectory.csv", "box.csv", "summary.md", "plots"}
    assert {p.name for p in (folder / "plots").iterdir()} == {"peeling.png", "box.png"}
    assert "chosen box" in result.output


def test_discover_on_an_outcome(small_run):
    found = discover(small_run, "deal == False", write=False)
    assert found.trajectory["coverage"].iloc[0] == 1.0
    assert found.trajectory["density"].iloc[-1] > found.trajectory["density"].iloc[0]  # peeling concentrates
    assert (found.trajectory["mass"].diff().dropna() < 0).all()  # every peel removes episodes
    assert found.summarise().startswith("deal == False:")


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("outcome.tarif > 10", "unknown column 'outcome.tarif'; did you mean outcome.tariff"),
        ("", "the target is empty"),
        ("   ", "the target is empty"),
        ("outcome.tariff + 1", "is not a boolean expression"),
        ("outcome.tariff > 1000", "no episode satisfies"),
        ("outcome.tariff >= 0", "every episode satisfies"),
        ("outcome.tariff >", "cannot evaluate"),
    ],
)
def test_bad_targets_are_refused_with_a_reason(small_run, target, words):
    result = runner.invoke(app, ["discover", str(small_run), "--target", target])
    exited(result, 2)
    assert words in result.output


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--alpha", "0.7"], "--alpha: must be between 0 and 0.5"),
        (["--min-mass", "0"], "--min-mass: must be between 0 and 1"),
        (["--box", "999"], "no box 999"),
    ],
)
def test_bad_options_are_refused(small_run, options, words):
    result = runner.invoke(app, ["discover", str(small_run), "--target", "deal == False", *options])
    exited(result, 2)
    assert words in result.output


def test_a_folder_that_is_no_run_is_refused(tmp_path):
    result = runner.invoke(app, ["discover", str(tmp_path), "--target", "deal == False"])
    exited(result, 2)


def test_prim_restricts_a_parameter_with_few_values():
    """Ties at the peeling quantile (a choice among five values): the peel takes every point at the
    end value, so the box can still narrow it."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, 2000).astype(float)
    noise = rng.uniform(0, 1, 2000)
    y = x >= 3
    box, restricted, coverage, density = _box(
        np.column_stack([x, noise]).astype(object), y, np.zeros(2, dtype=bool)
    )
    assert restricted == {0} and box.limits[0] == (3.0, 4.0)
    assert coverage == 1.0 and density == 1.0


def test_a_number_in_scientific_notation_is_a_number(small_run):
    plain = discover(small_run, "outcome.tariff < 15", write=False)
    scientific = discover(small_run, "outcome.tariff < 1.5e1", write=False)
    pd.testing.assert_frame_equal(plain.trajectory, scientific.trajectory)
