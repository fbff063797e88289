"""Plots of a scenario discovery (matplotlib, written as PNG): the peeling trajectory and the chosen
box's restrictions (``RUN_DIR/discover/<target>/plots``).

What a figure draws is computed by a small pure function (:func:`box_bars`, :func:`peeling_marks`)
so that tests check the data, not pixels; the drawing functions only draw it, and take plain
data, not a :class:`~wargame.discovery.Discovery` (which writes them: no cycle, not even of types).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from wargame import rundir
from wargame.plotting import BLUE, RED, plt, save

if TYPE_CHECKING:
    from wargame.prim import Limit


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


def _peeling(trajectory: pd.DataFrame, marks: PeelingMarks, folder: Path) -> Path:
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
    return save(fig, folder / "peeling.png")


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
        return save(fig, folder / "box.png")
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
    return save(fig, folder / "box.png")


def prim_plots(trajectory: pd.DataFrame, marks: PeelingMarks, bars: list[BoxBar], folder: Path) -> list[Path]:
    """Scenario discovery: the peeling ``trajectory`` (coverage against density, coloured by how
    many parameters each box restricts; the chosen row ringed, the printed pruned box starred, as
    ``marks`` say) and every restriction of the printed box (``bars``), each on its parameter's own
    scale."""
    rundir.output_folder(folder)
    return [_peeling(trajectory, marks, folder), _box(bars, folder)]
