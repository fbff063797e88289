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
        bins = np.arange(issue.lo - issue.step / 2, issue.hi + issue.step, issue.step)
        if len(bins) > 60:
            bins = 60
        ax.hist(values, bins=bins, color="#4c72b0", alpha=0.85)
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
