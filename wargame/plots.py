"""Plots of a Monte Carlo run (matplotlib, written as PNG; no display needed).

What a figure draws is computed by a small pure function (:func:`outcome_panels`,
:func:`grid_shape`, :func:`box_bars`, :func:`peeling_marks`) so that tests check the data and the
layout, not pixels; the drawing functions only draw it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib

matplotlib.use("Agg")  # files only: works on servers and in CI without a display
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from wargame import rundir
from wargame.scenario import Issue, Scenario

if TYPE_CHECKING:
    from wargame.discovery import Discovery
    from wargame.prim import Limit

BLUE, RED, GREEN = "#4c72b0", "#c44e52", "#55a868"
MAX_COLUMNS = 3  # panels per row of a grid: a scenario's seven issues fit a page, not a banner


def _save(fig: plt.Figure, path: Path) -> Path:
    rundir.atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(fig)
    return path


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
    """outcomes.png, deal_rate_by_round.png and gains.png under ``run_dir/plots``."""
    folder = rundir.output_folder(run_dir / "plots")
    return [
        outcome_distributions(df, scenario, folder),
        deal_rate_by_round(df, scenario, folder),
        gains_by_actor(df, scenario, folder),
    ]


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
    rundir.output_folder(folder)
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


@dataclass(frozen=True)
class BoxBar:
    """One restriction of a box as box.png draws it, on the parameter's own scale from 0 to 1: a
    numeric parameter's sampled range, or a row of equal cells, one per category (or per value of
    a numeric parameter with few of them, a choice of numbers), the kept ones filled."""

    parameter: str
    kind: Literal["numeric", "categorical"]
    lo_frac: float  # where the box starts on that scale (a one-sided restriction: at an end)
    hi_frac: float
    labels: tuple[str, ...]  # numeric: the box's low and high (real values); categorical: every category
    cells: tuple[str, ...]  # every category, or every value of a numeric parameter with few; else ()
    kept: tuple[bool, ...]  # per cell: whether the box keeps it
    ends: tuple[str, str]  # numeric: the sampled range's low and high; categorical: ("", "")
    quasi_p: float


def _fraction(value: float, low: float, high: float) -> float:
    return min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 0.0


def _cells(kept: tuple[bool, ...]) -> tuple[float, float]:
    """The share of a row of equal cells from the first kept cell to the last."""
    where = [k for k, keep in enumerate(kept) if keep]
    return min(where, default=0) / len(kept), (max(where, default=-1) + 1) / len(kept)


def box_bars(
    box: pd.DataFrame,
    limits: Mapping[str, Limit],
    full_limits: Mapping[str, Limit],
    levels: Mapping[str, tuple[float, ...]] | None = None,
) -> list[BoxBar]:
    """One bar per row of ``box`` (a :class:`~wargame.discovery.Discovery`'s restrictions, in the
    printed order), from the box's ``limits``, the run's ``full_limits`` (parameter -> ``(low,
    high)`` or the set of categories) and the ``levels`` of numeric parameters with few values
    (drawn as cells: a box of one value of two is a cell, not a bar of width 0)."""
    bars = []
    for row in box.to_dict("records"):
        name, p = str(row["parameter"]), float(row["quasi_p"])
        limit, whole = limits[name], full_limits[name]
        if isinstance(whole, frozenset):
            assert isinstance(limit, frozenset)
            categories = tuple(sorted(whole, key=str))
            kept = tuple(c in limit for c in categories)
            names = tuple(map(str, categories))
            bars.append(BoxBar(name, "categorical", *_cells(kept), names, names, kept, ("", ""), p))
            continue
        assert isinstance(limit, tuple)
        (low, high), (start, stop) = limit, whole
        values = (levels or {}).get(name, ())
        if values:
            kept = tuple(low <= v <= high for v in values)
            lo_frac, hi_frac = _cells(kept)
        else:
            lo_frac, hi_frac = _fraction(low, start, stop), _fraction(high, start, stop)
        bars.append(
            BoxBar(
                name,
                "numeric",
                lo_frac,
                hi_frac,
                (f"{low:.4g}", f"{high:.4g}"),
                tuple(f"{v:.4g}" for v in values),
                kept if values else (),
                (f"{start:.4g}", f"{stop:.4g}"),
                p,
            )
        )
    return bars


@dataclass(frozen=True)
class PeelingMarks:
    """What peeling.png marks: the chosen trajectory row and the box that is printed (that row
    with its non-significant restrictions lifted), each labelled with its numbers."""

    row: int
    row_coverage: float
    row_density: float
    coverage: float  # of the chosen box after pruning, as printed
    density: float
    row_label: str
    chosen_label: str


def peeling_marks(trajectory: pd.DataFrame, chosen: int, coverage: float, density: float) -> PeelingMarks:
    """The marks of peeling.png for trajectory row ``chosen`` pruned to ``coverage``/``density``
    (the figures printed, formatted as the summary prints them)."""
    row = trajectory.iloc[chosen]
    row_coverage, row_density = float(row["coverage"]), float(row["density"])
    return PeelingMarks(
        chosen,
        row_coverage,
        row_density,
        coverage,
        density,
        f"box {chosen} of the trajectory, before pruning: coverage {row_coverage:.2f}, "
        f"density {row_density:.2f}",
        f"chosen box (pruned), as printed: coverage {coverage:.2f}, density {density:.2f}",
    )


def _peeling(found: Discovery, folder: Path) -> Path:
    marks = peeling_marks(found.trajectory, found.chosen, found.coverage, found.density)
    trajectory = found.trajectory
    fig, ax = plt.subplots(figsize=(5.6, 5.0), layout="constrained")
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["restricted"], cmap="viridis", s=18
    )
    fig.colorbar(points, ax=ax, label="parameters restricted")
    ax.scatter(
        [marks.row_coverage],
        [marks.row_density],
        s=140,
        facecolors="none",
        edgecolors=RED,
        linewidths=2,
        label=marks.row_label,
    )
    ax.scatter(
        [marks.coverage],
        [marks.density],
        s=220,
        marker="*",
        color=RED,
        edgecolors="black",
        linewidths=0.6,
        zorder=3,
        label=marks.chosen_label,
    )
    if (marks.row_coverage, marks.row_density) != (marks.coverage, marks.density):
        ax.annotate(
            "",
            (marks.coverage, marks.density),
            (marks.row_coverage, marks.row_density),
            arrowprops={"arrowstyle": "->", "color": RED, "linewidth": 1},
        )
    ax.set_xlabel("coverage (share of target episodes in the box)")
    ax.set_ylabel("density (share of the box's episodes on target)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("peeling trajectory and the chosen box")
    fig.legend(loc="outside lower center", fontsize=7)  # below the axes: never over the points
    return _save(fig, folder / "peeling.png")


def _cell_row(ax: plt.Axes, y: float, cells: tuple[str, ...], kept: tuple[bool, ...]) -> None:
    width = 1.0 / len(cells)
    for k, (label, keep) in enumerate(zip(cells, kept, strict=True)):
        ax.barh(y, width, left=k * width, height=0.42, color=BLUE if keep else "white", edgecolor="grey")
        ax.text(
            (k + 0.5) * width,
            y,
            textwrap.shorten(label, max(int(90 * width), 8), placeholder="..."),
            ha="center",
            va="center",
            fontsize=6.5,
            color="white" if keep else "black",
        )


def _box(bars: list[BoxBar], folder: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7.5, 1.1 + 0.75 * max(len(bars), 1)), layout="constrained")
    if not bars:
        ax.text(0.5, 0.5, "no restriction is significant: the box is every episode", ha="center")
        ax.set_axis_off()
        return _save(fig, folder / "box.png")
    for i, bar in enumerate(bars):
        y = -i  # the printed order, top to bottom
        if bar.cells:  # categories, or the few values of a numeric parameter: labelled cells
            _cell_row(ax, y, bar.cells, bar.kept)
            continue
        ax.barh(y, 1.0, left=0.0, height=0.42, color="#dddddd")  # the whole sampled range
        # at least a sliver: a box of one value of many is still seen
        width = max(bar.hi_frac - bar.lo_frac, 0.006)
        ax.barh(y, width, left=min(bar.lo_frac, 1 - width), height=0.42, color=BLUE)
        if bar.hi_frac - bar.lo_frac < 0.25:  # too narrow for a label at each end
            middle = (bar.lo_frac + bar.hi_frac) / 2
            text = bar.labels[0] if bar.labels[0] == bar.labels[1] else " to ".join(bar.labels)
            ax.text(middle, y + 0.25, text, ha="center", fontsize=7)
        else:
            ax.text(bar.lo_frac, y + 0.25, bar.labels[0], ha="left", fontsize=7)
            ax.text(bar.hi_frac, y + 0.25, bar.labels[1], ha="right", fontsize=7)
        ax.text(0.0, y - 0.25, bar.ends[0], ha="left", va="top", fontsize=6, color="grey")
        ax.text(1.0, y - 0.25, bar.ends[1], ha="right", va="top", fontsize=6, color="grey")
    ax.set_yticks(
        [-i for i in range(len(bars))],
        [f"{bar.parameter}\n(quasi-p {bar.quasi_p:.2g})" for bar in bars],
        fontsize=7,
    )
    ax.set_ylim(-len(bars) + 0.4, 0.6)
    ax.set_xlim(-0.01, 1.01)
    ax.set_xticks([0, 1], ["lowest sampled", "highest sampled"], fontsize=7)
    ax.set_xlabel(
        "each parameter on its own scale: grey its sampled range, blue the box's (labelled with "
        "the real values);\ncategories, and the values of a parameter with few: the box keeps "
        "the filled cells",
        fontsize=7,
    )
    ax.set_title("the chosen box's restrictions (after pruning)", fontsize=9)
    return _save(fig, folder / "box.png")


def prim_plots(found: Discovery, folder: Path) -> list[Path]:
    """Scenario discovery: the peeling trajectory (coverage against density, coloured by how many
    parameters each box restricts; the chosen row ringed, the printed pruned box starred) and
    every restriction of the printed box, each on its parameter's own scale."""
    rundir.output_folder(folder)
    bars = box_bars(found.box, found.limits, found.full_limits, found.levels)
    return [_peeling(found, folder), _box(bars, folder)]


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
        color="#4c72b0",
        label="posterior 90%",
    )
    ax.plot(scale("post_p50"), y - 0.15, "|", color="black", markersize=12)
    ax.set_yticks(y, list(parameters["parameter"]), fontsize=7)
    ax.set_xlabel("position within the prior's 90% interval (0 = its 5th, 1 = its 95th percentile)")
    ax.legend(fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    return [_save(fig, folder / "posterior.png")]
