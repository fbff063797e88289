"""Plots of a Monte Carlo run (matplotlib, written as PNG; no display needed): the outcome of every
issue, the deal rate by round and each actor's gain (``RUN_DIR/plots``).

What a figure draws is computed by a small pure function (:func:`outcome_panels`,
:func:`grid_shape`) so that tests check the data and the layout, not pixels; the drawing functions
only draw it. The analyses' figures are in :mod:`wargame.analysis_plots` and
:mod:`wargame.discovery_plots`.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from wargame import rundir
from wargame.plotting import BLUE, GREEN, RED, plt, save
from wargame.scenario import Issue, Scenario

MAX_COLUMNS = 3  # panels per row of a grid: a scenario's seven issues fit a page, not a banner


def grid_shape(n: int, max_columns: int = MAX_COLUMNS) -> tuple[int, int]:
    """Rows and columns for ``n`` panels: as few rows as ``max_columns`` allow, the columns then
    spread evenly (4 panels are 2 x 2, not 3 + 1)."""
    rows = max(math.ceil(n / max_columns), 1)
    return rows, max(math.ceil(n / rows), 1)


@dataclass(frozen=True, eq=False)
class OutcomePanel:
    """One issue's panel of outcomes.png: the shares of episodes per option (an issue of named
    options) or a histogram of the outcomes (a numeric issue), with the status quo, the no-deal
    value and the median Nash point marked."""

    issue: str
    title: str
    kind: Literal["options", "numeric"]
    xlabel: str
    ticks: tuple[str, ...]  # options: the option names, in the order of their values
    shares: tuple[float, ...]  # options: the share of episodes ending on each
    values: np.ndarray  # numeric: the outcomes the histogram counts
    bins: np.ndarray | int  # numeric: the histogram's bin edges (one per step) or their number
    marks: tuple[tuple[str, float], ...]  # (what, value): status quo, no deal, Nash (median)


MARK_STYLE: dict[str, dict[str, Any]] = {
    "status quo": {"color": "black", "linestyle": "--"},
    "no deal": {"color": RED, "linestyle": ":"},
    "Nash (median)": {"color": GREEN, "linewidth": 2},
}


def _panel(df: pd.DataFrame, name: str, issue: Issue) -> OutcomePanel:
    values = df[f"outcome.{name}"].to_numpy(dtype=float)
    marks = [("status quo", float(issue.status_quo)), ("no deal", float(issue.no_deal))]
    nash = df.get(f"nash.{name}")
    if nash is not None and nash.notna().any():
        marks.append(("Nash (median)", float(nash.median())))
    title = issue.label or name
    if issue.values is not None:
        options = issue.values
        tolerance = 1e-9 * max(issue.span, 1.0)
        shares = [float(np.mean(np.abs(values - v) <= tolerance)) if len(values) else 0.0 for v in options]
        return OutcomePanel(
            name,
            title,
            "options",
            "share of episodes",
            tuple(issue.label_of(v) for v in options),
            tuple(shares),
            values,
            0,
            tuple(marks),
        )
    edges = np.arange(issue.lo - issue.step / 2, issue.hi + issue.step, issue.step)
    # the marks' values in the axis label: the legend is the figure's, shared by every panel
    said = ", ".join(f"{what} {value:g}" for what, value in marks)
    return OutcomePanel(
        name,
        title,
        "numeric",
        f"{issue.unit}\n{said}",
        (),
        (),
        values,
        edges if len(edges) <= 60 else 60,
        tuple(marks),
    )


def outcome_panels(df: pd.DataFrame, scenario: Scenario) -> list[OutcomePanel]:
    """What outcomes.png draws, one panel per issue in the scenario's order."""
    return [_panel(df, name, issue) for name, issue in scenario.issues.items()]


def outcome_distributions(df: pd.DataFrame, scenario: Scenario, folder: Path) -> Path:
    """One panel per issue (a grid of at most :data:`MAX_COLUMNS` columns): a bar of each option's
    share of episodes for an issue of named options, a histogram for a numeric one; status quo,
    no-deal value and (median) Nash point marked, explained by one legend below the panels."""
    panels = outcome_panels(df, scenario)
    rows, columns = grid_shape(len(panels))
    fig, axes = plt.subplots(
        rows, columns, figsize=(4.4 * columns, 3.4 * rows + 0.5), squeeze=False, layout="constrained"
    )
    for ax, panel in zip(axes.flat, panels, strict=False):
        if panel.kind == "options":
            y = np.arange(len(panel.ticks))
            ax.barh(y, panel.shares, color=BLUE, alpha=0.85)
            ax.set_yticks(y, [textwrap.fill(t, 28) for t in panel.ticks], fontsize=6.5)
            ax.invert_yaxis()  # the first option on top, as the scenario lists them
            ax.set_xlim(0, 1)
            where = scenario.issues[panel.issue].values or []
            for what, value in panel.marks:  # at the option's row (between two for a median)
                ax.axhline(float(np.interp(value, where, y)), **MARK_STYLE[what])
        else:
            ax.hist(panel.values, bins=panel.bins, color=BLUE, alpha=0.85)
            ax.set_ylabel("episodes")
            for what, value in panel.marks:
                ax.axvline(value, **MARK_STYLE[what])
        ax.set_title(panel.title, fontsize=9)
        ax.set_xlabel(panel.xlabel, fontsize=7)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    # one legend for every panel, outside them: a legend inside an axes covers its bars
    shown = {what for panel in panels for what, _ in panel.marks}
    handles = [Line2D([], [], label=what, **style) for what, style in MARK_STYLE.items() if what in shown]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8)
    fig.suptitle(f"{scenario.name}: outcome per issue ({len(df)} episodes)")
    return save(fig, folder / "outcomes.png")


def deal_rate_by_round(df: pd.DataFrame, scenario: Scenario, folder: Path) -> Path:
    """Cumulative share of episodes with a deal by each round."""
    rounds = np.arange(scenario.rounds)
    dealt = df.loc[df["deal"], "deal_round"].to_numpy()
    share = np.array([(dealt <= r).sum() for r in rounds]) / max(len(df), 1)
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.step(rounds, share, where="post", color=BLUE)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("round")
    ax.set_ylabel("share of episodes with a deal")
    ax.set_title("Deal rate by round (cumulative)")
    ax.grid(alpha=0.3)
    return save(fig, folder / "deal_rate_by_round.png")


def gains_by_actor(df: pd.DataFrame, scenario: Scenario, folder: Path) -> Path:
    """Box plot of each actor's gain over its reservation value."""
    actors = list(scenario.actors)
    fig, ax = plt.subplots(figsize=(1.3 * len(actors) + 2, 3.6))
    ax.boxplot([df[f"gain.{a}"].dropna() for a in actors], tick_labels=actors, showfliers=False)
    ax.axhline(0, color=RED, linestyle=":", label="reservation (no deal)")
    ax.set_ylabel("gain = utility - reservation")
    ax.set_title("Gain per actor")
    ax.legend(fontsize=7)
    return save(fig, folder / "gains.png")


def write_plots(df: pd.DataFrame, scenario: Scenario, run_dir: Path) -> list[Path]:
    """outcomes.png, deal_rate_by_round.png and gains.png under ``run_dir/plots``."""
    folder = rundir.output_folder(run_dir / "plots")
    return [
        outcome_distributions(df, scenario, folder),
        deal_rate_by_round(df, scenario, folder),
        gains_by_actor(df, scenario, folder),
    ]
