"""The explorer's maths (``wargame serve``'s /explore): knobs as named parameters, the episodes
``wargame run`` would play, and their distributions."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from wargame.web import explorer


@pytest.mark.parametrize("name", ["teaching", "package"])
def test_every_knob_is_a_parameter_the_scenario_accepts_at_its_limits(name, request):
    teaching = request.getfixturevalue(name)
    knobs = explorer.knobs(teaching)
    assert {k["actor"] for k in knobs} == set(teaching.principals)
    for knob in knobs:
        if knob["kind"] == "choice":
            for option in knob["options"]:
                explorer.changed(teaching, {knob["path"]: option["value"]})
        else:
            # each end of each slider alone makes a valid scenario
            for value in (knob["min"], knob["max"]):
                moved = explorer.changed(teaching, {knob["path"]: value})
                assert (moved is teaching) == (value == knob["value"])


def test_unchanged_knobs_leave_the_scenario_as_it_is(teaching):
    values = {k["path"]: k["value"] for k in explorer.knobs(teaching)}
    assert explorer.changed(teaching, values) is teaching
    moved = explorer.changed(teaching, {"actors.washington.strategy": "linear"})
    assert moved.actors["washington"].strategy.name == "linear"


def test_the_same_seed_gives_the_same_episodes_in_one_process_or_in_chunks(teaching):
    serial = explorer.play(teaching, 30, seed=4)
    with ThreadPoolExecutor(2) as pool:
        chunked = explorer.play(teaching, 30, seed=4, pool=pool, chunks=4)
    pd.testing.assert_frame_equal(serial, chunked)


def test_the_episode_shown_round_by_round_is_episode_zero_of_the_distribution(package):
    agreements = 0
    for seed in range(8):
        row = explorer.play(package, 1, seed=seed).loc[0]
        rounds = explorer.one_episode(package, seed=seed)
        assert len(rounds) == int(row["rounds_played"])
        if row["ended"] == "agreement":
            agreements += 1
            last = rounds[-1]
            assert last["deal"] and last["round"] == row["deal_round"]
            assert all(math.isclose(v, row[f"outcome.{k}"]) for k, v in last["offer"].items())
    assert agreements >= 2  # the comparison of the offers ran


def test_distributions_add_up(package):
    frame = explorer.play(package, 40, seed=2)
    d = explorer.distributions(package, frame)
    for issue in d["issues"].values():
        assert math.isclose(sum(b["share"] for b in issue["bars"]), 1.0)
    assert math.isclose(sum(r["share"] for r in d["deal_rounds"]), d["deal_rate"])
    assert math.isclose(sum(d["ended"].values()), 1.0)


def test_sizes_outside_the_bounds_are_refused(teaching):
    for episodes in (0, explorer.MAX_EPISODES + 1):
        with pytest.raises(explorer.BadKnob, match="episodes"):
            explorer.play(teaching, episodes)
