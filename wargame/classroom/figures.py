"""The debrief as a picture: each issue's outcome against the agents' distribution, the status quo,
no deal and the Nash point; each player's score against the agents' scores. Drawn from the
transcript alone (its ``debrief`` block), so any saved game can be drawn again."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure


def debrief_png(transcript: Mapping[str, Any]) -> bytes:
    """The debrief figure of a finished game's transcript, as PNG bytes."""
    d = transcript["debrief"]
    issues = d["issues"]
    players = d["players"]
    columns = max(len(issues), len(players), 1)
    # a Figure of its own, not pyplot's global state: a server draws debriefs from several threads
    fig = Figure(figsize=(2.6 * columns + 1, 5.6), layout="constrained")
    axes = fig.subplots(2, columns, squeeze=False)
    for ax, (name, i) in zip(axes[0], issues.items(), strict=False):
        values = [s["value"] for s in i.get("simulated", [])]
        share = [100 * s["share"] for s in i.get("simulated", [])]
        gaps = np.diff(sorted({*values, i["status_quo"], i["no_deal"], i["outcome"]}))
        width = 0.8 * float(gaps[gaps > 0].min()) if np.any(gaps > 0) else 0.5
        ax.bar(values, share, width=width, color="#9fb3d1", label="agents' runs")
        ax.axvline(i["status_quo"], color="black", linestyle="--", label="status quo")
        ax.axvline(i["no_deal"], color="#c44e52", linestyle=":", label="no deal")
        if i["nash"] is not None:
            ax.axvline(i["nash"], color="#55a868", linewidth=1.5, label="Nash point")
        ax.axvline(i["outcome"], color="#dd8452", linewidth=3, label="your game")
        ax.set_title(name.replace("_", " "), fontsize=9)
        ax.set_xlabel(i["unit"], fontsize=7)
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel("% of agents' runs", fontsize=8)
    axes[0][0].legend(fontsize=6, loc="best")
    steps = np.arange(0, 101, 5)
    for ax, (actor, p) in zip(axes[1], players.items(), strict=False):
        scores = p.get("simulated_scores")
        if scores:
            ax.plot(scores, steps, color="#4c72b0", label="agents playing it")
        ax.axvline(p["score"], color="#dd8452", linewidth=3, label="you")
        ax.set_title(f"{actor}: better than {p['percentile']:.0f}% of runs", fontsize=9)
        ax.set_xlabel("score (utility at the start's payoffs)", fontsize=7)
        ax.set_ylabel("percentile", fontsize=7)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=6, loc="lower right")
    for row in axes:
        for ax in row:
            if not ax.has_data():
                ax.set_visible(False)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
