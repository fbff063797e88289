"""Summaries of many episodes as plain data (``summary.json``), and two runs compared.

Pure functions of the episodes table: no terminal, no files.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wargame import timeline

if TYPE_CHECKING:
    from wargame.scenario import Scenario

Z95 = 1.959963984540054


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def describe(values: pd.Series | np.ndarray, discrete: bool = False) -> dict[str, float | None]:
    """mean, sd, p5, p50, p95 and n of the finite values (``discrete``: percentiles are values
    that occur, as for an issue decided among options, never a point between two)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return {"mean": None, "sd": None, "p5": None, "p50": None, "p95": None, "n": 0}
    p5, p50, p95 = np.percentile(x, [5, 50, 95], method="nearest" if discrete else "linear")
    sd = float(np.std(x, ddof=1)) if len(x) > 1 else 0.0
    return {"mean": _num(x.mean()), "sd": sd, "p5": _num(p5), "p50": _num(p50), "p95": _num(p95), "n": len(x)}


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


def summarize(df: pd.DataFrame, scenario: Scenario, name: str = "") -> dict[str, Any]:
    """Deal rate (95% Wilson interval), outcome per issue, utility and gain per actor, events,
    rounds to deal and distance from the Nash point."""
    n = len(df)
    deals = int(df["deal"].sum()) if n else 0
    low, high = wilson(deals, n)
    out: dict[str, Any] = {
        "experiment": name,
        "scenario": scenario.name,
        "episodes": n,
        "deal_rate": {
            "rate": _num(deals / n) if n else None,
            "low": _num(low),
            "high": _num(high),
            "deals": deals,
        },
        "issues": {},
        "actors": {},
        "events": {},
    }
    for issue, spec in scenario.issues.items():
        col = df[f"outcome.{issue}"]
        at_no_deal = np.isclose(col, _no_deal_values(df, scenario, issue), atol=1e-9)
        out["issues"][issue] = {
            "unit": spec.unit,
            "status_quo": spec.status_quo,
            "no_deal": spec.no_deal,
            "nash_p50": describe(df.get(f"nash.{issue}", pd.Series(dtype=float)), spec.options is not None)[
                "p50"
            ],
            **describe(col, spec.options is not None),
            "at_no_deal": _num(at_no_deal.mean()) if n else None,
        }
        if spec.options is not None:  # the share of episodes that ended on each option
            out["issues"][issue]["options"] = {
                o.label: _num(float(np.isclose(col, o.value).mean())) if n else None for o in spec.options
            }
    for actor in scenario.actors:
        out["actors"][actor] = {
            "role": scenario.actors[actor].role,
            "utility": describe(df[f"utility.{actor}"]),
            "gain": describe(df[f"gain.{actor}"]),
        }
    for event in scenario.events:
        counts = df[f"events.{event}"]
        out["events"][event] = {
            "actor": scenario.events[event].actor,
            "mean": _num(counts.mean()) if n else None,
            "share": _num((counts > 0).mean()) if n else None,
        }
    dealt = df.loc[df["deal"], "deal_round"]
    by_round = dealt.value_counts().sort_index()
    out["rounds_to_deal"] = {  # how many rounds it took: a deal in round 0 took 1
        **describe(dealt + 1),
        # share of all episodes ending in a deal in each round (rounds count from 0); JSON keys
        "by_round": {str(int(r)): _num(c / n) for r, c in by_round.items()},
    }
    out["nash_distance"] = describe(df["nash_distance"])
    out.update(_endings_and_timing(df, scenario))
    out["concession"] = {
        a: describe(df[f"concession.{a}"]) for a in scenario.actors if f"concession.{a}" in df
    }
    out["movement"] = {i: describe(df[f"movement.{i}"]) for i in scenario.issues if f"movement.{i}" in df}
    out["warnings"] = []
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


def _share(hits: int, n: int) -> dict[str, float | int | None]:
    low, high = wilson(hits, n)
    return {"rate": _num(hits / n) if n else None, "low": _num(low), "high": _num(high), "count": hits}


def _endings_and_timing(df: pd.DataFrame, scenario: Scenario) -> dict[str, Any]:
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


def compare(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Run B against run A, metric by metric: means, difference, its 95% interval, and whether the
    interval excludes zero (a difference beyond the sampling noise).

    The deal rate uses the normal interval for a difference of two proportions; every other metric
    (outcomes, utilities, gains, distance from Nash, rounds to deal among deals) Welch's interval
    with Welch-Satterthwaite degrees of freedom. Each metric is tested on its own (no correction
    for testing many): of N metrics of two runs that truly agree, about N/20 will be flagged.

    ``same_as`` names an earlier metric whose values equal this one's in every episode of both
    runs (``forecast.*`` is ``outcome.*`` under alternating offers), else "": a table need not
    repeat it.
    """
    from scipy import stats  # here: scipy.stats is slow to import

    rows = []
    pa_, pb_ = a["deal"].mean(), b["deal"].mean()
    se = math.sqrt(pa_ * (1 - pa_) / len(a) + pb_ * (1 - pb_) / len(b))
    rows.append(("deal rate", pa_, pb_, se, Z95))
    kinds = ("outcome", "forecast", "forecast_mean", "utility", "gain", "concession", "movement")
    columns = [c for c in a.columns if c.split(".")[0] in kinds and c in b.columns]
    pairs = [(col, a[col], b[col]) for col in [*columns, "nash_distance"]]
    pairs.append(("deal_round (deals)", a.loc[a["deal"], "deal_round"], b.loc[b["deal"], "deal_round"]))
    for name, x, y in pairs:
        x, y = x.astype(float), y.astype(float)
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if len(x) < 2 or len(y) < 2:
            rows.append(
                (name, x.mean() if len(x) else math.nan, y.mean() if len(y) else math.nan, math.nan, math.nan)
            )
            continue
        va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
        se = math.sqrt(va + vb)
        df = (va + vb) ** 2 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1)) if se > 0 else math.inf
        rows.append((name, x.mean(), y.mean(), se, float(stats.t.ppf(0.975, df))))
    frame = pd.DataFrame(rows, columns=["metric", "a", "b", "se", "q"])
    first: dict[bytes, str] = {}
    same = {}
    for name in [*columns, "nash_distance"]:
        key = _fingerprint(a[name]) + _fingerprint(b[name])
        same[name] = first.setdefault(key, name)
    frame["same_as"] = ["" if same.get(m, m) == m else same[m] for m in frame["metric"]]
    frame["diff"] = frame["b"] - frame["a"]
    frame["low"] = frame["diff"] - frame["q"] * frame["se"]
    frame["high"] = frame["diff"] + frame["q"] * frame["se"]
    # zero variance on both sides: any difference is real; too few values: say nothing
    frame["significant"] = np.where(
        frame["se"] > 0,
        (frame["low"] > 0) | (frame["high"] < 0),
        (frame["se"] == 0) & (frame["diff"].abs() > 1e-12),
    )
    return frame.drop(columns=["se", "q"])


def _fingerprint(values: pd.Series) -> bytes:
    """A digest of a column's values: equal columns (NaN equal to NaN, -0 to 0) have equal digests."""
    import hashlib

    x = values.to_numpy(dtype=float, na_value=np.nan) + 0.0  # + 0.0: -0.0 becomes 0.0
    x[np.isnan(x)] = np.nan  # one NaN: the same bytes whatever produced it
    return hashlib.blake2b(x.tobytes(), digest_size=16).digest() + len(x).to_bytes(8, "little")
