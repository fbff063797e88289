"""Two runs compared, metric by metric, and which metric repeats an earlier one.

Pure functions of episodes tables: no terminal, no files. ``wargame compare`` renders
:func:`compare` through :mod:`wargame.report_compare`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wargame import params
from wargame.summary import Z95

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


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
    columns = [c for c in a.columns if params.family(c)[0] in kinds and c in b.columns]
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
    same = repeats((name, (a[name], b[name])) for name in [*columns, "nash_distance"])
    frame["same_as"] = [same.get(m, "") for m in frame["metric"]]
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


def repeats(columns: Iterable[tuple[str, Sequence[ArrayLike | pd.Series] | None]]) -> dict[str, str]:
    """Which columns repeat an earlier one, so that a table need not list them twice
    (``forecast.*`` is ``outcome.*`` under alternating offers, ``discounted.*`` is ``utility.*``
    for an actor that does not discount).

    Each column comes with its values as a sequence of parts (one per run, say), compared part by
    part: NaN equal to NaN, -0 to 0. A column given ``None`` has nothing to be compared on and
    is never a repeat nor repeated. Returns each repeating column mapped to the first column with
    the same values.
    """
    first: dict[bytes, str] = {}
    same: dict[str, str] = {}
    for name, parts in columns:
        if parts is None:
            continue
        kept = first.setdefault(b"".join(_fingerprint(p) for p in parts), name)
        if kept != name:
            same[name] = kept
    return same


def _fingerprint(values: ArrayLike | pd.Series) -> bytes:
    """A digest of a column's values: equal columns (NaN equal to NaN, -0 to 0) have equal digests
    (a digest rather than the values: a run's columns can be long, and are compared all to all)."""
    if isinstance(values, pd.Series):
        x = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        x = np.array(values, dtype=float)  # None becomes NaN
    x = x + 0.0  # -0.0 becomes 0.0
    x[np.isnan(x)] = np.nan  # one NaN: the same bytes whatever produced it
    return hashlib.blake2b(x.tobytes(), digest_size=16).digest() + len(x).to_bytes(8, "little")
