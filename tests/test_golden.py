"""Optimizations change no result: the golden set (tests/golden.py) replays exactly."""

import csv
import math

import pytest

from .golden import CLOSE, EXACT, GOLDEN, episodes


def _stored() -> dict[tuple[str, int], dict[str, str]]:
    with GOLDEN.open(newline="") as fh:
        return {(r["case"], int(r["k"])): r for r in csv.DictReader(fh)}


def _same(stored: str, now: object) -> bool:
    if stored == "":
        return now is None
    if isinstance(now, bool | str):
        return stored == str(now)
    value = float(stored)
    return (math.isnan(value) and math.isnan(float(now))) or value == float(now)


@pytest.mark.slow
def test_every_golden_episode_replays():
    """Deals, rounds, outcomes and event counts identical; utilities, gains, Nash distances and
    forecasts to 1e-9."""
    stored = _stored()
    seen = 0
    for label, k, row in episodes():
        old = stored[label, k]
        for column, value in old.items():
            if column in ("case", "k") or (value == "" and column not in row):
                continue  # a column of another case (the EU model's forecast_mean, say)
            now = row[column]
            if column.startswith(EXACT):
                assert _same(value, now), (label, k, column, value, now)
            elif column.startswith(CLOSE):
                if math.isnan(float(value)):
                    assert math.isnan(float(now)), (label, k, column)
                else:
                    assert float(now) == pytest.approx(float(value), abs=1e-9, rel=0), (label, k, column)
        seen += 1
    assert seen == len(stored) >= 300


def test_a_sample_of_the_golden_set_replays():
    """The quick version: every tenth golden episode."""
    stored = _stored()
    for label, k, row in episodes(every=10):
        old = stored[label, k]
        assert row["deal"] == (old["deal"] == "True") and str(row["deal_round"]) == old["deal_round"]
        for column in old:
            if old[column] == "" and column not in row:
                continue  # a column of another case (the package's seven issues, say)
            if column.startswith("outcome."):
                assert float(old[column]) == row[column], (label, k, column)
            elif column.startswith("utility."):
                assert float(old[column]) == pytest.approx(row[column], abs=1e-9, rel=0), (label, k, column)
