"""Sensitivity analysis and sweeps: known answers, determinism, resume, bad inputs, the CLI."""

import json

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from wargame.cli import app
from wargame.design import DUMMY, SensitivitySpec, design_parameters, design_runs, sensitivity_design
from wargame.errors import WargameError
from wargame.experiment import load_experiment
from wargame.montecarlo import run_experiment
from wargame.sensitivity import load_sensitivity, run_sensitivity
from wargame.sweep import parse_values, run_sweep

from .conftest import BILATERAL, EXPERIMENTS, ROOT, SHIPPED_EXPERIMENTS, TEACHING, exited

runner = CliRunner()
ANALYTIC = EXPERIMENTS / "analytic.yaml"
SHIPPED = SHIPPED_EXPERIMENTS / "summit_2025_teaching_sensitivity.yaml"
BASELINE_SENSITIVITY = SHIPPED_EXPERIMENTS / "summit_2025_sensitivity.yaml"
IDEAL, SEOUL_COST, US_COST = (
    "actors.seoul.ideal.defense_spending",
    "actors.seoul.no_deal_cost",
    "actors.washington.no_deal_cost",
)
# utility.seoul = 0.5 / 1.2 * ideal - no_deal_cost + const (see analytic.yaml): swings 0.25, -0.2
SWING = {IDEAL: 0.25, SEOUL_COST: -0.2, US_COST: 0.0}
S_TRUE = {IDEAL: 0.25**2 / (0.25**2 + 0.2**2), SEOUL_COST: 0.2**2 / (0.25**2 + 0.2**2), US_COST: 0.0}


def _by_parameter(result, output="utility.seoul"):
    return result.table(output).set_index("parameter")


# -- known answers ------------------------------------------------------------------------------


def test_sobol_recovers_the_analytic_indices(tmp_path):
    result = run_sensitivity(ANALYTIC, executor="serial", out=tmp_path)
    t = _by_parameter(result)
    for path, true in S_TRUE.items():
        for index in ("S1", "ST"):
            assert abs(t.loc[path, index] - true) <= t.loc[path, f"{index}_conf"] + 1e-9, (path, index)
    assert t.loc[US_COST, "ST"] == 0 and t.loc[DUMMY, "ST"] == 0  # no effect, and no noise at all
    assert list(t.index[:2]) == [IDEAL, SEOUL_COST]  # ranked by ST
    # the outcome that never varies is flagged, not analysed into noise
    assert any(w.startswith("deal: does not vary") for w in result.warnings)


def test_morris_gives_the_exact_effects_of_a_linear_model(tmp_path):
    result = run_sensitivity(ANALYTIC, method="morris", samples=6, executor="serial", out=tmp_path)
    t = _by_parameter(result)
    for path, swing in SWING.items():
        assert t.loc[path, "mu_star"] == pytest.approx(abs(swing), abs=1e-9)
        assert t.loc[path, "mu"] == pytest.approx(swing, abs=1e-9)
        assert t.loc[path, "sigma"] == pytest.approx(0, abs=1e-9)  # linear: no interactions


def test_oat_tornado_swings(tmp_path):
    result = run_sensitivity(ANALYTIC, method="oat", samples=2, executor="serial", out=tmp_path)
    t = _by_parameter(result)
    for path, swing in SWING.items():
        assert t.loc[path, "swing"] == pytest.approx(swing, abs=1e-9)
    assert t.loc[IDEAL, "at_base"] == pytest.approx(0.3)  # ideal 2.6, no_deal_cost 0.2
    assert list(t["rank"]) == [1, 2, 3]
    # the replicates, paired on common seeds, give a noise-free swing its zero-width interval
    assert t.loc[IDEAL, "swing_conf"] == pytest.approx(0, abs=1e-12)


@pytest.mark.slow
def test_noisy_outputs_are_measured_against_a_dummy_parameter(tmp_path):
    """Independent seeds: the dummy's ST is the noise floor; a real driver clears it."""
    result = run_sensitivity(
        SHIPPED,
        samples=64,
        outputs=["gain.seoul", "outcome.troop_level"],
        executor="process",
        workers=2,
        out=tmp_path,
    )
    t = _by_parameter(result, "gain.seoul")
    floor = t.loc[DUMMY, "ST"] + t.loc[DUMMY, "ST_conf"]
    assert t.loc[SEOUL_COST, "ST"] - t.loc[SEOUL_COST, "ST_conf"] > floor  # Seoul's fallback drives its gain
    assert any("noise floor" in w for w in result.warnings)
    assert any(w.startswith("N = 64 is small") and "would take" in w for w in result.warnings)


# -- reproducibility and the run directory ------------------------------------------------------


@pytest.mark.slow
def test_identical_for_any_worker_count_and_resumable(tmp_path):
    kwargs = {"method": "morris", "samples": 2, "outputs": ["gain.seoul", "deal"]}
    serial = run_sensitivity(SHIPPED, executor="serial", out=tmp_path / "a", **kwargs)
    pooled = run_sensitivity(SHIPPED, executor="process", workers=2, out=tmp_path / "b", **kwargs)
    assert (serial.run_dir / "episodes.parquet").read_bytes() == (
        pooled.run_dir / "episodes.parquet"
    ).read_bytes()
    pd.testing.assert_frame_equal(serial.indices, pooled.indices)

    # interrupt after the first chunk, then resume: the same files as an uninterrupted run
    plan_runs = len(serial.episodes)
    calls = []

    def stop_after_first_chunk(done, total):
        calls.append(done)
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sensitivity(
            SHIPPED, executor="serial", out=tmp_path / "c", progress=stop_after_first_chunk, **kwargs
        )
    (run_dir,) = (tmp_path / "c" / "summit_2025_teaching_sensitivity").iterdir()
    assert json.loads((run_dir / "manifest.json").read_text())["status"] == "interrupted"
    assert not (run_dir / "indices.csv").exists()
    resumed = run_sensitivity(None, resume=run_dir, executor="serial")
    assert len(resumed.episodes) == plan_runs
    assert (run_dir / "episodes.parquet").read_bytes() == (serial.run_dir / "episodes.parquet").read_bytes()
    pd.testing.assert_frame_equal(resumed.indices, serial.indices)
    # resuming with other options is refused, and a finished run is not recomputed
    with pytest.raises(WargameError, match="different configuration"):
        run_sensitivity(None, resume=run_dir, samples=4, method="morris", executor="serial")
    assert load_sensitivity(run_dir).indices.equals(resumed.indices)


def test_run_directory_contents(tmp_path):
    result = run_sensitivity(ANALYTIC, method="oat", samples=2, executor="serial", out=tmp_path)
    names = {p.name for p in result.run_dir.iterdir()}
    assert {"config.yaml", "manifest.json", "episodes.parquet", "indices.csv", "indices.parquet"} <= names
    assert {"points.parquet", "summary.json", "summary.md", "plots"} <= names
    assert pd.read_csv(result.run_dir / "indices.csv").shape == result.indices.shape
    # the deal is the same at every point: reported once as constant, with no ranked zeros or blank plot
    assert sorted(p.name for p in (result.run_dir / "plots").iterdir()) == ["tornado_utility_seoul.png"]
    assert set(result.indices["output"]) == {"utility.seoul"}
    assert any(
        w.startswith("deal: does not vary over the design (every point gives 0)") for w in result.warnings
    )
    md = (result.run_dir / "summary.md").read_text()
    assert "## utility.seoul: oat sensitivity" in md and "| 1 | actors.seoul.ideal.defense_spending |" in md
    config = yaml.safe_load((result.run_dir / "config.yaml").read_text())
    assert config["experiment"]["sensitivity"]["method"] == "oat"
    assert config["experiment"]["runs"] == 7 * 2  # 1 + 2 x 3 points, 2 episodes each
    points = pd.read_parquet(result.run_dir / "points.parquet")
    assert len(points) == 7 and {"utility.seoul", "deal", IDEAL} <= set(points.columns)


@pytest.mark.parametrize(
    "changes",
    [{}, {"second_order": True}, {"method": "morris", "samples": 3}, {"method": "oat"}, {"replicates": 3}],
)
def test_the_number_of_runs_is_known_before_the_design_is_sampled(changes):
    """The plan counts the episodes without sampling (SALib loads in the workers and at the end)."""
    plan = load_experiment(SHIPPED)
    spec = plan.experiment.sensitivity
    spec = SensitivitySpec.model_validate({**spec.model_dump(), "samples": 8, **changes})
    scenario = plan.base_scenario()
    assert design_runs(spec, scenario) == sensitivity_design(spec, scenario, 3).runs


def test_rules_expand_to_parameters(tmp_path):
    plan = load_experiment(SHIPPED)
    found = {p.path: p for p in design_parameters(plan.experiment.sensitivity, plan.base_scenario())}
    assert len(found) == 14  # 13 payoff parameters and the dummy
    assert found["actors.seoul.salience.troop_level"].low == pytest.approx(0.45 * 0.6)
    assert found["actors.beijing.salience.troop_level"].high == pytest.approx(0.45 * 1.5)
    assert "actors.beijing.salience.tariff" not in found  # the rule names troop_level only
    ideal_rule = SensitivitySpec(
        method="oat", samples=1, rules=[{"actors": ["seoul"], "keys": ["ideal"], "within": 0.2}]
    )
    scenario = plan.base_scenario()
    ideals = {p.path: p for p in design_parameters(ideal_rule, scenario)}
    tariff = ideals["actors.seoul.ideal.tariff"]  # ideal 0: +-20% of the issue's range, clipped at lo
    assert (tariff.low, tariff.high) == (0.0, 5.0)


def test_the_baselines_design_varies_what_is_unknown_and_measures_what_is_not_an_identity():
    """The shipped design on the package: fallbacks, a payoff shape, a linkage weight, tactics and
    hazards among its parameters; concessions, movements and the calendar among its outputs; a
    rule over a per-issue risk expands per issue."""
    plan = load_experiment(BASELINE_SENSITIVITY)
    spec, scenario = plan.experiment.sensitivity, plan.base_scenario()
    names = {p.path for p in design_parameters(spec, scenario)}
    for path in (
        "issues.tariff.no_deal",
        "actors.seoul.risk.defense_spending",
        "actors.washington.linkages.0.weight",
        "actors.washington.strategy.e",
        "breakdown.domestic_politics.hazard",
    ):
        assert path in names
    assert {"end_day", "concession.seoul", "movement.troop_level"} <= set(spec.outputs)
    assert not any(o.startswith(("gain.", "utility.")) for o in spec.outputs)
    assert spec.common_seeds and spec.replicates > 1
    rule = SensitivitySpec(
        method="oat", samples=1, rules=[{"actors": ["seoul"], "keys": ["risk"], "within": 0.2}]
    )
    risks = {p.path for p in design_parameters(rule, scenario)}
    assert risks == {f"actors.seoul.risk.{i}" for i in scenario.issues}


# -- bad inputs ---------------------------------------------------------------------------------


def _experiment(tmp_path, **sensitivity):
    data = yaml.safe_load(ANALYTIC.read_text())
    data["scenario"] = str(BILATERAL)
    data["sensitivity"].update(sensitivity)
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"parameters": {"actors.seoul.salince.tariff": {"low": 0.1, "high": 0.5}}}, "nearest valid paths"),
        ({"parameters": {IDEAL: {"low": 3.0, "high": 2.8}}}, "low (3.0) must be below high (2.8)"),
        ({"method": "fast"}, "'oat', 'morris' or 'sobol'"),
        ({"samples": 100}, "power of 2"),
        ({"samples": 4}, "at least 8"),
        ({"method": "morris", "samples": 1}, "at least 2 trajectories"),
        ({"outputs": ["gain.seol"]}, "did you mean gain.seoul"),
        ({"rules": [{"actors": ["moscow"], "keys": ["salience"], "within": 0.2}]}, "unknown actor 'moscow'"),
        ({"parameters": {IDEAL: {"low": 2.0, "high": 3.0}}}, "outside the issue's range"),
        ({"parameters": {"actors.seoul.strategy": {"low": 0, "high": 1}}}, "not a number"),
    ],
)
def test_bad_sensitivity_blocks(tmp_path, change, words):
    path = _experiment(tmp_path, **change)
    with pytest.raises(WargameError) as info:
        run_sensitivity(path, executor="serial", out=tmp_path / "runs")
    assert words in str(info.value)
    assert not (tmp_path / "runs").exists(), "nothing is written for a bad experiment"


def test_bad_options_and_wrong_experiments(tmp_path):
    with pytest.raises(WargameError, match="power of 2"):
        run_sensitivity(ANALYTIC, samples=100, out=tmp_path)
    with pytest.raises(WargameError, match="unknown output"):
        run_sensitivity(ANALYTIC, outputs=["nash"], out=tmp_path)
    with pytest.raises(WargameError, match="no sensitivity: block"):
        run_sensitivity(EXPERIMENTS / "small.yaml", out=tmp_path)
    with pytest.raises(WargameError, match="use wargame sensitivity"):
        run_experiment(ANALYTIC, runs=10, out=tmp_path)
    data = yaml.safe_load(ANALYTIC.read_text())
    data["uncertain"] = {SEOUL_COST: {"dist": "uniform", "low": 0.0, "high": 0.1}}
    both = tmp_path / "both.yaml"
    both.write_text(yaml.safe_dump({**data, "scenario": str(BILATERAL)}))
    with pytest.raises(WargameError, match="vary it in one place only"):
        run_sensitivity(both, out=tmp_path)
    assert not any(p.name != "both.yaml" for p in tmp_path.iterdir())


# -- sweeps -------------------------------------------------------------------------------------


def test_parse_values():
    assert parse_values("1,2.5,4") == [1.0, 2.5, 4.0]
    assert parse_values("0:1:5") == [0.0, 0.25, 0.5, 0.75, 1.0]
    for bad in ("a,b", "1:0:3", "0:1:1", "0:1", "1,1", ""):
        with pytest.raises(WargameError, match="--values"):
            parse_values(bad)


def test_sweep_moves_the_outcome_with_common_seeds(tmp_path):
    result = run_sweep(TEACHING, SEOUL_COST, [-0.1, 0.1, 0.3], runs=12, executor="serial", out=tmp_path)
    t = result.table
    assert list(t["value"]) == [-0.1, 0.1, 0.3] and (t["episodes"] == 12).all()
    assert t["gain.seoul"].is_monotonic_increasing or t["gain.seoul"].iloc[-1] > t["gain.seoul"].iloc[0]
    episodes = result.run.episodes
    seeds = episodes.pivot(index="replicate", columns="point", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()  # replicate r has the same seed at every value
    assert (result.run_dir / "plots" / "sweep.png").stat().st_size > 5000
    with pytest.raises(WargameError, match="outside"):
        run_sweep(TEACHING, "actors.seoul.ideal.tariff", [0.0, 40.0], runs=2, executor="serial", out=tmp_path)


# -- the CLI ------------------------------------------------------------------------------------


def test_sensitivity_and_sweep_commands(tmp_path):
    result = runner.invoke(
        app,
        [
            "sensitivity",
            str(ANALYTIC),
            "--method",
            "oat",
            "--samples",
            "2",
            "--output",
            "utility.seoul",
            "--executor",
            "serial",
            "--out",
            str(tmp_path),
        ],
        env={"COLUMNS": "160"},
    )
    exited(result, 0)
    assert "utility.seoul: oat sensitivity" in result.output
    assert "seoul.ideal.defense_spending" in result.output and "0.250" in result.output
    assert "Run directory" in result.output
    sweep = runner.invoke(
        app,
        [
            "sweep",
            str(BILATERAL),
            "--param",
            SEOUL_COST,
            "--values",
            "0:0.2:3",
            "--runs",
            "3",
            "--executor",
            "serial",
            "--out",
            str(tmp_path),
        ],
        env={"COLUMNS": "200"},
    )
    exited(sweep, 0)
    assert "sweeping actors.seoul.no_deal_cost" in sweep.output and "deal rate" in sweep.output
    for args in (
        ["sensitivity", str(ANALYTIC), "--method", "fast", "--out", str(tmp_path)],
        ["sensitivity", str(ANALYTIC), "--samples", "3", "--out", str(tmp_path)],
        ["sensitivity", str(tmp_path / "missing.yaml"), "--out", str(tmp_path)],
        ["sensitivity", "--resume", str(tmp_path / "nowhere")],
        [
            "sweep",
            str(BILATERAL),
            "--param",
            "actors.seoul.salince",
            "--values",
            "1,2",
            "--out",
            str(tmp_path),
        ],
        ["sweep", str(BILATERAL), "--param", SEOUL_COST, "--values", "x", "--out", str(tmp_path)],
    ):
        exited(runner.invoke(app, args), 2)


def test_a_design_never_draws_an_issue_decided_among_options(tmp_path):
    """An explicit parameter on an options issue is refused; a rule over ideals leaves it out."""
    data = {
        "name": "opts",
        "scenario": str(SHIPPED_EXPERIMENTS.parent / "scenarios" / "summit_2025_package.yaml"),
        "seed": 1,
        "sensitivity": {
            "method": "morris",
            "samples": 2,
            "parameters": {"actors.washington.ideal.flexibility_statement": {"low": 2, "high": 3}},
        },
    }
    path = tmp_path / "opts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(WargameError, match="flexibility_statement is decided among options"):
        load_experiment(path)
    rule = SensitivitySpec(
        method="oat", samples=1, rules=[{"actors": ["seoul"], "keys": ["ideal"], "within": 0.2}]
    )
    package = load_experiment(BASELINE_SENSITIVITY).base_scenario()
    paths = {p.path for p in design_parameters(rule, package)}
    assert "actors.seoul.ideal.tariff" in paths
    assert not any(p.endswith(("flexibility_statement", "investment_terms")) for p in paths)


def test_sobol_reports_second_order_indices_and_its_convergence(tmp_path):
    """With second_order the pairs get their own table; every Sobol run reports ST from the first
    quarter and half of its design beside ST from all of it."""
    from wargame.report_analysis import sensitivity_tables

    result = run_sensitivity(
        ANALYTIC, method="sobol", samples=32, executor="serial", out=tmp_path, outputs=["utility.seoul"]
    )
    spec_data = yaml.safe_load((result.run_dir / "config.yaml").read_text())["experiment"]["sensitivity"]
    assert spec_data["samples"] == 32
    main = result.table("utility.seoul")
    main = main[~main["parameter"].str.contains(" x ")]
    assert main["ST_quarter"].notna().all() and main["ST_half"].notna().all()
    # the analytic model has no noise: the indices barely move from N/2 to N
    assert (main["ST"] - main["ST_half"]).abs().max() < 0.2
    data = yaml.safe_load(ANALYTIC.read_text())
    data["sensitivity"]["second_order"] = True
    path = tmp_path / "second.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False).replace("../../..", str(ROOT)))
    second = run_sensitivity(
        path, method="sobol", samples=32, executor="serial", out=tmp_path / "s2", outputs=["utility.seoul"]
    )
    titles = [t.title for t in sensitivity_tables(second.indices, "sobol")]
    assert any("second-order interactions (S2)" in t for t in titles)


def test_an_interrupted_sweep_resumes_to_the_same_table(tmp_path):
    from wargame.sweep import resume_sweep

    whole = run_sweep(
        TEACHING, SEOUL_COST, [-0.1, 0.1, 0.3], runs=12, executor="serial", out=tmp_path / "a", chunk_size=10
    )

    def stop_after_first_chunk(done, total):
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            TEACHING,
            SEOUL_COST,
            [-0.1, 0.1, 0.3],
            runs=12,
            executor="serial",
            out=tmp_path / "b",
            progress=stop_after_first_chunk,
            chunk_size=10,
        )
    (run_dir,) = (tmp_path / "b").glob("sweep_*/*")
    assert not (run_dir / "sweep.csv").exists()
    result = runner.invoke(app, ["sweep", "--resume", str(run_dir), "--executor", "serial"])
    exited(result, 0)
    pd.testing.assert_frame_equal(resume_sweep(run_dir).table, whole.table)
    assert (run_dir / "episodes.parquet").read_bytes() == (whole.run_dir / "episodes.parquet").read_bytes()
    # with --resume nothing else may be given; without it, the scenario, param and values are needed
    exited(runner.invoke(app, ["sweep", str(TEACHING), "--resume", str(run_dir)]), 2)
    missing = runner.invoke(app, ["sweep", str(TEACHING), "--param", SEOUL_COST])
    exited(missing, 2)
    assert "missing --values" in missing.output
