"""Sensitivity indices from a design's outputs: Sobol, Morris and one at a time, and what not to
over-read in them.

Plain maths on tables, no run directory: :mod:`wargame.sensitivity` plays the design and calls
:func:`analyse` on its episodes, then :func:`warnings_for` on the indices.

* ``sobol``: first-order (S1) and total (ST) indices with bootstrap confidence intervals, ranked
  by ST, and ST from the first quarter and half of the design (does it still move with N?);
* ``morris``: elementary effects, ranked by mu*, with sigma and mu*'s confidence interval;
* ``oat``: the output at low / base / high of each parameter and the swing (high - low) with a 95%
  interval from the paired replicates: a tornado table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from wargame.design import (
    DUMMY,
    RANKED_BY,
    Design,
    Parameter,
    SensitivitySpec,
    design_points,
    problem,
)

CONF = 0.95
CONVERGED = 0.05  # ST may move this much from N/2 to N before a warning says a larger N is needed


# --------------------------------------------------------------------------- evaluate


def point_outputs(episodes: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """Each output's mean over every point's episodes (the deal rate for ``deal``): one row per point."""
    cols = [c for c in episodes.columns if c.startswith("param.")]
    frame = episodes[["point", *cols, *outputs]].copy()
    frame[outputs] = frame[outputs].astype(float)
    grouped = frame.groupby("point", sort=True)
    out = grouped[cols].first().join(grouped[outputs].mean())
    out.columns = [c.removeprefix("param.") for c in out.columns]
    return out.reset_index()


# --------------------------------------------------------------------------- analyse


def _rank(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    frame = frame.sort_values(by, ascending=False, key=lambda s: s.abs().fillna(-1), kind="stable")
    frame.insert(1, "rank", range(1, len(frame) + 1))
    return frame


def sobol_indices(spec: SensitivitySpec, params_: list[Parameter], y: np.ndarray, seed: int) -> pd.DataFrame:
    """S1, ST (and S2) with their confidence half-widths, from Saltelli-design outputs ``y``."""
    from SALib.analyze import sobol

    names = [p.path for p in params_]
    if np.ptp(y) == 0:
        frame = pd.DataFrame({"parameter": names, "S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0})
        return _rank(frame, "ST")
    res = sobol.analyze(
        problem(params_),
        y,
        calc_second_order=spec.second_order,
        conf_level=CONF,
        num_resamples=500,
        seed=np.random.default_rng(seed),  # SALib treats an int 0 as "no seed"
    )
    frame = pd.DataFrame(
        {
            "parameter": names,
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )
    # convergence: the same indices from the first N/4 and N/2 base samples (a prefix of a Sobol
    # sequence, a power of 2 long, is itself a balanced design)
    block = len(y) // spec.samples
    for share, column in ((4, "ST_quarter"), (2, "ST_half")):
        n = spec.samples // share
        if n >= 8:
            part = sobol.analyze(
                problem(params_),
                y[: n * block],
                calc_second_order=spec.second_order,
                conf_level=CONF,
                num_resamples=100,
                seed=np.random.default_rng(seed),
            )
            frame[column] = part["ST"]
    frame = _rank(frame, "ST")
    if spec.second_order:
        pairs = [
            {"parameter": f"{names[a]} x {names[b]}", "S2": res["S2"][a, b], "S2_conf": res["S2_conf"][a, b]}
            for a in range(len(names))
            for b in range(a + 1, len(names))
        ]
        frame = pd.concat([frame, pd.DataFrame(pairs)], ignore_index=True)
    return frame


def morris_indices(
    spec: SensitivitySpec, params_: list[Parameter], X: np.ndarray, y: np.ndarray, seed: int
) -> pd.DataFrame:
    """mu*, mu, sigma and mu*'s confidence half-width from Morris trajectories."""
    from SALib.analyze import morris

    names = [p.path for p in params_]
    if np.ptp(y) == 0:
        frame = pd.DataFrame(
            {"parameter": names, "mu_star": 0.0, "mu_star_conf": 0.0, "mu": 0.0, "sigma": 0.0}
        )
        return _rank(frame, "mu_star")
    res = morris.analyze(
        problem(params_), X, y, conf_level=CONF, num_levels=spec.levels, seed=np.random.default_rng(seed)
    )
    frame = pd.DataFrame(
        {
            "parameter": names,
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "mu": np.asarray(res["mu"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        }
    )
    return _rank(frame, "mu_star")


def oat_effects(params_: list[Parameter], episodes: pd.DataFrame, output: str) -> pd.DataFrame:
    """Tornado rows: the output at low / base / high of each parameter and the swing (high - low).

    The swing's 95% interval comes from the replicates, paired by replicate: with common seeds
    (the default for oat) replicate ``r`` has the same seeds at the low and the high point, so the
    noise the two share cancels; with independent seeds the pairing is arbitrary and harmless.
    """
    y = episodes.pivot(index="replicate", columns="point", values=output).astype(float)
    base = float(y[0].mean())
    rows = []
    for j, p in enumerate(params_):
        low, high = y[1 + 2 * j], y[2 + 2 * j]
        diff = (high - low).to_numpy()
        n = len(diff)
        from scipy import stats  # here: scipy.stats is slow to import

        se = float(np.std(diff, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        half = float(stats.t.ppf(0.5 + CONF / 2, n - 1) * se) if n > 1 else math.nan
        rows.append(
            {
                "parameter": p.path,
                "low": p.low,
                "base": p.base,
                "high": p.high,
                "at_low": float(low.mean()),
                "at_base": base,
                "at_high": float(high.mean()),
                "swing": float(diff.mean()),
                "swing_conf": half,
            }
        )
    return _rank(pd.DataFrame(rows), "swing")


def analyse(
    spec: SensitivitySpec,
    params_: list[Parameter],
    design: Design,
    episodes: pd.DataFrame,
    seed: int,
    points: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[str], dict[str, float]]:
    """Every output's indices in one long table (``output``, ``parameter``, ``rank``, the method's
    columns); the outputs left out because some episodes have no value (no Nash point); and the
    outputs that do not vary over the design, with their one value (no indices to rank, no plot)."""
    frames = []
    skipped = []
    constant: dict[str, float] = {}
    if points is None and spec.method != "oat":
        points = point_outputs(episodes, spec.outputs)
    for output in spec.outputs:
        values = episodes[output].to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            skipped.append(output)
            continue
        varying = values if spec.method == "oat" else points[output].to_numpy(dtype=float)  # type: ignore[index]
        if np.ptp(varying) == 0:
            constant[output] = float(varying[0])
            continue
        if spec.method == "oat":
            frame = oat_effects(params_, episodes, output)
        else:
            assert points is not None
            y = points[output].to_numpy(dtype=float)
            if spec.method == "sobol":
                frame = sobol_indices(spec, params_, y, seed)
            else:
                frame = morris_indices(spec, params_, design.X, y, seed)
        frame.insert(0, "output", output)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["output", "parameter", "rank"]), skipped, constant
    return pd.concat(frames, ignore_index=True), skipped, constant


def _list(names: list[str], most: int = 5) -> str:
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def warnings_for(
    spec: SensitivitySpec, indices: pd.DataFrame, n_params: int, constant: Mapping[str, float]
) -> list[str]:
    """What the reader should not over-read: outputs that do not vary, intervals that include
    zero, indices still moving with N, samples too small."""
    out = [
        f"{output}: does not vary over the design (every point gives {value:g}): nothing to rank, no plot"
        for output, value in constant.items()
    ]
    key, conf = RANKED_BY[spec.method]
    for group, frame in indices.groupby("output", sort=False):
        output = str(group)
        if "ST_half" in frame:
            main_rows = frame[frame["ST"].notna()]
            change = (main_rows["ST"] - main_rows["ST_half"]).abs()
            if len(change) and change.max() > CONVERGED:
                worst = str(main_rows["parameter"].to_numpy()[int(np.argmax(change.to_numpy()))])
                out.append(
                    f"{output}: ST still moves with N: {worst} changes by {change.max():.3f} from N/2 to N "
                    "(a larger N would settle it)"
                )
        main = frame[~frame["parameter"].str.contains(" x ") & (frame["parameter"] != DUMMY)]
        none = (main[key] == 0) & (main[conf] == 0)
        if none.any():
            names = main.loc[none, "parameter"].tolist()
            out.append(f"{output}: no effect at all from {_list(names)} (not one episode changed)")
        rest = main[~none]
        floor = frame.loc[frame["parameter"] == DUMMY, [key, conf]].sum(axis=1)
        level = float(floor.iloc[0]) if len(floor) else 0.0
        if level > 0:  # noise: an effect must clear what a parameter that does nothing gets
            below = rest[(rest[key] - rest[conf]) <= level]["parameter"].tolist()
            if below:
                out.append(
                    f"{output}: {_list(below)} cannot be told from the noise floor ({key} of the dummy "
                    f"parameter, up to {level:.3f})"
                )
            rest = rest[(rest[key] - rest[conf]) > level]
        unsure = rest[(rest[key].abs() - rest[conf]) <= 0]["parameter"].tolist()
        if unsure:
            out.append(
                f"{output}: the 95% interval of {key} includes 0 for {_list(unsure)}: effect not resolved"
            )
    per_point = spec.per_point
    if spec.method == "sobol":
        wanted = max(512, 1 << (16 * n_params - 1).bit_length())
        if spec.samples < wanted:
            episodes = design_points("sobol", wanted, n_params, spec.second_order) * per_point
            out.append(
                f"N = {spec.samples} is small for {n_params} parameters (intervals shrink like 1/sqrt(N)): "
                f"N = {wanted} would take {episodes:,} episodes and narrow them about "
                f"{math.sqrt(wanted / spec.samples):.1f}x"
            )
    elif spec.method == "morris" and spec.samples < 10:
        episodes = design_points("morris", 20, n_params) * per_point
        out.append(
            f"{spec.samples} trajectories is few (10-20 are usual): 20 would take {episodes:,} episodes "
            "and separate influential from negligible parameters more reliably"
        )
    elif spec.method == "oat" and spec.samples < 30:
        episodes = design_points("oat", 0, n_params) * 100
        out.append(
            f"{spec.samples} episodes per point is few for a stochastic model: 100 would take {episodes:,} "
            f"episodes and narrow the swing intervals about {math.sqrt(100 / spec.samples):.1f}x"
        )
    return out
