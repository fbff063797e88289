"""Scenario discovery: PRIM recovers planted boxes; `wargame discover` on a run directory; bad targets;
one folder per target; the plots draw the box that is printed."""

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from wargame import discovery, discovery_plots, prim
from wargame.cli import app
from wargame.discovery import discover
from wargame.montecarlo import run_experiment

from .conftest import SMALL, exited
from .test_plots import png_size

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
    assert {p.name for p in folder.iterdir()} == {
        "trajectory.csv",
        "box.csv",
        "summary.md",
        "target.txt",
        "plots",
    }
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


# --------------------------------------------------------------------------- one folder per target
# issue 21, item 1: '>= 3.8' and '< 3.8' both wrote discover/outcome.defense_spending_3.8/


def test_opposite_targets_write_to_folders_of_their_own(small_run):
    above = discover(small_run, "outcome.defense_spending >= 3.8")
    below = discover(small_run, "outcome.defense_spending < 3.8")
    assert above.folder != below.folder
    assert re.fullmatch(r"outcome\.defense_spending_ge_3\.8-[0-9a-f]{8}", above.folder.name)
    assert re.fullmatch(r"outcome\.defense_spending_lt_3\.8-[0-9a-f]{8}", below.folder.name)
    for found in (above, below):  # each keeps its own results, with the exact target written down
        assert (found.folder / "target.txt").read_text(encoding="utf-8") == found.target + "\n"
        assert f"`{found.target}`" in (found.folder / "summary.md").read_text(encoding="utf-8")
        assert (found.folder / "box.csv").read_text(encoding="utf-8") == found.box.to_csv(index=False)


def test_folder_names_are_readable_and_never_collide():
    """Operators spelled; the hash of the normalised text tells apart targets that differ only
    past the readable part's cut, and not targets that differ only in spacing."""
    assert discovery.target_folder("agreed.security and not agreed.economic").startswith(
        "agreed.security_and_not_agreed.economic-"
    )
    assert discovery.target_folder('ended == "breakdown"').startswith("ended_eq_breakdown-")
    assert discovery.target_folder("deal != True").startswith("deal_ne_True-")
    assert discovery.target_folder("x <= 1").startswith("x_le_1-")
    assert discovery.target_folder("x > 1").startswith("x_gt_1-")
    assert discovery.target_folder("~deal | breakdown").startswith("not_deal_or_breakdown-")
    assert discovery.target_folder("x>=3.8") == discovery.target_folder("  x >=  3.8 ")
    long = "outcome.defense_spending >= 3.8 and outcome.troop_level < 26 and outcome.tariff "
    names = {discovery.target_folder(long + tail) for tail in ("< 15", "> 15", "== 15", "<= 15")}
    assert len(names) == 4 and all(len(n) <= 60 for n in names)
    assert len({discovery.target_folder(t) for t in ("x == 'a b'", "x == 'a  b'")}) == 2  # quoted text


def test_a_rerun_of_a_target_replaces_its_folder_and_says_what_it_replaced(small_run):
    first = discover(small_run, "outcome.tariff <= 14")
    assert first.replaced is None
    again = discover(small_run, "outcome.tariff<=14")  # the same target, spaced differently
    assert again.folder == first.folder
    assert again.replaced is not None
    assert re.fullmatch(
        r"replaces the discovery written \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
        r"\(written as 'outcome.tariff <= 14'\)",
        again.replaced,
    )
    assert (again.folder / "target.txt").read_text(encoding="utf-8") == "outcome.tariff<=14\n"
    assert discover(small_run, "outcome.tariff <= 14", write=False).replaced is None  # nothing written


def test_an_unwritable_discover_folder_is_one_clear_error_before_any_work(small_run, tmp_path, monkeypatch):
    run = tmp_path / "run"
    shutil.copytree(small_run, run, ignore=shutil.ignore_patterns("discover"))
    (run / "discover").write_text("a file where the results' folder would go")  # fails even as root

    def peel(*args, **kwargs):
        raise AssertionError("PRIM ran before the output folder was checked")

    monkeypatch.setattr(prim, "peel", peel)
    result = runner.invoke(app, ["discover", str(run), "--target", "deal == False"])
    exited(result, 2)
    assert "cannot write results here" in result.output


# --------------------------------------------------------------------------- the plots draw the printed box
# issue 21, item 6 (a, b): box.png left out categorical and one-sided restrictions; peeling.png
# ringed the trajectory row, not the pruned box whose figures are printed

THREE_KINDS = (
    'param.actors.washington.strategy == \'{"level": 0.95, "name": "hardliner"}\' '
    "and param.issues.tariff.no_deal <= 15 "
    "and param.actors.seoul.perception_noise > 0.05 and param.actors.seoul.perception_noise < 0.15"
)


def test_box_plot_draws_every_printed_restriction_on_its_own_scale(small_run):
    found = discover(small_run, THREE_KINDS)
    assert list(found.box["restriction"]) == [
        "<= 15",
        "0.04638 to 0.1515",
        'one of {"level": 0.95, "name": "hardliner"}',
    ]
    bars = discovery_plots.box_bars(found.box, found.limits, found.full_limits, found.levels)
    assert [b.parameter for b in bars] == list(found.box["parameter"])  # same rows, same order
    for bar in bars:
        assert 0 <= bar.lo_frac < bar.hi_frac <= 1  # every restriction visible, no units mixed
    one_sided, two_sided, strategy = bars
    # a choice of two numbers: two cells, the kept one (15) at the low end
    assert one_sided.kind == "numeric" and one_sided.cells == ("15", "25") and one_sided.kept == (True, False)
    assert (one_sided.lo_frac, one_sided.hi_frac) == (0.0, 0.5)
    assert two_sided.kind == "numeric" and two_sided.labels == ("0.04638", "0.1515")
    assert 0.15 < two_sided.lo_frac < two_sided.hi_frac < 0.85  # of the sampled range 0 to 0.2
    assert strategy.kind == "categorical" and strategy.kept == (False, True)
    assert strategy.cells[1] == '{"level": 0.95, "name": "hardliner"}'
    for name in ("box.png", "peeling.png"):
        png = found.folder / "plots" / name
        assert png.stat().st_size > 0 and png_size(png)[0] < 2000


def test_box_bars_draw_a_one_sided_restriction_to_the_range_end():
    box = pd.DataFrame(
        [
            {"parameter": "a", "restriction": ">= 2", "low": 2.0, "high": 10.0, "quasi_p": 0.01},
            {"parameter": "b", "restriction": "<= 0.25", "low": 0.0, "high": 0.25, "quasi_p": 0.02},
        ]
    )
    bars = discovery_plots.box_bars(
        box, {"a": (2.0, 10.0), "b": (0.0, 0.25)}, {"a": (0.0, 10.0), "b": (0.0, 1.0)}
    )
    assert [(b.lo_frac, b.hi_frac) for b in bars] == [(0.2, 1.0), (0.0, 0.25)]
    assert [b.ends for b in bars] == [("0", "10"), ("0", "1")]


def test_peeling_plot_marks_the_printed_box(small_run):
    """Pruning moves this target's box (coverage 0.78 to 0.89): the mark is the pruned box's."""
    found = discover(small_run, "outcome.tariff < 15")
    marks = discovery_plots.peeling_marks(found.trajectory, found.chosen, found.coverage, found.density)
    row = found.trajectory.iloc[found.chosen]
    assert (marks.row, marks.row_coverage, marks.row_density) == (
        found.chosen,
        row["coverage"],
        row["density"],
    )
    assert (marks.coverage, marks.density) == (found.coverage, found.density)
    assert (marks.coverage, marks.density) != (marks.row_coverage, marks.row_density)
    printed = f"coverage {found.coverage:.2f}, density {found.density:.2f}"
    assert printed in found.summarise() and printed in marks.chosen_label
    assert "chosen box (pruned)" in marks.chosen_label
    assert f"box {found.chosen}" in marks.row_label
    assert (found.folder / "plots" / "peeling.png").stat().st_size > 0
