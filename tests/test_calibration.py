"""Calibration: rejection ABC with regression adjustment recovers known truth; refuses what the
prior cannot produce; bad observed-files get their errors."""

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from wargame import NegotiationModel
from wargame.calibration import calibrate, weighted_quantiles
from wargame.cli import app
from wargame.errors import WargameError
from wargame.montecarlo import run_experiment
from wargame.scenario import load_scenario

from .conftest import SMALL, TEACHING, exited

runner = CliRunner()
TRUTH = {"actors.washington.ideal.defense_spending": 4.4, "actors.washington.ideal.troop_level": 25.0}


@pytest.fixture(scope="module")
def prior_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cal")
    experiment = {
        "name": "cal_prior",
        "scenario": str(TEACHING),
        "runs": 1500,
        "seed": 11,
        "uncertain": {
            "actors.washington.ideal.defense_spending": {"dist": "uniform", "low": 3.5, "high": 5.0},
            "actors.washington.ideal.troop_level": {"dist": "uniform", "low": 24.0, "high": 28.5},
            "actors.seoul.salience.tariff": {"dist": "uniform", "low": 0.1, "high": 0.5},
        },
    }
    path = folder / "prior.yaml"
    path.write_text(yaml.safe_dump(experiment, sort_keys=False))
    return run_experiment(path, executor="process", workers=2, out=folder / "runs")


def _observed(tmp_path, observed, name="obs.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"observed": observed}, sort_keys=False))
    return path


def test_calibration_recovers_the_parameters_that_made_the_observation(prior_run, tmp_path):
    """Outcomes simulated at parameters the test chose (not the prior's centre), fed back as
    observations: the posterior's 90% interval holds the truth and is narrower than the prior's."""
    truth = load_scenario(TEACHING, TRUTH)
    seen = pd.DataFrame(
        [NegotiationModel(truth, seed=1000 + k, collect=False).run().to_row() for k in range(40)]
    )
    observed = _observed(
        tmp_path,
        {
            "outcome.defense_spending": {
                "value": float(seen["outcome.defense_spending"].median()),
                "tolerance": 0.1,
            },
            "outcome.troop_level": {"value": float(seen["outcome.troop_level"].median()), "sd": 0.5},
        },
    )
    result = calibrate(prior_run, observed)
    assert result.accepted > 50 and result.ess > 30
    params = result.parameters.set_index("parameter")
    for path, value in TRUTH.items():
        row = params.loc[path.removeprefix("param.")]
        assert row["post_p5"] <= value <= row["post_p95"], (path, row.to_dict())
        assert row["post_p95"] - row["post_p5"] < row["prior_p95"] - row["prior_p5"]
    defence = params.loc["actors.washington.ideal.defense_spending"]
    assert defence["post_p95"] - defence["post_p5"] < 0.5 * (defence["prior_p95"] - defence["prior_p5"])
    # every outcome column gets its posterior predictive, the left-out tariff too
    predicted = result.predictive.set_index("column")
    assert np.isnan(predicted.loc["outcome.tariff", "observed"]) and np.isfinite(
        predicted.loc["outcome.tariff", "post_p50"]
    )
    folder = result.folder
    assert {p.name for p in folder.iterdir()} >= {
        "posterior.parquet",
        "parameters.csv",
        "predictive.csv",
        "summary.md",
        "plots",
    }


def test_an_observation_the_prior_cannot_produce_is_reported_not_fitted(prior_run, tmp_path):
    observed = _observed(tmp_path, {"outcome.defense_spending": {"value": 2.0, "tolerance": 0.05}})
    result = calibrate(prior_run, observed, write=False)
    assert result.accepted == 0
    assert any(
        "outcome.defense_spending = 2.0 is outside what the prior can produce" in w for w in result.warnings
    )
    cli = runner.invoke(app, ["calibrate", str(prior_run.run_dir), "--observed", str(observed)])
    exited(cli, 2)
    assert "outside what the prior can produce" in cli.output


def test_calibrate_from_the_command_line(prior_run, tmp_path):
    observed = _observed(tmp_path, {"outcome.defense_spending": {"value": 4.4, "tolerance": 0.1}})
    cli = runner.invoke(app, ["calibrate", str(prior_run.run_dir), "--observed", str(observed)])
    exited(cli, 0)
    assert "Posterior against prior" in cli.output and "narrowed to" in cli.output


@pytest.mark.parametrize(
    ("observed", "words"),
    [
        (
            {"outcome.tarif": {"value": 15, "tolerance": 1}},
            "unknown episode column 'outcome.tarif'; did you mean outcome.tariff",
        ),
        ({"outcome.tariff": {"value": 15, "tolerance": 0}}, "greater than 0"),
        ({"outcome.tariff": {"value": 15, "tolerance": -1}}, "greater than 0"),
        ({"outcome.tariff": {"value": 15}}, "give a tolerance or an sd"),
        ({"outcome.tariff": {"value": 15, "tolerance": 1, "sd": 1}}, "give a tolerance or an sd"),
        ({"outcome.tariff": {"value": "high", "tolerance": 1}}, "value"),
        ({}, "observed"),
        ({"ended": {"value": 1, "tolerance": 0.5}}, "'ended' is text, not a number"),
        ({"outcome.tariff": {"value": True, "tolerance": 1}}, "'outcome.tariff' takes a number, not True"),
    ],
)
def test_bad_observed_files_are_refused(prior_run, tmp_path, observed, words):
    path = _observed(tmp_path, observed)
    cli = runner.invoke(app, ["calibrate", str(prior_run.run_dir), "--observed", str(path)])
    exited(cli, 2)
    assert words in cli.output
    with pytest.raises(WargameError):
        calibrate(prior_run, path, write=False)


def test_weighted_quantiles_by_hand():
    x, w = np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4)
    assert weighted_quantiles(x, w, [0.5]) == [2.5]
    assert weighted_quantiles(x, np.array([0, 0, 1.0, 0]), [0.1, 0.9]) == [3.0, 3.0]


def test_an_sd_observation_on_a_column_some_episodes_lack(prior_run, tmp_path):
    """deal_day is empty without a deal: those episodes cannot match, the rest are weighted."""
    observed = _observed(tmp_path, {"deal_day": {"value": 4, "sd": 1}})
    result = calibrate(prior_run, observed, write=False)
    assert result.accepted > 0 and np.isfinite(result.parameters["post_p50"]).all()


def test_few_effective_draws_are_said(prior_run, tmp_path):
    observed = _observed(tmp_path, {"utility.seoul": {"value": 0.75, "sd": 0.00005}})
    result = calibrate(prior_run, observed, write=False)
    assert result.ess < 20
    assert any("effective sample size" in w and "few draws" in w for w in result.warnings)


def test_a_bad_observed_file_fails_before_any_simulation(tmp_path):
    missing = tmp_path / "nothing.yaml"
    with pytest.raises(WargameError, match="file not found"):
        calibrate(SMALL, missing, executor="serial", out=tmp_path / "runs")
    assert not (tmp_path / "runs").exists()
