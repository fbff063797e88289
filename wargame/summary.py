"""Summaries of many episodes as plain data, and the one set of rules they follow.

:func:`summarize` is a run's summary (``summary.json``, which ``wargame batch`` and ``wargame report``
render through :mod:`wargame.report_summary`); the explorer (:mod:`wargame.web.explorer`) and the
debrief (:mod:`wargame.classroom.scoring`) summarize their episodes with the same helpers:
:func:`quantiles` (the one quantile rule), :func:`shares` (the share of episodes on each value)
and :func:`percentile` (where one value stands among many). Two runs side by side are
:mod:`wargame.comparison`.

The summary's shape is the :class:`Summary` TypedDict: plain dicts, so ``summary.json`` is what
``json.dumps`` makes of one, and mypy checks every reader's keys.

Pure functions of the episodes table: no terminal, no files.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict

import numpy as np
import pandas as pd

from wargame import timeline
from wargame.baselines import NAMES as BASELINES

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from wargame.scenario import Scenario

Z95 = 1.959963984540054


# --------------------------------------------------------------------------- the summary's shape


class Stats(TypedDict):
    """Mean, standard deviation, 5th, 50th and 95th percentiles and count of the finite values
    (all None but ``n`` when there are none)."""

    mean: float | None
    sd: float | None
    p5: float | None
    p50: float | None
    p95: float | None
    n: int


class DealRate(TypedDict):
    """The share of episodes that ended in a deal, its 95% Wilson interval and the deals counted."""

    rate: float | None
    low: float | None
    high: float | None
    deals: int


class Share(TypedDict):
    """A share of all episodes, its 95% Wilson interval and the episodes counted."""

    rate: float | None
    low: float | None
    high: float | None
    count: int


class IssueSummary(Stats):
    """An issue's outcomes (the :class:`Stats` keys) beside its reference points."""

    unit: str
    status_quo: float
    no_deal: float
    nash_p50: float | None
    at_no_deal: float | None  # the share of episodes that ended on the no-deal value
    options: NotRequired[dict[str, float | None]]  # decided among options: the share on each label


class BaselineSummary(TypedDict):
    """An issue's naive forecasts (:mod:`wargame.baselines`), each over the episodes' parameters as
    their talks started."""

    status_quo: Stats
    split: Stats
    compromise: Stats


class ActorSummary(TypedDict):
    role: str
    utility: Stats
    gain: Stats


class EventSummary(TypedDict):
    actor: str
    mean: float | None  # times it fired per episode
    share: float | None  # of episodes in which it fired at least once


class RoundsToDeal(Stats):
    """Rounds a deal took (a deal in round 0 took 1), and the share of all episodes with a deal in
    each round, keyed by the round (from 0) as text: JSON keys are text."""

    by_round: dict[str, float | None]


class Timing(TypedDict):
    """When deals were made in calendar terms."""

    deal_day: Stats
    dates: dict[str, str]  # p5, p50, p95 of the deal day as ISO dates (empty without a start date)
    by_phase: dict[str, Share]
    start: str  # the calendar's ISO start date, '' without one


class Forecast(TypedDict):
    """expected_utility: the model's forecast of an issue, its weighted median and mean."""

    median: Stats
    mean: Stats


class Summary(TypedDict):
    """A run's summary, as ``summary.json`` holds it (keys in this order).

    ``endings``, ``tracks`` and ``timing`` are missing for runs made before the episodes table had
    an ``ended`` column, ``baselines`` (per issue) for runs made before it had ``baseline.*``
    columns (``wargame report`` still reads them); ``forecasts`` is there only under the
    expected_utility protocol.
    """

    experiment: str
    scenario: str
    episodes: int
    deal_rate: DealRate
    issues: dict[str, IssueSummary]
    baselines: NotRequired[dict[str, BaselineSummary]]
    actors: dict[str, ActorSummary]
    events: dict[str, EventSummary]
    rounds_to_deal: RoundsToDeal
    nash_distance: Stats
    endings: NotRequired[dict[str, Share]]
    tracks: NotRequired[dict[str, Share]]
    timing: NotRequired[Timing]
    concession: dict[str, Stats]
    movement: dict[str, Stats]
    warnings: list[str]
    forecasts: NotRequired[dict[str, Forecast]]


class ValueShare(TypedDict):
    """A value some episodes ended on, and their share of all episodes (see :func:`shares`)."""

    value: float
    share: float


# --------------------------------------------------------------------------- the rules


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def _finite(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def quantiles(values: ArrayLike, qs: Sequence[float] | np.ndarray, discrete: bool = False) -> np.ndarray:
    """The ``qs`` quantiles (each from 0 to 1) of the finite ``values``: the one rule of every
    summary of episodes (``summary.json``, the explorer, the debrief); NaN each without a finite value.

    Continuous values interpolate linearly between the two nearest order statistics (numpy's
    "linear", R's type 7: the median of 1 and 2 is 1.5). ``discrete`` values, those of an issue
    decided among options, take the nearest order statistic (numpy's "nearest"): always a value
    some episode ended on, never a point between two options that nobody could agree to. Counts
    (rounds, days) are summarized as continuous, as their means are.
    """
    x = _finite(values)
    if len(x) == 0:
        return np.full(len(qs), np.nan)
    return np.asarray(np.quantile(x, qs, method="nearest" if discrete else "linear"), dtype=float)


def quantile(values: ArrayLike, q: float, discrete: bool = False) -> float:
    """One quantile by the rule of :func:`quantiles` (``q=0.5``: the median)."""
    return float(quantiles(values, [q], discrete)[0])


def describe(values: ArrayLike, discrete: bool = False) -> Stats:
    """mean, sd, p5, p50, p95 and n of the finite values (``discrete``: percentiles are values
    that occur, as for an issue decided among options; see :func:`quantiles`)."""
    x = _finite(values)
    if len(x) == 0:
        return {"mean": None, "sd": None, "p5": None, "p50": None, "p95": None, "n": 0}
    p5, p50, p95 = quantiles(x, (0.05, 0.5, 0.95), discrete)
    sd = float(np.std(x, ddof=1)) if len(x) > 1 else 0.0
    return {"mean": _num(x.mean()), "sd": sd, "p5": _num(p5), "p50": _num(p50), "p95": _num(p95), "n": len(x)}


def shares(values: ArrayLike) -> list[ValueShare]:
    """Each distinct value of ``values`` (to 9 decimals, so that float noise does not split one)
    with the share of all values equal to it, smallest first."""
    x = np.asarray(values, dtype=float)
    distinct, counts = np.unique(np.round(x, 9), return_counts=True)
    return [{"value": float(v), "share": float(c) / len(x)} for v, c in zip(distinct, counts, strict=True)]


def percentile(values: ArrayLike, x: float) -> float:
    """Where ``x`` stands among ``values``, 0-100: the share below it, counting ties as half (so a
    value equal to all of them stands at 50, not at 0 or 100)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return math.nan
    below = np.sum(values < x - 1e-12)
    ties = np.sum(np.abs(values - x) <= 1e-12)
    return float(100.0 * (below + 0.5 * ties) / len(values))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (well behaved near 0 and 1, unlike the normal one)."""
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _no_deal_values(df: pd.DataFrame, scenario: Scenario, issue: str) -> pd.Series | float:
    column = f"param.issues.{issue}.no_deal"
    return df[column] if column in df else scenario.issues[issue].no_deal


def summarize(df: pd.DataFrame, scenario: Scenario, name: str = "") -> Summary:
    """Deal rate (95% Wilson interval), outcome per issue, utility and gain per actor, events,
    rounds to deal and distance from the Nash point."""
    n = len(df)
    deals = int(df["deal"].sum()) if n else 0
    low, high = wilson(deals, n)
    issues: dict[str, IssueSummary] = {}
    for issue, spec in scenario.issues.items():
        col = df[f"outcome.{issue}"]
        discrete = spec.options is not None
        at_no_deal = np.isclose(col, _no_deal_values(df, scenario, issue), atol=1e-9)
        issues[issue] = {
            "unit": spec.unit,
            "status_quo": spec.status_quo,
            "no_deal": spec.no_deal,
            "nash_p50": describe(df.get(f"nash.{issue}", pd.Series(dtype=float)), discrete)["p50"],
            **describe(col, discrete),
            "at_no_deal": _num(at_no_deal.mean()) if n else None,
        }
        if spec.options is not None:  # the share of episodes that ended on each option
            issues[issue]["options"] = {
                o.label: _num(float(np.isclose(col, o.value).mean())) if n else None for o in spec.options
            }
    actors: dict[str, ActorSummary] = {
        actor: {
            "role": scenario.actors[actor].role,
            "utility": describe(df[f"utility.{actor}"]),
            "gain": describe(df[f"gain.{actor}"]),
        }
        for actor in scenario.actors
    }
    events: dict[str, EventSummary] = {}
    for event in scenario.events:
        counts = df[f"events.{event}"]
        events[event] = {
            "actor": scenario.events[event].actor,
            "mean": _num(counts.mean()) if n else None,
            "share": _num((counts > 0).mean()) if n else None,
        }
    dealt = df.loc[df["deal"], "deal_round"]
    by_round = dealt.value_counts().sort_index()
    out: Summary = {  # the keys in summary.json's order
        "experiment": name,
        "scenario": scenario.name,
        "episodes": n,
        "deal_rate": {
            "rate": _num(deals / n) if n else None,
            "low": _num(low),
            "high": _num(high),
            "deals": deals,
        },
        "issues": issues,
        **_baselines(df, scenario),
        "actors": actors,
        "events": events,
        "rounds_to_deal": {  # how many rounds it took: a deal in round 0 took 1
            **describe(dealt + 1),
            # share of all episodes ending in a deal in each round (rounds count from 0); JSON keys
            "by_round": {str(int(r)): _num(c / n) for r, c in by_round.items()},
        },
        "nash_distance": describe(df["nash_distance"]),
        **_endings_and_timing(df, scenario),
        "concession": {
            a: describe(df[f"concession.{a}"]) for a in scenario.actors if f"concession.{a}" in df
        },
        "movement": {i: describe(df[f"movement.{i}"]) for i in scenario.issues if f"movement.{i}" in df},
        "warnings": [],
    }
    redrawn = df["redraws"] if "redraws" in df else pd.Series(dtype=int)
    if redrawn.sum() > 0:
        out["warnings"].append(
            f"{int((redrawn > 0).sum()):,} of {n:,} episodes drew parameters that together gave an invalid "
            f"scenario and drew again ({int(redrawn.sum()):,} redraws in all): the distributions act as "
            "truncated to the valid scenarios"
        )
    if any(c.startswith("forecast_mean.") for c in df.columns):
        # expected_utility: the model's forecast stands whether or not the principals accept it
        out["forecasts"] = {
            issue: {
                "median": describe(df[f"forecast.{issue}"]),
                "mean": describe(df[f"forecast_mean.{issue}"]),
            }
            for issue in scenario.issues
        }
    return out


class _Baselines(TypedDict, total=False):
    """The part of :class:`Summary` that runs made before the ``baseline.*`` columns lack."""

    baselines: dict[str, BaselineSummary]


def _baselines(df: pd.DataFrame, scenario: Scenario) -> _Baselines:
    """Each issue's naive forecasts (an issue decided among options: percentiles are options)."""
    if not all(f"baseline.{b}.{i}" in df for b in BASELINES for i in scenario.issues):
        return {}  # a run made before these columns existed
    out: dict[str, BaselineSummary] = {}
    for issue, spec in scenario.issues.items():
        d = {b: describe(df[f"baseline.{b}.{issue}"], spec.options is not None) for b in BASELINES}
        out[issue] = {"status_quo": d["status_quo"], "split": d["split"], "compromise": d["compromise"]}
    return {"baselines": out}


def _share(hits: int, n: int) -> Share:
    low, high = wilson(hits, n)
    return {"rate": _num(hits / n) if n else None, "low": _num(low), "high": _num(high), "count": hits}


class _Endings(TypedDict, total=False):
    """The part of :class:`Summary` that runs made before the ``ended`` column lack."""

    endings: dict[str, Share]
    tracks: dict[str, Share]
    timing: Timing


def _endings_and_timing(df: pd.DataFrame, scenario: Scenario) -> _Endings:
    """How the talks ended (deal, deadline, breakdown by cause), each track's agreement rate, and
    when deals were made in calendar terms (day, phase, date); each share with its Wilson interval."""
    n = len(df)
    if "ended" not in df or n == 0:  # a run made before these columns existed
        return {}
    endings = {
        kind: _share(int((df["ended"] == kind).sum()), n) for kind in ("agreement", "deadline", "breakdown")
    }
    for cause in scenario.breakdown:
        endings[f"breakdown: {cause}"] = _share(int((df["breakdown"] == cause).sum()), n)
    agreed = [df[f"agreed.{t}"].astype(bool) for t in scenario.tracks if f"agreed.{t}" in df]
    if agreed:  # some tracks agreed, some failed
        some, every = np.logical_or.reduce(agreed), np.logical_and.reduce(agreed)
        endings["partial (some tracks agreed)"] = _share(int((some & ~every).sum()), n)
    tracks = {
        name: _share(int(df[f"agreed.{name}"].sum()), n) for name in scenario.tracks if f"agreed.{name}" in df
    }
    plan = timeline.schedule(scenario)
    # a deal ends the talks, so its phase is the one they ended in (episodes may have drawn
    # another number of rounds than the scenario's: phases the base calendar lacks come last)
    dealt = df.loc[df["deal"], "end_phase"]
    phases = list(dict.fromkeys([*plan.phase, *sorted(set(dealt) - set(plan.phase))]))
    by_phase = {phase: _share(int((dealt == phase).sum()), n) for phase in phases}
    days = describe(df.loc[df["deal"], "deal_day"])
    dates = {}
    if plan.start and days["n"]:
        start = dt.date.fromisoformat(plan.start)
        dates = {
            k: (start + dt.timedelta(days=float(days[k] or 0.0))).isoformat() for k in ("p5", "p50", "p95")
        }
    return {
        "endings": endings,
        "tracks": tracks,
        "timing": {"deal_day": days, "dates": dates, "by_phase": by_phase, "start": plan.start},
    }
