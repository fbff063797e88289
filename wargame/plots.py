"""Plots of a Monte Carlo run (matplotlib, written as PNG; no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: works on servers and in CI without a display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from wargame import rundir
from wargame.scenario import Scenario


def _save(fig: plt.Figure, path: Path) -> Path:
    rundir.atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(fig)
    return path


def outcome_distributions(df: pd.DataFrame, scenario: Scenario, folder: Path) -> Path:
    """One histogram per issue, with status quo, no-deal value and (median) Nash point marked."""
    issues = list(scenario.issues)
    fig, axes = plt.subplots(
        1, len(issues), figsize=(4.2 * len(issues), 3.6), squeeze=False, layout="constrained"
    )
    for ax, name in zip(axes[0], issues, strict=True):
        issue = scenario.issues[name]
        values = df[f"outcome.{name}"].to_numpy(dtype=float)
        edges = np.arange(issue.lo - issue.step / 2, issue.hi + issue.step, issue.step)
        ax.hist(values, bins=edges if len(edges) <= 60 else 60, color="#4c72b0", alpha=0.85)
        ax.axvline(issue.status_quo, color="black", linestyle="--", label=f"status quo {issue.status_quo:g}")
        ax.axvline(issue.no_deal, color="#c44e52", linestyle=":", label=f"no deal {issue.no_deal:g}")
        nash = df.get(f"nash.{name}")
        if nash is not None and nash.notna().any():
            med = float(nash.median())
            ax.axvline(med, color="#55a868", linewidth=2, label=f"Nash (median) {med:g}")
        ax.set_title(issue.label or name)
        ax.set_xlabel(issue.unit)
        ax.set_ylabel("episodes")
        ax.legend(fontsize=7)
    fig.suptitle(f"{scenario.name}: outcome per issue ({len(df)} episodes)")
    return _save(fig, folder / "outcomes.png")


def deal_rate_by_round(df: pd.DataFrame, scenario: Scenario, folder: Path) -> Path:
    """Cumulative share of episodes with a deal by each round."""
    rounds = np.arange(scenario.rounds)
    dealt = df.loc[df["deal"], "deal_round"].to_numpy()
    share = np.array([(dealt <= r).sum() for r in rounds]) / max(len(df), 1)
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.step(rounds, share, where="post", color="#4c72b0")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("round")
    ax.set_ylabel("share of episodes with a deal")
    ax.set_title("Deal rate by round (cumulative)")
    ax.grid(alpha=0.3)
    return _save(fig, folder / "deal_rate_by_round.png")


def gains_by_actor(df: pd.DataFrame, scenario: Scenario, folder: Path) -> Path:
    """Box plot of each actor's gain over its reservation value."""
    actors = list(scenario.actors)
    fig, ax = plt.subplots(figsize=(1.3 * len(actors) + 2, 3.6))
    ax.boxplot([df[f"gain.{a}"].dropna() for a in actors], tick_labels=actors, showfliers=False)
    ax.axhline(0, color="#c44e52", linestyle=":", label="reservation (no deal)")
    ax.set_ylabel("gain = utility - reservation")
    ax.set_title("Gain per actor")
    ax.legend(fontsize=7)
    return _save(fig, folder / "gains.png")


def write_plots(df: pd.DataFrame, scenario: Scenario, run_dir: Path) -> list[Path]:
    folder = run_dir / "plots"
    folder.mkdir(exist_ok=True)
    return [
        outcome_distributions(df, scenario, folder),
        deal_rate_by_round(df, scenario, folder),
        gains_by_actor(df, scenario, folder),
    ]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def sensitivity_plots(indices: pd.DataFrame, method: str, folder: Path) -> list[Path]:
    """Per output: a tornado chart (oat) or a bar chart of the indices with 95% intervals."""
    folder.mkdir(exist_ok=True)
    paths = []
    for group, frame in indices.groupby("output", sort=False):
        output = str(group)
        frame = frame[~frame["parameter"].str.contains(" x ")].iloc[::-1]  # most important on top
        labels = frame["parameter"].tolist()
        y = np.arange(len(frame))
        fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(frame) + 1.6), layout="constrained")
        if method == "oat":
            base = float(frame["at_base"].iloc[0])
            lo, hi = frame["at_low"].to_numpy(), frame["at_high"].to_numpy()
            ax.barh(y, lo - base, left=base, color="#4c72b0", label="parameter at low")
            ax.barh(y, hi - base, left=base, color="#dd8452", label="parameter at high")
            ax.axvline(base, color="black", linewidth=1, label=f"base {base:.3g}")
            ax.set_xlabel(output)
            name = f"tornado_{_slug(output)}.png"
            ax.set_title(f"One at a time: {output}")
        elif method == "sobol":
            ax.barh(
                y + 0.2, frame["ST"], height=0.4, xerr=frame["ST_conf"], color="#4c72b0", label="ST (total)"
            )
            ax.barh(
                y - 0.2, frame["S1"], height=0.4, xerr=frame["S1_conf"], color="#55a868", label="S1 (alone)"
            )
            ax.set_xlabel("Sobol index (share of variance), 95% intervals")
            name = f"sobol_{_slug(output)}.png"
            ax.set_title(f"Sobol indices: {output}")
        else:
            ax.barh(y, frame["mu_star"], xerr=frame["mu_star_conf"], color="#4c72b0", label="mu*")
            ax.plot(frame["sigma"], y, "o", color="#c44e52", label="sigma (interactions, non-linearity)")
            ax.set_xlabel(f"effect on {output} over the parameter's range, 95% intervals")
            name = f"morris_{_slug(output)}.png"
            ax.set_title(f"Morris elementary effects: {output}")
        ax.set_yticks(y, labels, fontsize=7)
        ax.legend(fontsize=7)
        ax.grid(axis="x", alpha=0.3)
        paths.append(_save(fig, folder / name))
    return paths


def sweep_plot(table: pd.DataFrame, path: str, scenario: Scenario, folder: Path) -> Path:
    """The deal rate and each issue's outcome (mean, 5th-95th percentile band) as one parameter moves."""
    folder.mkdir(exist_ok=True)
    issues = list(scenario.issues)
    fig, axes = plt.subplots(1, len(issues) + 1, figsize=(3.6 * (len(issues) + 1), 3.4), layout="constrained")
    x = table["value"].to_numpy()
    ax = axes[0]
    ax.plot(x, table["deal_rate"], "o-", color="#4c72b0")
    ax.fill_between(
        x, table["deal_low"], table["deal_high"], color="#4c72b0", alpha=0.2, label="95% interval"
    )
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("deal rate")
    ax.legend(fontsize=7)
    for ax, issue in zip(axes[1:], issues, strict=True):
        ax.plot(x, table[f"{issue}.mean"], "o-", color="#dd8452", label="mean")
        ax.fill_between(
            x, table[f"{issue}.p5"], table[f"{issue}.p95"], color="#dd8452", alpha=0.2, label="p5-p95"
        )
        ax.set_title(scenario.issues[issue].label or issue)
        ax.set_ylabel(scenario.issues[issue].unit, fontsize=7)
        ax.legend(fontsize=7)
    for ax in axes:
        ax.set_xlabel(path, fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{scenario.name}: sweeping {path}")
    return _save(fig, folder / "sweep.png")


def prim_plots(trajectory: pd.DataFrame, chosen: int, box: pd.DataFrame, folder: Path) -> list[Path]:
    """Scenario discovery: the peeling trajectory (coverage against density, coloured by how many
    parameters each box restricts, the chosen box ringed) and the chosen box's restrictions."""
    folder.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5.2, 4.2), layout="constrained")
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["restricted"], cmap="viridis", s=18
    )
    fig.colorbar(points, ax=ax, label="parameters restricted")
    row = trajectory.iloc[chosen]
    ax.scatter(
        [row["coverage"]], [row["density"]], s=140, facecolors="none", edgecolors="#c44e52", linewidths=2
    )
    ax.set_xlabel("coverage (share of target episodes in the box)")
    ax.set_ylabel("density (share of the box's episodes on target)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title(f"peeling trajectory (chosen box {chosen} ringed)")
    paths = [_save(fig, folder / "peeling.png")]
    numeric = box.dropna(subset=["low", "high"])
    if len(numeric):
        fig, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * len(numeric)), layout="constrained")
        y = np.arange(len(numeric))
        ax.barh(y, numeric["high"] - numeric["low"], left=numeric["low"], color="#4c72b0", alpha=0.7)
        ax.set_yticks(
            y,
            [f"{p} (p={q:.2g})" for p, q in zip(numeric["parameter"], numeric["quasi_p"], strict=True)],
            fontsize=7,
        )
        ax.set_xlabel("the box's range of each restricted parameter")
        ax.grid(axis="x", alpha=0.3)
        paths.append(_save(fig, folder / "box.png"))
    return paths


def posterior_plots(parameters: pd.DataFrame, posterior: pd.DataFrame, folder: Path) -> list[Path]:
    """Calibration: each parameter's prior and posterior 90% intervals with their medians, each
    scaled to the prior's interval (so parameters of every unit share one axis)."""
    folder.mkdir(parents=True, exist_ok=True)
    if parameters.empty:
        return []
    fig, ax = plt.subplots(figsize=(6.5, 0.6 + 0.5 * len(parameters)), layout="constrained")
    y = np.arange(len(parameters))
    low, high = parameters["prior_p5"].to_numpy(), parameters["prior_p95"].to_numpy()
    span = np.where(high > low, high - low, 1.0)

    def scale(column: str) -> np.ndarray:
        return (parameters[column].to_numpy() - low) / span

    ax.barh(
        y + 0.15,
        scale("prior_p95") - scale("prior_p5"),
        left=scale("prior_p5"),
        height=0.3,
        color="#bbbbbb",
        label="prior 90%",
    )
    ax.barh(
        y - 0.15,
        scale("post_p95") - scale("post_p5"),
        left=scale("post_p5"),
        height=0.3,
        color="#4c72b0",
        label="posterior 90%",
    )
    ax.plot(scale("post_p50"), y - 0.15, "|", color="black", markersize=12)
    ax.set_yticks(y, list(parameters["parameter"]), fontsize=7)
    ax.set_xlabel("position within the prior's 90% interval (0 = its 5th, 1 = its 95th percentile)")
    ax.legend(fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    return [_save(fig, folder / "posterior.png")]
