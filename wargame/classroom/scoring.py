"""The debrief's numbers: the outcome against the status quo, no deal and the Nash point, each
player's concessions, and where each player stands among agent-played runs of the same scenario.

The agents' runs are summarized by the rules of every summary of episodes (:mod:`wargame.summary`):
its quantiles, :func:`~wargame.summary.shares` and :func:`~wargame.summary.percentile` (which
:mod:`wargame.classroom` exports from here).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wargame.classroom import REFERENCE_RUNS, REFERENCE_SEED
from wargame.errors import Problem, WargameError
from wargame.experiment import Experiment, Plan
from wargame.montecarlo import run_experiment
from wargame.parameters import payoffs_of
from wargame.payoffs import failure_share
from wargame.results import load_run
from wargame.scenario import Scenario
from wargame.summary import percentile, quantile, quantiles, shares

if TYPE_CHECKING:
    from wargame.classroom.game import Game


def reference_utilities(
    scenario: Scenario, out: str | Path, runs: int = REFERENCE_RUNS, workers: int | None = None
) -> tuple[Any, Path]:
    """Agent-played Monte Carlo runs of the scenario as played: a cached run, or one made now."""
    data = scenario.data()
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:10]
    name = f"{scenario.name}-{digest}"
    folder = Path(out) / "classroom" / "reference"
    for run_dir in sorted((folder / name).glob("*"), reverse=True):
        try:
            run = load_run(run_dir)
        except WargameError:
            continue
        if run.manifest.get("status") == "complete" and run.plan.experiment.runs == runs:
            return run.episodes, run.run_dir
    experiment = Experiment(
        name=name, scenario=f"(classroom: {scenario.name})", runs=runs, seed=REFERENCE_SEED
    )
    run = run_experiment(
        Plan(experiment=experiment, scenario=data),
        executor="process" if (workers or 2) > 1 else "serial",
        workers=workers,
        out=folder,
    )
    return run.episodes, run.run_dir


def complete_debrief(folder: Path, transcript: dict[str, Any], workers: int | None = None) -> dict[str, Any]:
    """A finished game's transcript with its debrief, computed now if it is missing (the game
    replayed from its transcript, the reference runs cached under the game's ``<out>/classroom``)."""
    from wargame.classroom.game import Game
    from wargame.classroom.transcript import save

    episode = transcript.get("episode")
    if transcript.get("debrief") is not None or transcript.get("status") != "complete" or not episode:
        return transcript
    game = Game.replay(transcript)
    model = game.model
    assert model is not None
    if model.running or model.episode().to_dict()["outcome"] != episode["outcome"]:
        raise WargameError(
            Problem(str(folder), "", "replaying the transcript does not give the game it records")
        )
    out = folder.parent.parent  # <out>/classroom/<game>
    return save(folder, game, "complete", debrief(game, out, game.reference_runs, workers))


def debrief(
    game: Game, out: str | Path, runs: int = REFERENCE_RUNS, workers: int | None = None
) -> dict[str, Any]:
    """The numbers of the debrief: plain data, stored in the transcript (and rendered by
    :func:`wargame.classroom.transcript.debrief_markdown`)."""
    model = game.model
    assert model is not None
    episode = model.episode()
    scenario = model.scenario
    episodes, run_dir = reference_utilities(game.scenario, out, runs, workers)
    issues = {}
    for name, issue in scenario.issues.items():
        issues[name] = {
            "unit": issue.unit,
            "status_quo": issue.status_quo,
            "no_deal": issue.no_deal,
            "nash": None if episode.nash is None else episode.nash[name],
            "outcome": episode.outcome[name],
            "simulated_p50": quantile(episodes[f"outcome.{name}"], 0.5, discrete=issue.options is not None),
            "simulated": shares(episodes[f"outcome.{name}"].to_numpy(dtype=float)),
        }
    # one yardstick for the player and every simulated run: the payoffs at the start of the game
    # as played (events move payoffs during play, and would otherwise decide the ranking)
    yardstick = payoffs_of(game.scenario)
    names = list(scenario.issues)
    simulated_outcomes = episodes[[f"outcome.{n}" for n in names]].to_numpy(dtype=float)
    simulated_deal = episodes["deal"].to_numpy(dtype=bool)
    # what share of no_deal_cost each run pays: all of it without a deal, or the failed tracks' part
    tracks = list(scenario.tracks)
    if tracks:
        failed_tracks = sum((~episodes[f"agreed.{t}"].to_numpy(dtype=bool)).astype(float) for t in tracks)
        played_tracks = float(sum(not ok for ok, _ in episode.tracks.values()))
    else:
        failed_tracks, played_tracks = (~simulated_deal).astype(float), float(not episode.deal)
    failed = failure_share(np.asarray(failed_tracks, dtype=float), len(tracks))
    played_failed = failure_share(played_tracks, len(tracks))
    played_outcome = np.array([[episode.outcome[n] for n in names]])
    players = {}
    for actor in game.humans:
        a = yardstick.index(actor)
        cost = yardstick.no_deal_cost[a]
        simulated = yardstick.utilities(simulated_outcomes)[a] - cost * failed
        score = float(yardstick.utilities(played_outcome)[a, 0] - cost * played_failed)
        entry: dict[str, Any] = {
            "utility": episode.utility[actor],
            "reservation": episode.reservation[actor],
            "gain": episode.gain[actor],
            "score": score,
            "percentile": percentile(simulated, score),
            "simulated_score_p50": quantile(simulated, 0.5),
            # the agents' scores at every 5th percentile: the debrief's plot draws their spread
            "simulated_scores": [float(v) for v in quantiles(simulated, np.arange(0, 101, 5) / 100)],
            "simulated_deal_rate": float(simulated_deal.mean()),
        }
        opening = game.opening(actor)
        if opening is not None:
            package = np.array([opening[n] for n in scenario.issues])
            entry["opening"] = opening
            entry["opening_utility"] = float(model.utility_of(package)[model.payoffs.index(actor)])
            entry["conceded"] = entry["opening_utility"] - episode.utility[actor]
        entry["events_triggered"] = game.triggered_by(actor)
        players[actor] = entry
    from wargame.classroom.transcript import breakdown_text, verdict_text

    ending = game.ending()
    assert ending is not None
    return {
        "deal": episode.deal,
        "deal_round": episode.deal_round,
        "ended": episode.ended,  # agreement, deadline or breakdown
        "breakdown": episode.breakdown,
        "verdict": verdict_text(ending),  # what `wargame run` says of the same episode
        "why": breakdown_text(ending),  # the breakdown's cause, or None
        "issues": issues,
        "players": players,
        "nash_distance": episode.nash_distance,
        "reference": {"runs": len(episodes), "seed": REFERENCE_SEED, "run_dir": str(run_dir)},
    }
