"""The expected_utility protocol in the model, `wargame forecast`, and bad actor tables."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from wargame import bdm
from wargame.actors_csv import load_actors_csv
from wargame.cli import app
from wargame.errors import WargameError
from wargame.model import NegotiationModel
from wargame.montecarlo import run_experiment

from .conftest import BILATERAL, SMALL, TEACHING, exited
from .test_bdm import EC

runner = CliRunner()
BAD_CSV = Path(__file__).resolve().parent / "data" / "bad_csv"
EU = {"protocol": "expected_utility"}


# -- the protocol in the model ------------------------------------------------------------------


def test_baseline_runs_under_expected_utility():
    """Over 40 seeds: every episode is a fixed number of rounds in which every actor holds a position,
    the forecast is the weighted median of the final positions, and the principals accept it
    exactly when it beats both fallbacks. The events (random) decide which way it goes: both
    verdicts occur, Seoul's veto more often (its fallback is better than a 17,000-troop forecast)."""
    verdicts = []
    for seed in range(40):
        model = NegotiationModel(TEACHING, seed=seed, overrides=EU)
        ep = model.run()
        assert ep.protocol == "expected_utility"
        assert ep.rounds_played == model.rounds  # fixed number of rounds, as in the paper
        assert ep.forecast_mean is not None and set(ep.forecast) == set(ep.outcome)
        last = ep.rounds[-1]
        assert last.proposer == "forecast" and last.offer == ep.forecast
        assert set(last.positions) == {"seoul", "washington", "pyongyang", "beijing", "tokyo"}
        # capability x salience on 0-1 (each actor's most salient issue counts 1), as events left them
        actors = model.scenario.actors.values()
        capability = np.array([a.capability for a in actors])
        salience = np.array(
            [[a.salience[i] / max(a.salience.values()) for i in model.issue_names] for a in actors]
        )
        for i, issue in enumerate(model.issue_names):
            x = np.array([last.positions[a][issue] for a in model.actor_names])
            assert ep.forecast[issue] == pytest.approx(bdm.weighted_median(x, capability * salience[:, i]))
        forecast = np.array(list(ep.forecast.values()))
        accepts = model.utility_of(forecast)[[0, 1]] >= model.reservations[[0, 1]] - 1e-12
        assert ep.deal == bool(accepts.all()) == all(last.responses.values())
        if ep.deal:
            assert ep.outcome == ep.forecast and all(ep.gain[p] >= -1e-9 for p in ("seoul", "washington"))
        else:
            assert ep.outcome == {k: i.no_deal for k, i in model.scenario.issues.items()}
        verdicts.append(ep.deal)
    assert 0 < sum(verdicts) < len(verdicts) / 2


def test_a_rejected_forecast_is_no_deal_and_the_forecast_is_kept():
    outcomes = [NegotiationModel(TEACHING, seed=s, overrides=EU).run() for s in range(12)]
    rejected = [ep for ep in outcomes if not ep.deal]
    accepted = [ep for ep in outcomes if ep.deal]
    assert rejected and accepted  # the baseline gives both, depending on the events
    for ep in rejected:
        assert not all(ep.rounds[-1].responses.values())
        assert ep.forecast != ep.outcome


def test_expected_utility_is_deterministic_and_seed_dependent():
    a = NegotiationModel(TEACHING, seed=11, overrides=EU).run()
    b = NegotiationModel(TEACHING, seed=11, overrides=EU).run()
    assert a == b
    forecasts = {
        tuple(NegotiationModel(TEACHING, seed=s, overrides=EU).run().forecast.values()) for s in range(8)
    }
    assert len(forecasts) > 1  # events (random) change the forecast


def test_without_events_positions_follow_the_model_exactly():
    """Bilateral, no events: each issue is exactly bdm.step applied round after round."""
    model = NegotiationModel(BILATERAL, seed=0, overrides={**EU, "rounds": 4})
    ep = model.run()
    cap = np.ones(2)  # both capitals have capability 1 in the bilateral scenario
    assert [a.capability for a in model.scenario.actors.values()] == [1.0, 1.0]
    sal = model.payoffs.salience / model.payoffs.salience.max(axis=1, keepdims=True)
    for i, issue in enumerate(model.issue_names):
        t = bdm.simulate(cap, model.payoffs.ideal[:, i], sal[:, i], 4, span=float(model.payoffs.span[i]))
        got = [[r.positions[a][issue] for a in model.actor_names] for r in ep.rounds]
        np.testing.assert_allclose(got, t.positions[1:])


def test_an_event_moving_an_ideal_moves_the_position():
    """Beijing's coercion lowers Seoul's ideal troop level by 1.5: its position shifts by as much
    before that round's challenges, which then run on the shifted positions."""
    from wargame.scenario import validate_scenario

    data = NegotiationModel(TEACHING, seed=0).scenario.data()
    data["injects"] = [{"round": 1, "event": "beijing_coercion", "note": "test"}]
    for e in data["events"].values():
        e.pop("trigger", None)
    model = NegotiationModel(validate_scenario({**data, **EU}, "inject.yaml"), seed=0)
    model.step()
    start = model.protocol.positions.copy()
    model.step()  # the inject fires at the start of round 1
    assert [e.event for e in model.fired] == ["beijing_coercion"]
    seoul, troop = model.payoffs.index("seoul"), model.issue_names.index("troop_level")
    shifted = start[:, troop].copy()
    shifted[seoul] = np.clip(shifted[seoul] - 1.5, model.payoffs.lo[troop], model.payoffs.hi[troop])
    capability = np.array([a.capability for a in model.scenario.actors.values()])
    salience = model.payoffs.salience / model.payoffs.salience.max(axis=1, keepdims=True)
    expected, _, _ = bdm.step(shifted, capability, salience[:, troop], float(model.payoffs.span[troop]))
    got = [model.history[-1].positions[a]["troop_level"] for a in model.actor_names]
    np.testing.assert_allclose(got, expected[0])
    assert shifted[seoul] != start[seoul, troop]


def test_monte_carlo_under_expected_utility(tmp_path):
    result = run_experiment(SMALL, runs=10, executor="serial", out=tmp_path, overrides=EU)
    df = result.episodes
    assert len(df) == 10
    assert {"forecast.troop_level", "forecast_mean.troop_level"} <= set(df.columns)
    assert (df["rounds_played"] == 12).all()
    summary = result.summary()
    assert set(summary["forecasts"]) == {"defense_spending", "troop_level", "tariff"}
    again = run_experiment(SMALL, runs=10, executor="process", workers=2, out=tmp_path / "b", overrides=EU)
    pd.testing.assert_frame_equal(df, again.episodes)


def test_compare_two_protocols_side_by_side(tmp_path):
    base = ["batch", str(SMALL), "--executor", "serial", "--runs", "12"]
    exited(runner.invoke(app, [*base, "--out", str(tmp_path / "ao")]), 0)
    eu = runner.invoke(
        app,
        [*base, "--out", str(tmp_path / "eu"), "--set", "protocol=expected_utility"],
        env={"COLUMNS": "160"},
    )
    exited(eu, 0)
    assert "Expected utility forecast" in eu.output
    (run_a,) = (tmp_path / "ao" / "small").iterdir()
    (run_b,) = (tmp_path / "eu" / "small").iterdir()
    out = runner.invoke(app, ["compare", str(run_a), str(run_b)], env={"COLUMNS": "160"})
    exited(out, 0)
    assert "B (small, expected_utility) against A (small, alternating_offers)" in out.output
    assert "whether or not the principals accepted it" in " ".join(out.output.split())
    for issue in ("defense_spending", "troop_level", "tariff"):
        assert f"forecast.{issue}" in out.output


def test_run_cli_under_expected_utility():
    result = runner.invoke(
        app,
        ["run", str(TEACHING), "--seed", "4", "--set", "protocol=expected_utility"],
        env={"COLUMNS": "160"},
    )
    exited(result, 0)
    for words in ("protocol expected_utility", "forecast (median)", "weighted mean", "moves in 12 rounds"):
        assert words in result.output
    textbook = runner.invoke(
        app,
        ["run", str(TEACHING), "--set", "protocol=expected_utility", "--set", "variant=textbook", "--json"],
    )
    exited(textbook, 0)
    assert json.loads(textbook.output)["protocol"] == "expected_utility"
    bad = runner.invoke(app, ["run", str(TEACHING), "--set", "variant=bdm2009"])
    exited(bad, 2)
    assert "variant" in bad.output


# -- wargame forecast -------------------------------------------------------------------------


def test_forecast_prints_the_published_trajectory():
    result = runner.invoke(app, ["forecast", str(EC), "--rounds", "10"], env={"COLUMNS": "140"})
    exited(result, 0)
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines() if line.strip()}
    assert rows["actor"] == [str(t) for t in range(11)]  # every round, in order, in one table
    # Table 2's medians after rounds 1-8 (two decimals here), round by round
    assert rows["median"][1:9] == ["8.42", "9.61", "9.96", "9.96", "9.96", "7.47", "8.82", "9.67"]
    assert rows["mean"][1:9] == ["7.46", "7.55", "7.59", "7.36", "7.35", "7.41", "7.51", "7.57"]
    assert rows["Belgium"][:4] == ["7.00", "8.42", "9.61", "9.96"]
    assert rows["France"] == ["10.00"] * 11  # the big states never move
    assert "Forecast after round 10: 7.00" in result.output
    narrow = runner.invoke(app, ["forecast", str(EC), "--rounds", "10"], env={"COLUMNS": "80"})
    headers = [line.split()[1:] for line in narrow.output.splitlines() if line.strip().startswith("actor ")]
    assert [t for h in headers for t in h] == [str(t) for t in range(11)]  # split, no round lost


def test_forecast_csv_and_json_agree_with_the_model():
    table = load_actors_csv(EC)
    t = bdm.simulate(table.capability, table.position, table.salience, 6, "textbook")
    out = runner.invoke(
        app, ["forecast", str(EC), "--rounds", "6", "--variant", "textbook", "--format", "csv"]
    )
    exited(out, 0)
    from io import StringIO

    frame = pd.read_csv(StringIO(out.output))
    assert list(frame.columns) == ["round", *table.names, "median", "mean"]
    np.testing.assert_allclose(frame["median"], t.median, rtol=1e-5)
    np.testing.assert_allclose(frame[list(table.names)].to_numpy(), t.positions, rtol=1e-5)
    js = runner.invoke(app, ["forecast", str(EC), "--rounds", "3", "--format", "json"])
    exited(js, 0)
    data = json.loads(js.output)
    assert data["variant"] == "scholz" and len(data["rounds"]) == 4
    assert data["rounds"][1]["moves"][0] == {
        "actor": "Belgium",
        "toward": "France",
        "kind": "compromise",
        "from": 7.0,
        "to": pytest.approx(8.415932, abs=1e-6),
    }


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing_column.csv", "missing_column.csv:1: header: missing column(s) position"),
        ("non_numeric.csv", "non_numeric.csv:3: B.capability: 'lots' is not a number"),
        ("negative_capability.csv", "negative_capability.csv:3: B.capability: capability must be > 0"),
        ("one_actor.csv", "1 actor(s): a collective decision needs two or more"),
        ("duplicate_actor.csv", "duplicate_actor.csv:3: A.actor: actor 'A' appears twice"),
        (
            "salience_out_of_range.csv",
            "salience_out_of_range.csv:2: A.salience: salience must be on 0-1 or 0-100",
        ),
        ("empty.csv", "the file is empty"),
        ("short_row.csv", "short_row.csv:3: expected 4 fields, found 3"),
        ("nan_position.csv", "nan_position.csv:2: A.position: nan is not a finite number"),
        ("same_positions.csv", "every actor holds the same position"),
        ("unknown_column.csv", "unknown column(s) colour"),
        ("does_not_exist.csv", "no such file"),
        ("unterminated_quote.csv", "is not valid CSV near line 3"),
        ("mixed_salience_scales.csv", "salience: mixes scales: A below 1 and others above 1"),
        ("comments_and_blanks.csv", "comments_and_blanks.csv:7: B.capability: 'x' is not a number"),
    ],
)
def test_bad_actor_tables_exit_2(name, words):
    result = runner.invoke(app, ["forecast", str(BAD_CSV / name)], env={"COLUMNS": "200"})
    exited(result, 2)
    assert words in result.output
    assert "Traceback" not in result.output
    with pytest.raises(WargameError):
        load_actors_csv(BAD_CSV / name)


def test_forecast_bad_options_exit_2():
    for args in (["--variant", "bdm2009"], ["--format", "xml"], ["--rounds", "0"]):
        exited(runner.invoke(app, ["forecast", str(EC), *args]), 2)


def test_salience_scale_is_detected(tmp_path):
    low = tmp_path / "low.csv"
    low.write_text("actor,capability,position,salience\nA,1,0,0.5\nB,2,10,1\n")
    high = tmp_path / "high.csv"
    high.write_text("Actor, Capability, Position, Salience\nA,1,0,50\nB,2,10,100\n")
    np.testing.assert_allclose(load_actors_csv(low).salience, load_actors_csv(high).salience)


def test_a_quoted_name_may_span_lines(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text(
        'actor,capability,position,salience\n"Republic of\nKorea",1,0,50\n"Japan, Tokyo",1,10,50\n'
    )
    table = load_actors_csv(path)
    assert table.names == ("Republic of\nKorea", "Japan, Tokyo")
