"""One summary of episodes: the quantile rule (linear for continuous values, the nearest value
for an issue decided among options) that ``summary.json``, the explorer and the debrief share, the
typed shape of ``summary.json``, and the one rule for "this column repeats an earlier one"."""

from __future__ import annotations

import json
import math
import typing

import numpy as np
import pandas as pd
import pytest

from wargame import summary
from wargame.comparison import repeats
from wargame.summary import describe, percentile, quantile, quantiles, shares

from .conftest import SMALL

# -- the quantile rule --------------------------------------------------------------------------


def test_continuous_values_interpolate_and_discrete_ones_take_a_value_that_occurred():
    options = np.array([0.0, 0.0, 3.0, 3.0])  # two episodes on each of two options
    assert quantile(options, 0.5) == 1.5  # between the options: no episode ended there
    assert quantile(options, 0.5, discrete=True) in (0.0, 3.0)
    x = np.arange(1.0, 11.0)
    np.testing.assert_array_equal(quantiles(x, (0.05, 0.5, 0.95)), np.quantile(x, (0.05, 0.5, 0.95)))
    for q in np.linspace(0, 1, 21):
        assert quantile(x, q, discrete=True) in x
    # describe's percentiles are the rule's, continuous or discrete
    for discrete in (False, True):
        d = describe(options, discrete)
        assert [d["p5"], d["p50"], d["p95"]] == list(quantiles(options, (0.05, 0.5, 0.95), discrete))


def test_the_rule_skips_values_that_are_not_finite_and_has_nothing_to_say_of_none():
    assert quantile([1.0, np.nan, 3.0, np.inf], 0.5) == 2.0
    assert all(math.isnan(v) for v in quantiles([np.nan], (0.25, 0.75)))
    assert describe([]) == {"mean": None, "sd": None, "p5": None, "p50": None, "p95": None, "n": 0}


def test_shares_and_percentile():
    bars = shares([1.0, 1.0 + 1e-12, 2.0, 3.0])  # float noise does not split a value
    assert [b["value"] for b in bars] == [1.0, 2.0, 3.0]
    assert [b["share"] for b in bars] == [0.5, 0.25, 0.25]
    values = np.arange(10) / 10
    assert percentile(values, 0.3) == 35.0  # 3 below, one tie counted half
    assert math.isnan(percentile([], 1.0))


def test_the_classroom_exports_the_summary_s_percentile():
    from wargame import classroom

    assert classroom.percentile is summary.percentile


# -- the explorer and the debrief use it --------------------------------------------------------


@pytest.fixture(scope="module")
def split_episodes(package):
    """Episodes of the package whose options issues ended half on one option, half on another:
    a linear median would fall between two options."""
    from wargame.web import explorer

    frame = explorer.play(package, 20, seed=5)
    for name, issue in package.issues.items():
        if issue.options is not None:
            first, second = issue.options[0].value, issue.options[1].value  # next to each other
            frame[f"outcome.{name}"] = [first, second] * (len(frame) // 2)
    return frame


def test_the_explorer_s_medians_and_quartiles_are_the_summary_s(package, split_episodes):
    from wargame.web import explorer

    shown = explorer.distributions(package, split_episodes)
    summarized = summary.summarize(split_episodes, package)
    options = [n for n, i in package.issues.items() if i.options is not None]
    assert options
    for name, issue in shown["issues"].items():
        assert issue["median"] == summarized["issues"][name]["p50"]
        bars = [{"value": b["value"], "share": b["share"]} for b in issue["bars"]]
        assert bars == shares(split_episodes[f"outcome.{name}"])
    for name in options:
        values = {o.value for o in package.issues[name].options}
        assert shown["issues"][name]["median"] in values
        assert np.median(split_episodes[f"outcome.{name}"]) not in values  # what the rule avoids
    for actor, u in shown["utility"].items():
        q25, q75 = quantiles(split_episodes[f"utility.{actor}"], (0.25, 0.75))
        assert (u["q25"], u["q75"]) == (q25, q75)


class _Agreeable:
    """A seat that offers what stands and accepts every offer: any game will do."""

    def propose(self, view, round_):
        return view.standing_offer

    def respond(self, view, offer, round_):
        return True

    def act(self, view, round_, events):
        return None


def test_the_debrief_s_medians_are_the_summary_s(package, split_episodes, tmp_path, monkeypatch):
    from wargame.classroom import scoring
    from wargame.classroom.game import Game

    game = Game.start(package, ["seoul"], {"seoul": _Agreeable()}, seed=1)
    game.model.run()
    monkeypatch.setattr(scoring, "reference_utilities", lambda *args: (split_episodes, tmp_path))
    numbers = scoring.debrief(game, tmp_path)
    summarized = summary.summarize(split_episodes, package)
    for name, issue in numbers["issues"].items():
        assert issue["simulated_p50"] == summarized["issues"][name]["p50"]
        assert issue["simulated"] == shares(split_episodes[f"outcome.{name}"])
    seoul = numbers["players"]["seoul"]
    # the 50th of the percentiles the plot draws is the median the text gives: one rule
    assert seoul["simulated_scores"][10] == seoul["simulated_score_p50"]
    assert seoul["simulated_scores"][0] <= seoul["simulated_score_p50"] <= seoul["simulated_scores"][-1]


# -- summary.json -------------------------------------------------------------------------------

STATS = ["mean", "sd", "p5", "p50", "p95", "n"]
SHARE = ["rate", "low", "high", "count"]
# summary.json's keys, in order: runs written by older versions are read back, and readers
# (report_summary, scripts) look them up by name
KEYS = [
    "experiment",
    "scenario",
    "episodes",
    "deal_rate",
    "issues",
    "baselines",
    "actors",
    "events",
    "rounds_to_deal",
    "nash_distance",
    "endings",
    "tracks",
    "timing",
    "concession",
    "movement",
    "warnings",
]


def _typed_keys(cls: type) -> list[str]:
    return list(typing.get_type_hints(cls))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    from wargame.montecarlo import run_experiment

    return run_experiment(SMALL, executor="serial", out=tmp_path_factory.mktemp("summary"))


def test_summary_json_of_a_small_run_keeps_its_keys(small_run):
    written = json.loads((small_run.run_dir / "summary.json").read_text())
    assert list(written) == KEYS
    assert written == small_run.summary()
    assert list(written["deal_rate"]) == ["rate", "low", "high", "deals"]
    issue = ["unit", "status_quo", "no_deal", "nash_p50", *STATS, "at_no_deal"]
    assert all(list(i) == issue for i in written["issues"].values())
    assert all(list(b) == ["status_quo", "split", "compromise"] for b in written["baselines"].values())
    assert all(list(s) == STATS for b in written["baselines"].values() for s in b.values())
    assert all(list(a) == ["role", "utility", "gain"] for a in written["actors"].values())
    assert all(list(a["utility"]) == STATS == list(a["gain"]) for a in written["actors"].values())
    assert all(list(e) == ["actor", "mean", "share"] for e in written["events"].values())
    assert list(written["rounds_to_deal"]) == [*STATS, "by_round"]
    assert list(written["nash_distance"]) == STATS
    assert all(list(e) == SHARE for e in written["endings"].values())
    assert all(list(t) == SHARE for t in written["tracks"].values())
    assert list(written["timing"]) == ["deal_day", "dates", "by_phase", "start"]
    assert all(list(s) == STATS for s in [*written["concession"].values(), *written["movement"].values()])
    # the types say the same (forecasts: only under expected_utility)
    assert _typed_keys(summary.Summary) == [*KEYS[:-1], "warnings", "forecasts"]
    assert set(_typed_keys(summary.IssueSummary)) == {*issue, "options"}
    assert set(_typed_keys(summary.RoundsToDeal)) == {*STATS, "by_round"}
    assert _typed_keys(summary.BaselineSummary) == list(written["baselines"]["tariff"])
    assert _typed_keys(summary.Share) == SHARE and _typed_keys(summary.Stats) == STATS


def test_a_run_made_before_the_endings_were_recorded_still_reports(small_run):
    """``wargame report`` summarizes the episodes again: an old table without ``ended`` gives a
    summary without endings, tracks and timing, which the tables do without."""
    from wargame.report_summary import summary_markdown, summary_tables

    old = small_run.episodes.drop(columns=["ended"])
    s = summary.summarize(old, small_run.scenario, "old")
    assert list(s) == [k for k in KEYS if k not in ("endings", "tracks", "timing")]
    titles = [t.title for t in summary_tables(s)]
    assert "How the talks ended (share of all episodes)" not in titles
    assert summary_markdown(s).startswith("# old: 24 episodes")


# -- one rule for a column that repeats an earlier one ------------------------------------------


def test_repeats_compares_values_part_by_part():
    x = np.array([0.0, np.nan, 2.0])
    same = repeats(
        [
            ("a", [x, [1.0]]),
            ("b", [np.array([-0.0, np.nan, 2.0]), [1.0]]),  # -0 is 0 and NaN is NaN
            ("c", [x, [2.0]]),  # the same first part, another second
            ("d", [[0.0, np.nan], [2.0, 1.0]]),  # the same numbers, split elsewhere
            ("e", None),  # nothing to compare on
            ("f", [pd.Series([0.0, None, 2.0]), [1.0]]),
        ]
    )
    assert same == {"b": "a", "f": "a"}
