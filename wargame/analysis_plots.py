"""Plots of the analyses (matplotlib, written as PNG): sensitivity indices, a sweep, and a
calibration's posterior against its prior."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wargame import rundir
from wargame.plotting import BLUE, GREEN, ORANGE, RED, plt, save

if TYPE_CHECKING:
    from wargame.scenario import Scenario


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def sensitivity_plots(indices: pd.DataFrame, method: str, folder: Path) -> list[Path]:
    """Per output: a tornado chart (oat) or a bar chart of the indices with 95% intervals."""
    rundir.output_folder(folder)
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
            ax.barh(y, lo - base, left=base, color=BLUE, label="parameter at low")
            ax.barh(y, hi - base, left=base, color=ORANGE, label="parameter at high")
            ax.axvline(base, color="black", linewidth=1, label=f"base {base:.3g}")
            ax.set_xlabel(output)
            name = f"tornado_{_slug(output)}.png"
            ax.set_title(f"One at a time: {output}")
        elif method == "sobol":
            ax.barh(y + 0.2, frame["ST"], height=0.4, xerr=frame["ST_conf"], color=BLUE, label="ST (total)")
            ax.barh(y - 0.2, frame["S1"], height=0.4, xerr=frame["S1_conf"], color=GREEN, label="S1 (alone)")
            ax.set_xlabel("Sobol index (share of variance), 95% intervals")
            name = f"sobol_{_slug(output)}.png"
            ax.set_title(f"Sobol indices: {output}")
        else:
            ax.barh(y, frame["mu_star"], xerr=frame["mu_star_conf"], color=BLUE, label="mu*")
            ax.plot(frame["sigma"], y, "o", color=RED, label="sigma (interactions, non-linearity)")
            ax.set_xlabel(f"effect on {output} over the parameter's range, 95% intervals")
            name = f"morris_{_slug(output)}.png"
            ax.set_title(f"Morris elementary effects: {output}")
        ax.set_yticks(y, labels, fontsize=7)
        ax.legend(fontsize=7)
        ax.grid(axis="x", alpha=0.3)
        paths.append(save(fig, folder / name))
    return paths


def sweep_plot(table: pd.DataFrame, path: str, scenario: Scenario, folder: Path) -> Path:
    """The deal rate and each issue's outcome (mean, 5th-95th percentile band) as one parameter moves."""
    rundir.output_folder(folder)
    issues = list(scenario.issues)
    fig, axes = plt.subplots(1, len(issues) + 1, figsize=(3.6 * (len(issues) + 1), 3.4), layout="constrained")
    x = table["value"].to_numpy()
    ax = axes[0]
    ax.plot(x, table["deal_rate"], "o-", color=BLUE)
    ax.fill_between(x, table["deal_low"], table["deal_high"], color=BLUE, alpha=0.2, label="95% interval")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("deal rate")
    ax.legend(fontsize=7)
    for ax, issue in zip(axes[1:], issues, strict=True):
        ax.plot(x, table[f"{issue}.mean"], "o-", color=ORANGE, label="mean")
        ax.fill_between(
            x, table[f"{issue}.p5"], table[f"{issue}.p95"], color=ORANGE, alpha=0.2, label="p5-p95"
        )
        ax.set_title(scenario.issues[issue].label or issue)
        ax.set_ylabel(scenario.issues[issue].unit, fontsize=7)
        ax.legend(fontsize=7)
    for ax in axes:
        ax.set_xlabel(path, fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{scenario.name}: sweeping {path}")
    return save(fig, folder / "sweep.png")


def posterior_plots(parameters: pd.DataFrame, posterior: pd.DataFrame, folder: Path) -> list[Path]:
    """Calibration: each parameter's prior and posterior 90% intervals with their medians, each
    scaled to the prior's interval (so parameters of every unit share one axis)."""
    rundir.output_folder(folder)
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
        color=BLUE,
        label="posterior 90%",
    )
    ax.plot(scale("post_p50"), y - 0.15, "|", color="black", markersize=12)
    ax.set_yticks(y, list(parameters["parameter"]), fontsize=7)
    ax.set_xlabel("position within the prior's 90% interval (0 = its 5th, 1 = its 95th percentile)")
    ax.legend(fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    return [save(fig, folder / "posterior.png")]
